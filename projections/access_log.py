"""The access log (issue 5): who read history, when, and what — read from the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.audit import AccessScope
from domain.context import Context
from services.applications import AuditLog


@dataclass(frozen=True, slots=True)
class AccessQuery:
    actor: str | None = None
    action: str | None = None
    subject: str | None = None  # the scope's id
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None

    def matches(self, access: AccessEntry) -> bool:
        recorded_at = access.context.recorded_at
        return (
            (self.actor is None or access.context.actor.id == self.actor)
            and (self.action is None or access.action == self.action)
            and (self.subject is None or access.scope.id == self.subject)
            and (self.recorded_from is None or recorded_at >= self.recorded_from)
            and (self.recorded_to is None or recorded_at <= self.recorded_to)
        )


@dataclass(frozen=True, slots=True)
class AccessEntry:
    position: int  # in the audit application's event log
    id: UUID
    action: str
    scope: AccessScope
    context: Context


def accesses(audit: AuditLog, batch: int = 500) -> Iterator[AccessEntry]:
    """Every recorded access, in the order recorded, read from the audit log's notifications."""
    start = 1
    while notifications := audit.recorder.select_notifications(start=start, limit=batch):
        for notification in notifications:
            event = audit.mapper.to_domain_event(notification)
            if type(event).__name__ == "AccessRecorded":
                yield AccessEntry(
                    position=notification.id,
                    id=event.originator_id,
                    action=getattr(event, "action"),  # noqa: B009
                    scope=getattr(event, "scope"),  # noqa: B009
                    context=getattr(event, "context"),  # noqa: B009
                )
        start = notifications[-1].id + 1


def access_log(
    audit: AuditLog, query: AccessQuery, *, offset: int, limit: int, newest_first: bool = True
) -> tuple[list[AccessEntry], int]:
    """One page of the accesses that match ``query``, and how many match in all."""
    found = [access for access in accesses(audit) if query.matches(access)]
    if newest_first:
        found.reverse()
    return found[offset : offset + limit], len(found)
