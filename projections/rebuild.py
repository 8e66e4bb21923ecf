"""Rebuilding a read model from the first event, beside the live one, then swapping it in.

The fresh tables (suffix ``__next``) are filled while the live ones keep serving. The swap runs
in one transaction: it applies what arrived meanwhile, drops the live tables, renames the fresh
ones to the live names and hands their positions to the live follower. A read model that was
failing is failing no more once its rebuild is swapped in: the rebuild got past every event.

An event the rebuild cannot apply stops it with ``EventFailed`` (its log and position); the live
tables are left as they were.
"""

from __future__ import annotations

from collections.abc import Callable

from projections import failures
from projections.database import Transaction
from projections.follower import TRACKING, Follower, tracked_position
from projections.service import ReadModels

NEXT = "__next"


def rebuild(
    read_models: ReadModels, name: str, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild the read model ``name``; ``progress(done, total)`` is told how far it got."""
    read_models.ensure_created()
    live = read_models.model(name)
    fresh = type(live)(live.sources, suffix=NEXT)
    follower = Follower(fresh, read_models.database, read_models.applications, f"{name}{NEXT}")
    with read_models.database.transaction() as tx:
        fresh.drop(tx)
        tx.execute(f"DELETE FROM {TRACKING} WHERE projection = ?", (f"{name}{NEXT}",))
    follower.create()
    total = sum(app.recorder.max_notification_id() or 0 for app in follower.sources.values())
    done = 0

    def advanced(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    follower.catch_up(progress=advanced)
    _swap(read_models, name, follower)
    return done


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
