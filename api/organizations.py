"""/organizations: the organization tree and its yearly development plans."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentActor, MemberflowDep, RequestId, TreeBuilder, Writer
from api.schemas import Written
from domain.commands import Entry, RegisterOrganization, SetDevelopmentPlan
from domain.organizations import Organization, OrgKind
from services.clock import today

router = APIRouter(prefix="/organizations", tags=["organizations"])


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    parent_id: UUID | None = None
    may_approve_admissions: bool = False
    unit: str | None = Field(default=None, description="the work unit (单位) it serves")
    occurred_on: date | None = Field(default=None, description="default: today")


class DevelopmentPlanSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=1921, le=2200)
    admissions: int = Field(description="planned admissions in the year (A-P)")
    occurred_on: date | None = Field(default=None, description="default: today")


class OrganizationPublic(BaseModel):
    id: UUID
    version: int
    name: str
    kind: OrgKind
    parent_id: UUID | None
    may_approve_admissions: bool
    unit: str | None
    approving_committee_id: UUID | None = Field(description="O-1, for a branch or general branch")
    development_plans: dict[int, int]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Written)
def register_organization(
    body: OrganizationCreate, memberflow: MemberflowDep, actor: TreeBuilder, request_id: RequestId
) -> Written:
    entry = Entry(body.occurred_on or today(memberflow.clock))
    command = RegisterOrganization(
        body.name, body.kind, body.parent_id, body.may_approve_admissions, body.unit, entry
    )
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))


@router.get("/{organization_id}", response_model=OrganizationPublic)
def get_organization(
    organization_id: UUID, memberflow: MemberflowDep, _: CurrentActor
) -> OrganizationPublic:
    organizations = memberflow.organizations
    organization = organizations.organization(organization_id)
    return _public(organization, _approver_id(organization, memberflow))


def _approver_id(organization: Organization, memberflow: MemberflowDep) -> UUID | None:
    if organization.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        return None
    return memberflow.organizations.approving_committee(organization.id).id


def _public(organization: Organization, approver_id: UUID | None) -> OrganizationPublic:
    return OrganizationPublic(
        id=organization.id,
        version=organization.version,
        name=organization.name,
        kind=organization.kind,
        parent_id=organization.parent_id,
        may_approve_admissions=organization.may_approve_admissions,
        unit=organization.unit,
        approving_committee_id=approver_id,
        development_plans=organization.development_plans,
    )


@router.post("/{organization_id}/development-plans", response_model=Written)
def set_development_plan(
    organization_id: UUID,
    body: DevelopmentPlanSet,
    memberflow: MemberflowDep,
    actor: Writer,
    request_id: RequestId,
) -> Written:
    entry = Entry(body.occurred_on or today(memberflow.clock))
    command = SetDevelopmentPlan(organization_id, body.year, body.admissions, entry)
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))
