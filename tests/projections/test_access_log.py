"""The access log read model (issue 5): one row per recorded access, kept from the audit log,
filtered and paged in SQL, rebuilt and reconciled like every other read model — and what
``GET /audit/log`` answers from."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter

from domain.audit import AccessAction, AccessScope
from domain.context import Actor, Role
from domain.dates import SHANGHAI
from memberflow.bootstrap import Memberflow
from projections.access_log import AccessEntry, AccessLogModel, AccessQuery, access_log, accesses
from projections.reconcile import reconcile
from projections.service import ReadModels
from services.access import record_access
from tests.support.client import Client
from tests.support.clock import FixedClock

INSPECTOR = Actor(
    id="inspector", role=Role.DISCIPLINE_INSPECTOR, organization_id=uuid.uuid4(), member_id=None
)
SECRETARY = Actor(
    id="secretary",
    role=Role.BRANCH_SECRETARY,
    organization_id=uuid.uuid4(),
    member_id=uuid.uuid4(),
)
CASE = str(uuid.uuid4())
ENTRIES = list[AccessEntry]
EVERY = AccessQuery()


def _record(memberflow: Memberflow, clock: FixedClock) -> None:
    """Five reads on three days, by two people, of a case, an election and the findings."""
    bus = memberflow.bus
    as_of = datetime.combine(date(2024, 6, 20), time.max, tzinfo=SHANGHAI)
    clock.set_day(date(2026, 11, 18))
    record_access(bus, INSPECTOR, AccessAction.TIMELINE, AccessScope(kind="case", id=CASE), "r1")
    record_access(
        bus, SECRETARY, AccessAction.AS_OF, AccessScope(kind="case", id=CASE, as_of=as_of), "r2"
    )
    clock.set_day(date(2026, 11, 19))
    election = AccessScope(kind="election", id=str(uuid.uuid4()), version=2)
    record_access(bus, INSPECTOR, AccessAction.AS_OF, election, "r3")
    clock.set_day(date(2026, 11, 20))
    findings = AccessScope(
        kind="findings",
        as_of=as_of,
        period_from=date(2024, 1, 1),
        period_to=date(2024, 12, 31),
        detail="kind=F-ORDER",
    )
    record_access(bus, INSPECTOR, AccessAction.AS_OF, findings, "r4")
    record_access(bus, SECRETARY, AccessAction.TIMELINE, AccessScope(kind="case", id=CASE), "r5")


def _query(
    read_models: ReadModels,
    query: AccessQuery = EVERY,
    *,
    offset: int = 0,
    limit: int = 500,
    newest_first: bool = False,
) -> tuple[ENTRIES, int]:
    model = read_models.model(AccessLogModel.name)
    assert isinstance(model, AccessLogModel)
    with read_models.database.transaction(write=False) as tx:
        return access_log(model, tx, query, offset=offset, limit=limit, newest_first=newest_first)


def _json(entries: ENTRIES) -> bytes:
    """Exactly as the API would show them: a time keeps the offset it was given in."""
    return TypeAdapter(ENTRIES).dump_json(entries)


def test_the_rows_are_the_accesses_of_the_log(
    memberflow: Memberflow, clock: FixedClock, read_models: ReadModels
) -> None:
    read_models.catch_up()
    _record(memberflow, clock)
    assert _query(read_models) == ([], 0)  # not yet followed

    assert read_models.catch_up() == 5
    found, count = _query(read_models)
    logged = list(accesses(memberflow.audit))
    assert count == len(logged) == 5
    assert found == logged
    assert _json(found) == _json(logged)
    assert [a.request_id for a in found] == ["r1", "r2", "r3", "r4", "r5"]
    assert found[1].scope.as_of is not None
    assert found[1].scope.as_of.isoformat() == "2024-06-20T23:59:59.999999+08:00"
    head = memberflow.audit.recorder.max_notification_id()
    assert read_models.followers[AccessLogModel.name].positions() == {"audit": head}


def test_filters_and_pages_are_answered_in_sql(
    memberflow: Memberflow, clock: FixedClock, read_models: ReadModels
) -> None:
    _record(memberflow, clock)
    read_models.catch_up()

    def ids(query: AccessQuery, offset: int = 0, limit: int = 500) -> tuple[list[str], int]:
        found, count = _query(read_models, query, offset=offset, limit=limit)
        return [a.request_id for a in found], count

    assert ids(AccessQuery(actor="secretary")) == (["r2", "r5"], 2)
    assert ids(AccessQuery(action="as_of")) == (["r2", "r3", "r4"], 3)
    assert ids(AccessQuery(subject=CASE)) == (["r1", "r2", "r5"], 3)
    assert ids(AccessQuery(actor="inspector", action="as_of", subject=CASE)) == ([], 0)
    day = date(2026, 11, 19)
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    end = datetime.combine(day, time.max, tzinfo=SHANGHAI)
    assert ids(AccessQuery(recorded_from=start, recorded_to=end)) == (["r3"], 1)
    assert ids(AccessQuery(recorded_from=start)) == (["r3", "r4", "r5"], 3)
    assert ids(AccessQuery(recorded_to=end)) == (["r1", "r2", "r3"], 3)
    assert ids(EVERY, offset=4, limit=2) == (["r5"], 5)
    newest, count = _query(read_models, offset=1, limit=2, newest_first=True)
    assert ([a.request_id for a in newest], count) == (["r4", "r3"], 5)


def test_it_reconciles_and_a_changed_row_is_reported(
    memberflow: Memberflow, clock: FixedClock, read_models: ReadModels
) -> None:
    _record(memberflow, clock)
    read_models.catch_up()
    [clean] = reconcile(read_models, [AccessLogModel.name]).models
    assert clean.ok
    assert clean.rows == 5

    with read_models.database.transaction() as tx:
        tx.execute("UPDATE rm_access_log SET actor_id = 'someone else' WHERE request_id = 'r3'")
    [changed] = reconcile(read_models, [AccessLogModel.name]).models
    [difference] = changed.differences
    position = next(a.position for a in accesses(memberflow.audit) if a.request_id == "r3")
    assert [difference.keyed(row) for row in difference.only_live] == [{"position": position}]
    assert [difference.keyed(row) for row in difference.only_rebuilt] == [{"position": position}]


def test_the_endpoint_answers_from_the_read_model_not_the_log(
    memberflow: Memberflow, clock: FixedClock, read_models: ReadModels, client: Client
) -> None:
    read_models.catch_up()
    _record(memberflow, clock)

    def log(query: str = "") -> Any:
        response = client.get(f"/audit/log{query}", "admin")  # every reader's reads
        assert response.status_code == 200, response.text
        return response.json()

    behind = log()
    assert behind["count"] == 0  # the log has five more accesses; the read model has not yet
    assert behind["positions"] == read_models.followers[AccessLogModel.name].positions()

    read_models.catch_up()
    with read_models.database.transaction() as tx:
        tx.execute("UPDATE rm_access_log SET request_id = 'from-the-table' WHERE request_id = 'r5'")
    page = log("?per_page=2")
    assert page["count"] == 5
    assert page["positions"] == {"audit": memberflow.audit.recorder.max_notification_id()}
    data = page["data"]
    assert [a["request_id"] for a in data] == ["from-the-table", "r4"]
    assert data[1]["scope"]["as_of"] == "2024-06-20T23:59:59.999999+08:00"
    assert data[1]["actor"] == {
        "id": "inspector",
        "role": "discipline_inspector",
        "organization_id": str(INSPECTOR.organization_id),
        "member_id": None,
    }
    assert UUID(data[0]["id"]) in {a.id for a in accesses(memberflow.audit)}
