"""A read model whose definition changed between releases is rebuilt from the first event; one
whose definition is the same keeps its rows and positions (projections.tracking)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from memberflow.bootstrap import build
from memberflow.settings import Settings
from projections.pipeline import PipelineModel
from projections.service import ReadModels
from projections.tracking import DEFINITIONS, TRACKING, fingerprint
from tests.support.world import World


def positions(read_models: ReadModels, projection: str) -> dict[str, int]:
    with read_models.database.transaction(write=False) as tx:
        rows = tx.fetchall(
            f"SELECT source, position FROM {TRACKING} WHERE projection = ?", (projection,)
        )
    return {source: int(position) for source, position in rows}


def cases_counted(read_models: ReadModels) -> int:
    names = read_models.model(PipelineModel.name).names
    with read_models.database.transaction(write=False) as tx:
        row = tx.fetchone(f"SELECT COUNT(*) FROM {names['pipeline_cases']}")
    return int(row[0]) if row else 0


@contextmanager
def reopened(settings: Settings) -> Iterator[ReadModels]:
    """The read models as the next start of the service finds them."""
    memberflow = build(settings)
    try:
        memberflow.read_models.ensure_created()
        yield memberflow.read_models
    finally:
        memberflow.close()


def test_a_changed_definition_is_rebuilt_and_an_unchanged_one_kept(
    world: World, read_models: ReadModels, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.submit()
    world.submit()
    read_models.catch_up()
    reached = positions(read_models, "pipeline")
    assert reached["membership"] > 0
    assert cases_counted(read_models) == 2

    with reopened(settings) as same:
        assert positions(same, "pipeline") == reached  # nothing to do: the same definition
        assert cases_counted(same) == 2

    monkeypatch.setattr(PipelineModel, "revision", PipelineModel.revision + 1)
    with reopened(settings) as changed:
        assert positions(changed, "pipeline") == {}  # started over ...
        assert cases_counted(changed) == 0
        assert positions(changed, "inbox") == positions(read_models, "inbox") != {}  # ... alone
        while changed.catch_up():
            pass
        assert positions(changed, "pipeline") == reached  # ... and caught up again
        assert cases_counted(changed) == 2


def test_a_store_from_before_definitions_were_recorded_is_rebuilt(
    world: World, read_models: ReadModels, settings: Settings
) -> None:
    world.submit()
    read_models.catch_up()
    with read_models.database.transaction() as tx:
        tx.execute(f"DELETE FROM {DEFINITIONS}")  # as a release before issue 11 left it
    with reopened(settings) as rebuilt:
        assert positions(rebuilt, "pipeline") == {}
        with rebuilt.database.transaction(write=False) as tx:
            recorded: dict[str, str] = dict(
                tx.fetchall(f"SELECT projection, fingerprint FROM {DEFINITIONS}")
            )
        assert recorded["pipeline"] == fingerprint(rebuilt.model("pipeline"))
