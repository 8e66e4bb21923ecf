"""The facts each admission step records besides its metadata: one value object per kind of step.

Fields whose allowed values a hard rule names (A-3.2, A-10.1, A-23.3) are plain strings here so
that a wrong value is refused with that rule's id rather than as a malformed body; their allowed
values still show in the OpenAPI schema.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from domain.context import ValueObject
from domain.workflow import StepDetails, one_of


class ActivistSource(StrEnum):
    MEMBER_RECOMMENDATION = "member_recommendation"  # 党员推荐
    MASS_ORG_RECOMMENDATION = "mass_org_recommendation"  # 群团组织推优


class ActivistDesignation(StepDetails):
    source: str = Field(json_schema_extra=one_of(ActivistSource))


class ContactsAssignment(StepDetails):
    contacts: tuple[UUID, ...] = Field(description="member ids of one or two cultivation contacts")


class OpinionGroup(StrEnum):
    PARTY_GROUP = "party_group"  # 党小组
    CONTACTS = "contacts"  # 培养联系人
    MEMBERS = "members"  # 党员
    NON_MEMBERS = "non_members"  # 群众


class OpinionHeard(StepDetails):
    group: OpinionGroup
    heard_on: date


class TargetDesignation(StepDetails):
    opinions_heard: tuple[OpinionHeard, ...] = Field(
        default=(), description="A-7.3: every group heard, and when"
    )


class IntroducersAssignment(StepDetails):
    introducers: tuple[UUID, ...] = Field(description="member ids of exactly two introducers")


class ReviewConclusion(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class PoliticalReview(StepDetails):
    conclusion: str = Field(json_schema_extra=one_of(ReviewConclusion))
    areas: tuple[str, ...] = Field(default=(), description="content areas reviewed")
    methods: tuple[str, ...] = Field(default=(), description="methods used (谈话, 函调, 外调 …)")


class Training(StepDetails):
    days: int = Field(default=0, ge=0)
    hours: int = Field(default=0, ge=0)


class PreReview(StepDetails):
    leaving_unit_within_3_months: bool = Field(default=False, description="A-13.3")


class MeetingVote(StepDetails):
    """A branch general meeting's vote on one candidate (A-15.1 … A-15.5, A-23.1)."""

    eligible: int = Field(ge=0, description="应到会有表决权的正式党员")
    present: int = Field(ge=0, description="有表决权的到会人数")
    in_favour: int = Field(ge=0, description="including written opinions")
    against: int = Field(default=0, ge=0)
    abstained: int = Field(default=0, ge=0)
    written_opinions: int = Field(default=0, ge=0, description="absent members' written votes")
    voted_individually: bool = Field(default=True, description="A-15.5 逐个讨论和表决")

    @property
    def passed(self) -> bool:
        """A-15.3: the base is the eligible members, not those present."""
        return self.in_favour * 2 > self.eligible


class InterviewerCapacity(StrEnum):
    COMMITTEE_MEMBER = "committee_member"  # 党委委员
    ORGANIZER = "organizer"  # 组织员


class Interviewer(ValueObject):
    """A-16.2: who held the committee's interview: a member of the approving committee or one of
    its organizers (组织员), by member id where the registry has them, and by name."""

    member_id: UUID | None = Field(default=None, description="their registry record, if any")
    name: str = Field(max_length=100)
    capacity: str = Field(json_schema_extra=one_of(InterviewerCapacity))


class CommitteeInterview(StepDetails):
    interviewers: tuple[Interviewer, ...] = Field(
        default=(), max_length=10, description="A-16.2: who held the interview"
    )


class ConversionOutcome(StrEnum):
    CONVERT = "convert"
    EXTEND = "extend"
    CANCEL = "cancel"


class ConversionMeeting(MeetingVote):
    outcome: str = Field(json_schema_extra=one_of(ConversionOutcome))
    extension_months: int | None = Field(default=None, description="6–12, with outcome extend")


class AdmissionDecision(StepDetails):
    approved: bool
    special_reason: str | None = Field(
        default=None, description="A-17.2: why the approval comes 3–6 months after the meeting"
    )


class ConversionDecision(StepDetails):
    """A-24.4: the committee approves or refuses the conversion meeting's resolution; convert,
    extend and cancel take effect only when it approves."""

    approved: bool = True
