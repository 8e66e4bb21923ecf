"""Reading the findings: filters, the subtree of an organization, as of a time, and a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from projections.database import Row, Transaction
from projections.findings import FindingsModel
from projections.findings_rows import COLUMNS
from projections.moments import moment
from projections.organizations import subtree_cte

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
    ancestors_table: str,
    tx: Transaction,
    query: FindingsQuery,
    *,
    order_by: str,
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    """The findings that match ``query``, one page of them, and how many match in all.

    ``ancestors_table`` is the organizations read model's ``ancestors`` (for the subtree).
    """
    columns = ", ".join(f"f.{c.strip()}" for c in COLUMNS.split(","))
    base, params = _matching(model, ancestors_table, query, columns)
    rows = tx.fetchall(
        f"{base}ORDER BY {order_by}, f.id LIMIT ? OFFSET ?", (*params, limit, offset)
    )
    counted = tx.fetchone(f"SELECT COUNT(*) FROM ({base}) counted", params)
    return rows, int(counted[0]) if counted else 0


def count_by_kind(
    model: FindingsModel, ancestors_table: str, tx: Transaction, query: FindingsQuery
) -> list[tuple[str, int]]:
    """How many findings match ``query``, by kind (F-…), in the order of the kinds; a kind
    without findings is not named."""
    base, params = _matching(model, ancestors_table, query, "f.kind, COUNT(*)")
    rows = tx.fetchall(f"{base}GROUP BY f.kind ORDER BY f.kind", params)
    return [(str(kind), int(count)) for kind, count in rows]


def _matching(
    model: FindingsModel, ancestors_table: str, query: FindingsQuery, columns: str
) -> tuple[str, list[object]]:
    """``SELECT columns`` of the findings that match ``query`` (up to its WHERE), and its
    parameters."""
    conditions: list[str] = []
    params: list[object] = []
    prefix = ""
    join = ""
    if query.organization_id is not None:
        prefix = subtree_cte(ancestors_table)
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
        params.append(moment(query.as_of))
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    return prefix + model.sql(f"SELECT {columns} FROM {{findings}} f ") + join + where, params
