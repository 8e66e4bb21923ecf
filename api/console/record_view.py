"""The 纪实表 of a case, read from the events alone: the case aggregate as its events make it
(``memberflow.membership``), the organizations and members it names as theirs make them — no read
model. The summary is ``GET /admissions/{id}``'s own (``case_public``: the ID number masked as
the API masks it, the findings, probation), read under the same check and recorded in the access
log as that read is; each member the sheet names is a read of that member, as ``GET
/members/{id}`` records it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from uuid import UUID

from api.access import readable
from api.admissions import CasePublic, case_public
from api.console.case import readable_case
from api.console.i18n import Language
from api.console.record_facts import Fact, facts_of
from domain.admission.steps import STAGES, STEPS, Stage, Step
from domain.admission.values import StepRecord
from domain.context import Actor
from domain.errors import NotFound
from domain.findings import Finding
from memberflow.bootstrap import Memberflow
from services.clock import today

DETAIL = "record"  # the access log's word for a case read as its 纪实表


@dataclass(frozen=True, slots=True)
class Entry:
    """One time a step was recorded: the record (date, who, papers, rules waived), its facts
    in words, and the findings its event raised."""

    record: StepRecord
    facts: list[Fact]
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class StepRows:
    step: Step
    entries: list[Entry]  # none: the step is not taken yet, an empty row as on paper


@dataclass(frozen=True, slots=True)
class StageTable:
    stage: Stage
    steps: list[StepRows]


@dataclass(frozen=True, slots=True)
class Transfer:
    from_branch: str
    to_branch: str
    occurred_on: date


@dataclass(frozen=True, slots=True)
class Sheet:
    case: CasePublic
    branch: str
    committee: str
    stages: list[StageTable]
    transfers: list[Transfer]
    other_findings: list[Finding]  # raised by an event that records no step (an exception …)
    generated_on: date
    position: int  # the membership log's position the sheet was read at


def sheet_of(
    memberflow: Memberflow, actor: Actor, case_id: UUID, request_id: str, language: Language
) -> Sheet:
    """The case's sheet; Refused 404 when there is none, or none within the actor's jurisdiction
    (as ``GET /admissions/{id}`` answers and the case page shows)."""
    case = readable_case(memberflow, actor, case_id)
    memberflow.reads.read(actor, "case", case_id, request_id, detail=DETAIL)
    # Read after the case: every event the sheet shows is at or before this position.
    position = memberflow.membership.recorder.max_notification_id() or 0
    summary = case_public(case, memberflow, actor)

    @cache  # a member named twice (a contact who introduces) is read once
    def name_of(member_id: UUID) -> str:
        return _member_name(memberflow, actor, member_id, request_id)

    def entry(record: StepRecord) -> Entry:
        raised = [f for f in summary.findings if f.version == record.version]
        return Entry(record, facts_of(record.details, language, name_of), raised)

    stages = [
        StageTable(stage, [StepRows(s, [entry(r) for r in case.records_of(s.slug)]) for s in steps])
        for stage, steps in _stages()
    ]
    versions = {record.version for record in case.records}
    return Sheet(
        case=summary,
        branch=_org_name(memberflow, case.branch_id),
        committee=_org_name(memberflow, summary.approving_committee_id),
        stages=stages,
        transfers=[
            Transfer(
                _org_name(memberflow, t.from_branch_id),
                _org_name(memberflow, t.to_branch_id),
                t.occurred_on,
            )
            for t in summary.transfers
        ],
        other_findings=[f for f in summary.findings if f.version not in versions],
        generated_on=today(memberflow.clock),
        position=position,
    )


def _stages() -> list[tuple[Stage, list[Step]]]:
    return [(stage, [s for s in STEPS if s.stage == number]) for number, stage in STAGES.items()]


def _org_name(memberflow: Memberflow, organization_id: UUID) -> str:
    return memberflow.organizations.organization(organization_id).name


def _member_name(memberflow: Memberflow, actor: Actor, member_id: UUID, request_id: str) -> str:
    """The member's name when ``GET /members/{id}`` would show it to ``actor`` (the read
    recorded as it records it); else the bare id, as the case's history shows it."""
    try:
        member = memberflow.membership.member(member_id)
        readable(memberflow, actor, member.branch_id)
    except NotFound:
        return str(member_id)
    memberflow.reads.read(actor, "member", member_id, request_id)
    return member.name
