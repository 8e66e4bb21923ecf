"""Demo data: a city's organs working committee with members, admission cases and term-change
elections at every step.

Everything is written through the command bus, so every hard rule holds and every finding in the
demo comes from the same events an auditor would see. Cases are scripted in days from their
application along the clean path of DOMAIN.md §2, then placed so that their last entry falls
shortly before today. A few scripts break a soft rule on purpose, to show each kind of finding.
Every organization below the working committee has a term; each tells one story of its term-change
elections (DOMAIN.md §4), so that the demo holds current and overdue terms, an extension, and an
election standing at every step.

While it runs, the bus records with a clock the demo sets to each entry's date, so that
``recorded_at`` matches ``occurred_on`` except where a late entry (F-LATE) is intended.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from rich.console import Console
from rich.progress import Progress

from domain.admission.checks import ARCHIVE_DOCUMENTS
from domain.admission.details import OpinionGroup
from domain.admission.steps import BY_SLUG
from domain.admission.values import Applicant, Basis
from domain.commands import (
    Command,
    Entry,
    ExtendTerm,
    GrantException,
    RegisterMember,
    RegisterOrganization,
    RequestElection,
    SetDevelopmentPlan,
    SubmitApplication,
    TakeElectionStep,
    TakeStep,
    WithdrawCase,
)
from domain.context import Actor, DocumentKind, DocumentRef, Role
from domain.dates import SHANGHAI, add_months, add_years
from domain.elections.details import (
    Ballot,
    BallotLine,
    Decision,
    ElectionRequest,
    Exclusion,
    MeetingForm,
    Nomination,
    Officers,
)
from domain.elections.progress import request_approved
from domain.elections.values import ElectionStatus
from domain.members import MemberStatus
from domain.organizations import OrgKind, term_years
from domain.policy import Policy
from domain.workflow import StepDetails
from memberflow.bootstrap import Memberflow
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
    elections: int = 0
    elections_completed: int = 0
    elections_under_way: int = 0
    elections_rejected: int = 0  # requests the parent did not approve
    overdue: int = 0  # organizations overdue today (E-OVERDUE)
    election_ids: tuple[UUID, ...] = ()

    def describe(self) -> str:
        if self.skipped:
            return "demo data skipped: the store already holds organizations"
        return (
            f"demo data: {self.organizations} organizations, {self.members} members imported, "
            f"{self.cases} admission cases, {self.elections} term-change elections "
            f"({self.elections_completed} completed, {self.elections_under_way} under way, "
            f"{self.elections_rejected} requests rejected), {self.overdue} organizations overdue "
            f"({self.commands} commands)"
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


@dataclass(frozen=True, slots=True)
class Node:
    """An organization with a term, the story of its elections, and who acts for it."""

    id: UUID
    name: str
    kind: OrgKind
    parent_id: UUID
    own: Actor  # enters the organization's own election steps
    story: Story


@dataclass
class Tree:
    organization_ids: list[UUID] = field(default_factory=list)
    approving_ids: list[UUID] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    officials: dict[UUID, Actor] = field(default_factory=dict)  # who decides for those below

    def branches_under(self, organization_id: UUID) -> list[UUID]:
        """The branches of an organization's subtree (a branch is its own)."""
        parents = {n.id: n.parent_id for n in self.nodes}
        found = []
        for branch in self.branches:
            ancestor: UUID | None = branch.id
            while ancestor is not None and ancestor != organization_id:
                ancestor = parents.get(ancestor)
            if ancestor is not None:
                found.append(branch.id)
        return found


@dataclass
class Registry:
    """Who may serve as contact, introducer or meeting voter, branch by branch (O-2)."""

    with_rights: dict[UUID, list[UUID]] = field(default_factory=dict)
    members: Counter[UUID] = field(default_factory=Counter)  # everyone imported, by branch
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
    is_election: bool = False
    subject_id: UUID | None = None  # the case or the election its first move opens


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
            assert thread.subject_id is not None, "a thread's first move opens its subject"
            command = move.command(thread.subject_id)
        else:
            command = move.command
        subject_id = self.run(command, move.actor, move.recorded_on)
        if isinstance(command, SubmitApplication | RequestElection):
            thread.subject_id = subject_id


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
    policy = runner.memberflow.bus.policy
    # Elections draw on their own random sequence, so that the rest of the demo stays as it was.
    planner = _Planner(today_, live_on, policy, random.Random(SEED + 1))
    tree = _build_tree(runner, live_on, planner)
    registry = _import_members(runner, tree, rng, names, members, live_on)
    case_threads = _case_threads(tree, registry, rng, names, cases, today_)
    other = [_plans_thread(tree, rng, today_), _transfers_thread(tree, rng, names, members, today_)]
    election_threads = _election_threads(tree, registry, planner)
    _play(runner, [*other, *case_threads, *election_threads])
    election_ids = tuple(t.subject_id for t in election_threads if t.subject_id is not None)
    organizations = runner.memberflow.organizations
    statuses = Counter(organizations.election(i).status for i in election_ids)
    return DemoSummary(
        skipped=False,
        organizations=len(tree.organization_ids),
        members=members,
        cases=len(case_threads),
        commands=runner.commands,
        organization_ids=tuple(tree.organization_ids),
        case_ids=tuple(t.subject_id for t in case_threads if t.subject_id is not None),
        elections=len(election_ids),
        elections_completed=statuses[ElectionStatus.COMPLETED],
        elections_under_way=statuses[ElectionStatus.OPEN],
        elections_rejected=statuses[ElectionStatus.REJECTED],
        overdue=sum(_is_overdue(runner.memberflow, n.id, today_) for n in tree.nodes),
        election_ids=election_ids,
    )


def _is_overdue(memberflow: Memberflow, organization_id: UUID, today_: date) -> bool:
    organization = memberflow.organizations.organization(organization_id)
    open_id = organization.open_election_id
    election = memberflow.organizations.election(open_id) if open_id else None
    return organization.overdue_on(today_, request_approved(election))


def _play(runner: Runner, threads: list[Thread]) -> None:
    console = Console(stderr=True)
    cases = sum(t.is_case for t in threads)
    elections = sum(t.is_election for t in threads)
    with Progress(console=console, disable=not console.is_terminal) as progress:
        case_task = progress.add_task("admission cases", total=cases)
        election_task = progress.add_task("elections", total=elections)
        for move, thread, last in chronological(threads):
            runner.play(move, thread)
            if last and thread.is_case:
                progress.advance(case_task)
            if last and thread.is_election:
                progress.advance(election_task)


# The organization tree.


def _build_tree(runner: Runner, on: date, planner: _Planner) -> Tree:
    """The tree as imported on ``on``, each organization with the term it was then serving."""
    tree = Tree()

    def register(
        name: str,
        kind: OrgKind,
        parent: UUID | None,
        unit: str,
        approves: bool = False,
        own: Callable[[UUID], Actor] | None = None,
    ) -> UUID:
        story = planner.story(name, kind)
        started_on = story.term_started_on if story else None
        command = RegisterOrganization(
            name, kind, parent, approves, unit, Entry(on), term_started_on=started_on
        )
        organization_id = runner.run(command, ADMIN, on)
        tree.organization_ids.append(organization_id)
        if story and parent and own:
            tree.nodes.append(
                Node(organization_id, name, kind, parent, own(organization_id), story)
            )
        return organization_id

    def official(organization_id: UUID, actor_id: str) -> None:
        tree.officials[organization_id] = acting(actor_id, Role.COMMITTEE_OFFICIAL)(organization_id)

    def branch(name: str, parent: UUID, unit: str, approver: UUID) -> None:
        secretary = acting(f"demo-secretary-{len(tree.branches) + 1}", Role.BRANCH_SECRETARY)
        branch_id = register(name, OrgKind.BRANCH, parent, unit, own=secretary)
        approving = Actor(
            id=f"demo-official-{tree.approving_ids.index(approver) + 1}",
            role=Role.COMMITTEE_OFFICIAL,
            organization_id=approver,
        )
        tree.branches.append(Branch(branch_id, name, unit, secretary(branch_id), approving))

    root = register(WORKING_COMMITTEE, OrgKind.WORKING_COMMITTEE, None, WORKING_COMMITTEE)
    tree.approving_ids.append(root)
    official(root, "demo-official-1")
    branch(WORKING_COMMITTEE_BRANCH, root, WORKING_COMMITTEE, root)
    for index, bureau in enumerate(BUREAUS, start=1):
        # An empowered committee's official is the one who approves its admissions (O-1).
        actor_id = (
            f"demo-official-{len(tree.approving_ids) + 1}"
            if bureau.approves
            else f"demo-committee-official-{index}"
        )
        committee = register(
            f"{bureau.unit}机关党委",
            OrgKind.PRIMARY_COMMITTEE,
            root,
            bureau.unit,
            bureau.approves,
            own=acting(actor_id, Role.COMMITTEE_OFFICIAL),
        )
        official(committee, actor_id)
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
                own=acting(f"demo-general-secretary-{index}", Role.BRANCH_SECRETARY),
            )
            official(general, f"demo-general-official-{index}")
            for name in bureau.in_general:
                branch(f"{bureau.unit}{name}", general, bureau.unit, approver)
    return tree


def acting(actor_id: str, role: Role) -> Callable[[UUID], Actor]:
    """Someone in ``role`` acting for the organization they are given."""
    return lambda organization_id: Actor(id=actor_id, role=role, organization_id=organization_id)


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
        registry.members[branch.id] += 1
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


# Term-change elections (DOMAIN.md §4): each organization below the working committee tells one
# story. Its elections are scripted as actions, dated from the request or from the meeting day.

ACTION_DAYS: dict[str, tuple[bool, int]] = {  # action: (dated from the meeting day?, days after)
    "request": (False, 0),
    "request_approved": (False, 10),
    "request_deferred": (False, 10),  # not approved: the parent defers it and extends the term
    "request_rejected": (False, 10),  # not approved: more seats asked for than the size warrants
    "nominated": (False, 20),
    "nominated_short": (False, 20),  # one candidate short of the 20% margin (E-4.2)
    "list_approved": (False, 30),
    "list_rejected": (False, 30),
    "held": (True, 0),
    "held_partial": (True, 0),  # one seat stays open (E-5.4)
    "held_again": (True, 0),  # a second ballot among the rest fills it
    "officers_elected": (True, 0),  # the new committee's first session, the same day
    "results_reported": (True, 3),
    "officers_approved": (True, 15),
    "officers_rejected": (True, 15),
}
_APPROVED = ("request", "request_approved")
_LISTED = (*_APPROVED, "nominated", "list_approved")
_FILLED = (*_LISTED, "held")
_REPORTED = (*_FILLED, "officers_elected", "results_reported")
COMPLETED = (*_REPORTED, "officers_approved")
SCRIPTS: dict[str, tuple[str, ...]] = {
    "requested": ("request",),
    "request_approved": _APPROVED,
    "nominated": (*_APPROVED, "nominated"),
    "list_approved": _LISTED,
    "list_rejected": (*_APPROVED, "nominated_short", "list_rejected"),
    "second_round": (*_LISTED, "held_partial"),
    "seats_filled": _FILLED,
    "officers_elected": (*_FILLED, "officers_elected"),
    "reported": _REPORTED,
    "officers_rejected": (*_REPORTED, "officers_rejected"),
    "completed": COMPLETED,
    "completed_in_two_rounds": (
        *_LISTED,
        "held_partial",
        "held_again",
        "officers_elected",
        "results_reported",
        "officers_approved",
    ),
    "deferred": ("request", "request_deferred"),  # and the term extended the same day
    "resubmitted": ("request", "request_rejected"),  # and then requested again
}
# Where each organization stands today. "current": a term from before the system went live, still
# running; "overdue": a term that ended without an election (E-OVERDUE); "completed": renewed since
# the system went live; any other: the script of an election under way (or rejected) by today.
# A branch needs two members with rights to elect its secretary from two candidates, so every
# story plays out from 40 members on; with fewer, elections a branch cannot hold are left out and
# its term simply runs out.
STORIES: dict[str, str] = {
    WORKING_COMMITTEE_BRANCH: "completed_in_two_rounds",
    "市财政局机关党委": "second_round",
    "市财政局机关第一党支部": "overdue",
    "市财政局机关第二党支部": "completed",
    "市财政局机关第三党支部": "list_rejected",
    "市财政局国库支付中心党支部": "completed",
    "市教育局机关党委": "completed",
    "市教育局机关第一党支部": "request_approved",
    "市教育局机关第二党支部": "completed",
    "市教育局教研室党总支": "officers_rejected",
    "市教育局教研室第一党支部": "nominated",
    "市教育局教研室第二党支部": "completed",
    "市卫生健康委员会机关党委": "requested",
    "市卫生健康委员会机关第一党支部": "deferred",
    "市卫生健康委员会机关第二党支部": "completed",
    "市卫生健康委员会卫生监督所党总支": "reported",
    "市卫生健康委员会卫生监督所第一党支部": "list_approved",
    "市卫生健康委员会卫生监督所第二党支部": "seats_filled",
    "市交通运输局机关党委": "current",
    "市交通运输局机关第一党支部": "officers_elected",
    "市交通运输局机关第二党支部": "overdue",
    "市交通运输局公路事业发展中心党支部": "completed",
    "市统计局机关党委": "overdue",
    "市统计局机关党支部": "resubmitted",
    "市统计局普查中心党支部": "completed",
}
REASONS = {
    "request_deferred": "机构改革期间暂缓换届，同意延期换届",
    "request_rejected": "委员名额与党员人数不相称，请调整后重新请示",
    "list_rejected": "候选人差额比例不足20%，请重新酝酿",
    "officers_rejected": "拟任书记人选须按干部管理权限另行考察",
}
REQUEST_ONLY = {"request", "request_deferred", "request_rejected"}  # no candidates needed
EXTENSION_MONTHS, EXTENSION_REASON = 6, "机构改革"
EXCLUSION_REASONS = ("出国半年以上", "长期病休")


@dataclass(frozen=True, slots=True)
class Planned:
    """One election: its actions, the meeting day its request names (the election day where a
    ballot is held), and how many days more than the required notice it was requested."""

    actions: tuple[str, ...]
    meeting_on: date
    notice: int

    def dates(self, lead_months: int) -> list[date]:
        requested = add_months(self.meeting_on, -lead_months) - timedelta(days=self.notice)
        return [
            (self.meeting_on if from_meeting else requested) + timedelta(days=days)
            for from_meeting, days in (ACTION_DAYS[a] for a in self.actions)
        ]


@dataclass(frozen=True, slots=True)
class Story:
    term_started_on: date  # of the term the organization served when the system went live
    elections: tuple[Planned, ...] = ()
    extended_on: date | None = None  # the parent delayed the next election (E-X.1)


@dataclass
class _Planner:
    """Dates each organization's story, before the tree is registered with its terms."""

    today: date
    live_on: date
    policy: Policy
    rng: random.Random

    @property
    def lead(self) -> int:
        return self.policy.election_request_lead_months

    def story(self, name: str, kind: OrgKind) -> Story | None:
        years = term_years(kind, self.policy)
        if years is None:
            return None  # a working committee's term is not kept here
        plot = STORIES.get(name, "current" if kind is OrgKind.PRIMARY_COMMITTEE else "completed")
        today_, rng = self.today, self.rng
        if plot == "current":
            started_on = self.live_on - timedelta(days=rng.randint(200, 500))
            if add_years(started_on, years) > today_:
                return Story(started_on)
            plot = "completed"  # too short a term to be running still without an election
        if plot == "overdue":
            ended = today_ - timedelta(days=rng.randint(40, 200))
            latest = self.live_on - timedelta(days=rng.randint(0, 30))
            return Story(min(add_years(ended, -years), latest))
        extended_on = None
        if plot in ("completed", "completed_in_two_rounds"):
            # Renewed since the system went live, so that the new term is running.
            earliest = max(
                add_years(today_, -years) + timedelta(days=30),
                add_months(self.live_on, self.lead) + timedelta(days=20),
            )
            span = max(0, (today_ - timedelta(days=100) - earliest).days)
            elections = [self._planned(SCRIPTS[plot], earliest + timedelta(rng.randint(0, span)))]
        elif plot == "deferred":
            # Asked for on time, deferred by the parent, which extended the term the same day.
            ends_on = today_ - timedelta(days=rng.randint(60, 90))
            elections = [self._planned(SCRIPTS[plot], ends_on)]
            extended_on = elections[0].dates(self.lead)[-1]
        elif plot == "resubmitted":
            again = self._placed(SCRIPTS["requested"], today_ - timedelta(rng.randint(5, 20)))
            first = self._placed(SCRIPTS[plot], again.dates(self.lead)[0] - timedelta(20))
            elections = [first, again]
        else:
            elections = [self._placed(SCRIPTS[plot], today_ - timedelta(rng.randint(3, 25)))]
        ends_on = elections[0].meeting_on
        if plot == "resubmitted":  # asked for late: the term had ended a while before
            ends_on = elections[0].dates(self.lead)[0] - timedelta(rng.randint(30, 90))
        started_on, earlier = self._history(ends_on, years)
        return Story(started_on, (*earlier, *elections), extended_on)

    def _planned(self, actions: tuple[str, ...], meeting_on: date) -> Planned:
        return Planned(actions, meeting_on, self.rng.randint(3, 12))

    def _placed(self, actions: tuple[str, ...], last_on: date) -> Planned:
        """An election whose last action falls on ``last_on`` or a few days before."""
        planned = self._planned(actions, last_on)
        planned = replace(planned, meeting_on=last_on - (planned.dates(self.lead)[-1] - last_on))
        while planned.dates(self.lead)[-1] > last_on:
            planned = replace(planned, meeting_on=planned.meeting_on - timedelta(days=1))
        return planned

    def _history(self, ends_on: date, years: int) -> tuple[date, list[Planned]]:
        """When the term ending on ``ends_on`` began: at an election held since the system went
        live, itself ending a term, or before the system went live (an imported term)."""
        earlier: list[Planned] = []
        while (started_on := add_years(ends_on, -years)) > self.live_on:
            planned = self._planned(COMPLETED, started_on)
            if planned.dates(self.lead)[0] < self.live_on + timedelta(days=7):
                # Too soon after going live to have been entered: the term had begun earlier.
                return self.live_on - timedelta(days=self.rng.randint(0, 30)), earlier
            earlier.insert(0, planned)
            ends_on = started_on
        return started_on, earlier


def _candidates_for(seats: int) -> int:
    return math.ceil(seats * 1.2)  # E-4.2


def _seats(kind: OrgKind, voters: int) -> int:
    """The committee an organization of this size elects: a branch of fewer than seven members
    elects a secretary only (支部条例); a larger one elects a committee; the list must exceed the
    seats by 20% (E-4.2). None where too few members with rights could stand."""
    if kind is OrgKind.PRIMARY_COMMITTEE:
        options: tuple[int, ...] = (7, 5, 3) if voters >= 50 else (5, 3)
    elif kind is OrgKind.GENERAL_BRANCH:
        options = (5, 3, 1) if voters >= 30 else (3, 1)
    else:
        options = (3, 1) if voters >= 7 else (1,)
    return next((seats for seats in options if _candidates_for(seats) <= voters), 0)


def _election_threads(tree: Tree, registry: Registry, planner: _Planner) -> list[Thread]:
    threads = []
    for node in tree.nodes:
        # Members of the organization are those of its branches; they nominate, stand and vote.
        branches = tree.branches_under(node.id)
        pool = [member for branch in branches for member in registry.voters(branch)]
        members = sum(registry.members[branch] for branch in branches)
        decider = tree.officials[node.parent_id]
        own: list[Thread] = []
        for planned in node.story.elections:
            writer = _ElectionWriter(node, decider, pool, members, planner.rng)
            if writer.seats or set(planned.actions) <= REQUEST_ONLY:
                own.append(writer.thread(planned, planner.lead))
            # else too few members with rights to elect anyone: the term runs out
        if node.story.extended_on and own:
            on = node.story.extended_on
            command = ExtendTerm(node.id, EXTENSION_MONTHS, EXTENSION_REASON, Entry(on))
            own[-1].moves.append(Move(on, decider, command))
        threads += own
    return threads


@dataclass
class _ElectionWriter:
    """Turns a planned election into dated moves: the organization's own officer requests,
    nominates and reports; the parent's committee official decides (E-2.1, E-4.1, E-8.1)."""

    node: Node
    decider: Actor
    pool: list[UUID]
    members: int
    rng: random.Random
    seats: int = field(init=False)
    candidates: list[UUID] = field(init=False)
    elected: list[UUID] = field(default_factory=list)
    rounds: int = 0

    def __post_init__(self) -> None:
        self.seats = _seats(self.node.kind, len(self.pool))
        self.candidates = self.rng.sample(
            self.pool, _candidates_for(self.seats) if self.seats else 0
        )
        self.due = len(self.pool)
        others = [m for m in self.pool if m not in self.candidates]
        self.exclusions: tuple[Exclusion, ...] = ()
        if self.due >= 10 and others and self.rng.random() < 0.5:
            reason = self.rng.choice(EXCLUSION_REASONS)
            self.exclusions = (Exclusion(member_id=self.rng.choice(others), reason=reason),)
        # E-5.2: more than four fifths of those due, after exclusions, are present.
        expected = self.due - len(self.exclusions)
        self.present = expected - self.rng.randint(0, max(0, math.ceil(expected / 5) - 1))

    @property
    def deputies(self) -> int:
        return 0 if self.seats <= 1 else 2 if self.seats >= 7 else 1

    def thread(self, planned: Planned, lead_months: int) -> Thread:
        dates = planned.dates(lead_months)
        moves = [self._request(planned, dates[0])]
        for action, on in zip(planned.actions[1:], dates[1:], strict=True):
            moves.append(self._move(action, on))
        return Thread(moves, is_election=True)

    def _request(self, planned: Planned, on: date) -> Move:
        asked = max(1, self.seats) + (2 if "request_rejected" in planned.actions else 0)
        request = ElectionRequest(
            seats=asked,
            secretary_seats=1,
            deputy_seats=min(self.deputies, asked - 1),
            meeting_form=MeetingForm.MEMBER_MEETING.value,
            planned_date=planned.meeting_on,
            members_count=self.members,
        )
        return Move(on, self.node.own, RequestElection(self.node.id, request, Entry(on)))

    def _move(self, action: str, on: date) -> Move:
        entry = Entry(on, comment=REASONS.get(action))
        by_parent, slug, details = self._step(action)
        command = _election_step(slug, details, entry)
        return Move(on, self.decider if by_parent else self.node.own, command)

    def _step(self, action: str) -> tuple[bool, str, StepDetails]:
        if action in ("request_approved", "request_deferred", "request_rejected"):
            approved = Decision(approved=action == "request_approved")
            return True, "election_request_approved", approved
        if action in ("nominated", "nominated_short"):
            listed = self.candidates[:-1] if action == "nominated_short" else self.candidates
            return False, "candidates_nominated", Nomination(candidates=tuple(listed))
        if action in ("list_approved", "list_rejected"):
            return True, "candidate_list_approved", Decision(approved=action == "list_approved")
        if action in ("held", "held_partial", "held_again"):
            return False, "election_held", self._ballot(action)
        if action == "officers_elected":
            officers = Officers(
                secretary_id=self.elected[0], deputy_ids=tuple(self.elected[1 : 1 + self.deputies])
            )
            return False, "officers_elected", officers
        if action == "results_reported":
            return False, "results_reported", StepDetails()
        assert action in ("officers_approved", "officers_rejected"), action
        return True, "officers_approved", Decision(approved=action == "officers_approved")

    def _ballot(self, action: str) -> Ballot:
        """A round in which exactly the intended candidates reach more than half of the votes of
        those present (E-5.3), so that the service elects them and no one else."""
        standing = [c for c in self.candidates if c not in self.elected]
        open_seats = self.seats - len(self.elected)
        winners = standing[: open_seats - 1 if action == "held_partial" else open_seats]
        self.rounds += 1
        lines = tuple(self._line(c, c in winners) for c in standing)
        self.elected.extend(winners)
        return Ballot(
            round=self.rounds,
            due_voters=self.due,
            exclusions=self.exclusions,
            present=self.present,
            ballots=lines,
        )

    def _line(self, candidate: UUID, elected: bool) -> BallotLine:
        present, half = self.present, self.present // 2
        if elected:
            in_favour = self.rng.randint(half + 1, present)
        else:
            in_favour = self.rng.randint(max(0, half - 2), half)
        against = self.rng.randint(0, present - in_favour)
        return BallotLine(
            candidate_id=candidate,
            in_favour=in_favour,
            against=against,
            abstained=present - in_favour - against,
        )


def _election_step(slug: str, details: StepDetails, entry: Entry) -> Callable[[UUID], Command]:
    return lambda election_id: TakeElectionStep(election_id, slug, details, entry)
