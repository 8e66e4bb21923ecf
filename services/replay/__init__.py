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

This module holds the report's shape, which the API documents under this module's name; the work
is in ``logs`` (walking the logs, rebuilding subjects), ``subjects`` (one case or election),
``jurisdiction`` (``replay`` itself) and ``rendering`` (the HTML page and the files).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.findings import Finding


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
