"""The admission pipeline: where every case stands, and how long each step took.

``pipeline_cases`` holds one row per case (its branch, status, stage, furthest step and the dates the
dashboard counts by); ``pipeline_steps`` one row per recorded step, with the days since the latest of
its direct prerequisites (``Step.after``). ``pipeline`` answers the dashboard for an organization's
subtree, joining the organizations model's tables (and the inbox's, when it exists) at query time;
processing reads nothing but the event and its case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from domain.admission.case import AdmissionCase
from domain.admission.progress import stage
from domain.admission.steps import BY_NUMBER, STAGES, STEPS
from domain.admission.values import CaseStatus, StepRecord
from projections.batching import write
from projections.database import Transaction
from projections.model import Event, ReadModel
from projections.organizations import subtree_cte


class PipelineModel(ReadModel):
    name = "pipeline"
    follows = ("membership",)
    aggregates = (AdmissionCase,)
    tables: ClassVar[dict[str, str]] = {
        "pipeline_cases": (
            "case_id TEXT PRIMARY KEY, branch_id TEXT NOT NULL, status TEXT NOT NULL, "
            "stage INTEGER NOT NULL, furthest_step INTEGER NOT NULL, open INTEGER NOT NULL, "
            "applied_on TEXT NOT NULL, approved_on TEXT, approving_committee_id TEXT, "
            "converted_on TEXT, version INTEGER NOT NULL"
        ),
        "pipeline_steps": (
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, number INTEGER NOT NULL, "
            "slug TEXT NOT NULL, occurred_on TEXT NOT NULL, days INTEGER, "
            "PRIMARY KEY (case_id, version)"
        ),
    }
    indexes = (
        "pipeline_cases (branch_id)",
        "pipeline_cases (approving_committee_id)",
        "pipeline_steps (number)",
    )

    def process(
        self, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        if not isinstance(aggregate, AdmissionCase):
            return  # members and persons share the membership log
        self._case(aggregate, tx)
        record = next((r for r in aggregate.records if r.version == event.originator_version), None)
        if record is not None:  # ApplicationSubmitted (step 1) and StepRecorded
            self._step(aggregate, record, tx)

    def _case(self, case: AdmissionCase, tx: Transaction) -> None:
        approval = case.approval
        conversion = case.latest("conversion_approved")
        committee = approval.context.actor.organization_id if approval else None
        write(
            tx,
            self.sql(
                "INSERT INTO {pipeline_cases} (case_id, branch_id, status, stage, furthest_step, "
                "open, applied_on, approved_on, approving_committee_id, converted_on, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET "
                "branch_id = excluded.branch_id, status = excluded.status, "
                "stage = excluded.stage, furthest_step = excluded.furthest_step, "
                "open = excluded.open, approved_on = excluded.approved_on, "
                "approving_committee_id = excluded.approving_committee_id, "
                "converted_on = excluded.converted_on, version = excluded.version"
            ),
            (
                str(case.id),
                str(case.branch_id),
                case.status.value,
                stage(case).number,
                max(record.number for record in case.records),
                int(case.is_open),
                case.records[0].occurred_on.isoformat(),
                approval.occurred_on.isoformat() if approval else None,
                str(committee) if committee else None,
                conversion.occurred_on.isoformat() if conversion else None,
                case.version,
            ),
        )

    def _step(self, case: AdmissionCase, record: StepRecord, tx: Transaction) -> None:
        write(
            tx,
            self.sql(
                "INSERT INTO {pipeline_steps} (case_id, version, number, slug, occurred_on, days) "
                "VALUES (?, ?, ?, ?, ?, ?)"
            ),
            (
                str(case.id),
                record.version,
                record.number,
                record.slug,
                record.occurred_on.isoformat(),
                days_since_prerequisites(case, record),
            ),
        )


def days_since_prerequisites(case: AdmissionCase, record: StepRecord) -> int | None:
    """Days from the latest of the step's direct prerequisites, as recorded before it, to the step.

    None for step 1, and for a step none of whose prerequisites was recorded before it. Negative
    when a prerequisite's paper is dated after the step (backfilled paperwork, F-ORDER).
    """
    after = BY_NUMBER[record.number].after
    earlier = [
        r.occurred_on for r in case.records if r.version < record.version and r.number in after
    ]
    return (record.occurred_on - max(earlier)).days if earlier else None


# The dashboard.

CLOSED_STATUSES = tuple(status.value for status in CaseStatus if status is not CaseStatus.OPEN)


@dataclass(frozen=True, slots=True)
class StepFigures:
    number: int
    open: int
    average_days: float | None
    slowest_days: int | None


@dataclass(frozen=True, slots=True)
class YearFigures:
    year: int
    admitted: int
    planned: int


@dataclass(frozen=True, slots=True)
class Pipeline:
    open_by_stage: dict[int, int]  # 1–5, zero-filled
    steps: list[StepFigures]  # 1–25
    closed: dict[str, int]  # every closed status, zero-filled
    admissions: list[YearFigures]  # every year with an approval or a plan, in order
    overdue_items: int | None  # None: no inbox read model to count from


def pipeline(
    model: PipelineModel,
    tx: Transaction,
    *,
    organization_id: str,
    today: str,
    organizations_table: str,
    plans_table: str,
    inbox_items_table: str | None,
    inbox_actions_table: str | None = None,
) -> Pipeline:
    """The pipeline of ``organization_id`` and everything under it.

    Overdue items are counted from the inbox's tables when they are given (None when not): open,
    not acknowledged, due before ``today``, and waiting for or coming from the subtree.

    Cases belong to the subtree by their current branch. Admissions are the approvals given by the
    approving committees in the subtree (``approving_committee_id``), so that they compare with
    those committees' plans (A-P) however the cases moved afterwards.
    """
    cte = subtree_cte(organizations_table)

    def rows(select: str, *params: object) -> list[tuple[Any, ...]]:
        return tx.fetchall(cte + model.sql(select), (organization_id, *params))

    in_subtree = "c.branch_id IN (SELECT id FROM subtree)"
    by_stage = _counts(
        rows(
            f"SELECT c.stage, COUNT(*) FROM {{pipeline_cases}} c WHERE c.open = 1 AND {in_subtree} "
            "GROUP BY c.stage"
        )
    )
    by_step = _counts(
        rows(
            "SELECT c.furthest_step, COUNT(*) FROM {pipeline_cases} c "
            f"WHERE c.open = 1 AND {in_subtree} GROUP BY c.furthest_step"
        )
    )
    closed = _counts(
        rows(
            "SELECT c.status, COUNT(*) FROM {pipeline_cases} c "
            f"WHERE c.open = 0 AND {in_subtree} GROUP BY c.status"
        )
    )
    durations = {
        int(number): (round(float(average), 1), int(slowest))
        for number, average, slowest in rows(
            "SELECT st.number, AVG(st.days), MAX(st.days) FROM {pipeline_steps} st "
            "JOIN {pipeline_cases} c ON c.case_id = st.case_id "
            f"WHERE st.days IS NOT NULL AND {in_subtree} GROUP BY st.number"
        )
    }
    admitted = _counts(
        rows(
            "SELECT CAST(SUBSTR(c.approved_on, 1, 4) AS INTEGER), COUNT(*) "
            "FROM {pipeline_cases} c WHERE c.approved_on IS NOT NULL "
            "AND c.approving_committee_id IN (SELECT id FROM subtree) "
            "GROUP BY CAST(SUBSTR(c.approved_on, 1, 4) AS INTEGER)"
        )
    )
    planned: dict[Any, int] = {}
    for year, admissions in rows(  # summed here: a plan is decimal text of any size
        f"SELECT p.year, p.admissions FROM {plans_table} p "
        "WHERE p.organization_id IN (SELECT id FROM subtree)"
    ):
        planned[year] = planned.get(year, 0) + int(admissions)
    overdue = None
    if inbox_items_table is not None:
        # An acknowledged receipt is no longer open, as the inbox itself shows it.
        acknowledged = (
            f"LEFT JOIN {inbox_actions_table} a ON a.item_key = i.item_key "
            if inbox_actions_table
            else ""
        )
        still_open = " AND COALESCE(a.acknowledged, 0) = 0" if inbox_actions_table else ""
        found = tx.fetchone(
            cte + f"SELECT COUNT(*) FROM {inbox_items_table} i {acknowledged}"
            f"WHERE i.status = 'open'{still_open} AND i.due_on < ? "
            "AND (i.organization_id IN (SELECT id FROM subtree) "
            "OR i.from_organization_id IN (SELECT id FROM subtree))",
            (organization_id, today),
        )
        overdue = int(found[0]) if found else 0
    return Pipeline(
        open_by_stage={number: int(by_stage.get(number, 0)) for number in STAGES},
        steps=[
            StepFigures(
                step.number,
                int(by_step.get(step.number, 0)),
                *durations.get(step.number, (None, None)),
            )
            for step in STEPS
        ],
        closed={status: int(closed.get(status, 0)) for status in CLOSED_STATUSES},
        admissions=[
            YearFigures(int(year), int(admitted.get(year, 0)), int(planned.get(year, 0)))
            for year in sorted(admitted.keys() | planned.keys())
        ],
        overdue_items=overdue,
    )


def _counts(found: Sequence[tuple[Any, ...]]) -> dict[Any, int]:
    return {key: int(count) for key, count in found}
