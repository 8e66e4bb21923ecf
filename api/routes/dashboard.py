"""/dashboard/pipeline: the admission pipeline of an organization and everything under it."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.access import Authorized, listable
from api.deps import MemberflowDep
from api.reads import AFTER, ReadModelsDep, caught_up
from domain.admission.steps import STAGES, STEPS
from domain.context import Actor
from memberflow.bootstrap import Memberflow
from projections.organizations import OrganizationsModel
from projections.pipeline import PipelineModel, pipeline
from projections.service import ReadModels
from services.clock import today

router = APIRouter(prefix="/dashboard", tags=["dashboard"])

INBOX = "inbox"  # the approval inbox's read model, when it is registered
INBOX_ITEMS = "inbox_items"


class StageCount(BaseModel):
    number: int
    slug: str
    name_zh: str
    open: int = Field(description="open cases whose furthest step is in this stage")


class StepCount(BaseModel):
    number: int
    slug: str
    open: int = Field(description="open cases whose furthest step is this one")
    average_days: float | None = Field(
        description="mean days from the latest direct prerequisite to this step, over the "
        "subtree's cases (null: no such step recorded)"
    )
    slowest_days: int | None


class YearAdmissions(BaseModel):
    year: int
    admitted: int = Field(
        description="approvals (step 17) given that year by the subtree's committees"
    )
    planned: int = Field(
        description="the development plans (A-P) of those committees for that year"
    )


class PipelineDashboard(BaseModel):
    organization_id: UUID
    as_of: date = Field(description="today, the day overdue items are counted against")
    stages: list[StageCount]
    steps: list[StepCount]
    closed: dict[str, int] = Field(description="closed cases by status")
    admissions: list[YearAdmissions]
    overdue_items: int = Field(description="open inbox items of the subtree past their due date")
    notes: list[str] = Field(default_factory=list, description="what the figures leave out")
    positions: dict[str, int] = Field(description="the event log positions these figures reflect")


@router.get("/pipeline", response_model=PipelineDashboard)
def pipeline_dashboard(
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    actor: Authorized,
    org: Annotated[UUID, Query(description="the organization whose subtree is counted")],
    after: Annotated[
        str | None,
        Query(
            pattern=AFTER,
            description="read-your-writes: 'membership:123' (a write's log and position), "
            "comma-separated; the read waits, boundedly, until the read models have reached it",
        ),
    ] = None,
) -> PipelineDashboard:
    return pipeline_of(memberflow, read_models, actor, org, after)


def pipeline_of(
    memberflow: Memberflow, read_models: ReadModels, actor: Actor, org: UUID, after: str | None
) -> PipelineDashboard:
    """The pipeline of ``org``'s subtree as ``actor`` may read it (the API's answer and the
    console's dashboard): 404 for an unknown organization, 403 outside the jurisdiction, and
    ReadModelBehind when the read models do not reach ``after`` in time."""
    listable(memberflow, actor, org)
    inbox = read_models.models.get(INBOX)
    inbox_tables = inbox.names if inbox is not None else {}
    names = [PipelineModel.name, OrganizationsModel.name, *([INBOX] if inbox else [])]
    positions = caught_up(read_models, after, names, memberflow.settings.read_wait_seconds)
    model = read_models.model(PipelineModel.name)
    organizations = read_models.model(OrganizationsModel.name)
    assert isinstance(model, PipelineModel)
    day = today(memberflow.clock)
    with read_models.query() as tx:
        figures = pipeline(
            model,
            tx,
            organization_id=str(org),
            today=day.isoformat(),
            ancestors_table=organizations.names["ancestors"],
            plans_table=organizations.names["development_plans"],
            inbox_items_table=inbox_tables.get(INBOX_ITEMS),
        )
    notes = []
    if figures.overdue_items is None:
        notes.append("overdue_items: the approval inbox read model is not registered; counted as 0")
    return PipelineDashboard(
        organization_id=org,
        as_of=day,
        stages=[
            StageCount(number=number, slug=s.slug, name_zh=s.zh, open=figures.open_by_stage[number])
            for number, s in STAGES.items()
        ],
        steps=[
            StepCount(
                number=f.number,
                slug=step.slug,
                open=f.open,
                average_days=f.average_days,
                slowest_days=f.slowest_days,
            )
            for step, f in zip(STEPS, figures.steps, strict=True)
        ],
        closed=figures.closed,
        admissions=[
            YearAdmissions(year=y.year, admitted=y.admitted, planned=y.planned)
            for y in figures.admissions
        ],
        overdue_items=figures.overdue_items or 0,
        notes=notes,
        positions=positions,
    )
