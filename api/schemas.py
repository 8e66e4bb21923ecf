"""Request and response pieces shared by every resource."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.commands import Entry
from domain.context import Actor, DocumentRef
from services.bus import Outcome


class EntryIn(BaseModel):
    """What every write states: the business date of the paper record, a comment, the papers."""

    model_config = ConfigDict(extra="forbid")

    occurred_on: date = Field(description="business date (Asia/Shanghai), as on the paper record")
    comment: str | None = Field(default=None, max_length=2000)
    documents: list[DocumentRef] = Field(default_factory=list)

    def entry(self) -> Entry:
        return Entry(self.occurred_on, self.comment, tuple(self.documents))


class Written(BaseModel):
    """Where a write landed: the aggregate, its version, and its position in an event log."""

    id: UUID
    version: int
    log: str = Field(description="the event log (application) written: organizations, membership")
    position: int

    @classmethod
    def of(cls, outcome: Outcome) -> Written:
        return cls(
            id=outcome.subject_id,
            version=outcome.version,
            log=outcome.log,
            position=outcome.position,
        )


class EventOut(BaseModel):
    """One event of an aggregate's history, with all its metadata."""

    version: int
    event: str
    occurred_on: date
    recorded_at: datetime
    actor: Actor
    request_id: str
    comment: str | None
    documents: list[DocumentRef]
    facts: dict[str, Any]
