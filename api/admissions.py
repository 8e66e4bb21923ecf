"""The request and response schemas of /admissions (its routes: api/routes/admissions.py)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.schemas import EntryIn, StepRecorded
from domain.admission.case import AdmissionCase
from domain.admission.findings import case_findings
from domain.admission.progress import next_steps, stage
from domain.admission.values import Applicant, Basis
from domain.bounds import BusinessDate, Name, Reason, ShortText, Title
from domain.context import Actor
from domain.findings import Finding
from domain.identity import IdNumber, masked, sees_id_number
from domain.workflow import one_of
from memberflow.bootstrap import Memberflow


class NewApplicant(Applicant):
    """The applicant of a new application: the citizen ID number is required (O-4); the name, the
    unit and the birth date within the bounds of an input (issue 10)."""

    name: Name
    birth_date: BusinessDate
    unit: Title | None = Field(default=None, description="work or study unit, or residence (A-1.2)")
    id_number: IdNumber = Field(
        max_length=32,
        description="公民身份号码 (O-4, GB 11643): 18 characters, ISO 7064 MOD 11-2 check "
        "character, the birth date inside equal to birth_date",
    )


def _as_applicant(applicant: NewApplicant) -> Applicant:
    """What the case stores is the plain value object, whatever the request's schema was."""
    return Applicant.model_validate(applicant.model_dump())


class AdmissionCreate(EntryIn):
    applicant: Annotated[NewApplicant, AfterValidator(_as_applicant)]
    branch_id: UUID
    basis: ShortText = Field(json_schema_extra=one_of(Basis), description="A-1.2")


class ExceptionCreate(EntryIn):
    step: ShortText = Field(description="slug of the step the exception lets through")
    rule: ShortText = Field(description="id of the hard rule it lets that step pass, e.g. A-7.1")
    reason: Reason


class ClosingIn(EntryIn):
    reason: Reason


class TransferIn(EntryIn):
    to_branch_id: UUID


class StageOut(BaseModel):
    number: int
    slug: str
    name_zh: str


class RecordedStep(StepRecorded):
    waived: list[str]


class NextStepOut(BaseModel):
    number: int
    slug: str
    name_zh: str
    not_before: date | None = Field(description="earliest date a hard rule allows")
    due: date | None = Field(description="date a soft rule expects it by")


class ExceptionOut(BaseModel):
    step: str
    rule: str
    reason: str
    approving_committee_id: UUID = Field(description="the committee that granted it (O-1)")
    used: bool
    version: int


class TransferOut(BaseModel):
    from_branch_id: UUID
    to_branch_id: UUID
    occurred_on: date


class ClosingOut(BaseModel):
    reason: str
    occurred_on: date


class Probation(BaseModel):
    start: date
    end: date
    extended_months: int


class ApplicantOut(BaseModel):
    """The applicant as a response shows it."""

    name: str
    birth_date: date
    unit: str | None
    id_number: str | None = Field(
        description="公民身份号码 (O-4): in full to the committee officials, the organization "
        "department and the secretary of the case's branch; masked for everyone else "
        "(3701**********1234, docs/security.md); none on applications stored before O-4"
    )


class CasePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    version: int
    position: int | None = Field(default=None, description="event log position of this write")
    status: str
    stage: StageOut
    applicant: ApplicantOut
    basis: str
    branch_id: UUID
    approving_committee_id: UUID
    earlier_case_id: UUID | None = Field(description="A-X: the person's earlier, ended case")
    completed_steps: list[RecordedStep]
    next_steps: list[NextStepOut]
    probation: Probation | None
    party_standing_from: date | None = Field(description="A-24.3: the end of probation")
    transfers: list[TransferOut] = Field(description="A-T: every move between branches")
    closing: ClosingOut | None = Field(
        description="why and when a withdrawn or terminated case ended"
    )
    exceptions: list[ExceptionOut]
    findings: list[Finding]


def shown_applicant(case: AdmissionCase, actor: Actor) -> ApplicantOut:
    """The applicant, the citizen ID number masked unless ``actor`` needs it (docs/security.md)."""
    applicant = case.applicant
    number = applicant.id_number
    return ApplicantOut(
        name=applicant.name,
        birth_date=applicant.birth_date,
        unit=applicant.unit,
        id_number=number if sees_id_number(actor, case.branch_id) else masked(number),
    )


def case_public(
    case: AdmissionCase, memberflow: Memberflow, actor: Actor, position: int | None = None
) -> CasePublic:
    policy = memberflow.settings.policy
    current = stage(case)
    start, end = case.probation_start, case.probation_end
    return CasePublic(
        id=case.id,
        version=case.version,
        position=position,
        status=case.status.value,
        stage=StageOut(number=current.number, slug=current.slug, name_zh=current.zh),
        applicant=shown_applicant(case, actor),
        basis=case.basis,
        branch_id=case.branch_id,
        earlier_case_id=case.earlier_case_id,
        approving_committee_id=memberflow.organizations.approving_committee_id(case.branch_id),
        completed_steps=[
            RecordedStep(
                number=r.number,
                slug=r.slug,
                version=r.version,
                occurred_on=r.occurred_on,
                recorded_at=r.recorded_at,
                waived=list(r.waived),
            )
            for r in case.records
        ],
        next_steps=[
            NextStepOut(
                number=n.step.number,
                slug=n.step.slug,
                name_zh=n.step.zh,
                not_before=n.not_before,
                due=n.due,
            )
            for n in next_steps(case, policy)
        ],
        probation=Probation(
            start=start, end=end, extended_months=sum(m for m, _ in case.extensions)
        )
        if start and end
        else None,
        party_standing_from=case.party_standing_from,
        transfers=[
            TransferOut(
                from_branch_id=t.from_branch_id,
                to_branch_id=t.to_branch_id,
                occurred_on=t.occurred_on,
            )
            for t in case.transfers
        ],
        closing=ClosingOut(reason=case.closing[0], occurred_on=case.closing[1].occurred_on)
        if case.closing
        else None,
        exceptions=[
            ExceptionOut(
                step=e.step,
                rule=e.rule,
                reason=e.reason,
                approving_committee_id=e.approving_committee_id,
                used=e.used,
                version=e.version,
            )
            for e in case.exceptions
        ],
        findings=case_findings(case, policy),
    )
