"""/findings: every finding of every case and election, with the cross-case F-BATCH."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.access import Authorized, listable, scope_of
from api.asof import AsOf
from api.deps import MemberflowDep, RequestId
from api.reads import Page, Paging, ReadModelsDep, caught_up, page_of
from domain.audit import AccessAction, AccessScope
from domain.bounds import Within
from projections.findings import FindingsModel
from projections.findings_query import SORTS, FindingsQuery, query_findings
from projections.organizations import OrganizationsModel
from services.access import record_access

router = APIRouter(prefix="/findings", tags=["findings"])


class FindingRow(BaseModel):
    id: str = Field(description="stable: subject, kind, rule, version of the event, and a number")
    subject_type: Literal["case", "election"]
    subject_id: UUID
    organization_id: UUID = Field(description="the case's branch, or the election's organization")
    kind: str = Field(description="F-…")
    rule: str | None
    step: str = Field(description="the event that raised it")
    version: int = Field(description="that event's position in its case or election")
    occurred_on: date
    recorded_at: datetime
    detail_zh: str
    detail_en: str
    raised_at: datetime = Field(
        description="when the system first knew it: the recorded_at of the event that raised it"
    )


@router.get("", response_model=Page[FindingRow])
def list_findings(
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    actor: Authorized,
    request_id: RequestId,
    paging: Paging,
    org: Annotated[
        UUID | None, Query(description="only findings in this organization's subtree")
    ] = None,
    kind: Annotated[str | None, Query(pattern=r"^F-[A-Z]{1,30}$", description="F-BATCH, …")] = None,
    from_: Annotated[
        date | None, Within, Query(alias="from", description="occurred on or after this date")
    ] = None,
    to: Annotated[date | None, Within, Query(description="occurred on or before this date")] = None,
    case: Annotated[UUID | None, Query(description="only this admission case")] = None,
    as_of: AsOf = None,
) -> dict[str, object]:
    org = scope_of(actor, org)  # by default the actor's own subtree
    if org is not None:
        listable(memberflow, actor, org)
    names = [FindingsModel.name, OrganizationsModel.name]
    positions = caught_up(read_models, paging.after, names, memberflow.settings.read_wait_seconds)
    model = read_models.model(FindingsModel.name)
    organizations = read_models.model(OrganizationsModel.name)
    assert isinstance(model, FindingsModel)
    with read_models.query() as tx:
        rows, count = query_findings(
            model,
            organizations.names["ancestors"],
            tx,
            FindingsQuery(org, kind, from_, to, case, as_of),
            order_by=paging.order_by(SORTS, "occurred_on"),
            limit=paging.per_page,
            offset=paging.offset,
        )
    fields = list(FindingRow.model_fields)
    data = [FindingRow.model_validate(dict(zip(fields, row, strict=True))) for row in rows]
    if as_of is not None:  # a view of the past is recorded (docs/audit.md)
        scope = AccessScope(
            kind="findings",
            id=str(case or org) if case or org else None,
            as_of=as_of,
            period_from=from_,
            period_to=to,
            detail=f"kind={kind}" if kind else None,
        )
        record_access(memberflow.bus, actor, AccessAction.AS_OF, scope, request_id)
    return page_of(data, count, paging, positions)
