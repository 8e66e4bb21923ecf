"""/organizations: the organization tree and its yearly development plans."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api.access import Authorized, readable
from api.deps import MemberflowDep, RequestId
from api.schemas import Written
from domain.bounds import (
    BusinessDate,
    Count,
    Months,
    Reason,
    StrictBool,
    TermYears,
    Title,
    Year,
)
from domain.commands import Entry, ExtendTerm, RegisterOrganization, SetDevelopmentPlan
from domain.elections.election import Election
from domain.elections.progress import election_covers
from domain.organizations import Organization, OrgKind
from services.clock import today

router = APIRouter(prefix="/organizations", tags=["organizations"])


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    kind: OrgKind
    parent_id: UUID | None = None
    may_approve_admissions: StrictBool = False
    unit: Title | None = Field(default=None, description="the work unit (单位) it serves")
    occurred_on: BusinessDate | None = Field(default=None, description="default: today")
    term_started_on: BusinessDate | None = Field(
        default=None,
        description="the election day of the current term, for one registered mid-term",
    )
    term_years: TermYears | None = Field(
        default=None, description="default by kind: 5 (党委), 3 (党总支, 党支部)"
    )

    def command(self, day: date) -> RegisterOrganization:
        """The command this body asks for, dated ``day`` unless it names its own date (also what
        the console's import sends for each row)."""
        return RegisterOrganization(
            self.name,
            self.kind,
            self.parent_id,
            self.may_approve_admissions,
            self.unit,
            Entry(self.occurred_on or day),
            self.term_started_on,
            self.term_years,
        )


class TermExtension(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurred_on: BusinessDate
    months: Months = Field(
        description="E-X.1: > 0 delays the election, < 0 advances it; ≤ 12 in all"
    )
    reason: Reason


class TermOut(BaseModel):
    started_on: date
    years: int
    extension_months: int
    ends_on: date


class DevelopmentPlanSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: Year
    admissions: Count = Field(description="planned admissions in the year (A-P)")
    occurred_on: BusinessDate | None = Field(default=None, description="default: today")


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
    term: TermOut | None
    overdue: bool = Field(
        description="E-OVERDUE: the term ended with no approved extension, and no approved election "
        "covers today (a request covers it until its planned date plus the policy's grace, or "
        "once a ballot is held)"
    )
    open_election_id: UUID | None


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Written)
def register_organization(
    body: OrganizationCreate, memberflow: MemberflowDep, actor: Authorized, request_id: RequestId
) -> Written:
    command = body.command(today(memberflow.clock))
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))


@router.get("/{organization_id}", response_model=OrganizationPublic)
def get_organization(
    organization_id: UUID, memberflow: MemberflowDep, actor: Authorized
) -> OrganizationPublic:
    organization = memberflow.organizations.organization(organization_id)
    readable(memberflow, actor, organization.id)
    return _public(organization, memberflow)


def _approver_id(organization: Organization, memberflow: MemberflowDep) -> UUID | None:
    if organization.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        return None
    return memberflow.organizations.approving_committee(organization.id).id


def _public(organization: Organization, memberflow: MemberflowDep) -> OrganizationPublic:
    term = organization.term
    election_id = organization.open_election_id
    election = memberflow.organizations.election(election_id) if election_id else None
    return OrganizationPublic(
        id=organization.id,
        version=organization.version,
        name=organization.name,
        kind=organization.kind,
        parent_id=organization.parent_id,
        may_approve_admissions=organization.may_approve_admissions,
        unit=organization.unit,
        approving_committee_id=_approver_id(organization, memberflow),
        development_plans=organization.development_plans,
        term=TermOut(
            started_on=term.started_on,
            years=term.years,
            extension_months=term.extension_months,
            ends_on=term.ends_on,
        )
        if term
        else None,
        overdue=_overdue(organization, election, memberflow),
        open_election_id=election_id,
    )


def _overdue(
    organization: Organization, election: Election | None, memberflow: MemberflowDep
) -> bool:
    day = today(memberflow.clock)
    grace = memberflow.settings.policy.election_overdue_grace_days
    return organization.overdue_on(day, election_covers(election, day, grace))


@router.post(
    "/{organization_id}/term-extension",
    response_model=Written,
    summary="term_extension_approved: the parent delays or advances the election (E-X.1)",
)
def extend_term(
    organization_id: UUID,
    body: TermExtension,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> Written:
    command = ExtendTerm(organization_id, body.months, body.reason, Entry(body.occurred_on))
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))


@router.post("/{organization_id}/development-plans", response_model=Written)
def set_development_plan(
    organization_id: UUID,
    body: DevelopmentPlanSet,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> Written:
    entry = Entry(body.occurred_on or today(memberflow.clock))
    command = SetDevelopmentPlan(organization_id, body.year, body.admissions, entry)
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))
