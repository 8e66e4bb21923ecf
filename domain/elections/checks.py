"""Each election step's own rules (DOMAIN.md §4), as the step records in ``steps.py`` name them:
``ready`` (the step before it is recorded, and decided) and ``check`` (the rules on its facts).
Checks return the violations they find; the election raises them all at once."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from domain.context import Context
from domain.elections.details import Ballot, Decision, ElectionRequest, Nomination, Officers
from domain.elections.thresholds import quorum_met
from domain.elections.values import ElectionFacts
from domain.errors import Violation
from domain.members import rights_violation
from domain.organizations import OrgKind
from domain.workflow import StepDetails

if TYPE_CHECKING:
    from domain.elections.election import Election

V = Violation.of
Check = Callable[["Election", StepDetails, Context, ElectionFacts], list[Violation]]
Readiness = Callable[["Election"], list[Violation]]


# Whether a step can be taken now (``ready``): what the last event recorded was.


def after(*slugs: str, rule: str = "MF-STEP-ORDER") -> Readiness:
    """Ready right after one of the events ``slugs``; else ``rule`` is broken."""

    def ready(election: Election) -> list[Violation]:
        return [] if election.last_slug in slugs else [_not_after(rule, election)]

    return ready


def ballot_ready(election: Election) -> list[Violation]:
    """E-5.1: after the approved list, and again while seats stay open (E-5.4)."""
    last = election.last_slug
    if last == "candidate_list_approved" or (last == "election_held" and election.open_seats):
        return []
    rule = "E-5.4" if last == "election_held" else "E-5.1"  # E-5.4: every seat is filled
    return [_not_after(rule, election)]


def officers_ready(election: Election) -> list[Violation]:
    """After a ballot that elected someone, or after the parent refused the officers."""
    last = election.last_slug
    if (last == "election_held" and election.elected) or last == "officers_rejected":
        return []
    return [_not_after("MF-STEP-ORDER", election)]


def _not_after(rule: str, election: Election) -> Violation:
    last = election.last_slug
    return V(rule, f"上一步为 {last}。", f"The last step was {last}.")


# Each step's own rules on its facts (``check``).


def nomination(e: Election, d: StepDetails, c: Context, facts: ElectionFacts) -> list[Violation]:
    assert isinstance(d, Nomination)
    found = _with_rights(d.candidates, c, facts)
    if not d.candidates or len(set(d.candidates)) != len(d.candidates):
        found.append(
            V("E-3.1", "候选人名单为空或有重复。", "The list is empty or names someone twice.")
        )
    return found


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


def candidate_list(
    e: Election, d: StepDetails, c: Context, facts: ElectionFacts
) -> list[Violation]:
    """E-4.2: at least 20 % more candidates than seats (选举条例 Art. 13: 委员候选人的差额), except
    where a branch without a committee elects only its officers: one candidate a seat will do."""
    assert isinstance(d, Decision)
    needed = candidates_needed(e.request, facts.organization_kind)
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


def candidates_needed(request: ElectionRequest, kind: OrgKind) -> int:
    """E-4.2: ceil(seats × 1.2) candidates; as many as seats where no committee is elected."""
    if officers_only(request, kind):
        return request.seats
    return math.ceil(request.seats * 1.2)


def officers_only(request: ElectionRequest, kind: OrgKind) -> bool:
    """A branch without a committee (fewer than seven full members, 支部条例): its member meeting
    elects the secretary and, if needed, one deputy, and no committee members (委员). memberflow
    reads it from the request the parent approved: a branch whose seats are the secretary's and at
    most one deputy's. 选举条例 Art. 13 sets the 20 % margin for committee members' candidates;
    secretaries and deputies may be elected with one candidate a seat (等额)."""
    return (
        kind is OrgKind.BRANCH
        and request.deputy_seats <= 1
        and request.seats == request.secretary_seats + request.deputy_seats
    )


def ballot(e: Election, d: StepDetails, c: Context, facts: ElectionFacts) -> list[Violation]:
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
    if len(set(excluded)) != len(excluded) or d.present > d.voters_due or not quorum_met(d):
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


def officers(e: Election, d: StepDetails, c: Context, facts: ElectionFacts) -> list[Violation]:
    """E-6.1: the secretary and deputies come from the elected, within the deputy seats."""
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
