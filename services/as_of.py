"""States as the system knew them (issue 5): an aggregate after N events, or as of a moment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Aggregate, DomainEventProtocol

from domain.context import Context
from domain.errors import NotFound
from services.applications import MemberflowApplication

A = TypeVar("A", bound=Aggregate)
Events = Sequence[DomainEventProtocol[Any]]


def version_as_of(application: MemberflowApplication, aggregate_id: UUID, as_of: datetime) -> int:
    """The number of events of the aggregate the system knew at ``as_of``: the longest run of its
    first events all recorded (``context.recorded_at``) at or before it; 0 if none.

    With a clock that only moves forward this is "the last event recorded at or before"; a later
    event recorded with an earlier time (a clock set back) cannot be known before the events under
    it, so the run stops at the first event recorded after ``as_of``.
    """
    return known_at(application.events.get(aggregate_id), as_of)


def known_at(events: Iterable[DomainEventProtocol[Any]], as_of: datetime) -> int:
    """``version_as_of`` over events already read, in order."""
    known = 0
    for event in events:
        context: Context = getattr(event, "context")  # noqa: B009 — every memberflow event has one
        if context.recorded_at > as_of:
            break
        known = event.originator_version
    return known


def fold(events: Events) -> Aggregate | None:
    """The aggregate after ``events`` (its first ones, in order), folded by the library's own
    projector as its repository does."""
    aggregate = project_aggregate(None, events)
    return aggregate if isinstance(aggregate, Aggregate) else None


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
    has fewer than ``version`` events. The aggregate's events are read once (issue 11).
    """
    events = application.history(aggregate_id)
    first = fold(events[:1])  # its class is its first event's
    if not isinstance(first, cls):
        raise NotFound(what, aggregate_id)
    current = events[-1].originator_version
    if as_of is not None:
        version = known_at(events, as_of)
        if version == 0:
            raise NotFound(f"{what} (as of {as_of.isoformat()})", aggregate_id)
    if version is not None and version > current:
        raise NotFound(f"{what} version {version} (it has {current})", aggregate_id)
    found = fold(events[: version or current])
    assert isinstance(found, cls)
    return found
