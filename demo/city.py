"""A city at scale: ``memberflow demo-data --scale city``, and ``generate`` for the benchmarks.

The seeds describe a city's organs working committee over about a hundred departments, 4,600
primary organizations and 60,000 members. ``generate`` writes such a city into an empty store —
at ``scale`` 1.0 about a million events — through the command bus like the demo, every command
on its own business date, so that every hard rule holds and every finding comes from the events:

- ``city_tree``: the departments, their committees, general branches and branches, and the story
  of each organization's elections (every state of an election somewhere in the city);
- ``city_people``: the members imported when the system went live, branch by branch;
- ``city_cases``: admission cases over the years, in every stage and outcome, with the inbox's
  claims and acknowledgements and the reads the access log records, and the development plans;
- ``city_run``: plays it all in order of entry; ``city_batch``: the bulk path that saves the
  commands' events in batches (the same events, encrypted and chained: ``audit verify`` passes).

The same ``seed`` on the same day writes the same city (the same organizations, people, cases and
dates); aggregate ids and the times the store stamps on events differ from run to run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from demo.city_batch import Batches
from demo.city_cases import CasePlan, CityCaseWriter, case_plans, plan_moves
from demo.city_people import CityNames, import_city_members
from demo.city_run import (
    Bar,
    CityRunner,
    Lazy,
    election_threads,
    expected_commands,
    fresh_rng,
    play,
)
from demo.city_setting import YEARS, CityPlan
from demo.city_tree import OrgSpec, plan_tree, register_tree, walk
from demo.election_stories import Planner
from demo.members import Registry, transfers_thread
from demo.runner import DemoClock, Move
from demo.tree import Tree
from domain.context import Actor
from domain.dates import add_years
from domain.organizations import OrgKind
from memberflow.bootstrap import Memberflow
from services.clock import today
from services.committer import Committer, committers

__all__ = ["CityPlan", "CitySummary", "StoreNotEmpty", "generate"]


class StoreNotEmpty(RuntimeError):
    """The city is written into an empty store only."""

    def __init__(self, events: int) -> None:
        super().__init__(
            f"the store already holds {events} events: a city is generated into an empty store "
            "only (set MEMBERFLOW_DATABASE_URL to a new SQLite file or PostgreSQL schema)"
        )


@dataclass(frozen=True)
class CitySummary:
    """What ``generate`` wrote: the counts, where the events went, and ids to read them by."""

    scale: float
    seed: int
    departments: int
    organizations: int
    branches: int
    members: int
    cases: int
    elections: int
    commands: int
    events: dict[str, int]  # by application (event log)
    seconds: float
    root_id: UUID  # the working committee: the whole city
    department_ids: tuple[UUID, ...] = ()  # each department's organs' committee or general branch
    branch_ids: tuple[UUID, ...] = ()
    case_ids: tuple[UUID, ...] = ()
    election_ids: tuple[UUID, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_events(self) -> int:
        return sum(self.events.values())

    def describe(self) -> str:
        rate = self.total_events / self.seconds if self.seconds else 0.0
        return (
            f"city (scale {self.scale:g}, seed {self.seed}): {self.departments} departments, "
            f"{self.organizations} organizations, {self.members} members, {self.cases} admission "
            f"cases, {self.elections} elections; {self.total_events:,} events from "
            f"{self.commands:,} commands in {self.seconds:,.0f} s ({rate:,.0f} events/s)"
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), default=str, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, path: Path) -> CitySummary:
        data = json.loads(path.read_text())
        data["root_id"] = UUID(data["root_id"])
        for name in ("department_ids", "branch_ids", "case_ids", "election_ids"):
            data[name] = tuple(UUID(value) for value in data[name])
        return cls(**data)


def stored_events(memberflow: Memberflow) -> dict[str, int]:
    """How many events each application's log holds."""
    return {
        application.name: application.recorder.max_notification_id() or 0
        for application in _applications(memberflow)
    }


def _applications(memberflow: Memberflow) -> tuple[Any, ...]:
    return (memberflow.organizations, memberflow.membership, memberflow.approvals, memberflow.audit)


def generate(
    memberflow: Memberflow, *, scale: float = 1.0, seed: int = 1, progress: bool = True
) -> CitySummary:
    """Write a city of ``scale`` (1.0: the city of the seeds; 0.002: the smallest, a few hundred
    members) into the empty store of ``memberflow``; ``progress``: a bar on a terminal.
    StoreNotEmpty when the store holds any event."""
    plan = CityPlan.at(scale)
    if (events := sum(stored_events(memberflow).values())) > 0:
        raise StoreNotEmpty(events)
    started = time.perf_counter()
    today_ = today(memberflow.clock)
    live_on = add_years(today_, -YEARS)
    specs = plan_tree(plan, fresh_rng(seed, "tree"))
    plots = {spec.name: spec.plot for spec in specs if spec.plot}
    rng = fresh_rng(seed, "elections")
    planner = Planner(today_, live_on, memberflow.bus.policy, rng, plots)
    names = CityNames(fresh_rng(seed, "names"))
    total = expected_commands(plan.members, plan.cases, len(specs))
    bus = memberflow.bus
    real_clock, writers = bus.clock, bus.writers
    clock = DemoClock(real_clock)
    bus.clock = clock
    bus.writers = _direct(_applications(memberflow))
    try:
        with Batches(_applications(memberflow)) as batches, Bar(progress, total) as tick:
            runner = CityRunner(memberflow, clock, batches=batches, tick=tick)
            tree, ids = register_tree(runner, specs, planner, live_on)
            sizes = [spec.members for spec in specs if spec.kind is OrgKind.BRANCH]
            rng = fresh_rng(seed, "members")
            registry = import_city_members(runner, tree, sizes, rng, names, live_on)
            rng = fresh_rng(seed, "cases")
            plans = case_plans(tree, sizes, plan.cases, rng, live_on, today_)
            above = _above(tree, specs, ids)
            cases = [
                Lazy(p.applied_on, _case_moves(p, registry, names, today_, above), "case")
                for p in plans
            ]
            rng = fresh_rng(seed, "plans")
            yearly = plan_moves(tree, plans, rng, live_on, today_)
            rng = fresh_rng(seed, "transfers")
            transfers = transfers_thread(tree, rng, names, plan.members, today_).moves
            elections = election_threads(tree, registry, planner, _branches_under(specs, ids))
            others = [Lazy(moves[0].recorded_on, iter(moves)) for moves in (yearly, transfers)]
            play(runner, [*others, *cases, *elections])
    finally:
        bus.clock, bus.writers = real_clock, writers
    return CitySummary(
        scale=scale,
        seed=seed,
        departments=sum(spec.parent == 0 and spec.kind is not OrgKind.BRANCH for spec in specs),
        organizations=len(specs),
        branches=len(tree.branches),
        members=sum(registry.members.values()) + len(transfers),
        cases=len(cases),
        elections=len(elections),
        commands=runner.commands,
        events=stored_events(memberflow),
        seconds=time.perf_counter() - started,
        root_id=ids[0],
        department_ids=tuple(
            ids[i]
            for i, spec in enumerate(specs)
            if spec.parent == 0 and spec.kind is not OrgKind.BRANCH
        ),
        branch_ids=tuple(branch.id for branch in tree.branches),
        case_ids=tuple(thread.subject_id for thread in cases if thread.subject_id),
        election_ids=tuple(thread.subject_id for thread in elections if thread.subject_id),
        extra={"live_on": live_on.isoformat(), "today": today_.isoformat()},
    )


def _case_moves(
    plan: CasePlan, registry: Registry, names: CityNames, today_: date, above: dict[UUID, Actor]
) -> Iterator[Move]:
    """The case's moves; its writer (and its random sequence) made when the first is asked for."""
    name = names.new()
    yield from CityCaseWriter(
        plan.script,
        plan.branch,
        registry,
        fresh_rng(plan.seed),
        name,
        names.id_number,
        today=today_,
        above=above,
        moved=plan.moved,
    ).moves(plan.applied_on)


def _direct(applications: tuple[Any, ...]) -> dict[str, Committer]:
    """Writers that save each command in the caller's thread: one writer, nobody to wait for
    (a closed ``Committer`` saves at once, the way it does after the service stops)."""
    writers = committers(applications, one_writer=False)
    for writer in writers.values():
        writer.close()
    return writers


def _above(tree: Tree, specs: list[OrgSpec], ids: list[UUID]) -> dict[UUID, Actor]:
    """Who acknowledges an admission's filing (18) for each approving committee: the official of
    the organization above it (逐级), or its own at the top of the tree."""
    index = {organization_id: i for i, organization_id in enumerate(ids)}
    above = {}
    for committee_id in tree.approving_ids:
        parent = specs[index[committee_id]].parent
        above[committee_id] = tree.officials[ids[parent] if parent is not None else committee_id]
    return above


def _branches_under(specs: list[OrgSpec], ids: list[UUID]) -> dict[UUID, list[UUID]]:
    return {
        ids[i]: [ids[j] for j in walk(specs, i) if specs[j].kind is OrgKind.BRANCH]
        for i in range(len(specs))
    }
