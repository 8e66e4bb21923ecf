"""One case or one election of a replay, as the report shows it: steps, exceptions, transfers,
rounds and findings, derived with the same domain functions the service uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from uuid import UUID

from domain.admission.case import AdmissionCase
from domain.admission.findings import case_findings
from domain.admission.progress import stage
from domain.context import Context
from domain.elections.details import Ballot
from domain.elections.election import Election
from domain.elections.findings import election_findings
from domain.policy import Policy
from services.replay import (
    ActorOut,
    CaseReport,
    ElectionReport,
    ExceptionOut,
    OrgRef,
    RoundOut,
    StepOut,
    TransferOut,
)
from services.replay.logs import Period

Names = Callable[[UUID], OrgRef]  # an organization's id and name


def branches(case: AdmissionCase) -> list[UUID]:
    """Every branch the case has belonged to, first the one it applied to."""
    found = [case.transfers[0].from_branch_id if case.transfers else case.branch_id]
    for transfer in case.transfers:
        if transfer.to_branch_id not in found:
            found.append(transfer.to_branch_id)
    return found


def case_report(
    case: AdmissionCase, belonged: list[UUID], ref: Names, policy: Policy, period: Period
) -> CaseReport:
    """``belonged``: the branches it has belonged to (``branches``)."""
    current = stage(case)
    return CaseReport(
        id=case.id,
        applicant=case.applicant.name,
        birth_date=case.applicant.birth_date,
        unit=case.applicant.unit,
        basis=str(case.basis),
        branch=ref(case.branch_id),
        branches=[ref(b) for b in belonged],
        status=case.status.value,
        stage=current.number,
        stage_slug=current.slug,
        stage_zh=current.zh,
        closing_reason=case.closing[0] if case.closing else None,
        steps=[
            _step(r.version, r.slug, r.context, r.waived, period)
            for r in sorted(case.records, key=lambda r: r.version)
        ],
        exceptions=[
            ExceptionOut(
                version=e.version,
                step=e.step,
                rule=e.rule,
                reason=e.reason,
                used=e.used,
                occurred_on=e.context.occurred_on,
                recorded_at=e.context.recorded_at,
                granted_by=_actor(e.context),
            )
            for e in case.exceptions
        ],
        transfers=[
            TransferOut(
                from_branch=ref(t.from_branch_id),
                to_branch=ref(t.to_branch_id),
                occurred_on=t.occurred_on,
                recorded_at=t.context.recorded_at,
                actor=_actor(t.context),
            )
            for t in case.transfers
        ],
        findings=case_findings(case, policy),
    )


def election_report(
    election: Election, ref: Names, policy: Policy, period: Period
) -> ElectionReport:
    requested = _step(1, "election_requested", election.requested, (), period)
    return ElectionReport(
        id=election.id,
        organization=ref(election.organization_id),
        status=election.status.value,
        seats=election.request.seats,
        planned_date=election.request.planned_date,
        steps=[
            requested,
            *(_step(r.version, r.slug, r.context, (), period) for r in election.records),
        ],
        rounds=list(_rounds(election)),
        elected=list(election.elected),
        findings=election_findings(election, policy),
    )


def _actor(context: Context) -> ActorOut:
    actor = context.actor
    return ActorOut(
        id=actor.id,
        role=actor.role.value,
        organization_id=actor.organization_id,
        member_id=actor.member_id,
    )


def _step(
    version: int, slug: str, context: Context, waived: Iterable[str], period: Period
) -> StepOut:
    return StepOut(
        version=version,
        slug=slug,
        occurred_on=context.occurred_on,
        recorded_at=context.recorded_at,
        actor=_actor(context),
        request_id=context.request_id,
        waived=list(waived),
        documents=[d.kind.value for d in context.documents],
        comment=context.comment,
        in_period=period.holds(context.occurred_on),
    )


def _rounds(election: Election) -> Iterator[RoundOut]:
    for record in election.rounds:
        details = record.details
        assert isinstance(details, Ballot)
        yield RoundOut(
            round=details.round,
            occurred_on=record.context.occurred_on,
            voters_due=details.voters_due,
            present=details.present,
            elected=list(record.elected),
        )
