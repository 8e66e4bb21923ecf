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


def originators(
    application: MemberflowApplication,
    cls: type[Aggregate],
    head: int,
    scanned: Callable[[int], None],
) -> list[UUID]:
    """The ids of every aggregate of ``cls`` in the log up to ``head``, in order of creation."""
    prefix = get_topic(cls) + "."
    found: dict[UUID, None] = {}
    start = 1
    while start <= head:
        page = application.recorder.select_notifications(start=start, limit=PAGE, stop=head)
        if not page:
            break
        for notification in page:
            if notification.topic.startswith(prefix):
                found.setdefault(UUID(str(notification.originator_id)), None)
        scanned(len(page))
        start = page[-1].id + 1
    return list(found)


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
