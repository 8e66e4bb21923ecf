"""The city's admission cases: applications spread over the years the system has been live, each
following the clean path of DOMAIN.md §2 as far as the years allowed, or ending on the way
(withdrawn, terminated, rejected), some transferred to another branch; once per city the demo's
special scripts (every kind of finding) and an open case at every step; around them what the
officials did in the inbox (claims, comments, acknowledged filings, §5) and the reads of the case
the access log records; and the committees' development plans for each year.

``case_plans`` decides every case up front (a few fields each); ``CityCaseWriter.moves`` makes a
case's commands one by one as they are played, so that a city of any size fits in memory.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from uuid import UUID

from demo.admission_scripts import (
    CLEAN,
    WITHDRAWAL,
    Beat,
    Script,
    delayed_from,
    late,
    scripts,
    until,
)
from demo.admissions import CaseWriter
from demo.runner import Move
from demo.tree import Branch, Tree
from domain.admission.steps import BY_SLUG
from domain.approvals import CASE_DECISIONS, CASE_FILINGS
from domain.audit import AccessAction, AccessScope
from domain.commands import (
    AcknowledgeItem,
    ClaimItem,
    Command,
    CommentItem,
    Entry,
    RecordAccess,
    SetDevelopmentPlan,
    TransferCase,
)
from domain.context import Actor
from domain.workflow import Addressee

#: What becomes of a regular application, with its weight.
FATES = {"regular": 60, "stalled": 14, "withdrawn": 9, "failed": 4, "rejected": 2, "moved": 4}
STALLED_AT = {1: 4, 2: 3, 3: 2, 4: 1, 5: 1, 6: 1}  # how far an applicant got who stays there
READS, ACKNOWLEDGED, CLAIMED, COMMENTED, LATE = 0.35, 0.8, 0.6, 0.15, 0.05
COMMENTS = ("材料齐全，提请党委会研究", "请支部补充培养考察材料", "已阅，按程序办理")
REVIEW_FAILED = {"conclusion": "failed", "areas": ["政治立场"], "methods": ["谈话", "函调"]}


@dataclass(frozen=True, slots=True)
class CasePlan:
    """One application: its script, where and when, and its own random sequence."""

    script: Script
    branch: Branch
    applied_on: date
    seed: int
    moved: tuple[int, Branch] | None = None  # after which beat, to which branch (A-T)


def _entered(beats: tuple[Beat, ...]) -> list[int]:
    """The day each beat is entered, in days from the application (never before an earlier one)."""
    return list(itertools.accumulate((b.day + b.late for b in beats), max, initial=0))[1:]


def _placed(script: Script, today: date, rng: random.Random) -> date:
    """An application whose last entry falls a few days to weeks before today (the demo's way)."""
    return today - timedelta(days=max(_entered(script.beats), default=0) + rng.randint(3, 45))


@dataclass
class _Planner:
    branches: list[Branch]
    cumulative: list[float]  # branch weights (members), summed
    rng: random.Random
    live_on: date
    today: date

    def branch(self) -> Branch:
        draw = self.rng.random() * self.cumulative[-1]
        return self.branches[bisect.bisect(self.cumulative, draw)]

    def regular(self, fate: str) -> tuple[tuple[Beat, ...], tuple[int, Branch] | None]:
        rng = self.rng
        beats = delayed_from(CLEAN, 40, rng.randint(0, 240))  # applicants wait to be designated
        moved = None
        if fate == "stalled":
            beats = until(rng.choices(list(STALLED_AT), list(STALLED_AT.values()))[0])
        elif fate == "withdrawn":
            furthest = rng.randint(2, 21)
            beats = tuple(b for b in beats if BY_SLUG[b.slug].number <= furthest)
            beats = (*beats, Beat(WITHDRAWAL, beats[-1].day + rng.randint(10, 120)))
        elif fate == "failed":
            review = next(b for b in beats if b.slug == "political_review_concluded")
            kept = tuple(b for b in beats if BY_SLUG[b.slug].number <= 9)
            beats = (*kept, replace(review, fields=REVIEW_FAILED))
        elif fate == "rejected":
            kept = tuple(b for b in beats if BY_SLUG[b.slug].number <= 16)
            decision = next(b for b in beats if b.slug == "admission_approved")
            beats = (*kept, replace(decision, fields={"approved": False}))
        elif fate == "moved":
            after = [i for i, b in enumerate(beats) if 4 <= BY_SLUG[b.slug].number <= 11]
            moved = (rng.choice(after), self.branch())
        if fate == "regular" and rng.random() < LATE:
            slug = rng.choice(beats).slug
            beats = late(beats, slug, rng.randint(31, 60))  # F-LATE
        return beats, moved

    def plan(self, fate: str) -> CasePlan:
        branch = self.branch()
        beats, moved = self.regular(fate)
        start = self.live_on + timedelta(days=14)
        applied_on = start + timedelta(days=self.rng.randint(0, (self.today - start).days - 3))
        elapsed = (self.today - applied_on).days
        kept = sum(day <= elapsed for day in _entered(beats))  # as far as the years allowed
        if moved and (moved[0] >= kept or moved[1] == branch):
            moved = None
        script = Script(beats[:kept])
        return CasePlan(script, branch, applied_on, self.rng.getrandbits(64), moved)


def case_plans(
    tree: Tree, sizes: list[int], count: int, rng: random.Random, live_on: date, today: date
) -> list[CasePlan]:
    """``count`` applications: the special scripts and an open case at every step first (as the
    demo has them, ending shortly before today), then applications over the years."""
    planner = _Planner(tree.branches, list(itertools.accumulate(sizes)), rng, live_on, today)
    plans = []
    specials = [*scripts(14), *(Script(until(step)) for step in range(1, 25))]
    for script in specials[:count]:  # the special scripts, then an open case at steps 1–24
        applied_on = _placed(script, today, rng)
        plans.append(CasePlan(script, planner.branch(), applied_on, rng.getrandbits(64)))
    # And one moved to another branch on its way (A-T).
    moved = Script(until(12))
    branch, to = planner.branch(), planner.branch()
    while to == branch and len(tree.branches) > 1:
        to = planner.branch()
    plans.append(CasePlan(moved, branch, _placed(moved, today, rng), rng.getrandbits(64), (5, to)))
    fates = rng.choices(list(FATES), list(FATES.values()), k=max(0, count - len(plans)))
    plans += [planner.plan(fate) for fate in fates]
    return plans


@dataclass
class CityCaseWriter(CaseWriter):
    """A case's moves, with what happens around them: a read of the case before many steps, the
    committee's officials claiming (and now and then commenting on) what waits for their
    decision, and acknowledging most filings; a transfer where the plan has one."""

    today: date = date.min
    above: Mapping[UUID, Actor] = field(default_factory=dict)  # filing 18: a committee's parent
    moved: tuple[int, Branch] | None = None

    def moves(self, applied_on: date) -> Iterator[Move]:
        yield self._submission(applied_on)
        version = 1  # the case's, after each of its events
        beats = self.script.beats
        days = _entered(beats)
        for index, (beat, day) in enumerate(zip(beats, days, strict=True)):
            on, recorded_on = applied_on + timedelta(beat.day), applied_on + timedelta(day)
            following = applied_on + timedelta(days[index + 1]) if index + 1 < len(days) else None
            until = min(following or self.today, self.today)
            if self.rng.random() < READS:
                yield _move(recorded_on, self._actor(beat), _read(recorded_on))
            yield Move(recorded_on, self._actor(beat), self._command(beat, on))
            version += 1
            yield from self._inbox(beat, version, recorded_on, until)
            if self.moved and self.moved[0] == index:
                moved_on = min(recorded_on + timedelta(days=self.rng.randint(5, 20)), until)
                yield _move(moved_on, self.branch.secretary, _transfer(self.moved[1], moved_on))
                version += 1
                self.branch = self.moved[1]

    def _inbox(self, beat: Beat, version: int, recorded_on: date, until: date) -> Iterator[Move]:
        rng = self.rng
        if beat.slug in CASE_FILINGS and rng.random() < ACKNOWLEDGED:
            committee = self.branch.official
            if CASE_FILINGS[beat.slug] is Addressee.ABOVE_APPROVING_COMMITTEE:
                assert committee.organization_id is not None
                committee = self.above[committee.organization_id]
            on = min(recorded_on + timedelta(days=rng.randint(1, 10)), until)
            yield _move(on, committee, _item(AcknowledgeItem, beat.slug, version, on))
        if beat.slug in CASE_DECISIONS and rng.random() < CLAIMED:
            on = min(recorded_on + timedelta(days=rng.randint(0, 3)), until)
            asked = CASE_DECISIONS[beat.slug].slug
            yield _move(on, self.branch.official, _item(ClaimItem, asked, version, on))
            if rng.random() < COMMENTED:
                comment = _comment(rng.choice(COMMENTS), asked, version, on)
                yield _move(on, self.branch.official, comment)


Made = Callable[[UUID], Command]


def _move(on: date, actor: Actor, command: Made) -> Move:
    return Move(on, actor, command)


def _read(on: date) -> Made:
    """GET /admissions/{id}: the read the access log records (issue 10)."""
    return lambda case_id: RecordAccess(
        AccessAction.READ, AccessScope(kind="case", id=str(case_id)), Entry(on)
    )


def _transfer(to: Branch, on: date) -> Made:
    return lambda case_id: TransferCase(case_id, to.id, Entry(on))


def _item(kind: type[ClaimItem | AcknowledgeItem], asked: str, version: int, on: date) -> Made:
    """A claim or an acknowledgement of the item the case's event at ``version`` raised."""
    return lambda case_id: kind(f"{case_id}:{asked}:{version}", Entry(on))


def _comment(text: str, asked: str, version: int, on: date) -> Made:
    return lambda case_id: CommentItem(f"{case_id}:{asked}:{version}", text, Entry(on))


def approvals_by_year(plans: list[CasePlan]) -> Counter[tuple[UUID, int]]:
    """How many admissions each approving committee approves each year, as the cases are planned."""
    counted: Counter[tuple[UUID, int]] = Counter()
    for plan in plans:
        for beat in plan.script.beats:
            if beat.slug == "admission_approved" and beat.fields.get("approved", True):
                branch = plan.moved[1] if plan.moved else plan.branch
                committee = branch.official.organization_id
                assert committee is not None
                counted[committee, (plan.applied_on + timedelta(beat.day)).year] += 1
    return counted


def plan_moves(
    tree: Tree, plans: list[CasePlan], rng: random.Random, live_on: date, today: date
) -> list[Move]:
    """A-P: each approving committee's plan for every year, set in the middle of January (or the
    day after going live), a little above or below what it then approves (F-BATCH beyond it)."""
    approved = approvals_by_year(plans)
    moves = []
    for year in range(live_on.year, today.year + 1):
        on = min(max(date(year, 1, 15), live_on + timedelta(days=1)), today)
        for committee_id in tree.approving_ids:
            planned = max(0, approved[committee_id, year] + rng.randint(-1, 3))
            command = SetDevelopmentPlan(committee_id, year, planned, Entry(on))
            moves.append(Move(on, tree.officials[committee_id], command))
    return moves
