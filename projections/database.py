"""The database that read models live in: the same SQLite file or PostgreSQL schema as the events.

One small interface for both stores: transactions that run SQL written with ``?`` placeholders.
Read models never share a transaction with the event store; they only read its notification log.
With the in-memory store (``memory://``) they live in a temporary SQLite file, removed on close.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg_pool import ConnectionPool

from adapters.store import postgres_schema
from memberflow.settings import Settings

Row = tuple[Any, ...]


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

    def __init__(self, path: Path, lock_timeout: int) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[_SQLiteTransaction]:
        # A connection per transaction: cheap for SQLite, and safe across the API's threads.
        # A writer takes the write lock up front (BEGIN IMMEDIATE), so a batch never fails half-way
        # on it; a reader takes none, and in WAL mode neither waits for the other.
        connection = sqlite3.connect(self.path, timeout=self.lock_timeout, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield _SQLiteTransaction(connection)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    def close(self) -> None:
        pass


class TemporarySQLiteDatabase(SQLiteDatabase):
    """The read models of the in-memory store: a SQLite file of their own, since the events they
    follow outlive no memberflow either. A file in WAL mode rather than ``:memory:``, so that a
    connection per transaction, on any thread, works as it does on the embedded store's file."""

    def __init__(self, lock_timeout: int) -> None:
        self.directory = tempfile.TemporaryDirectory(prefix="memberflow-read-models-")
        super().__init__(Path(self.directory.name) / "read_models.db", lock_timeout)
        with closing(sqlite3.connect(self.path)) as connection:
            connection.execute("PRAGMA journal_mode = WAL")

    def close(self) -> None:
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
    kind = "postgresql"

    def __init__(self, url: str, pool_size: int) -> None:
        self.schema = postgres_schema(url)
        self.url = url.split("?")[0]
        self.pool_size = pool_size
        self._pool: ConnectionPool[psycopg.Connection[Row]] | None = None

    @property
    def pool(self) -> ConnectionPool[psycopg.Connection[Row]]:
        """Opened on first use, so that a service that never reads its read models holds no
        connection for them."""
        if self._pool is None:
            self._pool = ConnectionPool(
                self.url,
                kwargs={"options": f"-c search_path={self.schema}"},
                min_size=1,
                max_size=self.pool_size,
                open=True,
            )
        return self._pool

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[_PostgresTransaction]:
        with self.pool.connection() as connection, connection.transaction():
            yield _PostgresTransaction(connection)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def open_database(settings: Settings) -> SQLiteDatabase | PostgresDatabase:
    url = settings.resolved_database_url
    if settings.store_kind == "memory":
        return TemporarySQLiteDatabase(settings.db_lock_timeout_seconds)
    if settings.store_kind == "sqlite":
        return SQLiteDatabase(
            Path(url.removeprefix("sqlite:///")), settings.db_lock_timeout_seconds
        )
    return PostgresDatabase(url, settings.db_pool_size)
