"""Walking the event logs for a replay: which subjects there are, each one rebuilt from its own
events, and whether it has an event in the period."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.context import Context
from services.applications import MemberflowApplication

PAGE = 500


@dataclass(frozen=True, slots=True)
class Period:
    """Both ends included, either may be open."""

    from_: date | None = None
    to: date | None = None

    def holds(self, day: date) -> bool:
        return (self.from_ is None or day >= self.from_) and (self.to is None or day <= self.to)

    def touches(self, contexts: Iterable[Context]) -> bool:
        """Whether any of the events occurred in the period: the subject is then reported."""
        return any(self.holds(context.occurred_on) for context in contexts)


#: The attributes of a case's or an election's events that name where it is (its branch, both
#: sides of a transfer, an election's organization): the places a subject can belong to.
PLACES = ("branch_id", "from_branch_id", "to_branch_id", "organization_id")


def originators(
    application: MemberflowApplication,
    cls: type[Aggregate],
    head: int,
    scanned: Callable[[int], None],
) -> dict[UUID, set[UUID] | None]:
    """The ids of every aggregate of ``cls`` in the log up to ``head``, in order of creation, each
    with every place its events name (``PLACES``, read from its first event and its transfers
    only): a subject belongs to none but these, so that a replay rebuilds only the subjects that
    may lie in its jurisdiction. None where an event could not be read: it is rebuilt to see."""
    prefix = get_topic(cls) + "."
    found: dict[UUID, set[UUID] | None] = {}
    start = 1
    while start <= head:
        page = application.recorder.select_notifications(start=start, limit=PAGE, stop=head)
        if not page:
            break
        for notification in page:
            if not notification.topic.startswith(prefix):
                continue
            originator_id = notification.originator_id  # a UUID as the recorders read it
            if not isinstance(originator_id, UUID):
                originator_id = UUID(str(originator_id))
            first = originator_id not in found
            if first:
                found[originator_id] = set()
            places = found[originator_id]
            if places is not None and (first or notification.topic.endswith(".Transferred")):
                found[originator_id] = _places(application, notification, places)
        scanned(len(page))
        start = page[-1].id + 1
    return found


def _places(
    application: MemberflowApplication, notification: Any, places: set[UUID]
) -> set[UUID] | None:
    try:
        event = application.mapper.to_domain_event(notification)
    except Exception:  # an event that cannot be read: the rebuild will say what it is
        return None
    named = [getattr(event, name, None) for name in PLACES]
    return places | {place for place in named if isinstance(place, UUID)}


def rebuild(
    application: MemberflowApplication, aggregate_id: UUID
) -> tuple[Aggregate | None, list[Context]]:
    """The aggregate folded from its own stored events, and the context of each event."""
    aggregate: Any = None
    contexts: list[Context] = []
    for event in application.events.get(aggregate_id):
        aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
        context = getattr(event, "context", None)
        if isinstance(context, Context):
            contexts.append(context)
    return aggregate, contexts
