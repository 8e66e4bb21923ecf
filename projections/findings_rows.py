"""The rows of the findings table: where each comes from, and how one is written or cleared."""

from __future__ import annotations

from domain.findings import Finding
from projections.batching import write
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
    write(
        tx,
        model.sql("DELETE FROM {findings} WHERE subject_id = ? AND origin = ?"),
        (subject_id, origin),
    )


Values = tuple[object, ...]  # a row as ``insert`` writes it: origin, then COLUMNS


def values(
    row_id: str,
    origin: str,
    subject_type: str,
    subject_id: str,
    organization_id: str,
    finding: Finding,
    raised_at: str,
) -> Values:
    return (
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
    )


def written(model: ReadModel, tx: Transaction, subject_id: str, origin: str) -> list[Values]:
    """The rows of ``subject_id`` that ``origin`` owns, as ``values`` makes them."""
    return [
        tuple(row)
        for row in tx.fetchall(
            model.sql(
                f"SELECT origin, {COLUMNS} FROM {{findings}} WHERE subject_id = ? AND origin = ? "
                "ORDER BY id"
            ),
            (subject_id, origin),
        )
    ]


def insert_values(model: ReadModel, tx: Transaction, row: Values) -> None:
    write(
        tx,
        model.sql(
            f"INSERT INTO {{findings}} (origin, {COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        row,
    )
