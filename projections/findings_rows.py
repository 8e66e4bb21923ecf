"""The rows of the findings table: where each comes from, and how one is written or cleared."""

from __future__ import annotations

from domain.findings import Finding
from projections.database import Transaction
from projections.model import ReadModel

COLUMNS = (
    "id, subject_type, subject_id, organization_id, kind, rule, step, version, occurred_on, "
    "recorded_at, detail_zh, detail_en, raised_at"
)

# Where a row comes from: replaced as a whole by the event or the recomputation that owns it.
CASE, ELECTION, PLAN, WINDOW = "case", "election", "plan", "window"


def clear(model: ReadModel, tx: Transaction, subject_id: str, origin: str) -> None:
    """Remove the rows of ``subject_id`` that ``origin`` owns."""
    tx.execute(
        model.sql("DELETE FROM {findings} WHERE subject_id = ? AND origin = ?"),
        (subject_id, origin),
    )


def insert(
    model: ReadModel,
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
        model.sql(
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
