"""Replay of a jurisdiction: every case and election under an organization, from the events alone.

``replay`` trusts no read model. It walks the notification logs of the membership and
organizations applications page by page, finds every admission case and election, rebuilds each
one from its own stored events, keeps those whose organization lies under the given one, and
derives their stage, steps, exceptions and findings with the same domain functions the service
uses (``domain.findings.case_findings``, ``domain.elections.election_findings``).

Jurisdiction: a case is listed if any branch it has belonged to — the branch it applied to, and
both sides of every transfer — lies in the organization's subtree (``Organizations.lineage``); an
election if its organization does.

The period selects subjects, not events: a case or election is listed when at least one of its
events has an ``occurred_on`` within ``[from_, to]`` (both ends included, either may be open), and
then its whole history is reported, because a finding such as F-ORDER or F-DEADLINE needs the
steps on both sides of the period. Each step says whether it falls in the period (``in_period``).

F-BATCH is a finding across cases (it counts approvals per committee and branch); it is not
derived here: ``GET /findings?kind=F-BATCH`` lists it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field

from domain.admission.case import AdmissionCase
from domain.admission.findings import case_findings
from domain.admission.progress import stage
from domain.context import Context
from domain.elections.details import Ballot
from domain.elections.election import Election
from domain.elections.findings import election_findings
from domain.errors import NotFound
from domain.findings import Finding
from memberflow.bootstrap import Memberflow
from services.applications import MemberflowApplication

PAGE = 500
Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: phase ``scan`` counts notifications read, ``rebuild`` the
cases and elections rebuilt."""


class ActorOut(BaseModel):
    id: str
    role: str
    organization_id: UUID | None
    member_id: UUID | None


class StepOut(BaseModel):
    version: int = Field(description="position of the event in its case or election")
    slug: str
    occurred_on: date
    recorded_at: datetime
    actor: ActorOut
    request_id: str
    waived: list[str] = Field(default_factory=list, description="rules an exception waived")
    documents: list[str] = Field(default_factory=list, description="kinds of papers attached")
    comment: str | None = None
    in_period: bool


class ExceptionOut(BaseModel):
    version: int
    step: str
    rule: str
    reason: str
    used: bool
    occurred_on: date
    recorded_at: datetime
    granted_by: ActorOut


class OrgRef(BaseModel):
    id: UUID
    name: str


class TransferOut(BaseModel):
    from_branch: OrgRef
    to_branch: OrgRef
    occurred_on: date
    recorded_at: datetime
    actor: ActorOut


class CaseReport(BaseModel):
    id: UUID
    applicant: str
    birth_date: date
    unit: str | None
    basis: str
    branch: OrgRef = Field(description="the branch it belongs to now")
    branches: list[OrgRef] = Field(description="every branch it has belonged to, in order")
    status: str
    stage: int
    stage_slug: str
    stage_zh: str
    closing_reason: str | None
    steps: list[StepOut]
    exceptions: list[ExceptionOut]
    transfers: list[TransferOut]
    findings: list[Finding]


class RoundOut(BaseModel):
    round: int
    occurred_on: date
    voters_due: int
    present: int
    elected: list[UUID]


class ElectionReport(BaseModel):
    id: UUID
    organization: OrgRef
    status: str
    seats: int
    planned_date: date
    steps: list[StepOut]
    rounds: list[RoundOut]
    elected: list[UUID]
    findings: list[Finding]


class Report(BaseModel):
    organization: OrgRef
    from_: date | None = Field(alias="from", serialization_alias="from")
    to: date | None
    period_selects: Literal["subjects"] = "subjects"
    generated_at: datetime
    positions: dict[str, int] = Field(description="the head of each log when the walk began")
    cases: list[CaseReport]
    elections: list[ElectionReport]
    totals: dict[str, int] = Field(description="findings by kind, over every subject listed")
    exceptions_total: int

    model_config = {"populate_by_name": True}

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)


def replay(
    memberflow: Memberflow,
    organization_id: UUID,
    from_: date | None = None,
    to: date | None = None,
    progress: Progress | None = None,
) -> Report:
    """The report of every case and election under ``organization_id`` with an event in the
    period. NotFound if the organization does not exist."""
    organizations, membership = memberflow.organizations, memberflow.membership
    root = organizations.organization(organization_id)
    names: dict[UUID, OrgRef] = {}
    under: dict[UUID, bool] = {}

    def ref(org_id: UUID) -> OrgRef:
        if org_id not in names:
            names[org_id] = OrgRef(id=org_id, name=organizations.organization(org_id).name)
        return names[org_id]

    def in_subtree(org_id: UUID) -> bool:
        if org_id not in under:
            try:
                lineage = organizations.lineage(org_id)
            except NotFound:
                lineage = []
            under[org_id] = any(o.id == organization_id for o in lineage)
        return under[org_id]

    heads = {
        app.name: app.recorder.max_notification_id() or 0 for app in (membership, organizations)
    }
    tell = progress or (lambda phase, done, total: None)
    total_notifications = sum(heads.values())
    scanned = 0

    def scanning(count: int) -> None:
        nonlocal scanned
        scanned += count
        tell("scan", scanned, total_notifications)

    case_ids = _originators(membership, AdmissionCase, heads[membership.name], scanning)
    election_ids = _originators(organizations, Election, heads[organizations.name], scanning)
    subjects = len(case_ids) + len(election_ids)
    rebuilt = 0
    policy = memberflow.settings.policy
    cases: list[CaseReport] = []
    elections: list[ElectionReport] = []

    for case_id in case_ids:
        case, contexts = _rebuild(membership, case_id)
        rebuilt += 1
        tell("rebuild", rebuilt, subjects)
        if not isinstance(case, AdmissionCase) or not _within(contexts, from_, to):
            continue
        branches = _branches(case)
        if not any(in_subtree(b) for b in branches):
            continue
        cases.append(_case_report(case, branches, ref, policy, from_, to))

    for election_id in election_ids:
        election, contexts = _rebuild(organizations, election_id)
        rebuilt += 1
        tell("rebuild", rebuilt, subjects)
        if not isinstance(election, Election) or not _within(contexts, from_, to):
            continue
        if not in_subtree(election.organization_id):
            continue
        elections.append(_election_report(election, ref, policy, from_, to))

    cases.sort(key=lambda c: (c.steps[0].occurred_on, c.applicant, str(c.id)))
    elections.sort(key=lambda e: (e.steps[0].occurred_on, e.organization.name, str(e.id)))
    subjects_findings = [c.findings for c in cases] + [e.findings for e in elections]
    totals = Counter(f.kind for found in subjects_findings for f in found)
    return Report(
        organization=OrgRef(id=root.id, name=root.name),
        from_=from_,
        to=to,
        generated_at=datetime.now(tz=UTC),
        positions=heads,
        cases=cases,
        elections=elections,
        totals=dict(sorted(totals.items())),
        exceptions_total=sum(len(c.exceptions) for c in cases),
    )


def _originators(
    application: MemberflowApplication,
    cls: type[Aggregate],
    head: int,
    scanned: Callable[[int], None],
) -> list[UUID]:
    """The ids of every aggregate of ``cls`` in the log up to ``head``, in order of creation."""
    prefix = get_topic(cls) + "."
    found: dict[UUID, None] = {}
    start = 1
    while start <= head:
        page = application.recorder.select_notifications(start=start, limit=PAGE, stop=head)
        if not page:
            break
        for notification in page:
            if notification.topic.startswith(prefix):
                found.setdefault(UUID(str(notification.originator_id)), None)
        scanned(len(page))
        start = page[-1].id + 1
    return list(found)


def _rebuild(
    application: MemberflowApplication, aggregate_id: UUID
) -> tuple[Aggregate | None, list[Context]]:
    """The aggregate folded from its own stored events, and the context of each event."""
    aggregate: Any = None
    contexts: list[Context] = []
    for event in application.events.get(aggregate_id):
        aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
        context = getattr(event, "context", None)
        if isinstance(context, Context):
            contexts.append(context)
    return aggregate, contexts


def _within(contexts: Iterable[Context], from_: date | None, to: date | None) -> bool:
    return any(_in_period(c.occurred_on, from_, to) for c in contexts)


def _in_period(day: date, from_: date | None, to: date | None) -> bool:
    return (from_ is None or day >= from_) and (to is None or day <= to)


def _branches(case: AdmissionCase) -> list[UUID]:
    """Every branch the case has belonged to, first the one it applied to."""
    found = [case.transfers[0][0] if case.transfers else case.branch_id]
    for _, to_branch, _ in case.transfers:
        if to_branch not in found:
            found.append(to_branch)
    return found


def _actor(context: Context) -> ActorOut:
    actor = context.actor
    return ActorOut(
        id=actor.id,
        role=actor.role.value,
        organization_id=actor.organization_id,
        member_id=actor.member_id,
    )


def _step(
    version: int,
    slug: str,
    context: Context,
    waived: Iterable[str],
    from_: date | None,
    to: date | None,
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
        in_period=_in_period(context.occurred_on, from_, to),
    )


def _case_report(
    case: AdmissionCase,
    branches: list[UUID],
    ref: Callable[[UUID], OrgRef],
    policy: Any,
    from_: date | None,
    to: date | None,
) -> CaseReport:
    current = stage(case)
    return CaseReport(
        id=case.id,
        applicant=case.applicant.name,
        birth_date=case.applicant.birth_date,
        unit=case.applicant.unit,
        basis=str(case.basis),
        branch=ref(case.branch_id),
        branches=[ref(b) for b in branches],
        status=case.status.value,
        stage=current.number,
        stage_slug=current.slug,
        stage_zh=current.zh,
        closing_reason=case.closing[0] if case.closing else None,
        steps=[
            _step(r.version, r.slug, r.context, r.waived, from_, to)
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
                from_branch=ref(source),
                to_branch=ref(target),
                occurred_on=context.occurred_on,
                recorded_at=context.recorded_at,
                actor=_actor(context),
            )
            for source, target, context in case.transfers
        ],
        findings=case_findings(case, policy),
    )


def _election_report(
    election: Election,
    ref: Callable[[UUID], OrgRef],
    policy: Any,
    from_: date | None,
    to: date | None,
) -> ElectionReport:
    requested = _step(1, "election_requested", election.requested, (), from_, to)
    return ElectionReport(
        id=election.id,
        organization=ref(election.organization_id),
        status=election.status.value,
        seats=election.request.seats,
        planned_date=election.request.planned_date,
        steps=[
            requested,
            *(_step(r.version, r.slug, r.context, (), from_, to) for r in election.records),
        ],
        rounds=list(_rounds(election)),
        elected=list(election.elected),
        findings=election_findings(election, policy),
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


_templates = Environment(
    loader=PackageLoader("services", "templates"), autoescape=select_autoescape(["html"])
)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page: inline CSS, no external asset."""
    return _templates.get_template("replay.html").render(report=report)


def write_files(report: Report, directory: Path, on: date) -> tuple[Path, Path]:
    """``replay-<org>-<date>.json`` and ``.html`` in ``directory``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"replay-{report.organization.id}-{on.isoformat()}"
    json_path, html_path = stem.with_suffix(".json"), stem.with_suffix(".html")
    json_path.write_text(report.to_json(), encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path
