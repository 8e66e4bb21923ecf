"""How much the command path costs over the raw library, on SQLite and PostgreSQL.

For each store it times, in one run:
- memberflow: admission steps through the command bus (load the case, check the rules, save the
  event with its metadata, log), on a realistic case;
- raw: an eventsourcing aggregate with one field, loaded and saved the same number of times.

It prints both rates and their ratio; absolute times are noise on shared machines, the ratio is the
figure to watch. Run: .venv/bin/python -m benchmarks.command_path [--quick] [--store sqlite]
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
import uuid
from datetime import date
from uuid import UUID

import psycopg
import structlog
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from psycopg import sql

from adapters.store import persistence_env
from benchmarks.report import Figure, Options, Report, main
from domain.admission.details import ActivistDesignation, ContactsAssignment
from domain.admission.values import Applicant
from domain.commands import Entry, RegisterMember, RegisterOrganization, SubmitApplication, TakeStep
from domain.context import Actor, Role
from domain.identity import compose
from domain.members import MemberStatus
from domain.organizations import OrgKind
from domain.workflow import StepDetails
from memberflow.bootstrap import Memberflow, build
from memberflow.settings import Settings

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
ADMIN = Actor(id="bench", role=Role.ADMIN)
DAY = date(2024, 1, 1)


class Counter(Aggregate):
    @event("Counted")
    def count(self, n: int) -> None:
        self.n = n


class Raw(Application[UUID]):
    name = "raw"


def _setting(memberflow: Memberflow) -> tuple[UUID, UUID, Actor]:
    bus = memberflow.bus
    wc = bus.handle(
        RegisterOrganization("工委", OrgKind.WORKING_COMMITTEE, None, False, None, Entry(DAY)),
        actor=ADMIN,
        request_id="b",
    ).subject_id
    branch = bus.handle(
        RegisterOrganization("支部", OrgKind.BRANCH, wc, False, None, Entry(DAY)),
        actor=ADMIN,
        request_id="b",
    ).subject_id
    contact = bus.handle(
        RegisterMember(
            branch,
            "联系人",
            date(1970, 1, 1),
            MemberStatus.FULL,
            date(2000, 1, 1),
            None,
            False,
            False,
            Entry(DAY),
        ),
        actor=ADMIN,
        request_id="b",
    ).subject_id
    return branch, contact, Actor(id="s", role=Role.BRANCH_SECRETARY, organization_id=branch)


def time_memberflow(memberflow: Memberflow, cases: int) -> tuple[int, float]:
    branch, contact, secretary = _setting(memberflow)
    steps: list[tuple[str, StepDetails]] = [
        ("applicant_interviewed", StepDetails()),
        ("activist_designated", ActivistDesignation(source="member_recommendation")),
        ("activist_filed", StepDetails()),
        ("contacts_assigned", ContactsAssignment(contacts=(contact,))),
        *[("activist_assessed", StepDetails())] * 6,
    ]
    commands = 0
    started = time.perf_counter()
    for i in range(cases):
        born = date(1999, 1, 1)
        id_number = compose(f"{110101 + i // 1000}", born, i % 1000)  # O-4: one per applicant
        applicant = Applicant(name=f"申请人{i}", birth_date=born, id_number=id_number)
        case_id = memberflow.bus.handle(
            SubmitApplication(applicant, branch, "work_unit", Entry(DAY)),
            actor=secretary,
            request_id="b",
        ).subject_id
        for slug, details in steps:
            memberflow.bus.handle(
                TakeStep(case_id, slug, details, Entry(DAY)), actor=secretary, request_id="b"
            )
        commands += 1 + len(steps)
    return commands, time.perf_counter() - started


def time_raw(app: Raw, commands: int, per_aggregate: int) -> float:
    started = time.perf_counter()
    for _ in range(commands // per_aggregate):
        counter = Counter()
        app.save(counter)
        for n in range(per_aggregate - 1):
            counter = app.repository.get(counter.id)
            counter.count(n)
            app.save(counter)
    return time.perf_counter() - started


def measure(store: str, url: str, cases: int) -> Figure:
    settings = Settings(database_url=url)
    memberflow = build(settings)
    raw = Raw(env=persistence_env(settings))
    try:
        commands, ours = time_memberflow(memberflow, cases)
        theirs = time_raw(raw, commands, per_aggregate=11)
    finally:
        memberflow.close()
        raw.close()
    return Figure(
        f"{store}: commands through the bus",
        commands / ours,
        "commands/s",
        baseline="eventsourcing load + save",
        baseline_value=commands / theirs,
    )


def run(options: Options) -> Report:
    cases = 3 if options.quick else 40
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    report = Report("command_path")
    if "sqlite" in options.stores:
        with tempfile.TemporaryDirectory() as directory:
            report.add(measure("sqlite", f"sqlite:///{directory}/bench.db", cases))
    if "postgresql" in options.stores:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        try:
            report.add(measure("postgresql", f"{POSTGRES}?schema={schema}", cases))
        finally:
            drop_schema(schema)
    return report


def drop_schema(schema: str) -> None:
    with (
        contextlib.suppress(psycopg.OperationalError),
        psycopg.connect(POSTGRES, autocommit=True) as db,
    ):
        db.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


if __name__ == "__main__":
    main(run, __doc__)
