"""An admission case as its page shows it, read exactly as the API reads it: the summary of
``GET /admissions/{id}`` (``case_public``, the same access check, the read recorded), the 25 steps
as a track over the 5 stages, and the case's events — the audit timeline of
``GET /audit/cases/{id}/timeline`` (``case_timeline_of``) for those the access policy lets audit
it, else the history of ``GET /admissions/{id}/history`` (``case_history``) — and the step forms
the API's access table lets the actor's role send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from api.access import ENDPOINTS, readable
from api.admissions import CasePublic, case_public
from api.console.errors import Refused
from api.console.items import DECISION_PATHS
from api.console.step_form import StepForm
from api.routes.admissions import case_history
from api.routes.audit import Timeline, case_timeline_of
from api.schemas import EventOut
from domain.access import Action, where
from domain.admission.case import AdmissionCase
from domain.admission.steps import BY_SLUG, STAGES, STEPS, Stage, Step
from domain.approvals import SubjectType
from domain.commands import TakeStep
from domain.context import Actor
from domain.errors import NotFound
from domain.findings import Finding
from domain.rulebook import RULES
from memberflow.bootstrap import Memberflow

State = Literal["done", "next", "later"]


@dataclass(frozen=True, slots=True)
class TrackStage:
    stage: Stage
    steps: list[tuple[Step, State]]


@dataclass(frozen=True, slots=True)
class Row:
    """One event of the case as the API shows it (the step or other event, its dates, who
    recorded it, its papers), the rules an exception let through, and the findings it raised."""

    event: EventOut
    waived: list[str]
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class CaseView:
    case: CasePublic
    track: list[TrackStage]
    rows: list[Row]
    audited: bool  # the rows are the audit timeline (else the case's history)
    forms: list[StepForm]  # the next steps the actor's role may record


def case_view(memberflow: Memberflow, actor: Actor, case_id: UUID, request_id: str) -> CaseView:
    """The case, its track, timeline and step forms (a read recorded in the access log)."""
    case = readable_case(memberflow, actor, case_id)
    summary = case_public(case, memberflow, actor)
    memberflow.reads.read(actor, "case", case_id, request_id)
    audited, rows = _rows(memberflow, actor, summary, request_id)
    forms = [
        StepForm(BY_SLUG[n.slug], TakeStep) for n in summary.next_steps if may_record(actor, n.slug)
    ]
    return CaseView(summary, _track(summary), rows, audited, forms)


def readable_case(memberflow: Memberflow, actor: Actor, case_id: UUID) -> AdmissionCase:
    """The case; Refused 404 when there is none, or none within the actor's jurisdiction (as
    ``GET /admissions/{id}`` answers)."""
    try:
        case = memberflow.membership.case(case_id)
        readable(memberflow, actor, case.branch_id)
    except NotFound:
        raise Refused(404, "case_not_found") from None
    return case


def may_record(actor: Actor, slug: str) -> bool:
    """Whether the API's access table lets the actor's role send the step's route."""
    endpoint = ("POST", DECISION_PATHS[SubjectType.CASE].format(slug))
    return endpoint in ENDPOINTS and where(ENDPOINTS[endpoint], actor.role) is not None


def article(rule_id: str | None) -> str | None:
    """Where the rule book says it: 《中国共产党发展党员工作细则》第…条, DOMAIN.md §0 …"""
    found = RULES.get(rule_id or "")
    return found.source if found else None


def _track(case: CasePublic) -> list[TrackStage]:
    done = {step.slug for step in case.completed_steps}
    coming = {step.slug for step in case.next_steps}

    def state(step: Step) -> State:
        return "done" if step.slug in done else "next" if step.slug in coming else "later"

    return [
        TrackStage(stage, [(step, state(step)) for step in STEPS if step.stage == number])
        for number, stage in STAGES.items()
    ]


def audited_rows(actor: Actor, timeline: Callable[[], Timeline]) -> list[Row] | None:
    """The rows of the audit ``timeline`` (a case's or an election's) for those who may audit;
    None for the others, and for discipline staff of another subtree: they get the history."""
    if where(Action.AUDIT, actor.role) is None:
        return None
    try:
        events = timeline().events
    except NotFound:
        return None
    return [Row(e, e.waived, e.findings) for e in events]


def _rows(
    memberflow: Memberflow, actor: Actor, case: CasePublic, request_id: str
) -> tuple[bool, list[Row]]:
    audited = audited_rows(actor, lambda: case_timeline_of(memberflow, actor, case.id, request_id))
    if audited is not None:
        return True, audited
    waived = {step.version: step.waived for step in case.completed_steps}
    return False, [
        Row(e, waived.get(e.version, []), [f for f in case.findings if f.version == e.version])
        for e in case_history(memberflow, actor, case.id, request_id)
    ]
