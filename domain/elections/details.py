"""The facts each step of a term-change election records (DOMAIN.md §4), and the request."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from domain.context import ValueObject
from domain.workflow import StepDetails, one_of


class MeetingForm(StrEnum):
    MEMBER_MEETING = "member_meeting"  # 党员大会
    DELEGATES_CONGRESS = "delegates_congress"  # 党员代表大会


class ElectionRequest(ValueObject):
    """E-1.1: what the outgoing committee asks the parent to approve."""

    seats: int = Field(ge=1, le=99, description="委员名额")
    secretary_seats: int = Field(ge=0, description="书记名额 (one)")
    deputy_seats: int = Field(ge=0, description="副书记名额")
    meeting_form: str = Field(json_schema_extra=one_of(MeetingForm))
    planned_date: date
    members_count: int | None = Field(default=None, ge=0, description="党员人数 (E-1.4)")
    scattered: bool = Field(default=False, description="sub-organizations far apart (E-1.4)")


class Decision(StepDetails):
    approved: bool


class Nomination(StepDetails):
    candidates: tuple[UUID, ...] = Field(description="member ids of the preliminary candidates")


class Exclusion(ValueObject):
    member_id: UUID
    reason: str = Field(min_length=1, max_length=500, description="长期病休, 出国半年以上 …")


class BallotLine(ValueObject):
    candidate_id: UUID
    in_favour: int = Field(ge=0)
    against: int = Field(default=0, ge=0)
    abstained: int = Field(default=0, ge=0)


class Ballot(StepDetails):
    """One round of the secret ballot (E-5.x)."""

    round: int = Field(ge=1)
    due_voters: int = Field(ge=0, description="应到会有选举权的人数, before exclusions")
    exclusions: tuple[Exclusion, ...] = Field(default=(), description="approved exclusions")
    present: int = Field(ge=0, description="实到会有选举权的人数")
    ballots: tuple[BallotLine, ...]

    @property
    def voters_due(self) -> int:
        return self.due_voters - len(self.exclusions)


class Officers(StepDetails):
    secretary_id: UUID
    deputy_ids: tuple[UUID, ...] = ()
