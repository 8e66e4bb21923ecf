"""/members: the member registry (O-3), and the dated changes of a member's standing (O-2)."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api.access import Authorized, readable
from api.deps import MemberflowDep, RequestId
from api.schemas import EntryIn, Written
from domain.bounds import BusinessDate, Name, Reason, StrictBool
from domain.commands import ChangeStanding, Entry, RegisterMember
from domain.identity import IdNumber, masked, sees_id_number
from domain.members import Member, MemberStatus
from domain.standing import StandingChange
from services.clock import today

router = APIRouter(prefix="/members", tags=["members"])


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    birth_date: BusinessDate
    id_number: IdNumber | None = Field(
        default=None,
        max_length=32,
        description="公民身份号码 (O-4, GB 11643): 18 characters, the birth date inside equal to "
        "birth_date; without it the member is known by name, birth date and branch",
    )
    branch_id: UUID
    status: Literal[MemberStatus.FULL, MemberStatus.PROBATIONARY]
    joined_on: BusinessDate = Field(description="the day the person joined the Party")
    full_since: BusinessDate | None = Field(
        default=None,
        description="party standing (党龄) date of a full member: the end of probation; default "
        "one year after joined_on (党章 Art. 7)",
    )
    rights_suspended: StrictBool = Field(
        default=False,
        description="detained (留置) or arrested, from this registration's date; record the real "
        "date with POST /members/{id}/standing",
    )
    under_party_probation: StrictBool = Field(
        default=False,
        description="under 留党察看, from this registration's date; record the real date with "
        "POST /members/{id}/standing",
    )

    def command(self, day: date) -> RegisterMember:
        """The command this body asks for, entered on ``day`` (also what the console's import
        sends for each row)."""
        return RegisterMember(
            name=self.name,
            birth_date=self.birth_date,
            branch_id=self.branch_id,
            status=self.status,
            joined_on=self.joined_on,
            full_since=self.full_since,
            rights_suspended=self.rights_suspended,
            under_party_probation=self.under_party_probation,
            entry=Entry(day),
            id_number=self.id_number,
        )


class StandingCreate(EntryIn):
    """A change of standing on ``occurred_on``, the day it took effect; for ``probation_ended``,
    the end of probation (party standing counts from it), not the day of the approval."""

    change: Literal[
        StandingChange.DISCIPLINE_IMPOSED,
        StandingChange.DISCIPLINE_LIFTED,
        StandingChange.RIGHTS_SUSPENDED,
        StandingChange.RIGHTS_RESTORED,
        StandingChange.PROBATION_ENDED,
        StandingChange.CANCELLED,
    ] = Field(description="O-2, O-3")
    reason: Reason = Field(description="e.g. the decision and its number")


class StandingOut(BaseModel):
    change: StandingChange
    occurred_on: date
    reason: str


class MemberPublic(BaseModel):
    id: UUID
    version: int
    name: str
    birth_date: date
    id_number: str | None = Field(
        description="公民身份号码 (O-4), if recorded: in full to the committee officials, the "
        "organization department and the secretary of the member's branch; masked for everyone "
        "else (3701**********1234, docs/security.md)"
    )
    branch_id: UUID
    status: MemberStatus
    joined_on: date
    full_since: date | None
    rights_suspended: bool = Field(description="rights suspended (留置, 逮捕) today")
    under_party_probation: bool = Field(description="under 留党察看 today")
    has_rights_today: bool = Field(description="O-2")
    admission_case_id: UUID | None
    standing: list[StandingOut] = Field(
        description="every change of standing, in order of business date (O-2)"
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Written)
def register_member(
    body: MemberCreate, memberflow: MemberflowDep, actor: Authorized, request_id: RequestId
) -> Written:
    command = body.command(today(memberflow.clock))
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))


@router.post(
    "/{member_id}/standing",
    response_model=Written,
    summary="A change of standing on its business date: discipline imposed or lifted, rights "
    "suspended or restored, probation ended, membership cancelled (O-2, O-3)",
)
def change_standing(
    member_id: UUID,
    body: StandingCreate,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> Written:
    command = ChangeStanding(member_id, body.change, body.reason, body.entry())
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))


@router.get("/{member_id}", response_model=MemberPublic)
def get_member(
    member_id: UUID, memberflow: MemberflowDep, actor: Authorized, request_id: RequestId
) -> MemberPublic:
    member: Member = memberflow.membership.member(member_id)
    readable(memberflow, actor, member.branch_id)
    memberflow.reads.read(actor, "member", member_id, request_id)  # queued, off the request path
    number = member.id_number
    now = member.standing_on(today(memberflow.clock))
    return MemberPublic(
        id=member.id,
        version=member.version,
        name=member.name,
        birth_date=member.birth_date,
        id_number=number if sees_id_number(actor, member.branch_id) else masked(number),
        branch_id=member.branch_id,
        status=member.status,
        joined_on=member.joined_on,
        full_since=member.full_since,
        rights_suspended=now.suspended_since is not None,
        under_party_probation=now.disciplined_since is not None,
        has_rights_today=now.has_rights,
        admission_case_id=member.admission_case_id,
        standing=[
            StandingOut(change=r.change, occurred_on=r.on, reason=r.reason)
            for r in member.ordered_history
        ],
    )
