"""Replay of a jurisdiction from the events alone, and re-derivation of every read model.

The jurisdiction is ``pc`` (市财政局机关党委) of ``World``: a case excepted from A-7.3 (F-EXC), a case
with a late entry (F-LATE), a case in the 潮州 pattern (F-ORDER), a clean case, a case that was
transferred out to ``pc2``'s subtree, an election of ``branch`` requested at short notice
(F-DEADLINE E-1.3), and a case that never left ``pc2``'s subtree, which must not be listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from cli.main import cli
from domain.commands import Entry, TakeElectionStep, TransferCase
from domain.context import Role
from domain.elections.details import Decision
from memberflow.bootstrap import Memberflow
from projections.access_log import accesses
from projections.reconcile import columns_of, reconcile
from projections.registry import ALL_MODELS
from projections.service import ReadModels
from services.replay import Report
from services.replay.jurisdiction import Progress, replay
from services.replay.rendering import render_html
from tests.support.client import client_for
from tests.support.clock import FixedClock
from tests.support.world import ALL_OPINIONS, World, path_between


@dataclass(frozen=True)
class Jurisdiction:
    world: World
    excepted: UUID
    late: UUID
    chaozhou: UUID
    clean: UUID
    moved_out: UUID
    elsewhere: UUID
    election: UUID


def _chaozhou(world: World) -> UUID:
    """政审材料补交: the review is dated after the meeting that it should have preceded."""
    case_id = world.submit(name="池某丙")
    backdated = {
        "training_completed": date(2024, 6, 5),
        "branch_committee_reviewed": date(2024, 6, 8),
        "pre_review_passed": date(2024, 6, 10),
        "application_form_completed": date(2024, 6, 12),
        "branch_meeting_admitted": date(2024, 6, 15),
    }
    for planned in path_between(2, 16):
        on = backdated.get(planned.slug, planned.on)
        if planned.slug == "political_review_concluded":
            on = date(2024, 6, 20)
        world.step(
            case_id,
            planned.slug,
            on=on,
            by=planned.by,
            documents=planned.documents,
            recorded_on=date(2024, 6, 21) if planned.slug in backdated else None,
            **planned.fields,
        )
    return case_id


OPINIONS = ALL_OPINIONS[:3]  # party group, contacts and members; not the masses


@pytest.fixture
def jurisdiction(world: World) -> Jurisdiction:
    excepted = world.case_before(7, name="例外甲")  # the masses' opinion is not on file
    world.except_(excepted, "development_target_designated", "A-7.3", on=date(2024, 4, 11))
    world.step(
        excepted, "development_target_designated", on=date(2024, 4, 12), opinions_heard=OPINIONS
    )

    late = world.submit(name="迟录乙")
    world.step(late, "applicant_interviewed", recorded_on=date(2023, 5, 15))  # 56 days late

    chaozhou = _chaozhou(world)
    clean = world.submit(name="清白丁", branch="branch_b", on=date(2025, 2, 1))

    moved_out = world.submit(name="转出戊", on=date(2025, 3, 1))
    world.clock.set_day(date(2025, 3, 10))
    world.run(TransferCase(moved_out, world.ids["branch2"], Entry(date(2025, 3, 10))), "secretary")

    elsewhere = world.submit(
        name="外单位己", branch="branch2", by="secretary2", unit="市档案馆", on=date(2024, 5, 1)
    )

    world.clock.set_day(date(2025, 4, 1))
    # Less than a month's notice: E-1.3.
    election = world.request_election(date(2025, 4, 1), date(2025, 4, 15))
    world.clock.set_day(date(2025, 4, 5))
    world.run(
        TakeElectionStep(
            election, "election_request_approved", Decision(approved=True), Entry(date(2025, 4, 5))
        ),
        "official",
    )
    return Jurisdiction(world, excepted, late, chaozhou, clean, moved_out, elsewhere, election)


def _replay(
    memberflow: Memberflow,
    organization_id: UUID,
    from_: date | None = None,
    to: date | None = None,
    progress: Progress | None = None,
) -> Report:
    return replay(
        memberflow.organizations,
        memberflow.membership,
        memberflow.settings.policy,
        organization_id,
        from_,
        to,
        progress,
    )


def _findings(report: Report) -> set[tuple[UUID, str, str | None]]:
    of_cases = {(c.id, f.kind, f.rule) for c in report.cases for f in c.findings}
    return of_cases | {(e.id, f.kind, f.rule) for e in report.elections for f in e.findings}


def _exceptions(report: Report) -> set[tuple[UUID, str, str]]:
    return {(c.id, e.step, e.rule) for c in report.cases for e in c.exceptions}


def test_the_replay_lists_exactly_the_cases_findings_and_exceptions_of_the_jurisdiction(
    jurisdiction: Jurisdiction,
) -> None:
    j = jurisdiction
    progress: list[tuple[str, int, int]] = []
    report = _replay(j.world.memberflow, j.world.ids["pc"], progress=lambda *a: progress.append(a))

    assert {c.id for c in report.cases} == {
        j.excepted,
        j.late,
        j.chaozhou,
        j.clean,
        j.moved_out,
    }
    assert [e.id for e in report.elections] == [j.election]
    assert _findings(report) == {
        (j.excepted, "F-EXC", "A-7.3"),
        (j.late, "F-LATE", None),
        (j.chaozhou, "F-ORDER", None),
        (j.election, "F-DEADLINE", "E-1.3"),
    }
    assert _exceptions(report) == {(j.excepted, "development_target_designated", "A-7.3")}
    assert report.totals == {"F-DEADLINE": 1, "F-EXC": 1, "F-LATE": 1, "F-ORDER": 1}
    assert report.exceptions_total == 1

    excepted = next(c for c in report.cases if c.id == j.excepted)
    target = excepted.steps[-1]
    assert (target.slug, target.waived, target.actor.role) == (
        "development_target_designated",
        ["A-7.3"],
        "branch_secretary",
    )
    assert excepted.exceptions[0].used
    assert excepted.exceptions[0].granted_by.id == "official"
    assert (excepted.stage, excepted.status) == (3, "open")
    moved = next(c for c in report.cases if c.id == j.moved_out)
    assert [b.name for b in moved.branches] == ["市财政局第一党支部", "市档案馆第一党支部"]
    assert moved.branch.id == j.world.ids["branch2"]
    election = report.elections[0]
    assert [s.slug for s in election.steps] == ["election_requested", "election_request_approved"]
    assert {phase for phase, _, _ in progress} == {"scan", "rebuild"}
    assert progress[-1][1] == progress[-1][2]

    # The other committee's replay holds the case that was there, and the one moved in.
    other = _replay(j.world.memberflow, j.world.ids["pc2"])
    assert {c.id for c in other.cases} == {j.elsewhere, j.moved_out}
    assert json.loads(report.to_json())["organization"]["id"] == str(j.world.ids["pc"])


def test_the_period_selects_the_subjects_with_an_event_in_it(jurisdiction: Jurisdiction) -> None:
    j = jurisdiction
    memberflow, pc = j.world.memberflow, j.world.ids["pc"]

    early = _replay(memberflow, pc, to=date(2023, 12, 31))
    assert {c.id for c in early.cases} == {j.excepted, j.late, j.chaozhou}
    assert early.elections == []
    # A subject is reported whole: the steps outside the period are there, marked as such.
    excepted = next(c for c in early.cases if c.id == j.excepted)
    assert excepted.steps[-1].slug == "development_target_designated"
    assert not excepted.steps[-1].in_period
    assert excepted.steps[0].in_period

    late = _replay(memberflow, pc, from_=date(2025, 1, 1))
    assert {c.id for c in late.cases} == {j.clean, j.moved_out}
    assert [e.id for e in late.elections] == [j.election]
    assert late.totals == {"F-DEADLINE": 1}

    window = _replay(memberflow, pc, from_=date(2024, 4, 12), to=date(2024, 4, 12))
    assert [c.id for c in window.cases] == [j.excepted]


def _accessed(world: World) -> list[tuple[str, str, str | None, str]]:
    """Who read what: (action, scope kind, scope id, actor role) of every recorded access."""
    audit = world.memberflow.audit
    assert audit is not None
    return [(a.action, a.scope.kind, a.scope.id, a.actor.role.value) for a in accesses(audit)]


def _env(monkeypatch: pytest.MonkeyPatch, world: World, tmp_path: Path) -> None:
    settings = world.memberflow.settings
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path))


def test_the_replay_command_writes_the_json_and_the_html(
    jurisdiction: Jurisdiction, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = jurisdiction
    _env(monkeypatch, j.world, tmp_path)
    out = tmp_path / "reports"
    pc = j.world.ids["pc"]

    result = CliRunner().invoke(
        cli, ["audit", "replay", "--org", str(pc), "--from", "2023-01-01", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert "5 cases, 1 elections, 1 exceptions" in result.output
    [json_file] = out.glob(f"replay-{pc}-*.json")
    [html_file] = out.glob(f"replay-{pc}-*.html")
    assert json_file.stem == html_file.stem
    report = json.loads(json_file.read_text(encoding="utf-8"))
    assert report["from"] == "2023-01-01"
    assert len(report["cases"]) == 5
    html = html_file.read_text(encoding="utf-8")
    for name in ("例外甲", "迟录乙", "池某丙", "清白丁", "转出戊"):
        assert name in html
    assert "外单位己" not in html
    assert "F-ORDER" in html
    assert "http://" not in html
    assert "https://" not in html
    assert _accessed(j.world) == [("replay", "organization", str(pc), "admin")]

    bad = CliRunner().invoke(cli, ["audit", "replay", "--org", str(pc), "--from", "2023-13-01"])
    assert bad.exit_code != 0
    unknown = CliRunner().invoke(cli, ["audit", "replay", "--org", str(j.excepted)])
    assert unknown.exit_code != 0


def test_the_replay_over_http_is_for_auditors(
    jurisdiction: Jurisdiction, clock: FixedClock
) -> None:
    j = jurisdiction
    client = client_for(j.world.memberflow, clock)
    client.ids["pc"] = str(j.world.ids["pc"])
    client.login("inspector", Role.DISCIPLINE_INSPECTOR, "pc")
    client.login("secretary", Role.BRANCH_SECRETARY, "pc")
    path = f"/audit/replay?org={j.world.ids['pc']}&from=2025-01-01"

    assert client.get(path, by="secretary").status_code == 403
    assert client.http.get(path).status_code == 401
    response = client.get(path, by="inspector")
    assert response.status_code == 200, response.text
    body = response.json()
    assert {c["applicant"] for c in body["cases"]} == {"清白丁", "转出戊"}
    assert body["from"] == "2025-01-01"
    assert body["totals"] == {"F-DEADLINE": 1}
    page = client.get(path + "&format=html", by="inspector")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "清白丁" in page.text
    missing = client.get(f"/audit/replay?org={j.excepted}", by="inspector")
    assert missing.status_code == 404
    assert ("replay", "organization", str(j.world.ids["pc"]), "discipline_inspector") in (
        _accessed(j.world)
    )
    assert ("replay", "organization", str(j.world.ids["pc"]), "branch_secretary") not in (
        _accessed(j.world)
    )


def test_the_html_escapes_what_people_typed(jurisdiction: Jurisdiction) -> None:
    j = jurisdiction
    j.world.submit(name="<script>x</script>", on=date(2025, 5, 1))
    html = render_html(_replay(j.world.memberflow, j.world.ids["pc"]))
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


@pytest.fixture
def caught_up(jurisdiction: Jurisdiction, read_models: ReadModels) -> ReadModels:
    """The read models, caught up with the jurisdiction's history."""
    read_models.catch_up()
    return read_models


def test_reconcile_passes_on_a_clean_store(
    jurisdiction: Jurisdiction,
    caught_up: ReadModels,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = reconcile(caught_up)
    assert result.ok
    assert [m.name for m in result.models] == [m.name for m in ALL_MODELS]
    _env(monkeypatch, jurisdiction.world, tmp_path)

    command = CliRunner().invoke(cli, ["audit", "reconcile"])

    assert command.exit_code == 0, command.output
    for model in ALL_MODELS:
        assert f"{model.name}: same" in command.output
    assert _accessed(jurisdiction.world) == [("reconcile", "read_models", None, "admin")]
    with caught_up.database.transaction(write=False) as tx:  # the scratch tables are gone
        left = tx.fetchall(
            "SELECT projection FROM rm_tracking WHERE projection LIKE ?", ("%audit",)
        )
    assert left == []


def test_reconcile_reports_a_changed_an_extra_and_a_deleted_row(
    jurisdiction: Jurisdiction,
    caught_up: ReadModels,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    j = jurisdiction
    with caught_up.database.transaction() as tx:
        tx.execute(
            "UPDATE rm_pipeline_cases SET status = 'archived' WHERE case_id = ?", (str(j.late),)
        )
        columns, _ = columns_of(caught_up.model("findings").tables["findings"])
        copied = ", ".join("'forged'" if c == "id" else c for c in columns)
        forged = tx.execute(
            f"INSERT INTO rm_findings ({', '.join(columns)}) "
            f"SELECT {copied} FROM rm_findings WHERE subject_id = ?",
            (str(j.chaozhou),),
        )
        deleted = tx.execute(
            "DELETE FROM rm_pipeline_steps WHERE case_id = ? AND version = 1", (str(j.clean),)
        )
    assert (forged, deleted) == (1, 1)

    result = reconcile(caught_up)

    assert not result.ok
    by_model = {m.name: m for m in result.models}
    assert by_model["organizations"].ok
    assert by_model["inbox"].ok
    pipeline = {d.table: d for d in by_model["pipeline"].differences}
    cases = pipeline["rm_pipeline_cases"]
    assert [cases.keyed(r) for r in cases.only_live] == [{"case_id": str(j.late)}]
    assert [cases.keyed(r) for r in cases.only_rebuilt] == [{"case_id": str(j.late)}]
    assert cases.only_live[0][cases.columns.index("status")] == "archived"
    assert cases.only_rebuilt[0][cases.columns.index("status")] == "open"
    steps = pipeline["rm_pipeline_steps"]
    assert steps.only_live == ()
    assert [steps.keyed(r) for r in steps.only_rebuilt] == [{"case_id": str(j.clean), "version": 1}]
    [findings] = by_model["findings"].differences
    assert findings.table == "rm_findings"
    assert [findings.keyed(r) for r in findings.only_live] == [{"id": "forged"}]
    assert findings.only_rebuilt == ()

    _env(monkeypatch, j.world, tmp_path)
    command = CliRunner().invoke(cli, ["audit", "reconcile"])
    assert command.exit_code == 1, command.output
    assert "pipeline: DIFFERENT" in command.output
    assert "findings: DIFFERENT" in command.output
    assert "id=forged" in command.output
    assert str(j.late) in command.output


def test_reconcile_stops_at_the_positions_of_the_live_snapshot(
    jurisdiction: Jurisdiction, caught_up: ReadModels
) -> None:
    """Events written after the live model caught up are not applied to either copy."""
    j = jurisdiction
    positions = caught_up.followers["pipeline"].positions()
    j.world.submit(name="后来庚", on=date(2025, 6, 1))
    follower = caught_up.followers["pipeline"]
    original = follower.catch_up
    follower.catch_up = lambda *a, **k: 0  # type: ignore[method-assign]
    try:
        [pipeline] = reconcile(caught_up, ["pipeline"]).models
    finally:
        follower.catch_up = original  # type: ignore[method-assign]
    assert pipeline.ok
    assert pipeline.positions == positions
