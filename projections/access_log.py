"""The access log (issue 5): who read history, when, and what — one row per ``AccessRecorded``.

It follows the audit application's log. Each row keeps the event's position in that log, which
``GET /audit/log`` shows and pages by; the filters it offers (actor, action, subject, a range of
``recorded_at``) each have an index. ``accesses`` reads the same entries from the log itself,
for the checks that must not trust a read model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.audit import Access, AccessScope
from domain.context import Actor
from projections.batching import write
from projections.database import Row, Transaction
from projections.model import Event, ReadModel
from projections.moments import moment
from projections.organizations import subtree_cte
from services.applications import AuditLog

COLUMNS = (
    "position, id, action, kind, scope_id, as_of, version, period_from, period_to, detail, "
    "actor_id, role, organization_id, member_id, recorded_at, request_id"
)
_NAMES = tuple(name.strip() for name in COLUMNS.split(","))
_INSERT = f"INSERT INTO {{access_log}} ({COLUMNS}) VALUES ({', '.join('?' * len(_NAMES))})"


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One read of history: where it stands in the log, when, who, and what was read."""

    position: int  # in the audit application's event log
    id: UUID
    recorded_at: datetime
    actor: Actor
    request_id: str
    action: str
    scope: AccessScope


@dataclass(frozen=True, slots=True)
class AccessQuery:
    actor: str | None = None
    action: str | None = None
    subject: str | None = None  # the scope's id
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    # Only readers of this organization's subtree (``ancestors_table`` is the organizations
    # read model's table): discipline staff of one committee see their own staff's reads.
    within: tuple[str, UUID] | None = None

    def conditions(self) -> tuple[list[str], list[object]]:
        """The SQL conditions of the filters given, and their parameters."""
        readers = (
            f"organization_id IN ({subtree_cte(self.within[0])}SELECT id FROM subtree)"
            if self.within
            else ""
        )
        wanted = (
            ("actor_id = ?", self.actor),
            ("action = ?", self.action),
            ("scope_id = ?", self.subject),
            ("recorded_at >= ?", self.recorded_from and moment(self.recorded_from)),
            ("recorded_at <= ?", self.recorded_to and moment(self.recorded_to)),
            (readers, self.within and str(self.within[1])),
        )
        given = [(condition, value) for condition, value in wanted if value is not None]
        return [condition for condition, _ in given], [value for _, value in given]


class AccessLogModel(ReadModel):
    name = "access_log"
    follows = ("audit",)
    aggregates = (Access,)
    tables: ClassVar[dict[str, str]] = {
        "access_log": (
            "position BIGINT PRIMARY KEY, id TEXT NOT NULL, action TEXT NOT NULL, "
            "kind TEXT NOT NULL, scope_id TEXT, as_of TEXT, version INTEGER, period_from TEXT, "
            "period_to TEXT, detail TEXT, actor_id TEXT NOT NULL, role TEXT NOT NULL, "
            "organization_id TEXT, member_id TEXT, recorded_at TEXT NOT NULL, "
            "request_id TEXT NOT NULL"
        ),
    }
    indexes = (
        "access_log (actor_id, position)",
        "access_log (action, position)",
        "access_log (scope_id, position)",
        "access_log (recorded_at)",
    )

    def process_at(
        self, position: int, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        if isinstance(aggregate, Access):
            write(tx, self.sql(_INSERT), _row(_entry(position, aggregate)))

    def process(
        self, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        raise TypeError(f"{self.name} keeps each event's position: it is applied by process_at")


def _entry(position: int, access: Access) -> AccessEntry:
    context = access.context
    return AccessEntry(
        position=position,
        id=access.id,
        recorded_at=context.recorded_at,
        actor=context.actor,
        request_id=context.request_id,
        action=access.action,
        scope=access.scope,
    )


def _iso(value: date | None) -> str | None:
    """A date, or a time with the offset it was given in (as the access log shows it)."""
    return None if value is None else value.isoformat()


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _row(entry: AccessEntry) -> tuple[object, ...]:
    scope, actor = entry.scope, entry.actor
    return (
        entry.position,
        str(entry.id),
        entry.action,
        scope.kind,
        scope.id,
        _iso(scope.as_of),
        scope.version,
        _iso(scope.period_from),
        _iso(scope.period_to),
        scope.detail,
        actor.id,
        actor.role.value,
        _text(actor.organization_id),
        _text(actor.member_id),
        moment(entry.recorded_at),  # UTC text, so that the range filters compare in order
        entry.request_id,
    )


def _from_row(row: Row) -> AccessEntry:
    field = dict(zip(_NAMES, row, strict=True))
    scope = AccessScope(
        kind=field["kind"],
        id=field["scope_id"],
        as_of=field["as_of"],
        version=field["version"],
        period_from=field["period_from"],
        period_to=field["period_to"],
        detail=field["detail"],
    )
    actor = Actor(
        id=field["actor_id"],
        role=field["role"],
        organization_id=field["organization_id"],
        member_id=field["member_id"],
    )
    return AccessEntry(
        position=int(field["position"]),
        id=UUID(field["id"]),
        recorded_at=datetime.fromisoformat(field["recorded_at"]),
        actor=actor,
        request_id=field["request_id"],
        action=field["action"],
        scope=scope,
    )


def access_log(
    model: AccessLogModel,
    tx: Transaction,
    query: AccessQuery,
    *,
    offset: int,
    limit: int,
    newest_first: bool = True,
) -> tuple[list[AccessEntry], int]:
    """One page of the accesses that match ``query``, and how many match in all."""
    conditions, params = query.conditions()
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    base = model.sql(f"SELECT {COLUMNS} FROM {{access_log}}{where}")
    order = "DESC" if newest_first else "ASC"
    rows = tx.fetchall(
        f"{base} ORDER BY position {order} LIMIT ? OFFSET ?", (*params, limit, offset)
    )
    counted = tx.fetchone(f"SELECT COUNT(*) FROM ({base}) counted", params)
    return [_from_row(row) for row in rows], int(counted[0]) if counted else 0


def accesses(audit: AuditLog, batch: int = 500) -> Iterator[AccessEntry]:
    """Every recorded access, in the order recorded, read from the audit log itself."""
    start = 1
    while notifications := audit.recorder.select_notifications(start=start, limit=batch):
        for notification in notifications:
            event: Any = audit.mapper.to_domain_event(notification)
            access = event.mutate(None)  # every access is the one event that creates it
            if isinstance(access, Access):
                yield _entry(notification.id, access)
        start = notifications[-1].id + 1
