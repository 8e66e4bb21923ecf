"""States as the system knew them (issue 5): an aggregate after N events, or as of a moment."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.context import Context
from domain.errors import NotFound
from services.applications import MemberflowApplication

A = TypeVar("A", bound=Aggregate)


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
