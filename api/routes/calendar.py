"""/elections/calendar: every organization's term, its election and whether it is overdue."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.access import Authorized, listable
from api.deps import MemberflowDep
from api.reads import Page, PageParams, Paging, ReadModelsDep, caught_up, page_of
from domain.context import Actor
from memberflow.bootstrap import Memberflow
from projections.organizations import OrganizationsModel, calendar
from projections.service import ReadModels
from services.clock import today

router = APIRouter(prefix="/elections", tags=["elections calendar"])

SORTS = {"term_ends_on": "o.term_ends_on", "name": "o.name", "kind": "o.kind"}


class CalendarRow(BaseModel):
    organization_id: UUID
    name: str
    kind: str
    parent_id: UUID | None
    term_started_on: date
    term_years: int
    extension_months: int
    term_ends_on: date
    election_id: UUID | None = Field(description="the election under way, if any")
    election_state: str | None = Field(description="the last step of its latest election")
    election_approved: bool
    election_planned_date: date | None = Field(
        description="the meeting day its request planned (E-1.1)"
    )
    election_first_ballot_on: date | None = Field(description="the day of its first ballot")
    overdue: bool = Field(
        description="E-OVERDUE today: the term ended and the election under way does not cover "
        "today (approved, and a ballot held or the planned date plus the policy's grace not past)"
    )


@router.get("/calendar", response_model=Page[CalendarRow])
def elections_calendar(
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    actor: Authorized,
    paging: Paging,
    org: Annotated[UUID, Query(description="the organization whose subtree is listed")],
    overdue: Annotated[bool, Query(description="only the overdue (E-OVERDUE)")] = False,
) -> dict[str, object]:
    data, count, positions = calendar_rows(
        memberflow, read_models, actor, paging, org=org, overdue=overdue
    )
    return page_of(data, count, paging, positions)


def calendar_rows(
    memberflow: Memberflow,
    read_models: ReadModels,
    actor: Actor,
    paging: PageParams,
    *,
    org: UUID,
    overdue: bool = False,
) -> tuple[list[CalendarRow], int, dict[str, int]]:
    """One page of the terms under ``org``, their count in all pages and the log positions they
    reflect: what ``GET /elections/calendar`` answers and the web console's elections page shows,
    with the same access check (403 outside the jurisdiction, 404 for an unknown organization)."""
    listable(memberflow, actor, org)
    positions = caught_up(
        read_models, paging.after, [OrganizationsModel.name], memberflow.settings.read_wait_seconds
    )
    model = read_models.model(OrganizationsModel.name)
    assert isinstance(model, OrganizationsModel)
    with read_models.query() as tx:
        rows, count = calendar(
            model,
            tx,
            organization_id=str(org),
            today=today(memberflow.clock),
            grace_days=memberflow.settings.policy.election_overdue_grace_days,
            overdue_only=overdue,
            order_by=paging.order_by(SORTS, "term_ends_on"),
            limit=paging.per_page,
            offset=paging.offset,
        )
    fields = list(CalendarRow.model_fields)
    data = [CalendarRow.model_validate(dict(zip(fields, row, strict=True))) for row in rows]
    return data, count, positions
