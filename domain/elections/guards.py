"""What every election command is checked against: an open election, a business date not in the
future and the authority of the one who takes it (DOMAIN.md §4), then the step's own rules as its
record names them; and the rules of the request itself (E-1.1, E-1.4, E-2.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain.context import Context
from domain.elections.details import ElectionRequest, MeetingForm
from domain.elections.steps import ElectionStep, Taker
from domain.elections.values import ElectionFacts, ElectionStatus
from domain.errors import Violation
from domain.organizations import Organization, OrgKind
from domain.workflow import StepDetails, check_date

if TYPE_CHECKING:
    from domain.elections.election import Election

V = Violation.of
DELEGATES_CONGRESS_MEMBERS = 500  # 选举条例 Art. 4


def by_own_organization(organization_id: UUID, context: Context) -> list[Violation]:
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
    if organization.kind is OrgKind.WORKING_COMMITTEE:
        found.append(
            V(
                "MF-NO-TERM",
                f"{organization.name} 是派出机关（工委），不进行换届选举。",
                f"{organization.name} is a working committee: it holds no term-change election.",
            )
        )
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
    return found + _meeting_form(request)


def _meeting_form(request: ElectionRequest) -> list[Violation]:
    """E-1.1 a known form; E-1.4 a delegates' congress only for 500 members or scattered ones."""
    if request.meeting_form not in set(MeetingForm):
        return [
            V(
                "E-1.1",
                f"会议形式 “{request.meeting_form}” 无效。",
                f"'{request.meeting_form}' is not a meeting form.",
            )
        ]
    members = request.members_count or 0
    if request.meeting_form == MeetingForm.DELEGATES_CONGRESS and not (
        request.scattered or members >= DELEGATES_CONGRESS_MEMBERS
    ):
        return [
            V("E-1.4", f"党员 {members} 人，驻地不分散。", f"{members} members, not scattered.")
        ]
    return []


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
    found = check_date(context, facts.today)
    if step.taken_by is Taker.PARENT:
        found += _by_parent(step.authority_rule, election, context)
    else:
        found += by_own_organization(election.organization_id, context)
    found += step.ready(election)
    if found:
        return found
    own = step.check(election, details, context, facts) if step.check else []
    assert {v.rule.id for v in own} <= set(step.rules_checked), (step.slug, own)
    return own
