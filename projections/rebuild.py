"""Rebuilding a read model from the first event, beside the live one, then swapping it in.

The fresh tables (suffix ``__next``) are filled while the live ones keep serving. The swap runs
in one transaction: it applies what arrived meanwhile, drops the live tables, renames the fresh
ones to the live names and hands their positions to the live follower. A read model that was
failing is failing no more once its rebuild is swapped in: the rebuild got past every event.

An event the rebuild cannot apply stops it with ``EventFailed`` (its log and position); the live
tables are left as they were.

Several read models are rebuilt together (``rebuild_all``, what ``memberflow projections rebuild``
does): one pack of fresh followers reads each log once for all of them, in pages of ``PAGE``
events, keeping more aggregates in memory than the service does (``projections.pack``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from projections import failures
from projections.database import Transaction
from projections.follower import Follower
from projections.pack import REBUILDING, Pack
from projections.service import ReadModels
from projections.tracking import TRACKING, tracked_position

NEXT = "__next"
PAGE = 1_000  # events per transaction while rebuilding


def rebuild(
    read_models: ReadModels, name: str, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild the read model ``name``; ``progress(done, total)`` is told how far it got.
    EventFailed (the live tables unchanged) when it cannot apply an event."""
    rebuilt = rebuild_all(read_models, [name], progress)
    for error in rebuilt.failed.values():
        raise error
    return rebuilt.done[name]


@dataclass
class Rebuilt:
    """What ``rebuild_all`` did: events applied by each model swapped in, and why the others
    were not (their live tables unchanged)."""

    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, Exception] = field(default_factory=dict)


def rebuild_all(
    read_models: ReadModels,
    names: Sequence[str],
    progress: Callable[[int, int], None] | None = None,
) -> Rebuilt:
    """Rebuild the read models ``names`` together, each log read once for all of them
    (``projections.pack``), then swap each in; one that cannot apply an event keeps its live
    tables and the others are rebuilt all the same. ``progress(done, total)``: events applied,
    summed over the models."""
    read_models.ensure_created()
    fresh = {name: _fresh(read_models, name) for name in names}
    pack = Pack(list(fresh.values()), read_models.database, read_models.applications, REBUILDING)
    applications = read_models.applications
    heads = {
        source: applications[source].recorder.max_notification_id() or 0
        for source in pack.aggregates
    }
    total = sum(heads[source] for follower in fresh.values() for source in follower.sources)
    rebuilt = Rebuilt(done=dict.fromkeys(names, 0))
    following = list(names)
    done = 0
    while following:
        outcome = pack.process_batch(PAGE, [fresh[name].tracking_name for name in following])
        done += outcome.applied
        for name in following:
            rebuilt.done[name] += outcome.by[fresh[name].tracking_name]
        for name in list(following):
            stopped = fresh[name].tracking_name
            if stopped in outcome.failed or stopped in outcome.moved:
                rebuilt.failed[name] = outcome.failed.get(stopped) or RuntimeError(
                    f"the rebuild of {name} was moved by another process"
                )
                following.remove(name)
        if progress:
            progress(done, total)
        if not outcome.applied:
            break
    for name, follower in fresh.items():
        if name not in rebuilt.failed:
            _swap(read_models, name, follower)
    return rebuilt


def _fresh(read_models: ReadModels, name: str) -> Follower:
    """An empty copy of the read model ``name`` under the suffix ``__next``, and its follower."""
    live = read_models.model(name)
    fresh = type(live)(live.sources, suffix=NEXT)
    follower = Follower(fresh, read_models.database, read_models.applications, f"{name}{NEXT}")
    with read_models.database.transaction() as tx:
        fresh.drop(tx)
        tx.execute(f"DELETE FROM {TRACKING} WHERE projection = ?", (f"{name}{NEXT}",))
    follower.create()
    return follower


def _swap(read_models: ReadModels, name: str, follower: Follower) -> None:
    fresh, live = follower.model, read_models.model(name)
    with read_models.database.transaction() as tx:
        for source in follower.sources:  # what arrived since the catch-up
            while follower.apply(tx, source, limit=500):
                pass
        live.drop(tx)
        for table, fresh_name in fresh.names.items():
            tx.execute(f"ALTER TABLE {fresh_name} RENAME TO {live.names[table]}")
            if read_models.database.kind == "postgresql":
                _rename_constraints(tx, live.names[table], fresh_name)
        for number in range(len(fresh.indexes)):  # renamed with their tables: free the names
            tx.execute(f"DROP INDEX IF EXISTS {fresh.index_name(number)}")
        live.create(tx)  # the indexes, under the live names
        for source in follower.sources:
            position = tracked_position(tx, f"{name}{NEXT}", source)
            tx.execute(
                f"DELETE FROM {TRACKING} WHERE projection = ? AND source = ?", (name, source)
            )
            tx.execute(
                f"INSERT INTO {TRACKING} (projection, source, position) VALUES (?, ?, ?)",
                (name, source, position),
            )
        tx.execute(f"DELETE FROM {TRACKING} WHERE projection = ?", (f"{name}{NEXT}",))
        failures.clear(tx, name)
        if read_models.database.kind == "postgresql":
            # Tables loaded in bulk: their statistics now, not when autovacuum comes by, so that
            # the first queries are planned on them (a city's inbox scanned its table before).
            for table in live.names.values():
                tx.execute(f"ANALYZE {table}")
    read_models.followers[name].forget()
    read_models.forgive(name)


def _rename_constraints(tx: Transaction, table: str, old_prefix: str) -> None:
    """PostgreSQL names a table's key after the table; give the renamed table's key the live name,
    so that the next rebuild can create its fresh table again."""
    for (constraint,) in tx.fetchall(
        "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(?)", (table,)
    ):
        if constraint.startswith(old_prefix):
            renamed = table + constraint[len(old_prefix) :]
            tx.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {constraint} TO {renamed}")
