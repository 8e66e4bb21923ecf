"""What every event carries besides its own facts: who, when, why, and which papers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ValueObject(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Role(StrEnum):
    BRANCH_SECRETARY = "branch_secretary"
    COMMITTEE_OFFICIAL = "committee_official"
    ORG_DEPARTMENT = "org_department"
    DISCIPLINE_INSPECTOR = "discipline_inspector"
    ADMIN = "admin"


class Actor(ValueObject):
    """The authenticated person behind a command, as their token names them."""

    id: str
    role: Role
    organization_id: UUID | None = None
    member_id: UUID | None = None


class DocumentKind(StrEnum):
    APPLICATION_LETTER = "application_letter"  # 入党申请书
    INTERVIEW_RECORD = "interview_record"  # 谈话记录
    CULTIVATION_RECORD = "cultivation_record"  # 培养教育考察材料
    POLITICAL_REVIEW = "political_review"  # 政治审查材料
    TRAINING_RECORD = "training_record"  # 培训记录
    PRE_REVIEW_NOTICE = "pre_review_notice"  # 预审意见
    APPLICATION_FORM = "application_form"  # 入党志愿书
    MEETING_MINUTES = "meeting_minutes"  # 会议记录
    CONVERSION_APPLICATION = "conversion_application"  # 转正申请书
    APPROVAL_NOTICE = "approval_notice"  # 审批意见
    OTHER = "other"


class DocumentRef(ValueObject):
    """A paper attached to a step: the system keeps its digest, not the file."""

    kind: DocumentKind
    file_name: str = Field(min_length=1, max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="hex digest of the file")

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


class Context(ValueObject):
    """The metadata of one event. ``recorded_at`` is UTC; ``occurred_on`` is a business date."""

    occurred_on: date
    recorded_at: datetime
    actor: Actor
    request_id: str
    comment: str | None = None
    documents: tuple[DocumentRef, ...] = ()

    def has_document(self, kind: DocumentKind) -> bool:
        return any(document.kind == kind for document in self.documents)
