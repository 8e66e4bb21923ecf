"""The findings read model counted by kind (the dashboard's findings by kind): over an
organization's subtree, with the same filters as the list of findings."""

from __future__ import annotations

from datetime import date

from projections.findings import FindingsModel
from projections.findings_query import FindingsQuery, count_by_kind, query_findings
from projections.organizations import OrganizationsModel
from projections.service import ReadModels
from tests.support.world import World


def counted(read_models: ReadModels, query: FindingsQuery) -> list[tuple[str, int]]:
    read_models.catch_up()
    model = read_models.model(FindingsModel.name)
    assert isinstance(model, FindingsModel)
    ancestors = read_models.model(OrganizationsModel.name).names["ancestors"]
    with read_models.database.transaction() as tx:
        by_kind = count_by_kind(model, ancestors, tx, query)
        _, listed = query_findings(model, ancestors, tx, query, order_by="f.id", limit=1, offset=0)
    assert sum(count for _, count in by_kind) == listed  # the same findings as the list's
    return by_kind


def test_findings_are_counted_by_kind_in_a_subtree(world: World, read_models: ReadModels) -> None:
    """F-OFFUNIT in 市财政局第一党支部 (under pc) and in 市档案馆第一党支部 (under pc2); F-DEADLINE
    (A-2.2, an interview after a month) in the first."""
    world.submit(unit="市档案馆")
    world.submit(unit="市财政局", branch="branch2", by="secretary2")
    late = world.submit()
    world.step(late, "applicant_interviewed", on=date(2023, 4, 2))

    assert counted(read_models, FindingsQuery(world.ids["wc"])) == [
        ("F-DEADLINE", 1),
        ("F-OFFUNIT", 2),
    ]
    assert counted(read_models, FindingsQuery(world.ids["pc"])) == [
        ("F-DEADLINE", 1),
        ("F-OFFUNIT", 1),
    ]
    assert counted(read_models, FindingsQuery(world.ids["branch2"])) == [("F-OFFUNIT", 1)]
    assert counted(read_models, FindingsQuery(world.ids["branch_b"])) == []
    assert counted(read_models, FindingsQuery(kind="F-OFFUNIT")) == [("F-OFFUNIT", 2)]
    assert counted(read_models, FindingsQuery(date_from=date(2023, 4, 1))) == [("F-DEADLINE", 1)]
