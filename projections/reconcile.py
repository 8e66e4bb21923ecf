"""Re-derivation: every read model rebuilt from the event logs into scratch tables and compared,
row by row, with the live one. Any difference means a dashboard says something the events do not.

For each read model:

1. the live read model catches up with the logs (``Follower.catch_up``);
2. one read transaction takes a snapshot of the live model: its tracked positions and every row
   of its tables together (REPEATABLE READ on PostgreSQL; a WAL read transaction on SQLite), so
   the rows are exactly those the positions stand for, even if a follower or a writer moves on
   meanwhile;
3. a fresh copy is built from the first event into scratch tables (suffix ``__audit``, tracking
   name ``<name>__audit``) by the same ``Follower`` the service uses, up to exactly the snapshot's
   positions and not one event further (notifications are read with ``stop``);
4. the two are compared table by table as multisets of rows; rows only in the live tables and
   rows only in the rebuild are reported with their primary keys;
5. the scratch tables and their tracking rows are dropped.

Writers may keep writing and followers keep following while this runs: the comparison is made at
the positions of the snapshot, whatever happens after it. Two reconciliations at once on one
store are not supported: they would share the scratch tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from projections.database import Row, Transaction
from projections.follower import Follower
from projections.model import ReadModel
from projections.service import ReadModels
from projections.tracking import TRACKING, tracked_position

AUDIT = "__audit"


@dataclass(frozen=True, slots=True)
class TableDifference:
    table: str  # the live table's name
    columns: tuple[str, ...]
    key: tuple[str, ...]  # the primary key's columns
    only_live: tuple[Row, ...]
    only_rebuilt: tuple[Row, ...]

    def keyed(self, row: Row) -> dict[str, Any]:
        return {name: row[self.columns.index(name)] for name in self.key}


@dataclass(frozen=True, slots=True)
class ModelReconciliation:
    name: str
    positions: dict[str, int]  # where both copies stood when compared
    rows: int  # live rows compared
    differences: tuple[TableDifference, ...]

    @property
    def ok(self) -> bool:
        return not self.differences


@dataclass(frozen=True, slots=True)
class Reconciliation:
    models: tuple[ModelReconciliation, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(model.ok for model in self.models)


def reconcile(
    read_models: ReadModels,
    names: Sequence[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Reconciliation:
    """Reconcile the read models ``names`` (default: all); ``progress(name, done, total)`` counts
    the events applied to the scratch copy."""
    read_models.ensure_created()
    chosen = list(names) if names is not None else list(read_models.models)
    return Reconciliation(tuple(_reconcile(read_models, name, progress) for name in chosen))


def _reconcile(
    read_models: ReadModels, name: str, progress: Callable[[str, int, int], None] | None
) -> ModelReconciliation:
    live = read_models.model(name)
    read_models.followers[name].catch_up(read_models.settings.projections_batch_size)
    positions, live_rows = _snapshot(read_models, live)
    scratch = type(live)(live.sources, suffix=AUDIT)
    follower = Follower(scratch, read_models.database, read_models.applications, name + AUDIT)
    _drop(read_models, scratch, follower)
    try:
        follower.create()
        total, done = sum(positions.values()), 0
        for source, stop in positions.items():
            while applied := _apply_until(read_models, follower, source, stop):
                done += applied
                if progress:
                    progress(name, done, total)
        with read_models.database.transaction(write=False) as tx:
            rebuilt_rows = {table: _rows(tx, scratch, table) for table in scratch.tables}
    finally:
        _drop(read_models, scratch, follower)
    differences = tuple(
        difference
        for table in live.tables
        if (difference := _compare(live, table, live_rows[table], rebuilt_rows[table]))
    )
    return ModelReconciliation(
        name, positions, sum(len(rows) for rows in live_rows.values()), differences
    )


def _snapshot(
    read_models: ReadModels, live: ReadModel
) -> tuple[dict[str, int], dict[str, list[Row]]]:
    """The live positions and rows, read in one consistent snapshot."""
    with read_models.database.transaction(write=False) as tx:
        if read_models.database.kind == "postgresql":
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        positions = {source: tracked_position(tx, live.name, source) for source in live.follows}
        rows = {table: _rows(tx, live, table) for table in live.tables}
    return positions, rows


def _apply_until(read_models: ReadModels, follower: Follower, source: str, stop: int) -> int:
    """Apply the next batch of ``source`` to the scratch copy, never beyond ``stop``."""
    application = follower.sources[source]
    limit = read_models.settings.projections_batch_size
    with read_models.database.transaction() as tx:
        before = tracked_position(tx, follower.tracking_name, source)
        if before >= stop:
            return 0
        notifications = application.recorder.select_notifications(
            start=before + 1, limit=limit, stop=stop
        )
        for notification in notifications:
            event = application.mapper.to_domain_event(notification)
            aggregate = follower.aggregates[source].after(event)
            follower.model.process_at(notification.id, event, aggregate, source, tx)
        # Gaps in the notification ids (rolled-back inserts on PostgreSQL) end at ``stop``.
        reached = notifications[-1].id if notifications else stop
        _set_position(tx, follower.tracking_name, source, reached)
        return len(notifications)


def _set_position(tx: Transaction, projection: str, source: str, position: int) -> None:
    tx.execute(f"DELETE FROM {TRACKING} WHERE projection = ? AND source = ?", (projection, source))
    tx.execute(
        f"INSERT INTO {TRACKING} (projection, source, position) VALUES (?, ?, ?)",
        (projection, source, position),
    )


def _drop(read_models: ReadModels, scratch: ReadModel, follower: Follower) -> None:
    with read_models.database.transaction() as tx:
        scratch.drop(tx)
        tx.execute(f"DELETE FROM {TRACKING} WHERE projection = ?", (follower.tracking_name,))
    follower.forget()


def _rows(tx: Transaction, model: ReadModel, table: str) -> list[Row]:
    columns = ", ".join(columns_of(model.tables[table])[0])
    return [tuple(row) for row in tx.fetchall(f"SELECT {columns} FROM {model.names[table]}")]


def columns_of(definition: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The column names and the primary key's columns of a table's column definitions."""
    parts, depth, current = [], 0, ""
    for char in definition:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    columns: list[str] = []
    key: tuple[str, ...] = ()
    for part in parts:
        upper = part.upper()
        if upper.startswith("PRIMARY KEY"):
            inside = part[part.index("(") + 1 : part.rindex(")")]
            key = tuple(name.strip() for name in inside.split(","))
        elif not upper.startswith(("UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT")):
            columns.append(part.split()[0])
            if "PRIMARY KEY" in upper:
                key = (part.split()[0],)
    return tuple(columns), key or tuple(columns)


def _compare(
    live: ReadModel, table: str, live_rows: list[Row], rebuilt_rows: list[Row]
) -> TableDifference | None:
    live_count, rebuilt_count = Counter(live_rows), Counter(rebuilt_rows)
    only_live = live_count - rebuilt_count
    only_rebuilt = rebuilt_count - live_count
    if not only_live and not only_rebuilt:
        return None
    columns, key = columns_of(live.tables[table])
    return TableDifference(
        live.names[table],
        columns,
        key,
        tuple(sorted(only_live.elements(), key=repr)),
        tuple(sorted(only_rebuilt.elements(), key=repr)),
    )
