"""Demo data: a city's organs working committee with members and admission cases at every step.

Everything is written through the command bus, so every hard rule holds and every finding in the
demo comes from the same events an auditor would see. Cases are scripted in days from their
application along the clean path of DOMAIN.md §2, then placed so that their last entry falls
shortly before today. A few scripts break a soft rule on purpose, to show each kind of finding.

While it runs, the bus records with a clock the demo sets to each entry's date, so that
``recorded_at`` matches ``occurred_on`` except where a late entry (F-LATE) is intended.
"""

from __future__ import annotations

import hashlib
import heapq
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from rich.console import Console
from rich.progress import Progress

from domain.admission import Applicant, Basis
from domain.commands import (
    Command,
    Entry,
    GrantException,
    RegisterMember,
    RegisterOrganization,
    SetDevelopmentPlan,
    SubmitApplication,
    TakeStep,
    WithdrawCase,
)
from domain.context import Actor, DocumentKind, DocumentRef, Role
from domain.dates import SHANGHAI, add_years
from domain.members import MemberStatus
from domain.organizations import OrgKind
from domain.step_details import OpinionGroup
from domain.steps import ARCHIVE_DOCUMENTS, BY_SLUG
from services.bootstrap import Memberflow
from services.clock import Clock, today

SEED = 20261121
D = DocumentKind
ADMIN = Actor(id="demo-admin", role=Role.ADMIN)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    skipped: bool
    organizations: int = 0
    members: int = 0
    cases: int = 0
    commands: int = 0
    organization_ids: tuple[UUID, ...] = ()
    case_ids: tuple[UUID, ...] = ()

    def describe(self) -> str:
        if self.skipped:
            return "demo data skipped: the store already holds organizations"
        return (
            f"demo data: {self.organizations} organizations, {self.members} members imported, "
            f"{self.cases} admission cases ({self.commands} commands)"
        )


# The setting.


@dataclass(frozen=True, slots=True)
class Bureau:
    """A city bureau with its primary committee and the branches under it."""

    unit: str
    approves: bool
    branches: tuple[str, ...]
    general_branch: str | None = None  # a 党总支 holding the branches named in ``in_general``
    in_general: tuple[str, ...] = ()


WORKING_COMMITTEE = "某市委市直机关工委"
WORKING_COMMITTEE_BRANCH = "某市委市直机关工委机关党支部"
BUREAUS = (
    Bureau(
        "市财政局",
        True,
        ("机关第一党支部", "机关第二党支部", "机关第三党支部", "国库支付中心党支部"),
    ),
    Bureau(
        "市教育局",
        True,
        ("机关第一党支部", "机关第二党支部"),
        general_branch="教研室党总支",
        in_general=("教研室第一党支部", "教研室第二党支部"),
    ),
    Bureau(
        "市卫生健康委员会",
        True,
        ("机关第一党支部", "机关第二党支部"),
        general_branch="卫生监督所党总支",
        in_general=("卫生监督所第一党支部", "卫生监督所第二党支部"),
    ),
    Bureau("市交通运输局", True, ("机关第一党支部", "机关第二党支部", "公路事业发展中心党支部")),
    # A small committee without approval power: the working committee approves its admissions.
    Bureau("市统计局", False, ("机关党支部", "普查中心党支部")),
)
OTHER_UNIT = "市住房和城乡建设局"  # where the off-unit applicant works (F-OFFUNIT)


@dataclass(frozen=True, slots=True)
class Branch:
    id: UUID
    name: str
    unit: str
    secretary: Actor
    official: Actor  # of the approving committee (O-1)


@dataclass
class Tree:
    organization_ids: list[UUID] = field(default_factory=list)
    approving_ids: list[UUID] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)


@dataclass
class Registry:
    """Who may serve as contact, introducer or meeting voter, branch by branch (O-2)."""

    with_rights: dict[UUID, list[UUID]] = field(default_factory=dict)
    count: int = 0

    def voters(self, branch_id: UUID) -> list[UUID]:
        return self.with_rights.get(branch_id, [])


# The clock the bus records with while the demo runs.


class DemoClock:
    """Stands on the day the demo sets, at 10:00 in Shanghai, but never after the real now."""

    def __init__(self, real: Clock) -> None:
        self.real = real
        self.day = today(real)

    def set_day(self, day: date) -> None:
        self.day = day

    def now(self) -> datetime:
        moment = datetime.combine(self.day, time(10, 0), tzinfo=SHANGHAI).astimezone(UTC)
        return min(moment, self.real.now())


# Names.

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国志宏红云飞海波宁欣怡晨"
    "浩宇子涵梓萱俊博文雅思远嘉琪佳慧晓东小峰凯颖婷雪梅亮斌琳丹彬鑫立新春燕建平丽君海燕"
)


class Names:
    """Plausible Chinese names, each used once, so that no two people share a registry key."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self) -> str:
        while True:
            length = self.rng.choice((1, 2, 2))
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=length))
            if name not in self.used:
                self.used.add(name)
                return name


# Running commands.


@dataclass(frozen=True, slots=True)
class Move:
    """One command of a thread, entered on ``recorded_on``; case commands get the case id."""

    recorded_on: date
    actor: Actor
    command: Command | Callable[[UUID], Command]


@dataclass
class Thread:
    moves: list[Move]
    is_case: bool = False
    case_id: UUID | None = None


@dataclass
class Runner:
    memberflow: Memberflow
    clock: DemoClock
    commands: int = 0

    def run(self, command: Command, actor: Actor, on: date) -> UUID:
        self.clock.set_day(on)
        self.commands += 1
        outcome = self.memberflow.bus.handle(
            command, actor=actor, request_id=f"demo-{self.commands}"
        )
        return outcome.subject_id

    def play(self, move: Move, thread: Thread) -> None:
        if callable(move.command):
            assert thread.case_id is not None, "a case's first move opens it"
            command = move.command(thread.case_id)
        else:
            command = move.command
        subject_id = self.run(command, move.actor, move.recorded_on)
        if isinstance(command, SubmitApplication):
            thread.case_id = subject_id


def chronological(threads: list[Thread]) -> Iterator[tuple[Move, Thread, bool]]:
    """Every thread's moves in order of entry, so that the event log reads like the years did.

    Yields each move with its thread and whether it is the thread's last move."""
    heap = [(t.moves[0].recorded_on, i, 0) for i, t in enumerate(threads) if t.moves]
    heapq.heapify(heap)
    while heap:
        _, i, position = heapq.heappop(heap)
        thread = threads[i]
        last = position + 1 == len(thread.moves)
        if not last:
            heapq.heappush(heap, (thread.moves[position + 1].recorded_on, i, position + 1))
        yield thread.moves[position], thread, last


# Entry point.


MIN_MEMBERS = 10  # enough for two members with rights to vouch for every applicant


def fill(memberflow: Memberflow, *, members: int, cases: int) -> DemoSummary:
    """Fill an empty store; a store that already holds organizations is left as it is."""
    if members < MIN_MEMBERS or cases < 0:
        raise ValueError(f"at least {MIN_MEMBERS} members and no negative number of cases")
    if memberflow.organizations.recorder.max_notification_id():
        return DemoSummary(skipped=True)
    real_clock = memberflow.bus.clock
    clock = DemoClock(real_clock)
    memberflow.bus.clock = clock
    try:
        return _fill(Runner(memberflow, clock), today(memberflow.clock), members, cases)
    finally:
        memberflow.bus.clock = real_clock


def _fill(runner: Runner, today_: date, members: int, cases: int) -> DemoSummary:
    rng = random.Random(SEED)
    names = Names(rng)
    # The system went live before the oldest case opened: the tree and the members were imported.
    live_on = add_years(today_, -3) - timedelta(days=60)
    tree = _build_tree(runner, live_on)
    registry = _import_members(runner, tree, rng, names, members, live_on)
    case_threads = _case_threads(tree, registry, rng, names, cases, today_)
    other = [_plans_thread(tree, rng, today_), _transfers_thread(tree, rng, names, members, today_)]
    _play(runner, [*other, *case_threads])
    return DemoSummary(
        skipped=False,
        organizations=len(tree.organization_ids),
        members=members,
        cases=len(case_threads),
        commands=runner.commands,
        organization_ids=tuple(tree.organization_ids),
        case_ids=tuple(t.case_id for t in case_threads if t.case_id is not None),
    )


def _play(runner: Runner, threads: list[Thread]) -> None:
    console = Console(stderr=True)
    cases = sum(t.is_case for t in threads)
    with Progress(console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task("admission cases", total=cases)
        for move, thread, last in chronological(threads):
            runner.play(move, thread)
            if last and thread.is_case:
                progress.advance(task)


# The organization tree.


def _build_tree(runner: Runner, on: date) -> Tree:
    tree = Tree()

    def register(
        name: str, kind: OrgKind, parent: UUID | None, unit: str, approves: bool = False
    ) -> UUID:
        command = RegisterOrganization(name, kind, parent, approves, unit, Entry(on))
        organization_id = runner.run(command, ADMIN, on)
        tree.organization_ids.append(organization_id)
        return organization_id

    def branch(name: str, parent: UUID, unit: str, approver: UUID) -> None:
        branch_id = register(name, OrgKind.BRANCH, parent, unit)
        secretary = Actor(
            id=f"demo-secretary-{len(tree.branches) + 1}",
            role=Role.BRANCH_SECRETARY,
            organization_id=branch_id,
        )
        official = Actor(
            id=f"demo-official-{tree.approving_ids.index(approver) + 1}",
            role=Role.COMMITTEE_OFFICIAL,
            organization_id=approver,
        )
        tree.branches.append(Branch(branch_id, name, unit, secretary, official))

    root = register(WORKING_COMMITTEE, OrgKind.WORKING_COMMITTEE, None, WORKING_COMMITTEE)
    tree.approving_ids.append(root)
    branch(WORKING_COMMITTEE_BRANCH, root, WORKING_COMMITTEE, root)
    for bureau in BUREAUS:
        committee = register(
            f"{bureau.unit}机关党委", OrgKind.PRIMARY_COMMITTEE, root, bureau.unit, bureau.approves
        )
        approver = committee if bureau.approves else root
        if bureau.approves:
            tree.approving_ids.append(committee)
        for name in bureau.branches:
            branch(f"{bureau.unit}{name}", committee, bureau.unit, approver)
        if bureau.general_branch:
            general = register(
                f"{bureau.unit}{bureau.general_branch}",
                OrgKind.GENERAL_BRANCH,
                committee,
                bureau.unit,
            )
            for name in bureau.in_general:
                branch(f"{bureau.unit}{name}", general, bureau.unit, approver)
    return tree


def _plans_thread(tree: Tree, rng: random.Random, today_: date) -> Thread:
    """A-P: each approving committee sets its plan early in the previous and the current year."""
    moves = []
    for year in (today_.year - 1, today_.year):
        on = min(date(year, 1, 15), today_)
        for index, committee_id in enumerate(tree.approving_ids):
            official = Actor(
                id=f"demo-official-{index + 1}",
                role=Role.COMMITTEE_OFFICIAL,
                organization_id=committee_id,
            )
            command = SetDevelopmentPlan(committee_id, year, rng.randint(4, 12), Entry(on))
            moves.append(Move(on, official, command))
    return Thread(moves)


# Members.


@dataclass(frozen=True, slots=True)
class Standing:
    """How an imported member stands: the few without rights are never asked to vote or vouch."""

    rights_suspended: bool = False
    under_party_probation: bool = False

    @property
    def has_rights(self) -> bool:
        return not (self.rights_suspended or self.under_party_probation)


def _standings(count: int) -> list[Standing]:
    disciplined = 1 if count < 100 else 2  # 留党察看
    suspended = max(1, count // 60)
    return (
        [Standing(under_party_probation=True)] * disciplined
        + [Standing(rights_suspended=True)] * suspended
        + [Standing()] * max(0, count - disciplined - suspended)
    )


def _full_members(count: int) -> int:
    """The rest of ``count`` comes later as probationary members transferred in."""
    return count - _probationary_count(count)


def _probationary_count(count: int) -> int:
    return min(count // 2, max(2, count // 30))


def _import_members(
    runner: Runner,
    tree: Tree,
    rng: random.Random,
    names: Names,
    count: int,
    on: date,
) -> Registry:
    registry = Registry()
    standings = _standings(_full_members(count))
    # Members with rights first, round the branches, so that every branch has voters and vouchers.
    ordered = sorted(standings, key=lambda s: not s.has_rights)
    for index, standing in enumerate(ordered):
        branch = tree.branches[index % len(tree.branches)]
        joined = on - timedelta(days=rng.randint(2 * 365, 32 * 365))
        birth = joined - timedelta(days=rng.randint(20 * 365, 34 * 365))
        command = RegisterMember(
            names.new(),
            birth,
            branch.id,
            MemberStatus.FULL,
            joined,
            add_years(joined, 1),
            standing.rights_suspended,
            standing.under_party_probation,
            Entry(on, comment="系统上线时导入"),
        )
        member_id = runner.run(command, ADMIN, on)
        registry.count += 1
        if standing.has_rights:
            registry.with_rights.setdefault(branch.id, []).append(member_id)
    return registry


def _transfers_thread(
    tree: Tree, rng: random.Random, names: Names, count: int, today_: date
) -> Thread:
    """Probationary members whose relations were transferred in (组织关系转入) in recent weeks."""
    moves = []
    for _ in range(_probationary_count(count)):
        on = today_ - timedelta(days=rng.randint(7, 90))
        joined = on - timedelta(days=rng.randint(60, 300))
        birth = joined - timedelta(days=rng.randint(22 * 365, 35 * 365))
        branch = rng.choice(tree.branches)
        command = RegisterMember(
            names.new(),
            birth,
            branch.id,
            MemberStatus.PROBATIONARY,
            joined,
            None,
            False,
            False,
            Entry(on, comment="组织关系转入"),
        )
        moves.append(Move(on, ADMIN, command))
    return Thread(sorted(moves, key=lambda m: m.recorded_on))


# Admission cases, scripted in days from the application.


@dataclass(frozen=True, slots=True)
class Beat:
    """One entry of a case script: a step slug, or ``exception`` / ``withdrawal``."""

    slug: str
    day: int  # business date, in days from the application
    fields: dict[str, Any] = field(default_factory=dict)
    by_committee: bool = False  # the approving committee's official takes it (O-1)
    documents: tuple[DocumentKind, ...] = ()
    late: int = 0  # days between the business date and the entry (F-LATE beyond 30)


EXCEPTION, WITHDRAWAL = "exception", "withdrawal"
REVIEW_PASSED = {
    "conclusion": "passed",
    "areas": ["政治立场", "现实表现"],
    "methods": ["谈话", "函调"],
}

# The clean path of tests/world.py in days: every interval keeps its rule with a margin whatever
# the calendar (a year is at most 366 days, a month at least 28).
CLEAN: tuple[Beat, ...] = (
    Beat("applicant_interviewed", 19, documents=(D.INTERVIEW_RECORD,)),
    Beat("activist_designated", 40, {"source": "member_recommendation"}),
    Beat("activist_filed", 45),
    Beat("contacts_assigned", 45),
    Beat("activist_assessed", 214, documents=(D.CULTIVATION_RECORD,)),
    Beat("activist_assessed", 366, documents=(D.CULTIVATION_RECORD,)),
    Beat("development_target_designated", 416),
    Beat("development_target_filed", 421),
    Beat("introducers_assigned", 427),
    Beat("political_review_concluded", 458, REVIEW_PASSED, documents=(D.POLITICAL_REVIEW,)),
    Beat("training_completed", 467, {"days": 3, "hours": 24}, documents=(D.TRAINING_RECORD,)),
    Beat("branch_committee_reviewed", 477),
    Beat("pre_review_passed", 488, by_committee=True, documents=(D.PRE_REVIEW_NOTICE,)),
    Beat("application_form_completed", 497, documents=(D.APPLICATION_FORM,)),
    Beat("branch_meeting_admitted", 507, documents=(D.MEETING_MINUTES,)),
    Beat("committee_interview_held", 519, by_committee=True, documents=(D.INTERVIEW_RECORD,)),
    Beat("admission_approved", 538, {"approved": True}, by_committee=True),
    Beat("admission_filed", 543, by_committee=True),
    Beat("assigned_to_branch_group", 550),
    Beat("oath_taken", 550),
    Beat("probation_assessed", 681),
    Beat("conversion_requested", 850, documents=(D.CONVERSION_APPLICATION,)),
    Beat("branch_meeting_converted", 873, {"outcome": "convert"}, documents=(D.MEETING_MINUTES,)),
    Beat("conversion_approved", 893, by_committee=True),
    Beat("materials_archived", 903, documents=ARCHIVE_DOCUMENTS),
)


@dataclass(frozen=True, slots=True)
class Script:
    beats: tuple[Beat, ...]
    off_unit: bool = False  # the applicant works elsewhere but applies here by work unit

    @property
    def furthest_step(self) -> int:
        numbers = [BY_SLUG[b.slug].number for b in self.beats if b.slug in BY_SLUG]
        return max(numbers, default=1)


def until(number: int) -> tuple[Beat, ...]:
    return tuple(b for b in CLEAN if BY_SLUG[b.slug].number <= number)


def late(beats: tuple[Beat, ...], slug: str, days: int) -> tuple[Beat, ...]:
    """The first entry of ``slug`` made ``days`` after its business date."""
    index = next(i for i, b in enumerate(beats) if b.slug == slug)
    return (*beats[:index], replace(beats[index], late=days), *beats[index + 1 :])


def moved(beats: tuple[Beat, ...], slug: str, day: int) -> tuple[Beat, ...]:
    return tuple(replace(b, day=day) if b.slug == slug else b for b in beats)


def delayed_from(beats: tuple[Beat, ...], day: int, days: int) -> tuple[Beat, ...]:
    return tuple(replace(b, day=b.day + days) if b.day >= day else b for b in beats)


def _special_scripts() -> list[Script]:
    """Scripts that show each outcome and each kind of finding, most telling first."""
    exception_path = (
        *until(5),
        Beat("activist_assessed", 150, documents=(D.CULTIVATION_RECORD,)),
        Beat("activist_assessed", 290, documents=(D.CULTIVATION_RECORD,)),
        Beat(EXCEPTION, 295, {"step": "development_target_designated", "rule": "A-7.1"}, True),
        Beat("development_target_designated", 300),
        Beat("development_target_filed", 305),
        Beat("introducers_assigned", 311),
    )
    failed_review = replace(
        until(10)[-1], fields={**REVIEW_PASSED, "conclusion": "failed", "areas": ["政治立场"]}
    )
    return [
        Script(until(25)),  # completed: the applicant is now a full member
        # 潮州: the political review was filed after the branch meeting, and the steps in between
        # entered once it was (F-ORDER, with F-LATE on the backfilled entries).
        Script(moved(until(18), "political_review_concluded", 512)),
        Script(exception_path),  # F-EXC: target designated before a year of cultivation
        Script(delayed_from(until(5), 19, 26)),  # F-DEADLINE: interview after 45 days
        Script(until(4), off_unit=True),  # F-OFFUNIT
        Script(late(until(7), "activist_assessed", 50)),  # F-LATE
        Script(late(until(21), "probation_assessed", 60)),
        Script(late(until(3), "applicant_interviewed", 40)),
        Script((*until(3), Beat(WITHDRAWAL, 120))),
        Script((*until(9), failed_review)),  # terminated
        Script(
            (*until(16), Beat("admission_approved", 538, {"approved": False}, True))
        ),  # rejected
        Script((*until(6), Beat(WITHDRAWAL, 380))),
        Script(until(25)),
        Script(until(25)),
    ]


def _scripts(cases: int) -> list[Script]:
    """The special scripts, then open cases at the steps they leave empty, then round the steps."""
    specials = _special_scripts()[:cases]
    covered = {s.furthest_step for s in specials}
    empty_first = [n for n in range(1, 25) if n not in covered] + list(range(1, 25))
    regular = [
        Script(until(empty_first[i % len(empty_first)])) for i in range(cases - len(specials))
    ]
    return specials + regular


def _case_threads(
    tree: Tree, registry: Registry, rng: random.Random, names: Names, cases: int, today_: date
) -> list[Thread]:
    threads = []
    for script in _scripts(cases):
        branch = rng.choice(tree.branches)
        threads.append(_CaseWriter(script, branch, registry, rng, names.new()).thread(today_))
    return threads


@dataclass
class _CaseWriter:
    """Turns a script into dated moves for one applicant in one branch."""

    script: Script
    branch: Branch
    registry: Registry
    rng: random.Random
    name: str
    _vouchers: list[UUID] = field(default_factory=list)

    def thread(self, today_: date) -> Thread:
        entered = self._entry_days()
        # The last entry falls a few days to weeks before today.
        applied_on = today_ - timedelta(days=max(entered, default=0) + self.rng.randint(3, 45))
        moves = [self._submission(applied_on)]
        for beat, day in zip(self.script.beats, entered, strict=True):
            on, recorded_on = applied_on + timedelta(beat.day), applied_on + timedelta(day)
            moves.append(Move(recorded_on, self._actor(beat), self._command(beat, on)))
        return Thread(moves, is_case=True)

    def _entry_days(self) -> list[int]:
        """The day each beat is entered: never before an earlier beat was (a case is written in
        order), so a beat dated before its predecessor is a backfill."""
        days, latest = [], 0
        for beat in self.script.beats:
            latest = max(latest, beat.day + beat.late)
            days.append(latest)
        return days

    def _submission(self, on: date) -> Move:
        birth = on - timedelta(days=self.rng.randint(19 * 365 + 5, 38 * 365))
        unit = OTHER_UNIT if self.script.off_unit else self.branch.unit
        applicant = Applicant(name=self.name, birth_date=birth, unit=unit)
        entry = Entry(on, documents=(self._document(D.APPLICATION_LETTER),))
        command = SubmitApplication(applicant, self.branch.id, Basis.WORK_UNIT.value, entry)
        return Move(on, self.branch.secretary, command)

    def _actor(self, beat: Beat) -> Actor:
        return self.branch.official if beat.by_committee else self.branch.secretary

    def _command(self, beat: Beat, on: date) -> Callable[[UUID], Command]:
        entry = Entry(on, documents=tuple(self._document(k) for k in beat.documents))
        if beat.slug == EXCEPTION:
            step, rule = beat.fields["step"], beat.fields["rule"]
            reason = "经党委集体研究，该同志表现突出，同意提前确定为发展对象"
            return lambda case_id: GrantException(case_id, step, rule, reason, entry)
        if beat.slug == WITHDRAWAL:
            return lambda case_id: WithdrawCase(case_id, "本人申请撤回", entry)
        facts = {**beat.fields, **self._facts(beat, on)}
        details = BY_SLUG[beat.slug].details.model_validate(facts)
        return lambda case_id: TakeStep(case_id, beat.slug, details, entry)

    def _facts(self, beat: Beat, on: date) -> dict[str, Any]:
        """What a step records about people and meetings in this branch."""
        if beat.slug == "contacts_assigned":
            return {"contacts": self.vouchers[: self.rng.choice((1, 2))]}
        if beat.slug == "introducers_assigned":
            return {"introducers": self.vouchers}
        if beat.slug == "development_target_designated":
            heard_on = on - timedelta(days=7)
            return {"opinions_heard": [{"group": g, "heard_on": heard_on} for g in OpinionGroup]}
        if beat.slug in ("branch_meeting_admitted", "branch_meeting_converted"):
            return _vote(max(3, len(self.registry.voters(self.branch.id))), self.rng)
        return {}

    @property
    def vouchers(self) -> list[UUID]:
        """Two members with rights of the branch, who cultivate the applicant and then introduce
        them (the usual practice); from elsewhere only if the branch has too few."""
        if not self._vouchers:
            pool = self.registry.voters(self.branch.id)
            if len(pool) < 2:
                pool = [m for ids in self.registry.with_rights.values() for m in ids]
            self._vouchers = self.rng.sample(pool, 2)
        return self._vouchers

    def _document(self, kind: DocumentKind) -> DocumentRef:
        digest = hashlib.sha256(f"{self.name}/{kind.value}".encode()).hexdigest()
        return DocumentRef(kind=kind, file_name=f"{kind.value}.pdf", sha256=digest)


def _vote(eligible: int, rng: random.Random) -> dict[str, int]:
    """A meeting that passes (A-15.2 to A-15.4): at most a quarter absent, some of them voting in
    writing; one vote against or abstaining only where it cannot tip the count."""
    absent = rng.randint(0, eligible // 4)
    present = eligible - absent
    written = rng.randint(0, absent)
    dissent = rng.choice((0, 0, 1)) if eligible >= 6 else 0
    against = rng.choice((0, dissent))
    abstained = dissent - against
    in_favour = present + written - dissent
    return {
        "eligible": eligible,
        "present": present,
        "in_favour": in_favour,
        "against": against,
        "abstained": abstained,
        "written_opinions": written,
    }
