"""Following the event logs: each batch of events and the position it reached commit together.

A follower reads an application's notification log from the position its read model has recorded,
applies a batch of events, and records the new position in the same transaction as the rows. A
crash anywhere in a batch rolls the whole batch back, so every event is applied exactly once.

An event the model cannot apply raises ``EventFailed``, naming its log and position; the events of
the batch before it are committed, so the model stops right before it, and never skips it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from eventsourcing.domain import Aggregate

from projections.database import ReadDatabase, Transaction
from projections.failures import create_failures, message
from projections.model import Event, ReadModel
from services.applications import MemberflowApplication

TRACKING = "rm_tracking"


def create_tracking(tx: Transaction) -> None:
    tx.execute(
        f"CREATE TABLE IF NOT EXISTS {TRACKING} (projection TEXT NOT NULL, source TEXT NOT NULL, "
        "position BIGINT NOT NULL, PRIMARY KEY (projection, source))"
    )


def tracked_position(tx: Transaction, projection: str, source: str) -> int:
    row = tx.fetchone(
        f"SELECT position FROM {TRACKING} WHERE projection = ? AND source = ?", (projection, source)
    )
    return int(row[0]) if row else 0


class Moved(RuntimeError):
    """Another process applied these events first: nothing is wrong, the batch rolls back."""


class EventFailed(Exception):
    """The read model ``projection`` cannot apply the event at ``position`` in the log ``source``;
    ``applied`` events of the batch came before it. The original error is the cause."""

    def __init__(
        self, projection: str, source: str, position: int, applied: int, error: Exception
    ) -> None:
        self.projection = projection
        self.source = source
        self.position = position
        self.applied = applied
        self.error = error
        super().__init__(
            f"read model {projection} cannot apply the event at {source}:{position}: "
            f"{type(error).__name__}: {message(error)}"
        )


def _advance(tx: Transaction, projection: str, source: str, before: int, after: int) -> None:
    """Move the position on, failing if another process moved it meanwhile (never twice)."""
    if (
        before == 0
        and tx.fetchone(
            f"SELECT 1 FROM {TRACKING} WHERE projection = ? AND source = ?", (projection, source)
        )
        is None
    ):
        inserted = tx.execute(
            f"INSERT INTO {TRACKING} (projection, source, position) VALUES (?, ?, ?) "
            "ON CONFLICT (projection, source) DO NOTHING",
            (projection, source, after),
        )
        if inserted != 1:
            raise Moved(f"{projection} at {source} was moved by another process")
        return
    moved = tx.execute(
        f"UPDATE {TRACKING} SET position = ? WHERE projection = ? AND source = ? AND position = ?",
        (after, projection, source, before),
    )
    if moved != 1:
        raise Moved(f"{projection} at {source} was moved by another process")


class _Aggregates:
    """The aggregates of recent events, kept current by applying each event as it comes."""

    def __init__(self, source: MemberflowApplication, size: int = 2048) -> None:
        self.source = source
        self.size = size
        self.cache: OrderedDict[Any, Aggregate] = OrderedDict()

    def after(self, event: Event) -> Aggregate | None:
        cached = self.cache.pop(event.originator_id, None)
        if cached is not None and cached.version == event.originator_version - 1:
            aggregate = event.mutate(cached)  # type: ignore[attr-defined]
        else:
            aggregate = self.source.repository.get(
                event.originator_id, version=event.originator_version
            )
        self.cache[event.originator_id] = aggregate
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        result: Aggregate | None = aggregate
        return result

    def forget(self) -> None:
        self.cache.clear()


class Follower:
    def __init__(
        self,
        model: ReadModel,
        database: ReadDatabase,
        applications: Mapping[str, MemberflowApplication],
        tracking_name: str | None = None,
    ) -> None:
        self.model = model
        self.database = database
        self.sources = {name: applications[name] for name in model.follows}
        self.tracking_name = tracking_name or model.name
        self.aggregates = {name: _Aggregates(app) for name, app in self.sources.items()}

    def create(self) -> None:
        with self.database.transaction() as tx:
            if self.database.kind == "postgresql":  # two processes may start at once
                tx.fetchone("SELECT pg_advisory_xact_lock(hashtext('memberflow-read-model-ddl'))")
            create_tracking(tx)
            create_failures(tx)
            self.model.create(tx)

    def process_batch(self, limit: int = 200) -> int:
        """Apply the next events of every source; how many were applied."""
        return sum(self._batch(source, limit) for source in self.sources)

    def _batch(self, source: str, limit: int) -> int:
        try:
            with self.database.transaction() as tx:
                return self.apply(tx, source, limit)
        except EventFailed as failed:
            self.forget()
            if failed.applied:  # commit what came before the event: the model stops right there
                with self.database.transaction() as tx:
                    self.apply(tx, source, failed.applied)
            raise
        except BaseException:
            self.forget()  # the aggregates may be ahead of what was committed
            raise

    def apply(self, tx: Transaction, source: str, limit: int) -> int:
        """Apply the next events of one source within ``tx``, and move its position on."""
        application = self.sources[source]
        before = tracked_position(tx, self.tracking_name, source)
        notifications = application.recorder.select_notifications(start=before + 1, limit=limit)
        for applied, notification in enumerate(notifications):
            try:
                event = application.mapper.to_domain_event(notification)
                aggregate = self.aggregates[source].after(event)
                self.model.process_at(notification.id, event, aggregate, source, tx)
            except Exception as error:
                name = self.model.name
                raise EventFailed(name, source, notification.id, applied, error) from error
        if notifications:
            _advance(tx, self.tracking_name, source, before, notifications[-1].id)
        return len(notifications)

    def forget(self) -> None:
        for aggregates in self.aggregates.values():
            aggregates.forget()

    def catch_up(self, limit: int = 200, progress: Callable[[int], None] | None = None) -> int:
        total = 0
        while processed := self.process_batch(limit):
            total += processed
            if progress:
                progress(processed)
        return total

    def positions(self) -> dict[str, int]:
        with self.database.transaction(write=False) as tx:
            return {
                source: tracked_position(tx, self.tracking_name, source) for source in self.sources
            }
