"""Load: 50 simulated users against ``memberflow serve`` on PostgreSQL with ``memberflow projections
run`` beside it, for minutes, then the checks that nothing went wrong meanwhile.

The users, each a coroutine of one asyncio driver with its own httpx2 connection and token:
- secretaries of a branch open admission cases and record their steps along the clean path
  (tests/support/world.py's CLEAN_PATH), at most a few open cases each;
- officials of the approving committee read their inbox and decide its items (pre-review,
  admission, conversion), and record the committee's other steps of a case they decided;
- dashboard readers read the pipeline dashboard, the findings and the inbox of the tree;
- auditors open the timeline of a case.

Afterwards, with both processes stopped: every acknowledged command is one event of its case and
no event is unacknowledged (acknowledged commands = events written), no answer was 5xx, every read
model reconciles with the logs, the hash chain verifies. Printed: each endpoint's requests,
throughput and p50/p95/p99 latency (as the client saw it, its own loop included).
Run: .venv/bin/python -m benchmarks.load [--seconds 180] [--users 50] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx2 as httpx
import structlog
from rich.console import Console
from rich.table import Table

from adapters.chain.verification import verify
from benchmarks.command_path import POSTGRES, drop_schema
from benchmarks.report import RESULTS, Figure, Options, Report
from benchmarks.serving import applicant, document, percentile, served
from domain.context import Role
from memberflow.bootstrap import Memberflow, build
from memberflow.event_logs import event_logs
from memberflow.settings import Settings
from projections.reconcile import reconcile
from services.tokens import issue
from tests.support.clock import FixedClock
from tests.support.world import APPLIED_ON, CLEAN_PATH, Planned, World

SECONDS = 180.0
QUICK_SECONDS = 10.0
USERS = 50
#: The share of each kind of user, in this order: secretaries, officials, dashboards, auditors.
MIX = (0.5, 0.16, 0.18, 0.16)
#: Open cases a secretary keeps at most; a pause between two actions of a user, in seconds.
OPEN_CASES = 3
THINK = (0.0, 0.2)
#: The decisions the inbox asks for (DOMAIN.md §5), by the step that answers them.
DECISIONS = {"pre_review_passed", "admission_approved", "conversion_approved"}


@dataclass
class Case:
    id: str
    secretary: int
    next: int = 0  # the index in CLEAN_PATH of its next step
    busy: bool = False  # a user is recording its step now

    @property
    def planned(self) -> Planned | None:
        return CLEAN_PATH[self.next] if self.next < len(CLEAN_PATH) else None


@dataclass
class Board:
    """What the users share: the cases, and every answer each endpoint gave."""

    ids: dict[str, UUID]
    cases: dict[str, Case] = field(default_factory=dict)
    commands: Counter[str] = field(default_factory=Counter)  # case → acknowledged commands
    times: dict[str, list[float]] = field(default_factory=dict)  # endpoint → ms
    statuses: dict[str, Counter[int]] = field(default_factory=dict)  # endpoint → status counts

    def record(self, endpoint: str, status: int, seconds: float) -> None:
        self.times.setdefault(endpoint, []).append(seconds * 1000)
        self.statuses.setdefault(endpoint, Counter())[status] += 1

    def free(self, wanted: Callable[[Case], bool]) -> Case | None:
        found = [c for c in self.cases.values() if not c.busy and wanted(c)]
        return random.choice(found) if found else None


class User:
    """One simulated user: a token, a connection, the board."""

    def __init__(self, board: Board, url: str, token: str, number: int) -> None:
        self.board = board
        self.number = number
        self.http = httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )

    async def call(
        self, endpoint: str, method: str, path: str, body: Any = None
    ) -> httpx.Response | None:
        """The answer, timed under ``endpoint``; None when no answer came."""
        started = time.perf_counter()
        try:
            response = await self.http.request(method, path, json=body)
        except httpx.TransportError:
            self.board.record(endpoint, 599, time.perf_counter() - started)  # counted as a 5xx
            return None
        self.board.record(endpoint, response.status_code, time.perf_counter() - started)
        return response

    async def step(self, endpoint: str, case: Case) -> None:
        """Record the case's next planned step; on success the case moves on."""
        planned = case.planned
        assert planned is not None
        case.busy = True
        try:
            path = f"/admissions/{case.id}/steps/{planned.slug}"
            response = await self.call(endpoint, "POST", path, step_body(planned, self.board.ids))
            if response is not None and response.is_success:
                self.board.commands[case.id] += 1
                case.next += 1
        finally:
            case.busy = False


def step_body(planned: Planned, ids: dict[str, UUID]) -> dict[str, Any]:
    """The body of a clean-path step, with the World's members for the names it uses."""

    def named(value: Any) -> Any:
        if isinstance(value, list):
            return [str(ids[v]) if isinstance(v, str) and v in ids else v for v in value]
        return value

    documents = [document(kind.value) for kind in planned.documents]
    fields = {name: named(value) for name, value in planned.fields.items()}
    return {"occurred_on": planned.on.isoformat(), "documents": documents, **fields}


# The users.


async def secretary(user: User) -> None:
    """Record the next step of an own case, else open a case, else look at one that waits."""
    board = user.board
    mine = [c for c in board.cases.values() if c.secretary == user.number]
    case = board.free(
        lambda c: (
            c.secretary == user.number and c.planned is not None and c.planned.by != "official"
        )
    )
    if case is not None:
        await user.step("POST /admissions/{id}/steps/{slug} (secretary)", case)
    elif sum(c.planned is not None for c in mine) < OPEN_CASES:
        await _open_case(user)
    elif mine:
        await user.call("GET /admissions/{id}", "GET", f"/admissions/{random.choice(mine).id}")


async def _open_case(user: User) -> None:
    body = {
        "applicant": applicant(random.Random()),
        "branch_id": str(user.board.ids["branch"]),
        "basis": "work_unit",
        "occurred_on": APPLIED_ON.isoformat(),
        "documents": [document("application_letter")],
    }
    response = await user.call("POST /admissions", "POST", "/admissions", body)
    if response is not None and response.status_code == 201:
        case_id = response.json()["id"]
        user.board.cases[case_id] = Case(case_id, user.number)
        user.board.commands[case_id] += 1


async def official(user: User) -> None:
    """Decide an item of the inbox, else record a committee step the inbox does not ask for."""
    board = user.board
    # One kind of decision at a time: the open filings would fill the first page otherwise.
    decision = random.choice(sorted(DECISIONS))
    inbox = f"/approvals/inbox?org={board.ids['pc']}&asked={decision}&per_page=100"
    response = await user.call("GET /approvals/inbox", "GET", inbox)
    rows = response.json()["data"] if response is not None and response.is_success else []
    asked = {(row["subject_id"], row["asked"]) for row in rows}

    def decidable(case: Case) -> bool:
        planned = case.planned
        return planned is not None and (case.id, planned.slug) in asked

    case = board.free(decidable)
    if case is not None:
        await user.step("POST /admissions/{id}/steps/{decision} (official)", case)
        return
    case = board.free(
        lambda c: (
            c.planned is not None and c.planned.by == "official" and c.planned.slug not in DECISIONS
        )
    )
    if case is not None:
        await user.step("POST /admissions/{id}/steps/{slug} (official)", case)


async def dashboard(user: User) -> None:
    """Read one of the tree's summaries: the pipeline, the findings, the inbox."""
    board = user.board
    org = board.ids["wc"]
    kind = random.randrange(3)
    if kind == 0:
        await user.call("GET /dashboard/pipeline", "GET", f"/dashboard/pipeline?org={org}")
    elif kind == 1:
        await user.call("GET /findings", "GET", f"/findings?org={org}")
    else:
        inbox = f"/approvals/inbox?org={org}&subtree=true"
        await user.call("GET /approvals/inbox (tree)", "GET", inbox)


async def auditor(user: User) -> None:
    """Open the timeline of a case (the read is recorded in the access log)."""
    if user.board.cases:
        case_id = random.choice(list(user.board.cases))
        path = f"/audit/cases/{case_id}/timeline"
        await user.call("GET /audit/cases/{id}/timeline", "GET", path)


Behaviour = Callable[[User], Awaitable[None]]
KINDS: tuple[tuple[Behaviour, Role, str], ...] = (
    (secretary, Role.BRANCH_SECRETARY, "branch"),
    (official, Role.COMMITTEE_OFFICIAL, "pc"),
    (dashboard, Role.ORG_DEPARTMENT, "wc"),
    (auditor, Role.DISCIPLINE_INSPECTOR, "wc"),
)


async def simulate(board: Board, settings: Settings, url: str, users: int, seconds: float) -> float:
    """``users`` users acting until ``seconds`` have passed: the seconds they took."""
    counts = [round(users * share) for share in MIX]
    counts[0] += users - sum(counts)
    tasks = []
    number = 0
    for (behaviour, role, org), count in zip(KINDS, counts, strict=True):
        for _ in range(count):
            number += 1
            token = issue(
                settings, subject=f"load{number}", role=role, organization_id=board.ids[org]
            )
            tasks.append(_act(behaviour, User(board, url, token, number), seconds))
    started = time.monotonic()
    await asyncio.gather(*tasks)
    return time.monotonic() - started


async def _act(behaviour: Behaviour, user: User, seconds: float) -> None:
    until = time.monotonic() + seconds
    async with user.http:
        while time.monotonic() < until:
            await behaviour(user)
            await asyncio.sleep(random.uniform(*THINK))


# The checks.


def check(memberflow: Memberflow, board: Board) -> dict[str, bool]:
    """Whether each check passed; every read model is caught up by ``reconcile`` itself."""
    events = {case: len(memberflow.membership.history(UUID(case))) for case in board.cases}
    server_errors = sum(n for s in board.statuses.values() for code, n in s.items() if code >= 500)
    return {
        "acknowledged commands = events written": events == dict(board.commands),
        "no 5xx": server_errors == 0,
        "read models reconcile": reconcile(memberflow.read_models).ok,
        "hash chain verifies": verify(event_logs(memberflow)).ok,
    }


def _setting(settings: Settings) -> dict[str, UUID]:
    """The World's tree and members, registered through the command bus: their ids."""
    memberflow = build(settings)
    try:
        return dict(World.create(memberflow, FixedClock(datetime.now(UTC))).ids)
    finally:
        memberflow.close()


# The run.


def measure(seconds: float, users: int) -> Report:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    schema = f"load_{uuid.uuid4().hex[:8]}"
    settings = Settings(database_url=f"{POSTGRES}?schema={schema}")
    try:
        board = Board(_setting(settings))
        env = {"MEMBERFLOW_DATABASE_URL": settings.resolved_database_url}
        with served(env, runner=True) as service:
            url = f"http://127.0.0.1:{service.port}"
            took = asyncio.run(simulate(board, settings, url, users, seconds))
        memberflow = build(settings)
        try:
            checks = check(memberflow, board)
        finally:
            memberflow.close()
    finally:
        drop_schema(schema)
    return _report(board, checks, took, users)


@dataclass(frozen=True)
class Endpoint:
    name: str
    requests: int
    rate: float  # requests per second
    p50: float  # milliseconds
    p95: float
    p99: float
    answers: dict[int, int]


def _endpoints(board: Board, took: float) -> list[Endpoint]:
    found = []
    for name in sorted(board.times):
        ordered = sorted(board.times[name])
        p50, p95, p99 = (percentile(ordered, q) for q in (50, 95, 99))
        answers = dict(sorted(board.statuses[name].items()))
        found.append(Endpoint(name, len(ordered), len(ordered) / took, p50, p95, p99, answers))
    return found


def _report(board: Board, checks: dict[str, bool], took: float, users: int) -> Report:
    """Throughput, the acknowledged commands and the checks as figures; each endpoint's
    latencies in a table of its own and in the notes."""
    report = Report("load")
    requests = sum(len(times) for times in board.times.values())
    report.add(Figure(f"{users} users: requests", requests / took, "req/s"))
    report.add(Figure(f"{users} users: commands acknowledged", sum(board.commands.values()), ""))
    for name, passed in checks.items():
        report.add(Figure(name, 1.0 if passed else 0.0, "", target="yes", met=passed))
    table = Table(title="load: per endpoint (ms as the asyncio client saw them)")
    for column in ("endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "answers"):
        table.add_column(column)
    for e in _endpoints(board, took):
        figures = (f"{e.rate:.1f}", f"{e.p50:.1f}", f"{e.p95:.1f}", f"{e.p99:.1f}")
        table.add_row(e.name, str(e.requests), *figures, str(e.answers))
        report.notes.append(
            f"{e.name}: {e.requests} requests, {e.rate:.1f}/s, p50 {e.p50:.1f} ms, "
            f"p95 {e.p95:.1f} ms, p99 {e.p99:.1f} ms, answers {e.answers}"
        )
    Console(width=140).print(table)
    report.notes.append(f"{users} users for {took:.0f} s against one server process and a runner")
    return report


def run(options: Options) -> Report:
    """What ``python -m benchmarks`` runs: PostgreSQL only, three minutes (quick: seconds)."""
    if "postgresql" not in options.stores:
        report = Report("load")
        report.notes.append("the load test runs on PostgreSQL only")
        return report
    return measure(QUICK_SECONDS if options.quick else SECONDS, USERS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="how long the users act")
    parser.add_argument("--users", type=int, default=USERS, help="simulated users")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args()
    report = measure(args.seconds, args.users)
    report.print()
    print(f"written to {report.write(args.out)}")


if __name__ == "__main__":
    main()
