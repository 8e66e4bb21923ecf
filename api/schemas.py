"""Request and response pieces shared by every resource."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from api.step_facts import STEP_FACTS
from domain.bounds import DOCUMENTS_MAX, BusinessDate, FileName, Text
from domain.commands import Entry
from domain.context import Actor, DocumentRef
from services.bus import Outcome

M = TypeVar("M", bound=BaseModel)


class DocumentIn(DocumentRef):
    """A paper as a request names it: a file name of 1–255 characters, none of them a control,
    format or zero-width character."""

    file_name: FileName


def _as_documents(documents: list[DocumentIn]) -> list[DocumentRef]:
    """What an event keeps is the plain value object, whatever the request's schema was."""
    return [DocumentRef.model_validate(d.model_dump()) for d in documents]


Documents = Annotated[
    list[DocumentIn], Field(max_length=DOCUMENTS_MAX), AfterValidator(_as_documents)
]


class EntryIn(BaseModel):
    """What every write states: the business date of the paper record, a comment, the papers."""

    model_config = ConfigDict(extra="forbid")

    occurred_on: BusinessDate = Field(
        description="business date (Asia/Shanghai), as on the paper record"
    )
    comment: Text | None = Field(default=None)
    documents: Documents = Field(default_factory=list)

    def entry(self) -> Entry:
        return Entry(self.occurred_on, self.comment, tuple(self.documents))


class Written(BaseModel):
    """Where a write landed: the aggregate, its version, and its position in an event log."""

    id: UUID
    version: int
    log: str = Field(
        description="the event log (application) written: organizations, membership or approvals"
    )
    position: int

    @classmethod
    def of(cls, outcome: Outcome) -> Written:
        return cls(
            id=outcome.subject_id,
            version=outcome.version,
            log=outcome.log,
            position=outcome.position,
        )


class StepRecorded(BaseModel):
    """A step as a case's or an election's response lists it (each adds its own fields)."""

    number: int
    slug: str
    version: int
    occurred_on: date
    recorded_at: datetime


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


def flat_body(slug: str, facts: type[BaseModel]) -> type[EntryIn]:
    """The request body of a workflow step: the common entry fields and the step's own facts,
    side by side at the top level, as one model so that OpenAPI describes it."""
    name = "".join(part.title() for part in slug.split("_")) + "Body"
    form = STEP_FACTS.get(facts, facts)  # its facts with the bounds of an input (issue 10)
    bases: tuple[type[EntryIn], ...] = (EntryIn, form)  # type: ignore[assignment]
    return create_model(name, __base__=bases)


def facts_of(facts: type[M], body: BaseModel) -> M:
    """The step's own facts out of a flat body, validated as the domain's value object."""
    return facts.model_validate(body.model_dump(include=set(facts.model_fields)))
