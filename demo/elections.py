"""Term-change elections: each organization's planned elections turned into dated commands, with
the committee it elects, its candidates and its ballots drawn from the members with rights of its
branches, and the extension of a term whose election the parent deferred.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar
from uuid import UUID

from demo.election_stories import Planned, Planner
from demo.members import Registry
from demo.runner import Move, Thread
from demo.tree import Node, Tree
from domain.commands import Command, Entry, ExtendTerm, RequestElection, TakeElectionStep
from domain.context import Actor
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
from domain.organizations import OrgKind
from domain.workflow import StepDetails

T = TypeVar("T")

REASONS = {
    "request_deferred": "机构改革期间暂缓换届，同意延期换届",
    "request_rejected": "委员名额与党员人数不相称，请调整后重新请示",
    "list_rejected": "候选人差额比例不足20%，请重新酝酿",
    "officers_rejected": "拟任书记人选须按干部管理权限另行考察",
}
REQUEST_ONLY = {"request", "request_deferred", "request_rejected"}  # no candidates needed
EXTENSION_MONTHS, EXTENSION_REASON = 6, "机构改革"
EXCLUSION_REASONS = ("出国半年以上", "长期病休")


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


def election_threads(tree: Tree, registry: Registry, planner: Planner) -> list[Thread]:
    def start(planned: Planned, writer: ElectionWriter) -> Thread:
        return writer.thread(planned, planner.lead)

    threads = []
    for node in tree.nodes:
        branches = tree.branches_under(node.id)
        own, extension = node_elections(node, tree, branches, registry, planner, start)
        if extension is not None:
            own[-1].moves.append(extension)
        threads += own
    return threads


def node_elections(
    node: Node,
    tree: Tree,
    branches: Sequence[UUID],
    registry: Registry,
    planner: Planner,
    start: Callable[[Planned, ElectionWriter], T],
) -> tuple[list[T], Move | None]:
    """The elections planned for ``node`` that its members can hold (or only request), each
    started by ``start`` as soon as its writer is made (the writers draw on ``planner.rng`` in
    this order); and the extension of its term after the last of them, if the story has one.

    Members of the organization are those of its ``branches``; they nominate, stand and vote."""
    pool = [member for branch in branches for member in registry.voters(branch)]
    members = sum(registry.members[branch] for branch in branches)
    decider = tree.officials[node.parent_id]
    own = []
    for planned in node.story.elections:
        writer = ElectionWriter(node, decider, pool, members, planner.rng)
        if writer.seats or set(planned.actions) <= REQUEST_ONLY:
            own.append(start(planned, writer))
        # else too few members with rights to elect anyone: the term runs out
    if not (node.story.extended_on and own):
        return own, None
    on = node.story.extended_on
    command = ExtendTerm(node.id, EXTENSION_MONTHS, EXTENSION_REASON, Entry(on))
    return own, Move(on, decider, command)


@dataclass
class ElectionWriter:
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
        return Thread(list(self.moves(planned, lead_months)), is_election=True)

    def moves(self, planned: Planned, lead_months: int) -> Iterator[Move]:
        """The election's moves, each made when asked for."""
        dates = planned.dates(lead_months)
        yield self._request(planned, dates[0])
        for action, on in zip(planned.actions[1:], dates[1:], strict=True):
            yield self._move(action, on)

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
