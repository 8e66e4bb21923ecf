"""Audit reads (issue 5): states as of a time or a version, and the log of who read history.

``record_access`` is what every audit read calls — timelines, as-of views here, and the replay,
verification and checkpoint commands of the other audit tools — so that reading history is itself
recorded, through the command bus like every other write.
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.audit import Access, AccessAction, AccessScope
from domain.commands import Entry, RecordAccess
from domain.context import Actor, Context, Role
from domain.errors import NotFound
from services.applications import AuditLog, MemberflowApplication
from services.clock import today
from services.handlers import Changes, Unit

if TYPE_CHECKING:
    from services.bootstrap import Memberflow
    from services.bus import Outcome

A = TypeVar("A", bound=Aggregate)


# Recording.


def record_access_handler(command: RecordAccess, unit: Unit) -> Changes:
    access = Access.record(
        action=command.action, scope=command.scope, context=unit.context(command.entry)
    )
    return Changes(unit.audit, access.id, (access,))


AUDIT_HANDLERS: dict[type[Any], Callable[[Any, Unit], Changes]] = {
    RecordAccess: record_access_handler
}


def record_access(
    memberflow: Memberflow,
    actor: Actor,
    action: AccessAction | str,
    scope: AccessScope,
    request_id: str,
) -> Outcome:
    """Record that ``actor`` read history: ``action`` (timeline, as_of, replay, verify, checkpoint,
    reconcile) on ``scope``; the time is the service clock's, like every event's ``recorded_at``."""
    command = RecordAccess(AccessAction(action), scope, Entry(today(memberflow.clock)))
    return memberflow.bus.handle(command, actor=actor, request_id=request_id)


# States as they were known.


def version_as_of(application: MemberflowApplication, aggregate_id: UUID, as_of: datetime) -> int:
    """The number of events of the aggregate the system knew at ``as_of``: the longest run of its
    first events all recorded (``context.recorded_at``) at or before it; 0 if none.

    With a clock that only moves forward this is "the last event recorded at or before"; a later
    event recorded with an earlier time (a clock set back) cannot be known before the events under
    it, so the run stops at the first event recorded after ``as_of``.
    """
    known = 0
    for event in application.events.get(aggregate_id):
        context: Context = getattr(event, "context")  # noqa: B009 — every memberflow event has one
        if context.recorded_at > as_of:
            break
        known = event.originator_version
    return known


def state_at(
    application: MemberflowApplication,
    cls: type[A],
    aggregate_id: UUID,
    what: str,
    *,
    as_of: datetime | None = None,
    version: int | None = None,
) -> A:
    """The aggregate after ``version`` events, or as the system knew it at ``as_of``.

    NotFound when there is no such aggregate, when it did not exist yet at ``as_of``, or when it
    has fewer than ``version`` events.
    """
    current = application.get_as(cls, aggregate_id, what)
    if as_of is not None:
        version = version_as_of(application, aggregate_id, as_of)
        if version == 0:
            raise NotFound(f"{what} (as of {as_of.isoformat()})", aggregate_id)
    if version is None or version == current.version:
        return current
    if version > current.version:
        raise NotFound(f"{what} version {version} (it has {current.version})", aggregate_id)
    found: Aggregate = application.repository.get(aggregate_id, version=version)
    assert isinstance(found, cls)
    return found


# The access log.


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


def record_cli_access(memberflow: Memberflow, action: AccessAction, scope: AccessScope) -> None:
    """Record an audit command run from the command line. It runs with the store's own
    credentials, so the access log names the operating-system user, as an administrator."""
    operator = Actor(id=f"cli:{getpass.getuser()}", role=Role.ADMIN)
    record_access(memberflow, operator, action, scope, f"cli-{uuid.uuid4().hex}")
