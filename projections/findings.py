"""Every finding (DOMAIN.md §3) of every case and election, and the cross-case F-BATCH.

Per-case rows are ``domain.findings.case_findings`` of the case right after each of its events, and
per-election rows ``election_findings``: replaced whole on each event, so that they are what
``GET /admissions/{id}`` shows. F-BATCH spans cases: ``projections.findings_batch`` keeps it, from
the approvals and development plans this model also follows. ``projections.findings_query`` reads
the rows.

``raised_at`` (issue 5, ``GET /findings?as_of=``) is when the system first knew the finding, derived
from events only, never from the clock: a per-case or per-election row that already existed keeps
its ``raised_at`` when the subject's rows are replaced, a new one takes the ``recorded_at`` of the
event that replaced them — so it is the event at which the finding first appeared when folding the
subject's history (``domain.timeline``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import ClassVar

from eventsourcing.domain import Aggregate

from domain.admission.case import AdmissionCase
from domain.admission.findings import case_findings
from domain.elections.election import Election
from domain.elections.findings import election_findings
from domain.findings import Finding, finding_keys
from domain.organizations import Organization
from projections import findings_batch as batch
from projections import findings_rows as rows
from projections.database import Transaction
from projections.model import Event, ReadModel, Sources
from projections.moments import moment

REMEMBERED = 20_000  # subjects whose rows the model remembers


class FindingsModel(ReadModel):
    name = "findings"
    follows = ("membership", "organizations")
    aggregates = (AdmissionCase, Election, Organization)
    tables: ClassVar[dict[str, str]] = {
        "findings": (
            "id TEXT PRIMARY KEY, origin TEXT NOT NULL, subject_type TEXT NOT NULL, "
            "subject_id TEXT NOT NULL, organization_id TEXT NOT NULL, kind TEXT NOT NULL, "
            "rule TEXT, step TEXT NOT NULL, version INTEGER NOT NULL, occurred_on TEXT NOT NULL, "
            "recorded_at TEXT NOT NULL, detail_zh TEXT NOT NULL, detail_en TEXT NOT NULL, "
            "raised_at TEXT NOT NULL"
        ),
        "findings_approvals": (
            "case_id TEXT PRIMARY KEY, approving_committee_id TEXT NOT NULL, "
            "branch_id TEXT NOT NULL, approved_on TEXT NOT NULL, version INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL"
        ),
        "findings_plans": (  # admissions as decimal text, as the organizations model keeps it
            "organization_id TEXT NOT NULL, year INTEGER NOT NULL, admissions TEXT NOT NULL, "
            "recorded_at TEXT NOT NULL, PRIMARY KEY (organization_id, year)"
        ),
    }
    indexes = (
        "findings (subject_id, origin)",
        "findings (organization_id)",
        "findings (occurred_on)",
        "findings (kind)",
        "findings (raised_at)",
        "findings_approvals (approving_committee_id, approved_on)",
        "findings_approvals (branch_id, approved_on)",
    )

    def __init__(self, sources: Sources, suffix: str = "") -> None:
        super().__init__(sources, suffix)
        # What was written last for recent subjects, by (subject, origin), and the cases whose
        # approval is kept: both as of the last committed batch (``forget`` after a rollback).
        self._written: OrderedDict[tuple[str, str], dict[str, rows.Values]] = OrderedDict()
        self._approved: OrderedDict[str, None] = OrderedDict()

    def process(
        self, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        recorded_at = moment(getattr(event, "context").recorded_at)  # noqa: B009 — every event
        if isinstance(aggregate, AdmissionCase):
            self._case(aggregate, tx, recorded_at)
        elif isinstance(aggregate, Election):
            self._election(aggregate, tx, recorded_at)
        elif isinstance(aggregate, Organization):
            batch.planned(self, tx, aggregate, recorded_at)

    def _case(self, case: AdmissionCase, tx: Transaction, recorded_at: str) -> None:
        found = case_findings(case, self.sources.policy)
        case_id, branch_id, new = str(case.id), str(case.branch_id), case.version == 1
        self._replace(tx, rows.CASE, "case", case_id, branch_id, found, recorded_at, new)
        # An approval is kept the first time it is seen; after that, nothing to look at.
        if case.approval is not None and case_id not in self._approved:
            batch.approved(self, tx, case)
            self._approved[case_id] = None
            if len(self._approved) > REMEMBERED:
                self._approved.popitem(last=False)

    def _election(self, election: Election, tx: Transaction, recorded_at: str) -> None:
        found = election_findings(election, self.sources.policy)
        organization_id, new = str(election.organization_id), election.version == 1
        self._replace(
            tx,
            rows.ELECTION,
            "election",
            str(election.id),
            organization_id,
            found,
            recorded_at,
            new,
        )

    def _replace(
        self,
        tx: Transaction,
        origin: str,
        subject_type: str,
        subject_id: str,
        organization_id: str,
        found: Iterable[Finding],
        recorded_at: str,
        new: bool,
    ) -> None:
        """The subject's rows, replaced whole; a row kept keeps when it was raised. The model
        remembers what it wrote last for recent subjects (``new``: the subject's first event, it
        has none yet), and writes nothing where the rows would come out as they are."""
        before = self._written.pop((subject_id, origin), None)
        if before is None:
            found_rows = [] if new else rows.written(self, tx, subject_id, origin)
            before = {str(row[1]): row for row in found_rows}
        after: dict[str, rows.Values] = {}
        for key, finding in finding_keys(found):
            row_id = f"{subject_id}:{key}"
            kept = before.get(row_id)
            raised_at = str(kept[-1]) if kept else recorded_at
            after[row_id] = rows.values(
                row_id, origin, subject_type, subject_id, organization_id, finding, raised_at
            )
        if after != before:
            if before:
                rows.clear(self, tx, subject_id, origin)
            for row in after.values():
                rows.insert_values(self, tx, row)
        self._written[subject_id, origin] = after
        if len(self._written) > REMEMBERED:
            self._written.popitem(last=False)

    def forget(self) -> None:
        self._written.clear()
        self._approved.clear()
