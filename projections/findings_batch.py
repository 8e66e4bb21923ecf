"""F-BATCH (A-P, 细则 Art. 3 禁止突击发展), the finding across cases, for the findings read model.

It is computed from two helper tables, the approvals (membership log) and the development plans
(organizations log), and recomputed for the committee-year or the branch that an arriving approval
or plan touches. Both recomputations read only the helper tables, so the rows do not depend on the
order in which the two logs are processed.

An F-BATCH row is raised (``raised_at``) when the last fact it needs was recorded: its approval,
the plan (its ``recorded_at`` is kept in the plans table), and the earlier approvals that put it
beyond the plan or the window — computed from the helper tables, so it too is the same whatever
the order of the logs. Only current findings are kept: one that has since disappeared (after a
plan was raised) is not shown as of the past.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.admission.case import AdmissionCase
from domain.findings import Finding
from domain.organizations import Organization
from projections import findings_rows as rows
from projections.database import Transaction
from projections.model import ReadModel
from projections.moments import moment


@dataclass(frozen=True, slots=True)
class _Approval:
    case_id: str
    committee_id: str
    branch_id: str
    approved_on: str  # ISO date
    version: int
    recorded_at: str


def approved(model: ReadModel, tx: Transaction, case: AdmissionCase) -> None:
    """Keep the case's approval, the first time it is seen, and recompute what it touches."""
    approval = case.approval
    if approval is None or approval.context.actor.organization_id is None:
        return
    committee = str(approval.context.actor.organization_id)
    added = tx.execute(
        model.sql(
            "INSERT INTO {findings_approvals} (case_id, approving_committee_id, branch_id, "
            "approved_on, version, recorded_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (case_id) DO NOTHING"
        ),
        (
            str(case.id),
            committee,
            str(case.branch_id),
            approval.occurred_on.isoformat(),
            approval.version,
            approval.recorded_at.isoformat(),
        ),
    )
    if added == 1:
        _recompute_plan(model, tx, committee, approval.occurred_on.year)
        _recompute_window(model, tx, str(case.branch_id))


def planned(
    model: ReadModel, tx: Transaction, organization: Organization, recorded_at: str
) -> None:
    """Keep the organization's development plans that changed, and recompute their years."""
    for year, admissions in sorted(organization.development_plans.items()):
        known = tx.fetchone(
            model.sql(
                "SELECT admissions FROM {findings_plans} WHERE organization_id = ? AND year = ?"
            ),
            (str(organization.id), year),
        )
        if known is not None and int(known[0]) == admissions:
            continue
        tx.execute(
            model.sql(
                "INSERT INTO {findings_plans} (organization_id, year, admissions, recorded_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (organization_id, year) "
                "DO UPDATE SET admissions = excluded.admissions, "
                "recorded_at = excluded.recorded_at"
            ),
            (str(organization.id), year, str(admissions), recorded_at),
        )
        _recompute_plan(model, tx, str(organization.id), year)


def _approvals(
    model: ReadModel, tx: Transaction, where: str, params: Sequence[Any]
) -> list[_Approval]:
    found = tx.fetchall(
        model.sql(
            "SELECT case_id, approving_committee_id, branch_id, approved_on, version, "
            f"recorded_at FROM {{findings_approvals}} WHERE {where} "
            "ORDER BY approved_on, case_id"
        ),
        params,
    )
    return [_Approval(r[0], r[1], r[2], r[3], int(r[4]), r[5]) for r in found]


def _recompute_plan(model: ReadModel, tx: Transaction, committee_id: str, year: int) -> None:
    """A-P: the committee's approvals of the year beyond its plan, in order of approval."""
    approvals = _approvals(
        model,
        tx,
        "approving_committee_id = ? AND approved_on >= ? AND approved_on <= ?",
        (committee_id, f"{year:04d}-01-01", f"{year:04d}-12-31"),
    )
    _clear(model, tx, rows.PLAN, approvals)
    plan = tx.fetchone(
        model.sql(
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
        _batch_row(
            model,
            tx,
            rows.PLAN,
            approval,
            _raised(approval, earlier, planned, str(plan[1])),
            f"{year} 年发展计划 {planned} 名，本次审批为第 {number} 名，超出计划。",
            f"The committee planned {planned} admissions for {year}; this approval is "
            f"number {number}, beyond the plan.",
        )


def _recompute_window(model: ReadModel, tx: Transaction, branch_id: str) -> None:
    """An approval that is beyond the policy's number within the window ending on its date."""
    policy = model.sources.policy
    approvals = _approvals(model, tx, "branch_id = ?", (branch_id,))
    _clear(model, tx, rows.WINDOW, approvals)
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
            _batch_row(
                model,
                tx,
                rows.WINDOW,
                approval,
                _raised(approval, earlier, policy.batch_max_admissions),
                f"该党支部 {since} 至 {approved_on} 的 {policy.batch_window_days} 天内"
                f"第 {rank} 名被批准入党，超过 {policy.batch_max_admissions} 名（突击发展）。",
                f"Admission number {rank} of the branch within the {policy.batch_window_days} "
                f"days from {since} to {approved_on}; policy allows "
                f"{policy.batch_max_admissions}.",
            )


def _clear(model: ReadModel, tx: Transaction, origin: str, approvals: Sequence[_Approval]) -> None:
    for approval in approvals:
        rows.clear(model, tx, approval.case_id, origin)


def _batch_row(
    model: ReadModel,
    tx: Transaction,
    origin: str,
    approval: _Approval,
    raised_at: str,
    zh: str,
    en: str,
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
    row = rows.values(
        row_id, origin, "case", approval.case_id, approval.branch_id, finding, raised_at
    )
    rows.insert_values(model, tx, row)


def _raised(approval: _Approval, earlier: Sequence[_Approval], beyond: int, *facts: str) -> str:
    """When an F-BATCH row first held: its approval and ``facts`` were recorded, and ``beyond``
    of the approvals ranked before it were too (the ``beyond``-th of them to be recorded)."""
    times = sorted(moment(a.recorded_at) for a in earlier)
    needed = [times[beyond - 1]] if beyond > 0 else []
    return max([moment(approval.recorded_at), *(moment(f) for f in facts), *needed])
