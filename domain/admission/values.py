"""The values an admission case is made of and is checked with: who applies and why (A-1.2), what
the case remembers of each step and exception, and the facts its rules need from outside it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from domain.context import Context, ValueObject
from domain.identity import IdNumber
from domain.members import Member
from domain.policy import Policy
from domain.workflow import StepDetails


class Basis(StrEnum):
    """A-1.2: why this organization receives the application."""

    WORK_UNIT = "work_unit"
    STUDY_UNIT = "study_unit"
    RESIDENCE = "residence"
    MOBILE = "mobile"


class Applicant(ValueObject):
    name: str = Field(min_length=1, max_length=100)
    birth_date: date
    unit: str | None = Field(default=None, description="work or study unit, or residence (A-1.2)")
    id_number: IdNumber | None = Field(
        default=None,
        max_length=32,
        description="公民身份号码 (O-4, GB 11643): 18 characters; applications stored before O-4 "
        "have none",
    )


class CaseStatus(StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"
    REJECTED = "rejected"
    ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One recorded step as the case remembers it. ``step`` is the slug of the step it records,
    ``slug`` the event's own (``admission_rejected`` records step ``admission_approved``);
    ``version`` orders records within the case."""

    number: int
    step: str
    slug: str
    details: StepDetails
    context: Context
    waived: tuple[str, ...]
    version: int

    @property
    def occurred_on(self) -> date:
        return self.context.occurred_on

    @property
    def recorded_at(self) -> datetime:
        return self.context.recorded_at

    @property
    def is_rejection(self) -> bool:
        return self.slug != self.step


@dataclass(frozen=True, slots=True)
class TransferRecord:
    """A move between branches (A-T), with the approving committees on both sides (A-T.2); cases
    transferred before the committees were recorded have ``None`` for them."""

    from_branch_id: UUID
    to_branch_id: UUID
    context: Context
    version: int
    from_committee_id: UUID | None = None
    to_committee_id: UUID | None = None

    @property
    def occurred_on(self) -> date:
        return self.context.occurred_on

    @property
    def changes_committee(self) -> bool:
        return self.from_committee_id != self.to_committee_id


@dataclass(slots=True)
class ExceptionRecord:
    step: str
    rule: str
    reason: str
    approving_committee_id: UUID  # the committee that granted it (O-1)
    context: Context
    version: int
    used: bool = False


@dataclass(frozen=True, slots=True)
class Facts:
    """What a step's rules need from outside the case, gathered by the service."""

    today: date
    approving_committee_id: UUID
    members: Mapping[UUID, Member | None]
    policy: Policy
