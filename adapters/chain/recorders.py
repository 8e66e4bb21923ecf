"""eventsourcing's recorders with the hash chain: the parent's insert, then the links and the
commands' idempotency keys (adapters/idempotency.py), in the same transaction; one consistent read
of events and links for verification; and the keys read back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

from adapters.chain.links import as_bytes, chain_table_name, event_digest, genesis, link_rows
from adapters.idempotency import (
    REMEMBER_KWARG,
    KeyStatements,
    Remember,
    Remembered,
    keys_table_name,
    postgres_create_statements,
    remember_rows,
    remembered_of,
    sqlite_create_statements,
)

#: How many events one query of a snapshot reads.
PAGE = 2000

#: A page of events: (notification id, originator id, originator version, topic, state) rows.
EventRows = Sequence[Sequence[Any]]


@dataclass(frozen=True)
class Snapshot:
    """What one consistent read of an application's store holds: (id, digest) of every event in
    notification order, and (id, stored digest, link) of every chain row."""

    events: list[tuple[int, bytes]]
    links: list[tuple[int, bytes, bytes]]


def _event_digests(events_after: Callable[[int], EventRows]) -> list[tuple[int, bytes]]:
    """(id, digest) of every event, read a page at a time by a query of the events after an id."""
    digests: list[tuple[int, bytes]] = []
    after = 0
    while True:
        rows = events_after(after)
        digests += [(row[0], event_digest(*row[1:])) for row in rows]
        if len(rows) < PAGE:
            return digests
        after = rows[-1][0]


def _chain_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[int, bytes, bytes]]:
    return [(row[0], as_bytes(row[1]), as_bytes(row[2])) for row in rows]


def _sqlite_state(state: bytes | None, kind: str) -> object:
    """A state as SQLite keeps it: written as a BLOB, but SQLite stores whatever type is written.
    One stored as TEXT is read as text without a strict decoding (an encrypted state is no
    UTF-8), so that verification reports the change instead of failing on it."""
    if state is None or kind == "blob":
        return state
    return state.decode("utf-8", "surrogateescape")


class ChainedRecorder(Protocol):
    app_name: str
    chain_key: bytes
    chain_table_name: str
    events_table_name: str

    def read_snapshot(self) -> Snapshot: ...


class KeyedRecorder(Protocol):
    """A recorder that keeps its commands' idempotency keys."""

    def remembered(self, actor: str, key: str, since: float) -> Remembered | None: ...

    def keep_answer(
        self, actor: str, key: str, status: int, media_type: str, body: bytes
    ) -> None: ...


def _remembering(kwargs: dict[str, Any]) -> Sequence[Remember]:
    rows: Sequence[Remember] = kwargs.get(REMEMBER_KWARG) or ()
    return rows


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    def __init__(
        self, datastore: SQLiteDatastore, *, events_table_name: str, app_name: str, chain_key: bytes
    ) -> None:
        self.app_name = app_name
        self.chain_key = chain_key
        self.chain_table_name = chain_table_name(events_table_name)
        self.genesis = genesis(chain_key, app_name)
        super().__init__(datastore, events_table_name)
        self.select_head_statement = (
            f"SELECT link FROM {self.chain_table_name} ORDER BY notification_id DESC LIMIT 1"
        )
        self.insert_links_statement = f"INSERT INTO {self.chain_table_name} VALUES (?,?,?)"
        self.keys = KeyStatements(keys_table_name(events_table_name), "?")

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {chain_table_name(self.events_table_name)} ("
            "notification_id INTEGER PRIMARY KEY, event_digest BLOB NOT NULL, link BLOB NOT NULL)",
            *sqlite_create_statements(keys_table_name(self.events_table_name)),
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        assert ids is not None
        c.execute(self.select_head_statement)
        row = c.fetchone()
        previous = bytes(row[0]) if row else self.genesis
        c.executemany(
            self.insert_links_statement, link_rows(self.chain_key, previous, ids, stored_events)
        )
        if rows := _remembering(kwargs):
            c.execute(self.keys.forget, (min(r.expired_before for r in rows),))
            c.executemany(self.keys.insert, remember_rows(rows, ids))
        return ids

    def remembered(self, actor: str, key: str, since: float) -> Remembered | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.keys.select, (actor, key, since))
            return remembered_of(c.fetchone())

    def keep_answer(self, actor: str, key: str, status: int, media_type: str, body: bytes) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(self.keys.keep_answer, (status, media_type, body, actor, key))

    def read_snapshot(self) -> Snapshot:
        # One read transaction: a WAL snapshot, so events and links are seen at one moment.
        with self.datastore.transaction(commit=False) as c:

            def events_after(after: int) -> EventRows:
                c.execute(
                    "SELECT rowid, originator_id, originator_version, topic, "
                    "CAST(state AS BLOB), typeof(state) "
                    f"FROM {self.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    (after, PAGE),
                )
                return [(*row[:4], _sqlite_state(row[4], row[5])) for row in c.fetchall()]

            events = _event_digests(events_after)
            c.execute(
                "SELECT notification_id, event_digest, link "
                f"FROM {self.chain_table_name} ORDER BY notification_id"
            )
            return Snapshot(events, _chain_rows(c.fetchall()))


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str,
        app_name: str,
        chain_key: bytes,
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.app_name = app_name
        self.chain_key = chain_key
        self.chain_table_name = chain_table_name(events_table_name)
        self.check_identifier_length(self.chain_table_name)
        self.genesis = genesis(chain_key, app_name)
        schema, table = Identifier(datastore.schema), Identifier(self.chain_table_name)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {}.{} (notification_id bigint PRIMARY KEY, "
                "event_digest bytea NOT NULL, link bytea NOT NULL)"
            ).format(schema, table)
        )
        self.select_head_statement = SQL(
            "SELECT link FROM {}.{} ORDER BY notification_id DESC LIMIT 1"
        ).format(schema, table)
        self.insert_links_statement = SQL("INSERT INTO {}.{} VALUES (%s, %s, %s)").format(
            schema, table
        )
        self.select_event_page_statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{} "
            "WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(schema, Identifier(events_table_name))
        self.select_links_statement = SQL(
            "SELECT notification_id, event_digest, link FROM {}.{} ORDER BY notification_id"
        ).format(schema, table)
        keys_table = keys_table_name(events_table_name)
        self.check_identifier_length(keys_table)
        self.sql_create_statements += postgres_create_statements(datastore.schema, keys_table)
        self.keys = KeyStatements(f'"{datastore.schema}"."{keys_table}"', "%s")

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Runs inside the insert's transaction, after the events are in and the table lock taken
        # (eventsourcing calls ``_insert_events`` before the insert, when no id is known yet).
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert ids is not None
        curs.execute(self.select_head_statement, prepare=True)
        row = curs.fetchone()
        previous = bytes(row["link"]) if row else self.genesis
        curs.executemany(
            self.insert_links_statement, link_rows(self.chain_key, previous, ids, stored_events)
        )
        if rows := _remembering(kwargs):
            curs.execute(self.keys.forget, (min(r.expired_before for r in rows),))
            curs.executemany(self.keys.insert, remember_rows(rows, ids))
        return ids

    def remembered(self, actor: str, key: str, since: float) -> Remembered | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.keys.select, (actor, key, since))
            row = curs.fetchone()
            return remembered_of(tuple(row.values()) if row else None)

    def keep_answer(self, actor: str, key: str, status: int, media_type: str, body: bytes) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.keys.keep_answer, (status, media_type, body, actor, key))

    def read_snapshot(self) -> Snapshot:
        with self.datastore.get_connection() as conn, conn.transaction():
            # One snapshot for both tables.
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with conn.cursor(row_factory=tuple_row) as curs:

                def events_after(after: int) -> EventRows:
                    return curs.execute(self.select_event_page_statement, (after, PAGE)).fetchall()

                events = _event_digests(events_after)
                curs.execute(self.select_links_statement)
                return Snapshot(events, _chain_rows(curs.fetchall()))


def chained(recorders: Iterable[object]) -> Iterator[ChainedRecorder]:
    for recorder in recorders:
        if not isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder):
            raise TypeError(f"{type(recorder).__name__} does not keep a hash chain")
        yield recorder
