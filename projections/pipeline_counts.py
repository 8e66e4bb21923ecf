"""The pipeline's figures kept as counters, for every organization above each case (issue 11).

A city's dashboard summed 31,000 cases and 750,000 steps at every request. Instead, each case
counts for the branch it is in and for every organization above it: open cases by stage and by
furthest step, closed cases by status, and its approval by year for the approving committee and
the organizations above that. Processing a case's event moves its counts from where it stood
(``Standing``) to where it stands now; a dashboard reads the rows of one organization.

Step durations (count, sum and slowest) are added for the branch and the organizations above it
as steps are recorded. The slowest of a set cannot be taken back, so when a case moves to another
branch, the durations of the organizations it left or joined are counted again from the steps —
of their subtree's cases only (``pipeline_branches``), and a transfer is rare.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from domain.admission.case import AdmissionCase
from domain.admission.progress import stage
from projections.database import Row

STAGE, STEP, CLOSED, ADMITTED = "stage", "step", "closed", "admitted"

Counts = Counter[tuple[str, str, str]]  # (organization id, measure, key) → cases


@dataclass(frozen=True, slots=True)
class Standing:
    """What a case counts for: where it is and where it stands, and where it was approved."""

    branch_id: str
    open: bool
    stage: int
    furthest_step: int
    status: str
    approved_on: str | None
    committee_id: str | None  # the approving committee, when approved

    @classmethod
    def of(cls, case: AdmissionCase) -> Standing:
        approval = case.approval
        committee = approval.context.actor.organization_id if approval else None
        return cls(
            str(case.branch_id),
            case.is_open,
            stage(case).number,
            max(record.number for record in case.records),
            case.status.value,
            approval.occurred_on.isoformat() if approval else None,
            str(committee) if committee else None,
        )

    @classmethod
    def of_row(cls, row: Row) -> Standing:
        """From ``pipeline_cases``: branch_id, open, stage, furthest_step, status, approved_on,
        approving_committee_id."""
        branch_id, is_open, number, furthest, status, approved_on, committee_id = row
        return cls(
            branch_id, bool(is_open), int(number), int(furthest), status, approved_on, committee_id
        )

    def counts(self, lineage: dict[str, tuple[str, ...]]) -> Counts:
        """What the case adds to each organization's counters; ``lineage`` maps the branch (and
        the committee) to it and its ancestors."""
        found: Counts = Counter()
        for organization_id in lineage[self.branch_id]:
            if self.open:
                found[(organization_id, STAGE, str(self.stage))] += 1
                found[(organization_id, STEP, str(self.furthest_step))] += 1
            else:
                found[(organization_id, CLOSED, self.status)] += 1
        if self.approved_on and self.committee_id:
            for organization_id in lineage[self.committee_id]:
                found[(organization_id, ADMITTED, self.approved_on[:4])] += 1
        return found


def changes(before: Counts, after: Counts) -> list[tuple[str, str, str, int]]:
    """The counters that move, and by how much, in a steady order."""
    moved = Counter(after)
    moved.subtract(before)
    return [(*key, delta) for key, delta in sorted(moved.items()) if delta]


COUNT_SQL = (
    "INSERT INTO {pipeline_counts} (organization_id, measure, key, cases) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (organization_id, measure, key) "
    "DO UPDATE SET cases = {pipeline_counts}.cases + excluded.cases"
)
DURATION_SQL = (
    "INSERT INTO {pipeline_durations} (organization_id, number, steps, days_sum, days_max) "
    "VALUES (?, ?, 1, ?, ?) ON CONFLICT (organization_id, number) DO UPDATE SET "
    "steps = {pipeline_durations}.steps + 1, "
    "days_sum = {pipeline_durations}.days_sum + excluded.days_sum, "
    "days_max = CASE WHEN excluded.days_max > {pipeline_durations}.days_max "
    "THEN excluded.days_max ELSE {pipeline_durations}.days_max END"
)
RECOUNT_SQL = (
    "INSERT INTO {pipeline_durations} (organization_id, number, steps, days_sum, days_max) "
    "SELECT CAST(? AS TEXT), st.number, COUNT(*), SUM(st.days), MAX(st.days) "
    "FROM {pipeline_steps} st JOIN {pipeline_cases} c ON c.case_id = st.case_id "
    "JOIN {pipeline_branches} b ON b.branch_id = c.branch_id "
    "WHERE b.ancestor_id = ? AND st.days IS NOT NULL GROUP BY st.number"
)
