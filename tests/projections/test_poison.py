"""No poisoned read model (issue 10).

Whatever the command side accepts, every read model projects: a property test drives the API's
own request schemas at their bounds and checks that every follower reaches the head of every log.
A read model that still fails on an event stops alone, says so (``/health``, ``/metrics``, reads
with ``?after=``, the log), tries again with a growing back-off, and applies the event exactly once
when it can; a rebuild of another model is not held up by it.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from psycopg import sql
from structlog.testing import capture_logs
from typer.testing import CliRunner

from cli.main import cli
from domain.commands import Entry, RegisterOrganization
from domain.context import Actor, Context, Role
from domain.dates import business_date
from domain.organizations import Organization, OrgKind
from memberflow.bootstrap import build
from memberflow.settings import Settings
from projections.failures import message
from projections.model import Event
from projections.organizations import OrganizationsModel
from projections.rebuild import rebuild
from projections.service import ReadModels
from tests.support.bounds import parameter_schema, pushed, request_schema
from tests.support.client import Client, client_for, document_json
from tests.support.clock import FixedClock
from tests.support.identity import person_id_number
from tests.support.stores import POSTGRES_URL, require_postgres
from tests.support.world import APPLIED_ON, CLEAN_PATH, World

BROKEN = "Python int too large to convert to SQLite INTEGER"


def _rows(read_models: ReadModels) -> dict[str, list[tuple[object, ...]]]:
    with read_models.database.transaction(write=False) as tx:
        return {
            table: sorted(tx.fetchall(f"SELECT * FROM {table}"), key=repr)
            for model in read_models.models.values()
            for table in model.names.values()
        }


def _heads(read_models: ReadModels) -> dict[str, int]:
    return {
        name: app.recorder.max_notification_id() or 0
        for name, app in read_models.applications.items()
    }


def _caught_up(read_models: ReadModels, *, but: str | None = None) -> bool:
    heads = _heads(read_models)
    return all(
        position == heads[source]
        for name, follower in read_models.followers.items()
        if name != but
        for source, position in follower.positions().items()
    )


# A log written before the request bounds: what was accepted then is still projected.


def _context(day: date) -> Context:
    return Context(
        occurred_on=day,
        recorded_at=datetime(2026, 11, 20, tzinfo=UTC),
        actor=Actor(id="admin", role=Role.ADMIN),
        request_id="before-the-bounds",
    )


def test_a_log_written_before_the_bounds_is_projected(world: World) -> None:
    """The events of issue 10, stored as an older release accepted them: development plans of
    10**30 and 2**40 admissions (SQLite's and PostgreSQL's integers hold neither), and names
    with a NUL character (PostgreSQL text cannot hold one)."""
    organizations = world.memberflow.organizations
    read_models = world.memberflow.read_models
    committee = organizations.organization(world.ids["pc"])
    committee._set_development_plan(
        year=2026, admissions=10**30, context=_context(date(2026, 1, 5))
    )
    committee._set_development_plan(year=2025, admissions=2**40, context=_context(date(2025, 1, 5)))
    odd = Organization(
        name="第\x00三党支部",
        kind=OrgKind.BRANCH,
        parent_id=world.ids["pc"],
        may_approve_admissions=False,
        unit="单位\x00",
        context=_context(date(2026, 1, 5)),
    )
    organizations.save(committee, odd)

    read_models.catch_up()
    assert read_models.failing() == []
    assert _caught_up(read_models)
    client = client_for(world.memberflow, world.clock)
    client.login("admin", Role.ADMIN)
    board = client.get(f"/dashboard/pipeline?org={world.ids['wc']}")
    assert board.status_code == 200, board.text
    planned = {row["year"]: row["planned"] for row in board.json()["admissions"]}
    assert planned == {2025: 2**40, 2026: 10**30}  # exactly, not rounded through a float
    rows = _rows(read_models)
    for name in read_models.models:
        rebuild(read_models, name)
    assert _rows(read_models) == rows


# Whatever the command side accepts can be projected: the API's request schemas at their bounds.

DAY = date(2026, 11, 20)


@contextmanager
def _fresh(store: str, directory: Path) -> Iterator[Client]:
    """A store of its own for one example, with the setting of ``Client.setting``."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    url = (
        f"{POSTGRES_URL}?schema={schema}"
        if store == "postgres"
        else f"sqlite:///{directory / f'{uuid.uuid4().hex}.db'}"
    )
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock.set_day(DAY)
    settings = Settings(database_url=url, data_dir=directory, db_pool_size=3, log_level="WARNING")
    memberflow = build(settings, clock)
    try:
        client = client_for(memberflow, clock)
        client.setting()
        client.login("inspector", Role.DISCIPLINE_INSPECTOR, "wc")
        yield client
    finally:
        memberflow.close()
        if store == "postgres":
            with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
                )


class _Driver:
    """Sends each command with a body hypothesis pushed to the bounds of its request schema."""

    def __init__(self, client: Client, doc: dict[str, Any], data: st.DataObject) -> None:
        self.client, self.doc, self.data = client, doc, data
        self.ids = client.ids

    def send(self, path: str, by: str, base: dict[str, Any], key: str | None = None) -> Any:
        """The command with a pushed body; refused, with its base body, so that what follows
        still has what it needs."""
        today = business_date(self.client.clock.now())
        schema = request_schema(self.doc, "post", path)
        body = self.data.draw(pushed(self.doc, schema, base, today), label=path)
        response = self._post(path, body, by, "at a bound" if body != base else "")
        if response.status_code == 422 and body != base:
            response = self._post(path, base, by)
        if key and response.status_code == 201:
            self.ids[key] = response.json()["id"]
        return response

    def _post(self, path: str, body: dict[str, Any], by: str, how: str = "") -> Any:
        response = self.client.post(path, body, by)
        assert response.status_code < 500, response.text
        event(f"{re.sub(r'/[0-9a-f-]{36}', '/…', path)} {how}: {response.status_code}")
        return response

    def organizations(self) -> None:
        ids, day = self.ids, DAY.isoformat()
        branch = {
            "name": "第二党支部",
            "kind": "branch",
            "parent_id": ids["pc"],
            "unit": "市财政局",
        }
        self.send("/organizations", "admin", {**branch, "term_started_on": "2022-06-01"}, "term")
        self.send(
            f"/organizations/{ids['pc']}/development-plans",
            "official",
            {"year": 2026, "admissions": 3},
        )
        extension = {"occurred_on": day, "months": 6, "reason": "机构改革"}
        self.send(
            f"/organizations/{ids.get('term', ids['branch'])}/term-extension", "official", extension
        )
        if "term" in ids:
            self.client.login("term_secretary", Role.BRANCH_SECRETARY, "term")
            election = {
                "organization_id": ids["term"],
                "occurred_on": day,
                "seats": 3,
                "secretary_seats": 1,
                "deputy_seats": 1,
                "meeting_form": "member_meeting",
                "planned_date": "2026-12-20",
            }
            self.send("/elections", "term_secretary", election)
        born = date(1980, 3, 1)
        member = {
            "name": "党员五",
            "birth_date": born.isoformat(),
            "id_number": person_id_number("党员五", born),
            "branch_id": ids["branch"],
            "status": "full",
            "joined_on": "2008-07-01",
        }
        self.send("/members", "admin", member)

    def admission(self) -> None:
        self.client.clock.set_day(APPLIED_ON)
        applicant = {
            "name": "申请人",
            "birth_date": "1998-05-01",
            "unit": "市财政局",
            "id_number": person_id_number("申请人", date(1998, 5, 1)),
        }
        body = {
            "applicant": applicant,
            "branch_id": self.ids["branch"],
            "basis": "work_unit",
            "occurred_on": APPLIED_ON.isoformat(),
            "documents": [document_json("application_letter")],
        }
        if self.send("/admissions", "secretary", body, "case").status_code != 201:
            return
        case = self.ids["case"]
        for planned in CLEAN_PATH[: self.data.draw(st.integers(0, 16), label="steps")]:
            self.client.clock.set_day(planned.on)
            step = {
                "occurred_on": planned.on.isoformat(),
                "documents": [document_json(kind.value) for kind in planned.documents],
                **{name: self._ids(value) for name, value in planned.fields.items()},
            }
            self.send(f"/admissions/{case}/steps/{planned.slug}", planned.by, step)
        self.client.clock.set_day(DAY)
        self._history(case)

    def _ids(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.ids.get(v, v) if isinstance(v, str) else v for v in value]
        return value

    def _history(self, case: str) -> None:
        """Reads of history, each recorded in the audit log; a comment on an inbox item."""
        version = parameter_schema(self.doc, f"/admissions/{case}", "version")
        asked = self.data.draw(pushed(self.doc, version, 1, DAY), label="version")
        self.client.get(f"/admissions/{case}?version={asked}", "inspector")
        self.client.get(f"/audit/cases/{case}/timeline", "inspector")
        self.client.memberflow.read_models.catch_up()
        inbox = self.client.get(f"/approvals/inbox?org={self.ids['pc']}", "official")
        if inbox.status_code == 200 and inbox.json()["data"]:
            item = inbox.json()["data"][0]["item"]
            self.send(f"/approvals/{item}/comment", "official", {"text": "同意"})


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_every_accepted_command_is_projected_by_every_read_model(
    store: str, tmp_path: Path, data: st.DataObject
) -> None:
    """Commands whose bodies sit at the bounds of their request schemas; whatever the API
    accepts, every read model reaches the head of every log, and none is failing."""
    if store == "postgres":
        require_postgres()
    with _fresh(store, tmp_path) as client:
        doc = client.http.app.openapi()  # type: ignore[attr-defined]
        driver = _Driver(client, doc, data)
        driver.organizations()
        driver.admission()
        read_models = client.memberflow.read_models
        read_models.catch_up()
        assert read_models.failing() == []
        assert _caught_up(read_models)


# A read model that fails on an event.


@pytest.fixture
def poisoned(world: World, monkeypatch: pytest.MonkeyPatch) -> tuple[int, UUID]:
    """The organizations read model cannot apply one registration (as every copy of the model
    would fail: the class is patched, so the command line's read models fail too), with events
    before and after it in every log. Yields the event's position and its organization."""
    read_models = world.memberflow.read_models
    read_models.catch_up()
    entry = Entry(date(2020, 1, 1))
    command = RegisterOrganization("坏支部", OrgKind.BRANCH, world.ids["pc"], False, None, entry)
    outcome = world.run(command, "admin")
    world.org("after", "后来的支部", OrgKind.BRANCH, "pc")
    world.submit(name="申请人甲")
    original = OrganizationsModel.process

    def process(self: OrganizationsModel, event: Event, *args: Any) -> None:
        if event.originator_id == outcome.subject_id:
            raise OverflowError(BROKEN)
        original(self, event, *args)

    monkeypatch.setattr(OrganizationsModel, "process", process)
    return outcome.position, outcome.subject_id


def test_a_failing_read_model_stops_alone_retries_and_applies_the_event_once(
    world: World, poisoned: tuple[int, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    position, _ = poisoned
    read_models = world.memberflow.read_models
    now = [1000.0]
    read_models.monotonic = lambda: now[0]

    with capture_logs() as logs:
        read_models.catch_up()
        read_models.catch_up()  # within the back-off: not tried again
        for wait in (0.5, 1.0):
            now[0] += wait
            read_models.catch_up()
    [failure] = read_models.failing()
    assert (failure.projection, failure.log, failure.position) == (
        "organizations",
        "organizations",
        position,
    )
    assert (failure.error_type, failure.error, failure.attempts) == ("OverflowError", BROKEN, 3)
    # Stopped right before the event; every other read model is at the head of every log.
    assert read_models.followers["organizations"].positions() == {"organizations": position - 1}
    assert _caught_up(read_models, but="organizations")
    failed = [entry for entry in logs if entry["event"] == "projections.event_failed"]
    assert [(e["projection"], e["log"], e["position"], e["attempt"]) for e in failed] == [
        ("organizations", "organizations", position, attempt) for attempt in (1, 2, 3)
    ]
    assert [e["retry_in_seconds"] for e in failed] == [0.5, 1.0, 2.0]  # doubling
    assert all(e["error"] == BROKEN and e["error_type"] == "OverflowError" for e in failed)

    monkeypatch.undo()  # the fix is deployed
    now[0] += 2.0
    with capture_logs() as logs:
        read_models.catch_up()
    assert read_models.failing() == []
    assert _caught_up(read_models)
    assert [e["position"] for e in logs if e["event"] == "projections.recovered"] == [position]
    rows = _rows(read_models)
    rebuild(read_models, "organizations")  # a clean run from the first event
    assert _rows(read_models) == rows


def test_health_metrics_and_reads_name_the_failing_model(
    world: World, poisoned: tuple[int, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    position, _ = poisoned
    read_models = world.memberflow.read_models
    read_models.catch_up()
    client = client_for(world.memberflow, world.clock)
    client.login("admin", Role.ADMIN)

    health = client.http.get("/health")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "degraded"
    [failing] = body["failing"]
    assert failing["projection"] == "organizations"
    assert (failing["log"], failing["position"]) == ("organizations", position)
    assert (failing["error_type"], failing["error"], failing["attempts"]) == (
        "OverflowError",
        BROKEN,
        1,
    )
    assert {"since", "retry_at"} <= failing.keys()
    documented = client.http.get("/openapi.json").json()["paths"]["/health"]["get"]["responses"]
    assert {"200", "503"} <= documented.keys()

    metrics = client.get("/metrics").text
    assert 'memberflow_projection_failing{projection="organizations"} 1.0' in metrics
    assert 'memberflow_projection_failing{projection="pipeline"} 0.0' in metrics
    assert 'memberflow_projection_failure_attempts{projection="organizations"} 1.0' in metrics

    started = datetime.now(UTC)
    read = client.get(f"/elections/calendar?org={world.ids['wc']}&after=organizations:{position}")
    assert read.status_code == 503
    assert read.headers["Retry-After"] == "1"
    problem = read.json()
    assert problem["title"] == "The read model is failing"
    assert f"organizations:{position}" in problem["detail"]
    assert [(f["projection"], f["position"]) for f in problem["failing"]] == [
        ("organizations", position)
    ]
    assert (datetime.now(UTC) - started).total_seconds() < 2  # it did not wait for it

    monkeypatch.undo()
    read_models.monotonic = lambda: float("inf")  # the retry is due
    read_models.catch_up()
    healthy = client.http.get("/health")
    assert healthy.status_code == 200
    assert (healthy.json()["status"], healthy.json()["failing"]) == ("ok", [])


@pytest.mark.settings(projections_retry_initial_seconds=0.05, projections_retry_max_seconds=0.2)
def test_the_in_process_runner_keeps_the_others_following_and_recovers(
    world: World, poisoned: tuple[int, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    position, _ = poisoned
    read_models = world.memberflow.read_models
    client = client_for(world.memberflow, world.clock)
    with client.http:  # the service's lifespan: its runner follows the logs
        _until(lambda: any(f.attempts >= 3 for f in read_models.failing()))
        [failure] = read_models.failing()
        assert (failure.projection, failure.position) == ("organizations", position)
        world.submit(name="申请人乙")  # the others keep following
        _until(lambda: _caught_up(read_models, but="organizations"))
        monkeypatch.undo()
        _until(lambda: not read_models.failing() and _caught_up(read_models))


def _until(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_rebuild_names_the_event_and_does_not_hold_up_the_others(
    world: World, poisoned: tuple[int, UUID], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    position, _ = poisoned
    read_models = world.memberflow.read_models
    read_models.catch_up()
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", settings.resolved_database_url)
    runner = CliRunner()

    everything = runner.invoke(cli, ["projections", "rebuild"])
    assert everything.exit_code == 1
    assert f"read model organizations cannot apply the event at organizations:{position}" in (
        everything.output
    )
    assert "OverflowError" in everything.output
    for name in ("pipeline", "findings", "inbox", "access_log"):
        assert f"rebuilt {name}" in everything.output
    assert runner.invoke(cli, ["projections", "rebuild", "pipeline"]).exit_code == 0
    one = runner.invoke(cli, ["projections", "rebuild", "organizations"])
    assert one.exit_code == 1
    assert f"organizations:{position}" in one.output
    assert read_models.followers["organizations"].positions() == {"organizations": position - 1}

    monkeypatch.undo()
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", settings.resolved_database_url)
    fixed = runner.invoke(cli, ["projections", "rebuild", "organizations"])
    assert fixed.exit_code == 0, fixed.output
    assert read_models.failing() == []  # the rebuild got past every event
    assert _caught_up(read_models)


# /metrics needs a token, unless an operator serves it to an internal network.


def test_metrics_need_a_token_of_any_role(client: Client) -> None:
    refused = client.http.get("/metrics")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.http.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    for role in ("secretary", "official", "inspector"):
        answered = client.get("/metrics", role)
        assert answered.status_code == 200
        assert "memberflow_projection_lag_events" in answered.text
    assert "/metrics" not in client.http.get("/openapi.json").json()["paths"]


@pytest.mark.settings(metrics_public=True)
def test_metrics_may_be_public(memberflow: Any, clock: FixedClock) -> None:
    answered = client_for(memberflow, clock).http.get("/metrics")
    assert answered.status_code == 200
    assert "memberflow_projection_failing" in answered.text


def test_an_error_is_shown_without_values_or_personal_data() -> None:
    class UniqueViolation(Exception):
        pass

    error = UniqueViolation(
        'duplicate key value violates unique constraint "rm_x_pkey"\n'
        "DETAIL:  Key (name)=(张三) already exists."
    )
    assert message(error) == "duplicate key value violates unique constraint '…'"
    assert message(KeyError("张三")) == "'…'"
    assert message(ValueError("ID 11010519491231002X of 王五 is taken")) == "ID … of … is taken"
    assert message(OverflowError(BROKEN)) == BROKEN
    assert len(message(ValueError("x" * 1000))) == 200
