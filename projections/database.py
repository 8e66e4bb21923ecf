"""The databases that read models live in, and the one their queries are served from.

One small interface for both stores: transactions that run SQL written with ``?`` placeholders.
Read models never share a transaction with the event store; they only read its notification log.

- Embedded store: a SQLite file of their own beside the events' (``memberflow-read.db`` beside
  ``memberflow.db``), so that the follower's write transactions never take the events' writer
  lock. Tables an earlier release kept in the events file are dropped when the new file is first
  used; the read models are rebuilt into it from the first event (its positions start at 0).
- PostgreSQL: the events' database and schema (or ``MEMBERFLOW_READ_MODELS_URL``); queries may
  be served from a streaming replica of it (``MEMBERFLOW_READ_REPLICA_URL``).
- In-memory store (``memory://``): a temporary SQLite file, removed on close.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import psycopg
import structlog
from psycopg_pool import ConnectionPool

from adapters.store import (
    CONNECT_TIMEOUT_SECONDS,
    create_schema,
    postgres_schema,
    schema_lock,
)
from memberflow.settings import Settings

Row = tuple[Any, ...]
PREFIX = "rm_"  # every read-model table, its tracking and its failures

log = structlog.get_logger("memberflow.projections")


class Transaction(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...
    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...
    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...


class ReadDatabase(Protocol):
    kind: str

    def transaction(self, write: bool = True) -> Any: ...  # a context manager of a Transaction
    def close(self) -> None: ...


class _SQLiteTransaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(sql, tuple(params)).rowcount

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.connection.execute(sql, tuple(params)).fetchall()

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self.connection.execute(sql, tuple(params)).fetchone()
        return row


class SQLiteDatabase:
    kind = "sqlite"

    def __init__(self, path: Path, lock_timeout: int, legacy: Path | None = None) -> None:
        """``legacy``: the events file, whose read-model tables of an earlier release are dropped
        before the first write here."""
        self.path = path
        self.lock_timeout = lock_timeout
        self.legacy = legacy
        self._legacy_checked = threading.Lock()
        self._pool = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=lock_timeout)) as connection:
            connection.execute("PRAGMA journal_mode = WAL")  # kept by the file

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[_SQLiteTransaction]:
        if write and self.legacy is not None:
            with self._legacy_checked:
                if self.legacy is not None:
                    drop_legacy_tables(self.legacy, self.path, self.lock_timeout)
                    self.legacy = None
        # A writer takes the write lock up front (BEGIN IMMEDIATE), so a batch never fails half-way
        # on it; a reader takes none, and in WAL mode neither waits for the other.
        connection = self._connection()
        try:
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield _SQLiteTransaction(connection)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            self._release(connection)

    def _connection(self) -> sqlite3.Connection:
        """An idle connection, or a new one. Connections are kept between transactions, one per
        transaction at a time: opening one reads the schema again, and closing the last one
        checkpoints the file — a millisecond or more at every read (issue 11)."""
        with self._pool:
            if self._idle:
                return self._idle.pop()
        connection = sqlite3.connect(
            self.path, timeout=self.lock_timeout, isolation_level=None, check_same_thread=False
        )
        # No sync at each commit: a power cut may lose the last batches, and their positions
        # with them, so they are applied again (the read models' file only; never the events').
        connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    def _release(self, connection: sqlite3.Connection) -> None:
        with self._pool:
            if not self._closed and not connection.in_transaction:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._pool:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


class TemporarySQLiteDatabase(SQLiteDatabase):
    """The read models of the in-memory store: a SQLite file of their own, since the events they
    follow outlive no memberflow either. A file in WAL mode rather than ``:memory:``, so that a
    connection per transaction, on any thread, works as it does on the embedded store's file."""

    def __init__(self, lock_timeout: int) -> None:
        self.directory = tempfile.TemporaryDirectory(prefix="memberflow-read-models-")
        super().__init__(Path(self.directory.name) / "read_models.db", lock_timeout)

    def close(self) -> None:
        super().close()
        self.directory.cleanup()


class _PostgresTransaction:
    def __init__(self, connection: psycopg.Connection[Row]) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(_pg(sql), _pg_params(params)).rowcount

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.connection.execute(_pg(sql), _pg_params(params)).fetchall()

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self.connection.execute(_pg(sql), _pg_params(params)).fetchone()


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def _pg_params(params: Sequence[Any]) -> tuple[Any, ...]:
    """PostgreSQL text cannot hold U+0000, which JSON and the event store can: a read model on
    PostgreSQL shows it as U+FFFD rather than stop at the event (issue 10)."""
    return tuple(p.replace("\x00", "\ufffd") if isinstance(p, str) else p for p in params)


class PostgresDatabase:
    """Read models in a PostgreSQL schema; a ``replica`` (a hot standby) only serves queries."""

    kind = "postgresql"

    def __init__(
        self, url: str, pool_size: int, schema: str | None = None, *, replica: bool = False
    ) -> None:
        self.schema = schema or postgres_schema(url)
        self.url = url.split("?")[0]
        self.pool_size = pool_size
        self.replica = replica
        self._pool: ConnectionPool[psycopg.Connection[Row]] | None = None

    @property
    def pool(self) -> ConnectionPool[psycopg.Connection[Row]]:
        """Opened on first use, so that a service that never reads its read models holds no
        connection for them."""
        if self._pool is None:
            if not self.replica:  # the events' schema exists; one of the read models' own may not
                with schema_lock(self.url, self.schema) as connection:
                    create_schema(connection, self.schema)
            # Every statement planned for its own parameters: after five runs psycopg prepares a
            # statement, and PostgreSQL's generic plan of it guesses a subtree of four
            # organizations, which a city's (4,600) then pays for three times over (issue 11).
            options = f"-c search_path={self.schema} -c plan_cache_mode=force_custom_plan"
            self._pool = ConnectionPool(
                self.url,
                kwargs={"options": options},
                min_size=1,
                max_size=self.pool_size,
                open=True,
                # After a database restart: dead connections replaced, not handed out; while it
                # is away, a query fails after the timeout (503) rather than wait 30 s.
                check=ConnectionPool.check_connection,
                timeout=CONNECT_TIMEOUT_SECONDS,
            )
        return self._pool

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[_PostgresTransaction]:
        with self.pool.connection() as connection, connection.transaction():
            yield _PostgresTransaction(connection)

    def wal_position(self) -> str:
        """Where the primary's write-ahead log stands now (an LSN)."""
        with self.transaction(write=False) as tx:
            row = tx.fetchone("SELECT pg_current_wal_lsn()::text")
        assert row is not None
        return str(row[0])

    def replayed(self, lsn: str) -> bool:
        """Whether this replica has replayed the primary's log up to ``lsn``; True for a server
        that is not a standby (it holds what it holds)."""
        with self.transaction(write=False) as tx:
            row = tx.fetchone("SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn", (lsn,))
        return row is None or row[0] is None or bool(row[0])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def open_database(settings: Settings) -> SQLiteDatabase | PostgresDatabase:
    """The read models' own database, where followers, rebuilds and reconciliations write."""
    url = settings.resolved_read_models_url
    if url.startswith("memory://"):
        return TemporarySQLiteDatabase(settings.db_lock_timeout_seconds)
    if url.startswith("postgres"):
        return PostgresDatabase(url, settings.db_pool_size)
    events = settings.resolved_database_url
    return SQLiteDatabase(
        Path(url.removeprefix("sqlite:///")),
        settings.db_lock_timeout_seconds,
        legacy=Path(events.removeprefix("sqlite:///")) if settings.store_kind == "sqlite" else None,
    )


def open_replica(settings: Settings) -> PostgresDatabase | None:
    """The streaming replica read-model queries are served from, if one is configured; in the
    read models' schema unless its URL names one."""
    url = settings.read_replica_url
    if url is None:
        return None
    named = parse_qs(urlsplit(url).query).get("schema")
    schema = named[0] if named else postgres_schema(settings.resolved_read_models_url)
    return PostgresDatabase(url, settings.db_pool_size, schema, replica=True)


def wait_for_replica(primary: PostgresDatabase, replica: PostgresDatabase, timeout: float) -> bool:
    """Wait, boundedly, until the replica has replayed what the primary holds now."""
    lsn = primary.wal_position()
    deadline = time.monotonic() + timeout
    while not replica.replayed(lsn):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def drop_legacy_tables(events: Path, read_models: Path, lock_timeout: int) -> list[str]:
    """Drop the read-model tables that a release before issue 11 kept in the events file (they
    are rebuilt in their own file, whose positions start at 0); never when both are one file."""
    if not events.exists() or events.resolve() == read_models.resolve():
        return []
    with closing(sqlite3.connect(events, timeout=lock_timeout, isolation_level=None)) as connection:
        listed = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '!'"
        names = [name for (name,) in connection.execute(listed, ("rm!_%",)).fetchall()]
        if not names:
            return []
        connection.execute("BEGIN IMMEDIATE")
        for name in names:
            connection.execute(f'DROP TABLE IF EXISTS "{name}"')
        connection.execute("COMMIT")
    log.info("projections.legacy_tables_dropped", file=str(events), tables=len(names))
    return names
