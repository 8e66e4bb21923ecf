"""Writes that wait for the end of a batch: one ``executemany`` for a run of the same statement.

A read model writes a few rows for each event. Sent one statement at a time, each write costs a
round trip to PostgreSQL (and a call into SQLite); most of them are blind — their result is not
looked at — so they can wait. ``Batched`` wraps a batch's transaction: ``write`` queues a blind
write, in order; a run of writes with the same SQL goes to the database as one ``executemany``
when the model reads (``fetchall``, ``fetchone``, or ``execute``, whose row count is an answer)
or when the batch ends (``flush``). The statements run in the order they were written, in the
same transaction, so the rows are what writing them one by one would have left.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import psycopg

from projections.database import Row, Transaction
from projections.database import _pg as placeholders  # the read models' own SQL dialect
from projections.database import _pg_params as pg_params


class Batched:
    """A transaction whose blind writes wait, grouped, until the model reads or the batch ends."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self.pending: list[tuple[str, list[Sequence[Any]]]] = []

    def write(self, sql: str, params: Sequence[Any]) -> None:
        if self.pending and self.pending[-1][0] == sql:
            self.pending[-1][1].append(params)
        else:
            self.pending.append((sql, [params]))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self.flush()
        return self.tx.execute(sql, params)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.flush()
        return self.tx.fetchall(sql, params)

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        self.flush()
        return self.tx.fetchone(sql, params)

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        for sql, rows in pending:
            _executemany(self.tx, sql, rows)


def write(tx: Transaction, sql: str, params: Sequence[Any]) -> None:
    """A blind write: queued where the transaction batches them, else done at once."""
    if isinstance(tx, Batched):
        tx.write(sql, params)
    else:
        tx.execute(sql, params)


def _executemany(tx: Transaction, sql: str, rows: list[Sequence[Any]]) -> None:
    connection = getattr(tx, "connection", None)
    if isinstance(connection, sqlite3.Connection):
        connection.executemany(sql, [tuple(row) for row in rows])
    elif isinstance(connection, psycopg.Connection):
        with connection.cursor() as cursor:
            cursor.executemany(placeholders(sql), [pg_params(row) for row in rows])
    else:  # a transaction of another kind: one at a time
        for row in rows:
            tx.execute(sql, row)
