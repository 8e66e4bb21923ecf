"""The term-change election (换届选举) of one organization, from request to the new term (§4)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.context import Context
from domain.dates import add_months
from domain.election_steps import (
    ELECTION_STEP_BY_SLUG,
    ELECTION_STEPS,
    Ballot,
    Decision,
    ElectionRequest,
    ElectionStep,
    MeetingForm,
    Nomination,
    Officers,
)
from domain.errors import RulesBroken, Violation
from domain.findings import Finding
from domain.members import Member, rights_violation
from domain.organizations import Organization
from domain.policy import Policy
from domain.step_details import StepDetails

V = Violation.of
DELEGATES_CONGRESS_MEMBERS = 500  # 选举条例 Art. 4


class ElectionStatus(StrEnum):
    OPEN = "open"
    REJECTED = "rejected"  # the request was not approved
    COMPLETED = "completed"  # the officers were approved: a new term began


@dataclass(frozen=True, slots=True)
class ElectionRecord:
    number: int
    slug: str
    details: StepDetails
    context: Context
    version: int
    elected: tuple[UUID, ...] = ()  # the members a ballot elected (step 5), as counted here

    @property
    def approved(self) -> bool:
        return isinstance(self.details, Decision) and self.details.approved


@dataclass(frozen=True, slots=True)
class ElectionFacts:
    """What the rules need from outside the election, gathered by the service."""

    today: date
    members: Mapping[UUID, Member | None]
    members_of_organization: frozenset[UUID]


class Election(Aggregate):
    @event("ElectionRequested")
    def __init__(
        self, organization_id: UUID, parent_id: UUID, request: ElectionRequest, context: Context
    ) -> None:
        self.organization_id = organization_id
        self.parent_id = parent_id
        self.request = request
        self.requested = context
        self.records: list[ElectionRecord] = []
        self.status = ElectionStatus.OPEN

    @classmethod
    def open(
        cls, *, organization: Organization, request: ElectionRequest, context: Context, today: date
    ) -> Election:
        found = _common(context, today) + _by_own_organization(organization.id, context)
        found += check_request(organization, request)
        if found:
            raise RulesBroken(found)
        assert organization.parent_id is not None
        return cls(
            organization_id=organization.id,
            parent_id=organization.parent_id,
            request=request,
            context=context,
        )

    # Reading the election.

    def latest(self, number: int) -> ElectionRecord | None:
        found = [r for r in self.records if r.number == number]
        return found[-1] if found else None

    @property
    def nominated(self) -> tuple[UUID, ...]:
        nomination = self.latest(3)
        if nomination and isinstance(nomination.details, Nomination):
            return nomination.details.candidates
        return ()

    @property
    def candidates(self) -> tuple[UUID, ...]:
        """The list the parent approved (E-4.1), or nothing yet."""
        decision = self.latest(4)
        return self.nominated if decision and decision.approved else ()

    @property
    def rounds(self) -> list[ElectionRecord]:
        return [r for r in self.records if r.number == 5]

    @property
    def elected(self) -> tuple[UUID, ...]:
        return tuple(member for r in self.rounds for member in r.elected)

    @property
    def open_seats(self) -> int:
        return self.request.seats - len(self.elected)

    @property
    def election_day(self) -> date | None:
        """A term starts on the election day: the day of the last ballot."""
        return self.rounds[-1].context.occurred_on if self.rounds else None

    # Commands.

    def take_step(
        self, step: ElectionStep, details: StepDetails, context: Context, facts: ElectionFacts
    ) -> None:
        found = check_step(self, step, details, context, facts)
        if found:
            raise RulesBroken(found)
        elected = count_ballot(details, self.open_seats) if isinstance(details, Ballot) else ()
        self._record(
            slug=_event_slug(step, details), details=details, context=context, elected=elected
        )

    @event("StepRecorded")
    def _record(
        self, slug: str, details: StepDetails, context: Context, elected: tuple[UUID, ...]
    ) -> None:
        step = next(s for s in ELECTION_STEP_BY_SLUG.values() if slug in (s.slug, s.rejected_slug))
        self.records.append(
            ElectionRecord(step.number, slug, details, context, self.version + 1, tuple(elected))
        )
        if slug == "election_request_rejected":
            self.status = ElectionStatus.REJECTED
        elif slug == "officers_approved":
            self.status = ElectionStatus.COMPLETED


def _event_slug(step: ElectionStep, details: StepDetails) -> str:
    if isinstance(details, Decision) and not details.approved and step.rejected_slug:
        return step.rejected_slug
    return step.slug


# The rules.


def _common(context: Context, today: date) -> list[Violation]:
    if context.occurred_on <= today:
        return []
    return [
        V(
            "MF-FUTURE-DATE",
            f"{context.occurred_on} 晚于 {today}。",
            f"{context.occurred_on} is after {today}.",
        )
    ]


def _by_own_organization(organization_id: UUID, context: Context) -> list[Violation]:
    if context.actor.organization_id == organization_id:
        return []
    return [
        V(
            "MF-OWN-ORG",
            "须由本组织的工作人员办理。",
            "Only the organization's own officers may do this.",
        )
    ]


def _by_parent(rule_id: str, election: Election, context: Context) -> list[Violation]:
    if context.actor.organization_id == election.parent_id:
        return []
    return [V(rule_id, "须由上级党组织办理。", "Only the parent organization may decide this.")]


def check_request(organization: Organization, request: ElectionRequest) -> list[Violation]:
    found = []
    if organization.parent_id is None:
        found.append(
            V("E-2.1", "没有上级党组织可以批复。", "There is no parent organization to answer.")
        )
    if request.secretary_seats != 1 or request.deputy_seats > request.seats - 1:
        found.append(
            V(
                "E-1.1",
                f"委员 {request.seats} 名，书记 {request.secretary_seats} 名，副书记 "
                f"{request.deputy_seats} 名（书记一名，书记副书记合计不超过委员名额）。",
                f"{request.seats} seats, {request.secretary_seats} secretary, "
                f"{request.deputy_seats} deputies: one secretary, and officers within the seats.",
            )
        )
    if request.meeting_form not in set(MeetingForm):
        found.append(
            V(
                "E-1.1",
                f"会议形式 “{request.meeting_form}” 无效。",
                f"'{request.meeting_form}' is not a meeting form.",
            )
        )
    elif request.meeting_form == MeetingForm.DELEGATES_CONGRESS and not (
        request.scattered or (request.members_count or 0) >= DELEGATES_CONGRESS_MEMBERS
    ):
        found.append(
            V(
                "E-1.4",
                f"党员 {request.members_count or 0} 人，驻地不分散。",
                f"{request.members_count or 0} members, not scattered.",
            )
        )
    return found


def check_step(
    election: Election,
    step: ElectionStep,
    details: StepDetails,
    context: Context,
    facts: ElectionFacts,
) -> list[Violation]:
    if election.status is not ElectionStatus.OPEN:
        return [
            V(
                "MF-ELECTION-CLOSED",
                f"状态：{election.status.value}。",
                f"It is {election.status.value}.",
            )
        ]
    found = _common(context, facts.today)
    if step.by_parent:
        found += _by_parent(_DECIDING_RULE[step.number], election, context)
    else:
        found += _by_own_organization(election.organization_id, context)
    found += _readiness(election, step)
    if found:
        return found
    specific = _SPECIFIC.get(step.number)
    return specific(election, details, context, facts) if specific else []


_DECIDING_RULE = {2: "E-2.1", 4: "E-4.1", 8: "E-8.1"}

# The hard rules each election command checks, for audit views (the timeline).
REQUEST_RULES: tuple[str, ...] = ("MF-FUTURE-DATE", "MF-OWN-ORG", "E-2.1", "E-1.1", "E-1.4")
_READINESS_RULES: dict[int, tuple[str, ...]] = {5: ("E-5.1", "E-5.4"), 7: ("E-7.1",)}
_SPECIFIC_RULES: dict[int, tuple[str, ...]] = {
    3: ("E-3.1",),
    4: ("E-4.2",),
    5: ("MF-STEP-ORDER", "E-5.2", "E-5.3", "E-5.4", "E-3.1"),
    6: ("E-6.1",),
}


def election_rules_checked(step: ElectionStep) -> tuple[str, ...]:
    """Every hard rule ``check_step`` checks for ``step``, in the order it checks them."""
    found = ["MF-ELECTION-CLOSED", "MF-FUTURE-DATE"]
    found.append(_DECIDING_RULE[step.number] if step.by_parent else "MF-OWN-ORG")
    found += _READINESS_RULES.get(step.number, ("MF-STEP-ORDER",))
    found += _SPECIFIC_RULES.get(step.number, ())
    return tuple(dict.fromkeys(found))


def _readiness(election: Election, step: ElectionStep) -> list[Violation]:
    """The step before it is recorded (and decided), and the step is not already done."""
    last = election.records[-1] if election.records else None
    ready = {
        2: last is None,
        3: last is not None
        and ((last.number == 2 and last.approved) or (last.number == 4 and not last.approved)),
        4: last is not None and last.number == 3,
        5: last is not None
        and (
            (last.number == 4 and last.approved) or (last.number == 5 and election.open_seats > 0)
        ),
        6: last is not None
        and (
            (last.number == 5 and bool(election.elected))
            or (last.number == 8 and not last.approved)
        ),
        7: last is not None and last.number == 6,
        8: last is not None and last.number == 7,
    }[step.number]
    if ready:
        return []
    rule_id = {5: "E-5.1", 7: "E-7.1"}.get(step.number, "MF-STEP-ORDER")
    if step.number == 5 and last is not None and last.number == 5:
        rule_id = "E-5.4"  # every seat is filled: no further ballot
    after = last.slug if last else "election_requested"
    return [V(rule_id, f"上一步为 {after}。", f"The last step was {after}.")]


def _with_rights(ids: tuple[UUID, ...], context: Context, facts: ElectionFacts) -> list[Violation]:
    """E-3.1 (O-2): full members of the organization with rights on the day."""
    found = []
    for member_id in dict.fromkeys(ids):
        violation = rights_violation(
            "E-3.1", member_id, facts.members.get(member_id), context.occurred_on
        )
        if violation:
            found.append(violation)
        elif member_id not in facts.members_of_organization:
            found.append(
                V("E-3.1", f"{member_id} 不是本组织党员。", f"{member_id} is not a member here.")
            )
    return found


def _nomination(e: Election, d: StepDetails, c: Context, facts: ElectionFacts) -> list[Violation]:
    assert isinstance(d, Nomination)
    found = _with_rights(d.candidates, c, facts)
    if not d.candidates or len(set(d.candidates)) != len(d.candidates):
        found.append(
            V("E-3.1", "候选人名单为空或有重复。", "The list is empty or names someone twice.")
        )
    return found


def _list_decision(
    e: Election, d: StepDetails, c: Context, facts: ElectionFacts
) -> list[Violation]:
    assert isinstance(d, Decision)
    needed = math.ceil(e.request.seats * 1.2)
    count = len(e.nominated)
    if not d.approved or count >= needed:
        return []
    return [
        V(
            "E-4.2",
            f"应选 {e.request.seats} 名，候选人 {count} 名，至少须 {needed} 名。",
            f"{count} candidates for {e.request.seats} seats; at least {needed} needed.",
        )
    ]


def _ballot(e: Election, d: StepDetails, c: Context, facts: ElectionFacts) -> list[Violation]:
    assert isinstance(d, Ballot)
    found = []
    if d.round != len(e.rounds) + 1:
        found.append(
            V(
                "MF-STEP-ORDER",
                f"应为第 {len(e.rounds) + 1} 轮。",
                f"This is round {len(e.rounds) + 1}.",
            )
        )
    excluded = [x.member_id for x in d.exclusions]
    if (
        len(set(excluded)) != len(excluded)
        or d.present > d.voters_due
        or d.present * 5 <= d.voters_due * 4
    ):
        found.append(
            V(
                "E-5.2",
                f"应到 {d.due_voters}，经批准不计 {len(excluded)}，实到 {d.present}。",
                f"{d.due_voters} due, {len(excluded)} excluded, {d.present} present.",
            )
        )
    on_ballot = tuple(line.candidate_id for line in d.ballots)
    return found + _ballot_lines(e, d) + _with_rights(on_ballot, c, facts)


def _ballot_lines(e: Election, d: Ballot) -> list[Violation]:
    found = []
    for line in d.ballots:
        if line.in_favour + line.against + line.abstained > d.present:
            found.append(
                V(
                    "E-5.3",
                    f"{line.candidate_id} 的票数多于到会人数。",
                    f"More votes for {line.candidate_id} than voters present.",
                )
            )
    eligible = set(e.candidates) - set(e.elected)
    on_ballot = [line.candidate_id for line in d.ballots]
    if not on_ballot or len(set(on_ballot)) != len(on_ballot) or not set(on_ballot) <= eligible:
        found.append(
            V(
                "E-5.4",
                "选票上的人选须为经同意、尚未当选的候选人，且各一次。",
                "The ballot lists approved candidates not yet elected, each once.",
            )
        )
    return found


def count_ballot(details: StepDetails, open_seats: int) -> tuple[UUID, ...]:
    """E-5.3 and E-5.4: who this round elects, computed here, never taken from the client.

    A candidate needs more votes in favour than half of the voters present. If more reach that
    than there are seats, those with the most votes are elected; candidates tied for the last seat
    are not, and go to another ballot.
    """
    assert isinstance(details, Ballot)
    reaching = sorted(
        (line for line in details.ballots if line.in_favour * 2 > details.present),
        key=lambda line: -line.in_favour,
    )
    if len(reaching) <= open_seats:
        return tuple(line.candidate_id for line in reaching)
    cutoff = reaching[open_seats].in_favour
    return tuple(line.candidate_id for line in reaching[:open_seats] if line.in_favour > cutoff)


def _officers(e: Election, d: StepDetails, c: Context, facts: ElectionFacts) -> list[Violation]:
    assert isinstance(d, Officers)
    elected, deputies = set(e.elected), d.deputy_ids
    if (
        d.secretary_id in elected
        and set(deputies) <= elected
        and d.secretary_id not in deputies
        and len(set(deputies)) == len(deputies) <= e.request.deputy_seats
    ):
        return []
    return [
        V(
            "E-6.1",
            f"副书记名额 {e.request.deputy_seats}。",
            f"From the {len(elected)} elected, within {e.request.deputy_seats} deputy seats.",
        )
    ]


_SPECIFIC = {3: _nomination, 4: _list_decision, 5: _ballot, 6: _officers}


def election_findings(election: Election, policy: Policy) -> list[Finding]:
    """Soft rules of an election (E-1.3), derived from its events alone."""
    requested = election.requested
    planned = election.request.planned_date
    if planned >= add_months(requested.occurred_on, policy.election_request_lead_months):
        return []
    return [
        Finding(
            "F-DEADLINE",
            "E-1.3",
            "election_requested",
            1,
            requested.occurred_on,
            requested.recorded_at,
            f"请示于 {requested.occurred_on}，拟于 {planned} 召开，不足规定时间。",
            f"Requested {requested.occurred_on} for a meeting on {planned}: too short a notice.",
        )
    ]


def next_election_steps(election: Election) -> list[ElectionStep]:
    if election.status is not ElectionStatus.OPEN:
        return []
    return [step for step in ELECTION_STEPS if not _readiness(election, step)]


def request_approved(election: Election | None) -> bool:
    """Whether the parent approved this election's request (it then covers an ended term)."""
    decision = election.latest(2) if election else None
    return bool(decision and decision.approved)
