"""/members: the member registry (O-3)."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentActor, MemberflowDep, RequestId, Writer
from api.schemas import Written
from domain.commands import Entry, RegisterMember
from domain.members import Member, MemberStatus
from services.clock import today

router = APIRouter(prefix="/members", tags=["members"])


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    birth_date: date
    branch_id: UUID
    status: Literal[MemberStatus.FULL, MemberStatus.PROBATIONARY]
    joined_on: date = Field(description="the day the person joined the Party")
    full_since: date | None = Field(
        default=None, description="party standing (党龄) date of a full member; default joined_on"
    )
    rights_suspended: bool = Field(default=False, description="detained (留置) or arrested")
    under_party_probation: bool = Field(default=False, description="under 留党察看")


class MemberPublic(BaseModel):
    id: UUID
    version: int
    name: str
    birth_date: date
    branch_id: UUID
    status: MemberStatus
    joined_on: date
    full_since: date | None
    rights_suspended: bool
    under_party_probation: bool
    has_rights_today: bool = Field(description="O-2")
    admission_case_id: UUID | None


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Written)
def register_member(
    body: MemberCreate, memberflow: MemberflowDep, actor: Writer, request_id: RequestId
) -> Written:
    command = RegisterMember(
        name=body.name,
        birth_date=body.birth_date,
        branch_id=body.branch_id,
        status=body.status,
        joined_on=body.joined_on,
        full_since=body.full_since,
        rights_suspended=body.rights_suspended,
        under_party_probation=body.under_party_probation,
        entry=Entry(today(memberflow.clock)),
    )
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))


@router.get("/{member_id}", response_model=MemberPublic)
def get_member(member_id: UUID, memberflow: MemberflowDep, _: CurrentActor) -> MemberPublic:
    member: Member = memberflow.membership.member(member_id)
    return MemberPublic(
        id=member.id,
        version=member.version,
        name=member.name,
        birth_date=member.birth_date,
        branch_id=member.branch_id,
        status=member.status,
        joined_on=member.joined_on,
        full_since=member.full_since,
        rights_suspended=member.rights_suspended,
        under_party_probation=member.under_party_probation,
        has_rights_today=member.has_rights_on(today(memberflow.clock)),
        admission_case_id=member.admission_case_id,
    )
