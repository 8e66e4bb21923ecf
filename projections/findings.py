"""Every finding (DOMAIN.md §3) of every case and election, and the cross-case F-BATCH.

Per-case rows are ``domain.findings.case_findings`` of the case right after each of its events, and
per-election rows ``election_findings``: replaced whole on each event, so that they are what
``GET /admissions/{id}`` shows. F-BATCH (A-P, 细则 Art. 3 禁止突击发展) spans cases: it is computed
from two helper tables, the approvals (membership log) and the development plans (organizations
log), and recomputed for the committee-year or the branch that an arriving approval or plan
touches. Both recomputations read only the helper tables, so the rows do not depend on the order in
which the two logs are processed.

``raised_at`` (issue 5, ``GET /findings?as_of=``) is when the system first knew the finding, derived
from events only, never from the clock: a per-case or per-election row that already existed keeps
its ``raised_at`` when the subject's rows are replaced, a new one takes the ``recorded_at`` of the
event that replaced them — so it is the event at which the finding first appeared when folding the
subject's history (``domain.timeline``). An F-BATCH row is raised when the last fact it needs was
recorded: its approval, the plan (its ``recorded_at`` is kept in the plans table), and the earlier
approvals that put it beyond the plan or the window — computed from the helper tables, so it too is
the same whatever the order of the logs. Only current findings are kept: one that has since
disappeared (F-BATCH after a plan was raised) is not shown as of the past.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.admission.case import AdmissionCase
from domain.admission.findings import case_findings
from domain.elections.election import Election
from domain.elections.findings import election_findings
from domain.findings import Finding, finding_keys
from domain.organizations import Organization
from projections.database import Row, Transaction
from projections.model import Event, ReadModel
from projections.organizations import subtree_cte

COLUMNS = (
    "id, subject_type, subject_id, organization_id, kind, rule, step, version, occurred_on, "
    "recorded_at, detail_zh, detail_en, raised_at"
)

# Where a row comes from: replaced as a whole by the event or the recomputation that owns it.
CASE, ELECTION, PLAN, WINDOW = "case", "election", "plan", "window"


@dataclass(frozen=True, slots=True)
class _Approval:
    case_id: str
    committee_id: str
    branch_id: str
    approved_on: str  # ISO date
    version: int
    recorded_at: str


class FindingsModel(ReadModel):
    name = "findings"
    follows = ("membership", "organizations")
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
        "findings_plans": (
            "organization_id TEXT NOT NULL, year INTEGER NOT NULL, admissions INTEGER NOT NULL, "
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

    def process(
        self, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        recorded_at = _recorded_at(event)
        if isinstance(aggregate, AdmissionCase):
            self._case(aggregate, tx, recorded_at)
        elif isinstance(aggregate, Election):
            self._replace(
                tx,
                ELECTION,
                "election",
                str(aggregate.id),
                str(aggregate.organization_id),
                election_findings(aggregate, self.sources.policy),
                recorded_at,
            )
        elif isinstance(aggregate, Organization):
            self._plans(aggregate, tx, recorded_at)

    # Per-case and per-election rows.

    def _case(self, case: AdmissionCase, tx: Transaction, recorded_at: str) -> None:
        self._replace(
            tx,
            CASE,
            "case",
            str(case.id),
            str(case.branch_id),
            case_findings(case, self.sources.policy),
            recorded_at,
        )
        approval = case.approval
        if approval is None or approval.context.actor.organization_id is None:
            return
        added = tx.execute(
            self.sql(
                "INSERT INTO {findings_approvals} (case_id, approving_committee_id, branch_id, "
                "approved_on, version, recorded_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (case_id) DO NOTHING"
            ),
            (
                str(case.id),
                str(approval.context.actor.organization_id),
                str(case.branch_id),
                approval.occurred_on.isoformat(),
                approval.version,
                approval.recorded_at.isoformat(),
            ),
        )
        if added == 1:
            committee = str(approval.context.actor.organization_id)
            self._recompute_plan(tx, committee, approval.occurred_on.year)
            self._recompute_window(tx, str(case.branch_id))

    def _replace(
        self,
        tx: Transaction,
        origin: str,
        subject_type: str,
        subject_id: str,
        organization_id: str,
        found: Iterable[Finding],
        recorded_at: str,
    ) -> None:
        raised: dict[str, str] = dict(
            tx.fetchall(
                self.sql(
                    "SELECT id, raised_at FROM {findings} WHERE subject_id = ? AND origin = ?"
                ),
                (subject_id, origin),
            )
        )
        tx.execute(
            self.sql("DELETE FROM {findings} WHERE subject_id = ? AND origin = ?"),
            (subject_id, origin),
        )
        for key, finding in finding_keys(found):
            row_id = f"{subject_id}:{key}"
            self._insert(
                tx,
                row_id,
                origin,
                subject_type,
                subject_id,
                organization_id,
                finding,
                str(raised.get(row_id, recorded_at)),
            )

    def _insert(
        self,
        tx: Transaction,
        row_id: str,
        origin: str,
        subject_type: str,
        subject_id: str,
        organization_id: str,
        finding: Finding,
        raised_at: str,
    ) -> None:
        tx.execute(
            self.sql(
                f"INSERT INTO {{findings}} (origin, {COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (
                origin,
                row_id,
                subject_type,
                subject_id,
                organization_id,
                finding.kind,
                finding.rule,
                finding.step,
                finding.version,
                finding.occurred_on.isoformat(),
                finding.recorded_at.isoformat(),
                finding.detail_zh,
                finding.detail_en,
                raised_at,
            ),
        )

    # F-BATCH.

    def _plans(self, organization: Organization, tx: Transaction, recorded_at: str) -> None:
        for year, admissions in sorted(organization.development_plans.items()):
            known = tx.fetchone(
                self.sql(
                    "SELECT admissions FROM {findings_plans} WHERE organization_id = ? AND year = ?"
                ),
                (str(organization.id), year),
            )
            if known is not None and int(known[0]) == admissions:
                continue
            tx.execute(
                self.sql(
                    "INSERT INTO {findings_plans} (organization_id, year, admissions, recorded_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (organization_id, year) "
                    "DO UPDATE SET admissions = excluded.admissions, "
                    "recorded_at = excluded.recorded_at"
                ),
                (str(organization.id), year, admissions, recorded_at),
            )
            self._recompute_plan(tx, str(organization.id), year)

    def _approvals(self, tx: Transaction, where: str, params: Sequence[Any]) -> list[_Approval]:
        rows = tx.fetchall(
            self.sql(
                "SELECT case_id, approving_committee_id, branch_id, approved_on, version, "
                f"recorded_at FROM {{findings_approvals}} WHERE {where} "
                "ORDER BY approved_on, case_id"
            ),
            params,
        )
        return [_Approval(r[0], r[1], r[2], r[3], int(r[4]), r[5]) for r in rows]

    def _recompute_plan(self, tx: Transaction, committee_id: str, year: int) -> None:
        """A-P: the committee's approvals of the year beyond its plan, in order of approval."""
        approvals = self._approvals(
            tx,
            "approving_committee_id = ? AND approved_on >= ? AND approved_on <= ?",
            (committee_id, f"{year:04d}-01-01", f"{year:04d}-12-31"),
        )
        self._clear(tx, PLAN, approvals)
        plan = tx.fetchone(
            self.sql(
                "SELECT admissions, recorded_at FROM {findings_plans} "
                "WHERE organization_id = ? AND year = ?"
            ),
            (committee_id, year),
        )
        if plan is None:
            return
        planned = int(plan[0])
        for number, approval in enumerate(approvals[planned:], start=planned + 1):
            earlier = approvals[: number - 1]
            self._batch_row(
                tx,
                PLAN,
                approval,
                _raised(approval, earlier, planned, str(plan[1])),
                f"{year} 年发展计划 {planned} 名，本次审批为第 {number} 名，超出计划。",
                f"The committee planned {planned} admissions for {year}; this approval is "
                f"number {number}, beyond the plan.",
            )

    def _recompute_window(self, tx: Transaction, branch_id: str) -> None:
        """An approval that is beyond the policy's number within the window ending on its date."""
        policy = self.sources.policy
        approvals = self._approvals(tx, "branch_id = ?", (branch_id,))
        self._clear(tx, WINDOW, approvals)
        days = timedelta(days=policy.batch_window_days - 1)
        first = 0
        for index, approval in enumerate(approvals):
            approved_on = date.fromisoformat(approval.approved_on)
            while date.fromisoformat(approvals[first].approved_on) < approved_on - days:
                first += 1
            rank = index - first + 1
            if rank > policy.batch_max_admissions:
                since = approved_on - days
                earlier = approvals[first:index]
                self._batch_row(
                    tx,
                    WINDOW,
                    approval,
                    _raised(approval, earlier, policy.batch_max_admissions),
                    f"该党支部 {since} 至 {approved_on} 的 {policy.batch_window_days} 天内"
                    f"第 {rank} 名被批准入党，超过 {policy.batch_max_admissions} 名（突击发展）。",
                    f"Admission number {rank} of the branch within the {policy.batch_window_days} "
                    f"days from {since} to {approved_on}; policy allows "
                    f"{policy.batch_max_admissions}.",
                )

    def _clear(self, tx: Transaction, origin: str, approvals: Sequence[_Approval]) -> None:
        for approval in approvals:
            tx.execute(
                self.sql("DELETE FROM {findings} WHERE subject_id = ? AND origin = ?"),
                (approval.case_id, origin),
            )

    def _batch_row(
        self, tx: Transaction, origin: str, approval: _Approval, raised_at: str, zh: str, en: str
    ) -> None:
        finding = Finding(
            "F-BATCH",
            "A-P",
            "admission_approved",
            approval.version,
            date.fromisoformat(approval.approved_on),
            datetime.fromisoformat(approval.recorded_at),
            zh,
            en,
        )
        row_id = f"{approval.case_id}:F-BATCH:A-P:{approval.version}:{origin}"
        self._insert(
            tx, row_id, origin, "case", approval.case_id, approval.branch_id, finding, raised_at
        )


def _moment(value: datetime | str) -> str:
    """A time as ``raised_at`` keeps it: UTC, to the microsecond, so that text compares in order."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _recorded_at(event: Event) -> str:
    return _moment(getattr(event, "context").recorded_at)  # noqa: B009 — every event has one


def _raised(approval: _Approval, earlier: Sequence[_Approval], beyond: int, *facts: str) -> str:
    """When an F-BATCH row first held: its approval and ``facts`` were recorded, and ``beyond``
    of the approvals ranked before it were too (the ``beyond``-th of them to be recorded)."""
    times = sorted(_moment(a.recorded_at) for a in earlier)
    needed = [times[beyond - 1]] if beyond > 0 else []
    return max([_moment(approval.recorded_at), *(_moment(f) for f in facts), *needed])


# Reading.

SORTS = {"occurred_on": "f.occurred_on", "kind": "f.kind"}


@dataclass(frozen=True, slots=True)
class FindingsQuery:
    organization_id: UUID | None = None  # its subtree
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    case_id: UUID | None = None
    as_of: datetime | None = None  # only findings raised (known) at or before this time


def query_findings(
    model: FindingsModel,
    organizations_table: str,
    tx: Transaction,
    query: FindingsQuery,
    *,
    order_by: str,
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    """The findings that match ``query``, one page of them, and how many match in all.

    ``organizations_table`` is the organizations read model's live table (for the subtree).
    """
    conditions: list[str] = []
    params: list[object] = []
    prefix = ""
    join = ""
    if query.organization_id is not None:
        prefix = subtree_cte(organizations_table)
        join = "JOIN subtree s ON s.id = f.organization_id "
        params.append(str(query.organization_id))
    if query.kind is not None:
        conditions.append("f.kind = ?")
        params.append(query.kind)
    if query.date_from is not None:
        conditions.append("f.occurred_on >= ?")
        params.append(query.date_from.isoformat())
    if query.date_to is not None:
        conditions.append("f.occurred_on <= ?")
        params.append(query.date_to.isoformat())
    if query.case_id is not None:
        conditions.append("f.subject_type = 'case' AND f.subject_id = ?")
        params.append(str(query.case_id))
    if query.as_of is not None:
        conditions.append("f.raised_at <= ?")
        params.append(_moment(query.as_of))
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    columns = ", ".join(f"f.{c.strip()}" for c in COLUMNS.split(","))
    base = prefix + model.sql(f"SELECT {columns} FROM {{findings}} f ") + join + where
    rows = tx.fetchall(
        f"{base}ORDER BY {order_by}, f.id LIMIT ? OFFSET ?", (*params, limit, offset)
    )
    counted = tx.fetchone(f"SELECT COUNT(*) FROM ({base}) counted", params)
    return rows, int(counted[0]) if counted else 0
