"""Following the event logs: each batch of events and the position it reached commit together.

A follower reads an application's notification log from the position its read model has recorded,
applies a batch of events, and records the new position in the same transaction as the rows. A
crash anywhere in a batch rolls the whole batch back, so every event is applied exactly once.

An event the model cannot apply raises ``EventFailed``, naming its log and position; the events of
the batch before it are committed, so the model stops right before it, and never skips it.

``run_page`` is the one way a page of a log is applied, by one follower or by several that stand
at the same position (``projections.pack``): each event decoded once and its aggregate brought up
to it once, whatever number of models apply it; the models' writes wait and go out grouped
(``projections.batching``). A grouped write that fails names no event: the page is run again
writing one statement at a time, which names it.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import Aggregate

from projections.batching import Batched
from projections.database import ReadDatabase, Transaction
from projections.failures import create_failures, message
from projections.model import Event, ReadModel
from projections.tracking import TRACKING, create_tracking, ensure_current, tracked_position
from services.applications import MemberflowApplication


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


class AggregateCache:
    """The aggregates of recent events, kept current by applying each event as it comes.

    Only the aggregates of ``kinds`` (what the models read, ``ReadModel.aggregates``): the others'
    events are applied with no aggregate, so that nobody folds — or reads from the store, when it
    has left the cache — an aggregate that no model looks at (a city's members and people)."""

    def __init__(
        self,
        source: MemberflowApplication,
        kinds: Iterable[type[Aggregate]],
        size: int = 2048,
    ) -> None:
        self.source = source
        self.kinds = tuple(kinds)
        self.size = size
        self.cache: OrderedDict[Any, Aggregate] = OrderedDict()
        self._wanted: dict[type, bool] = {}  # by event class: is its aggregate one of ``kinds``?

    def after(self, event: Event) -> Aggregate | None:
        if not self._of_kinds(type(event)):
            return None
        cached = self.cache.pop(event.originator_id, None)
        if cached is not None and cached.version == event.originator_version - 1:
            aggregate = event.mutate(cached)  # type: ignore[attr-defined]
        elif event.originator_version == 1:  # the event that creates it: nothing to read
            aggregate = event.mutate(None)  # type: ignore[attr-defined]
        else:
            aggregate = self.source.repository.get(
                event.originator_id, version=event.originator_version
            )
        self.cache[event.originator_id] = aggregate
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        result: Aggregate | None = aggregate
        return result

    def _of_kinds(self, event_class: type) -> bool:
        """Whether events of this class belong to an aggregate of ``kinds``: they are declared
        inside its class (``AdmissionCase.StepRecorded``)."""
        wanted = self._wanted.get(event_class)
        if wanted is None:
            owner = event_class.__qualname__.rpartition(".")[0]
            wanted = any(
                kind.__module__ == event_class.__module__ and kind.__qualname__ == owner
                for kind in self.kinds
            )
            self._wanted[event_class] = wanted
        return wanted

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
        self.aggregates = {
            name: AggregateCache(app, model.aggregates) for name, app in self.sources.items()
        }
        # Where this process last saw or left the model in each log: a position found elsewhere
        # means another process wrote its tables, and what the model remembers is forgotten.
        self.reached: dict[str, int] = {}

    def create(self) -> None:
        with self.database.transaction() as tx:
            if self.database.kind == "postgresql":  # two processes may start at once
                tx.fetchone("SELECT pg_advisory_xact_lock(hashtext('memberflow-read-model-ddl'))")
            create_tracking(tx)
            create_failures(tx)
            ensure_current(tx, self.model, self.tracking_name)
            self.model.create(tx)

    def process_batch(self, limit: int = 200) -> int:
        """Apply the next events of every source; how many were applied."""
        outcome = Outcome()
        for source in self.sources:
            run_page(self.database, source, [self], self.aggregates[source], limit, outcome)
            if outcome.moved:
                raise Moved(f"{self.tracking_name} at {source} was moved by another process")
            if failed := outcome.failed.get(self.tracking_name):
                raise failed  # what came before the event is committed
        return outcome.applied

    def apply(self, tx: Transaction, source: str, limit: int) -> int:
        """Apply the next events of one source within ``tx``, and move its position on."""
        counts = apply_page(tx, source, [self], self.aggregates[source], limit, {}, batched=False)
        return counts[self.tracking_name]

    def forget(self) -> None:
        for aggregates in self.aggregates.values():
            aggregates.forget()
        self.model.forget()

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


@dataclass
class Outcome:
    """What applying pages did: events applied (summed over the models), and the followers that
    stopped, by tracking name: on an event or on the database (``failed``), or because another
    process moved their position (``moved``)."""

    applied: int = 0
    failed: dict[str, Exception] = field(default_factory=dict)
    moved: set[str] = field(default_factory=set)
    by: Counter[str] = field(default_factory=Counter)  # events applied, by tracking name


class _Unattributed(Exception):
    """A grouped write failed when it went out: no event is named yet."""


class _MovedFor(Exception):
    def __init__(self, tracking_name: str) -> None:
        super().__init__(tracking_name)
        self.tracking_name = tracking_name


def run_page(
    database: ReadDatabase,
    source: str,
    group: Sequence[Follower],
    aggregates: AggregateCache,
    limit: int,
    outcome: Outcome,
) -> None:
    """The next page of ``source`` for followers standing at one position, in one transaction.

    A follower whose model fails on an event stops right before it: the transaction is rolled back
    and run again with that follower stopping there, so that its events before it and the others'
    whole page are committed."""
    stops: dict[str, int] = {}  # a follower that failed: how many events of the page it applies
    batched = True
    members = list(group)
    while members:
        try:
            with database.transaction() as tx:
                counts = apply_page(tx, source, members, aggregates, limit, stops, batched)
        except EventFailed as failed:
            _forget(aggregates, members)  # they ran ahead of the rollback
            name = next(f.tracking_name for f in members if f.model.name == failed.projection)
            stops[name], outcome.failed[name] = failed.applied, failed
            if all(stops.get(f.tracking_name) == 0 for f in members):
                return
        except _Unattributed:
            _forget(aggregates, members)
            batched = False  # again, one statement at a time: the failing event is named
        except _MovedFor as moved:
            _forget(aggregates, members)
            outcome.moved.add(moved.tracking_name)
            members = [f for f in members if f.tracking_name != moved.tracking_name]
        except Exception as error:  # the database itself, or what no model is to blame for
            _forget(aggregates, members)
            for follower in members:
                outcome.failed.setdefault(follower.tracking_name, error)
            return
        else:
            outcome.applied += sum(counts.values())
            outcome.by.update(counts)
            return


def _forget(aggregates: AggregateCache, followers: Sequence[Follower]) -> None:
    aggregates.forget()
    for follower in followers:
        follower.forget()


def apply_page(
    tx: Transaction,
    source: str,
    group: Sequence[Follower],
    aggregates: AggregateCache,
    limit: int,
    stops: Mapping[str, int],
    batched: bool,
) -> dict[str, int]:
    """The next page of ``source`` for the group, within ``tx``: each event decoded and brought to
    its aggregate once, then applied by every follower not stopped before it; their positions
    moved on. How many events each applied, by tracking name."""
    application = aggregates.source
    before = tracked_position(tx, group[0].tracking_name, source)
    for follower in group[1:]:
        if tracked_position(tx, follower.tracking_name, source) != before:
            raise _MovedFor(follower.tracking_name)
    for follower in group:
        if follower.reached.setdefault(source, before) != before:
            follower.forget()  # another process moved it (a rebuild swapped its tables in)
            follower.reached[source] = before
    notifications = application.recorder.select_notifications(start=before + 1, limit=limit)
    writes: dict[str, Transaction] = {
        f.tracking_name: Batched(tx) if batched else tx for f in group
    }
    counts = dict.fromkeys(writes, 0)
    followers = {f.tracking_name: f for f in group}
    for applied, notification in enumerate(notifications):
        taking = [f for f in group if stops.get(f.tracking_name, applied + 1) > applied]
        if not taking:
            break
        try:
            event = application.mapper.to_domain_event(notification)
            aggregate = aggregates.after(event)
        except Exception as error:  # no model can apply it: the first stops, then the next …
            name = taking[0].model.name
            raise EventFailed(name, source, notification.id, applied, error) from error
        for follower in taking:
            try:
                follower.model.process_at(
                    notification.id, event, aggregate, source, writes[follower.tracking_name]
                )
            except Exception as error:
                name = follower.model.name
                raise EventFailed(name, source, notification.id, applied, error) from error
            counts[follower.tracking_name] += 1
    for name, written in writes.items():
        if isinstance(written, Batched):
            try:
                written.flush()
            except Exception as error:
                raise _Unattributed() from error
        if counts[name]:
            after = notifications[counts[name] - 1].id
            try:
                _advance(tx, name, source, before, after)
            except Moved:
                raise _MovedFor(name) from None
            followers[name].reached[source] = after  # if the transaction fails: forgotten
    return counts
