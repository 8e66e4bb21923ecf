"""/admissions: admission cases, their 25 steps, exceptions, and history."""

from uuid import UUID

from fastapi import APIRouter, status

from api.access import Authorized, readable
from api.admissions import (
    AdmissionCreate,
    CasePublic,
    ClosingIn,
    ExceptionCreate,
    TransferIn,
    case_public,
)
from api.asof import AsOf, Version, viewed_at
from api.deps import MemberflowDep, RequestId
from api.history import history_out
from api.schemas import EventOut
from api.step_routes import add_step_routes
from domain import commands
from domain.admission.case import AdmissionCase
from domain.admission.steps import STEPS
from domain.commands import Command
from domain.context import Actor
from domain.identity import sees_id_number
from memberflow.bootstrap import Memberflow

router = APIRouter(prefix="/admissions", tags=["admissions"])


def _handle(memberflow: Memberflow, command: Command, actor: Actor, request_id: str) -> CasePublic:
    """Hand a command about a case to the bus; answer with the case as the write left it."""
    outcome = memberflow.bus.handle(command, actor=actor, request_id=request_id)
    case = outcome.subject  # as the write left it: no need to read it again
    if not isinstance(case, AdmissionCase):  # a retry's: read as the write left it
        case = memberflow.membership.case(outcome.subject_id, outcome.version)
    return case_public(case, memberflow, actor, outcome.position)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CasePublic,
    summary="Record step 1 (application_submitted) and open a case",
)
def submit_application(
    body: AdmissionCreate, memberflow: MemberflowDep, actor: Authorized, request_id: RequestId
) -> CasePublic:
    command = commands.SubmitApplication(body.applicant, body.branch_id, body.basis, body.entry())
    return _handle(memberflow, command, actor, request_id)


@router.get("/{case_id}", response_model=CasePublic)
def get_case(
    case_id: UUID,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
    as_of: AsOf = None,
    version: Version = None,
) -> CasePublic:
    """The case now, or as the system knew it at ``as_of`` or after ``version`` events (a read
    that is recorded in the access log, docs/audit.md)."""
    now = memberflow.membership.case(case_id)
    readable(memberflow, actor, now.branch_id)
    case = viewed_at(
        memberflow,
        memberflow.membership,
        AdmissionCase,
        case_id,
        "admission case",
        kind="case",
        as_of=as_of,
        version=version,
        actor=actor,
        request_id=request_id,
        current=now,
    )
    if as_of is None and version is None:  # as of a time or version: recorded by viewed_at
        memberflow.reads.read(actor, "case", case_id, request_id)  # queued, off the request path
    return case_public(case, memberflow, actor)


@router.get("/{case_id}/history", response_model=list[EventOut])
def get_history(
    case_id: UUID, memberflow: MemberflowDep, actor: Authorized, request_id: RequestId
) -> list[EventOut]:
    return case_history(memberflow, actor, case_id, request_id)


def case_history(
    memberflow: Memberflow, actor: Actor, case_id: UUID, request_id: str
) -> list[EventOut]:
    """The case's events as its history endpoint shows them (and the web console's case page):
    NotFound outside the jurisdiction; the read recorded in the access log."""
    branch_id = memberflow.membership.case(case_id).branch_id
    readable(memberflow, actor, branch_id)
    memberflow.reads.read(actor, "case", case_id, request_id, detail="history")
    return history_out(memberflow.membership.history(case_id), sees_id_number(actor, branch_id))


@router.post(
    "/{case_id}/exceptions",
    response_model=CasePublic,
    summary="Let one named step pass one named hard rule (DOMAIN.md §0)",
)
def grant_exception(
    case_id: UUID,
    body: ExceptionCreate,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> CasePublic:
    command = commands.GrantException(case_id, body.step, body.rule, body.reason, body.entry())
    return _handle(memberflow, command, actor, request_id)


@router.post("/{case_id}/withdrawal", response_model=CasePublic, summary="case_withdrawn")
def withdraw(
    case_id: UUID,
    body: ClosingIn,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> CasePublic:
    command = commands.WithdrawCase(case_id, body.reason, body.entry())
    return _handle(memberflow, command, actor, request_id)


@router.post("/{case_id}/termination", response_model=CasePublic, summary="case_terminated")
def terminate(
    case_id: UUID,
    body: ClosingIn,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> CasePublic:
    command = commands.TerminateCase(case_id, body.reason, body.entry())
    return _handle(memberflow, command, actor, request_id)


@router.post("/{case_id}/transfer", response_model=CasePublic, summary="transferred (A-T)")
def transfer(
    case_id: UUID,
    body: TransferIn,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> CasePublic:
    command = commands.TransferCase(case_id, body.to_branch_id, body.entry())
    return _handle(memberflow, command, actor, request_id)


add_step_routes(
    router,
    STEPS[1:],
    subject="case_id",
    command=commands.TakeStep,
    answer=_handle,
    response_model=CasePublic,
)
