"""Commands: one small frozen value per intention, as the API or the demo data expresses it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.admission.values import Applicant
from domain.audit import AccessAction, AccessScope
from domain.context import DocumentRef
from domain.elections.details import ElectionRequest
from domain.members import MemberStatus
from domain.organizations import OrgKind
from domain.standing import StandingChange
from domain.workflow import StepDetails


@dataclass(frozen=True, slots=True)
class Entry:
    """What the person entering a command states about it: the business date and the papers."""

    occurred_on: date
    comment: str | None = None
    documents: tuple[DocumentRef, ...] = ()


@dataclass(frozen=True, slots=True)
class RegisterOrganization:
    name: str
    kind: OrgKind
    parent_id: UUID | None
    may_approve_admissions: bool
    unit: str | None
    entry: Entry
    term_started_on: date | None = None
    term_years: int | None = None


@dataclass(frozen=True, slots=True)
class ExtendTerm:
    organization_id: UUID
    months: int
    reason: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class RequestElection:
    organization_id: UUID
    request: ElectionRequest
    entry: Entry


@dataclass(frozen=True, slots=True)
class TakeElectionStep:
    election_id: UUID
    slug: str
    details: StepDetails
    entry: Entry
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetDevelopmentPlan:
    organization_id: UUID
    year: int
    admissions: int
    entry: Entry


@dataclass(frozen=True, slots=True)
class RegisterMember:
    branch_id: UUID
    name: str
    birth_date: date
    status: MemberStatus
    joined_on: date
    full_since: date | None
    rights_suspended: bool  # the import's flags: the standing holds from the entry's date
    under_party_probation: bool
    entry: Entry
    id_number: str | None = None  # 公民身份号码 (O-4); optional for imported members


@dataclass(frozen=True, slots=True)
class ChangeStanding:
    """A dated change of a member's standing (O-2, O-3): on ``entry.occurred_on``."""

    member_id: UUID
    change: StandingChange
    reason: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class SubmitApplication:
    applicant: Applicant
    branch_id: UUID
    basis: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class TakeStep:
    case_id: UUID
    slug: str
    details: StepDetails
    entry: Entry
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class GrantException:
    case_id: UUID
    step: str
    rule: str
    reason: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class WithdrawCase:
    case_id: UUID
    reason: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class TerminateCase:
    case_id: UUID
    reason: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class TransferCase:
    case_id: UUID
    to_branch_id: UUID
    entry: Entry


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """Take an approval inbox item (DOMAIN.md §5) into one's hands."""

    item_key: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class AssignItem:
    item_key: str
    to: str  # the user id of the colleague
    entry: Entry


@dataclass(frozen=True, slots=True)
class CommentItem:
    item_key: str
    text: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class AcknowledgeItem:
    """Acknowledge a filing (备案): steps 4, 8 and 18."""

    item_key: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class RecordAccess:
    """Reading history is recorded (issue 5): a timeline, an as-of state, a replay, a check."""

    action: AccessAction
    scope: AccessScope
    entry: Entry


Command = (
    RegisterOrganization
    | ExtendTerm
    | RequestElection
    | TakeElectionStep
    | SetDevelopmentPlan
    | RegisterMember
    | ChangeStanding
    | SubmitApplication
    | TakeStep
    | GrantException
    | WithdrawCase
    | TerminateCase
    | TransferCase
    | ClaimItem
    | AssignItem
    | CommentItem
    | AcknowledgeItem
    | RecordAccess
)
