"""The admission pipeline: where every case stands, and how long each step took.

``pipeline_cases`` holds one row per case (its branch, status, stage, furthest step and the dates the
dashboard counts by); ``pipeline_steps`` one row per recorded step, with the days since the latest of
its direct prerequisites (``Step.after``). The dashboard's figures are kept as counters for every
organization above each case (``projections.pipeline_counts``), so that ``pipeline`` reads the rows
of one organization, whatever the size of its subtree; it joins the organizations model's plans
and the inbox's items (when it exists) at query time. Processing reads the event, its case, the
case's row when the model no longer remembers where it stood, and the tree from the event store.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.admission.case import AdmissionCase
from domain.admission.steps import BY_NUMBER, STAGES, STEPS
from domain.admission.values import CaseStatus, StepRecord
from projections.batching import write
from projections.database import Transaction
from projections.model import Event, ReadModel, Sources
from projections.organizations import subtree_cte
from projections.pipeline_counts import (
    ADMITTED,
    CLOSED,
    COUNT_SQL,
    DURATION_SQL,
    RECOUNT_SQL,
    STAGE,
    STEP,
    Standing,
    changes,
)

REMEMBERED = 50_000  # cases whose standing the model remembers


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
        # The counters (``projections.pipeline_counts``), for each organization above a case.
        "pipeline_counts": (
            "organization_id TEXT NOT NULL, measure TEXT NOT NULL, key TEXT NOT NULL, "
            "cases INTEGER NOT NULL, PRIMARY KEY (organization_id, measure, key)"
        ),
        "pipeline_durations": (
            "organization_id TEXT NOT NULL, number INTEGER NOT NULL, steps INTEGER NOT NULL, "
            "days_sum BIGINT NOT NULL, days_max INTEGER NOT NULL, "
            "PRIMARY KEY (organization_id, number)"
        ),
        # Every branch with a case, under each organization above it: whose durations a move
        # changes.
        "pipeline_branches": (
            "ancestor_id TEXT NOT NULL, branch_id TEXT NOT NULL, PRIMARY KEY (ancestor_id, branch_id)"
        ),
    }
    indexes = (
        "pipeline_cases (branch_id)",
        "pipeline_cases (approving_committee_id)",
        "pipeline_steps (number)",
    )

    def __init__(self, sources: Sources, suffix: str = "") -> None:
        super().__init__(sources, suffix)
        # Each case's standing as last written, and the organizations above each branch or
        # committee met (the tree never moves) whose ``pipeline_branches`` rows are written.
        self._standings: OrderedDict[str, Standing] = OrderedDict()
        self._lineage: dict[str, tuple[str, ...]] = {}

    def forget(self) -> None:
        self._standings.clear()
        self._lineage.clear()

    def process(
        self, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        if not isinstance(aggregate, AdmissionCase):
            return  # members and persons share the membership log
        first = event.originator_version == 1  # nothing counted before it
        before = None if first else self._standing(str(aggregate.id), tx)
        now = Standing.of(aggregate)
        self._case(aggregate, now, tx)
        if now != before:
            self._count(before, now, tx)
        record = next((r for r in aggregate.records if r.version == event.originator_version), None)
        if record is not None:  # ApplicationSubmitted (step 1) and StepRecorded
            self._step(aggregate, record, tx)
        if before is not None and before.branch_id != now.branch_id:
            self._recount_durations(before.branch_id, now.branch_id, tx)

    def _standing(self, case_id: str, tx: Transaction) -> Standing | None:
        found = self._standings.get(case_id)
        if found is None:
            row = tx.fetchone(
                self.sql(
                    "SELECT branch_id, open, stage, furthest_step, status, approved_on, "
                    "approving_committee_id FROM {pipeline_cases} WHERE case_id = ?"
                ),
                (case_id,),
            )
            found = Standing.of_row(row) if row else None
        return found

    def _case(self, case: AdmissionCase, now: Standing, tx: Transaction) -> None:
        conversion = case.latest("conversion_approved")
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
                now.branch_id,
                now.status,
                now.stage,
                now.furthest_step,
                int(now.open),
                case.records[0].occurred_on.isoformat(),
                now.approved_on,
                now.committee_id,
                conversion.occurred_on.isoformat() if conversion else None,
                case.version,
            ),
        )
        self._standings[str(case.id)] = now
        self._standings.move_to_end(str(case.id))
        if len(self._standings) > REMEMBERED:
            self._standings.popitem(last=False)

    def _count(self, before: Standing | None, now: Standing, tx: Transaction) -> None:
        for standing in (before, now):
            if standing is not None:
                self._lineage_of(standing.branch_id, tx)
                if standing.committee_id:
                    self._lineage_of(standing.committee_id, tx)
        counted_before = before.counts(self._lineage) if before else Counter()
        for moved in changes(counted_before, now.counts(self._lineage)):
            write(tx, self.sql(COUNT_SQL), moved)

    def _lineage_of(self, organization_id: str, tx: Transaction) -> tuple[str, ...]:
        """The organization and those above it; a branch's first time, its rows in
        ``pipeline_branches`` too."""
        found = self._lineage.get(organization_id)
        if found is None:
            ancestry = self.sources.organizations.ancestry(UUID(organization_id))
            found = tuple(str(ancestor_id) for ancestor_id in ancestry)
            for ancestor_id in found:
                write(
                    tx,
                    self.sql(
                        "INSERT INTO {pipeline_branches} (ancestor_id, branch_id) VALUES (?, ?) "
                        "ON CONFLICT (ancestor_id, branch_id) DO NOTHING"
                    ),
                    (ancestor_id, organization_id),
                )
            self._lineage[organization_id] = found
        return found

    def _step(self, case: AdmissionCase, record: StepRecord, tx: Transaction) -> None:
        days = days_since_prerequisites(case, record)
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
                days,
            ),
        )
        if days is not None:
            for organization_id in self._lineage_of(str(case.branch_id), tx):
                write(tx, self.sql(DURATION_SQL), (organization_id, record.number, days, days))

    def _recount_durations(self, left: str, joined: str, tx: Transaction) -> None:
        """The case moved from branch ``left`` to ``joined``: the durations of the organizations
        above one of them and not the other are counted again from their steps."""
        above_left, above_joined = self._lineage_of(left, tx), self._lineage_of(joined, tx)
        changed = [o for o in above_left if o not in above_joined]
        changed += [o for o in above_joined if o not in above_left]
        for organization_id in changed:
            write(
                tx,
                self.sql("DELETE FROM {pipeline_durations} WHERE organization_id = ?"),
                (organization_id,),
            )
            write(tx, self.sql(RECOUNT_SQL), (organization_id, organization_id))


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
    ancestors_table: str,
    plans_table: str,
    inbox_items_table: str | None,
) -> Pipeline:
    """The pipeline of ``organization_id`` and everything under it.

    Overdue items are counted from the inbox's items when they are given (None when not): open,
    not acknowledged, due before ``today``, and waiting for or coming from the subtree.

    Cases belong to the subtree by their current branch. Admissions are the approvals given by the
    approving committees in the subtree (``approving_committee_id``), so that they compare with
    those committees' plans (A-P) however the cases moved afterwards.
    """
    cte = subtree_cte(ancestors_table)

    counted: dict[str, dict[str, int]] = {STAGE: {}, STEP: {}, CLOSED: {}, ADMITTED: {}}
    for measure, key, cases in tx.fetchall(
        model.sql(
            "SELECT measure, key, cases FROM {pipeline_counts} "
            "WHERE organization_id = ? AND cases <> 0"
        ),
        (organization_id,),
    ):
        counted[measure][key] = int(cases)
    by_stage = {int(key): cases for key, cases in counted[STAGE].items()}
    by_step = {int(key): cases for key, cases in counted[STEP].items()}
    closed = counted[CLOSED]
    admitted: dict[Any, int] = {int(key): cases for key, cases in counted[ADMITTED].items()}
    durations = {
        int(number): (round(int(days_sum) / int(steps), 1), int(slowest))
        for number, steps, days_sum, slowest in tx.fetchall(
            model.sql(
                "SELECT number, steps, days_sum, days_max FROM {pipeline_durations} "
                "WHERE organization_id = ? AND steps > 0"
            ),
            (organization_id,),
        )
    }
    planned: dict[Any, int] = {}
    for year, admissions in tx.fetchall(  # summed here: a plan is decimal text of any size
        cte + f"SELECT p.year, p.admissions FROM {plans_table} p "
        "WHERE p.organization_id IN (SELECT id FROM subtree)",
        (organization_id,),
    ):
        planned[year] = planned.get(year, 0) + int(admissions)
    overdue = None
    if inbox_items_table is not None:
        # Open and not acknowledged, as the inbox itself shows it (``projections.inbox.OPEN``);
        # waiting for the subtree, or coming from it to an organization outside it. An open item
        # waits for an organization above the one it comes from (``domain.approvals.addressed``),
        # so outside the subtree means above its root: a few organizations, not the whole city.
        late = (
            f"SELECT COUNT(*) FROM {inbox_items_table} i WHERE i.status = 'open' "
            "AND i.acknowledged = 0 AND i.due_on < ? AND "
        )
        above = (
            f"i.organization_id IN (SELECT ancestor_id FROM {ancestors_table} "
            "WHERE organization_id = ? AND ancestor_id <> organization_id) "
            "AND i.from_organization_id IN (SELECT id FROM subtree)"
        )
        within = tx.fetchone(
            cte + late + "i.organization_id IN (SELECT id FROM subtree)", (organization_id, today)
        )
        from_within = tx.fetchone(cte + late + above, (organization_id, today, organization_id))
        overdue = sum(int(found[0]) for found in (within, from_within) if found)
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
