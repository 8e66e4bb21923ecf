"""The idempotency keys of an event store: one table beside each application's events, written by
its recorder in the transaction that inserts a command's events (services/idempotency.py).

A row says: this actor's key, for a request of this fingerprint, recorded the command whose last
event is at ``position`` and left its subject at ``version``. Because the row and the events
commit together, a crash never keeps the one without the other: a retry after a crash finds the
key exactly when the command was stored. The first answer is added to the row afterwards (when
the service lived to send it), so that a retry gets it byte for byte; it is encrypted with the
application's cipher, as the events are, since it may name people.

Rows older than the retention are deleted by the next insert; the primary key (actor, key) makes
a second insert of one key fail the transaction (IntegrityError), which is how two concurrent
requests with one key record one command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psycopg.sql import SQL, Composed, Identifier


@dataclass(frozen=True, slots=True)
class Remember:
    """A key to store with a command's events: its row but for the position, which the insert
    gives (``event`` is the index of the command's last event among those inserted together)."""

    actor: str
    key: str
    fingerprint: str
    subject_id: str
    version: int
    recorded_at: float  # seconds since the epoch
    expired_before: float  # rows recorded before this are forgotten
    event: int = -1


@dataclass(frozen=True, slots=True)
class Remembered:
    """A stored key: what its command recorded, and its first answer if one was kept."""

    fingerprint: str
    subject_id: str
    version: int
    position: int
    recorded_at: float
    answer_status: int | None
    answer_type: str | None
    answer: bytes | None


REMEMBER_KWARG = "remember"  # the keyword that carries Remember rows to ``insert_events``

_COLUMNS = (
    "actor, key, fingerprint, subject_id, version, position, recorded_at, "
    "answer_status, answer_type, answer"
)


def keys_table_name(events_table_name: str) -> str:
    """``membership_keys`` beside ``membership_events`` (and ``membership_chain``)."""
    return events_table_name.removesuffix("_events") + "_keys"


def sqlite_create_statements(table: str) -> list[str]:
    return [
        f"CREATE TABLE IF NOT EXISTS {table} (actor TEXT NOT NULL, key TEXT NOT NULL, "
        "fingerprint TEXT NOT NULL, subject_id TEXT NOT NULL, version INTEGER NOT NULL, "
        "position INTEGER NOT NULL, recorded_at REAL NOT NULL, answer_status INTEGER, "
        "answer_type TEXT, answer BLOB, PRIMARY KEY (actor, key))",
        f"CREATE INDEX IF NOT EXISTS {table}_recorded_at ON {table} (recorded_at)",
    ]


def postgres_create_statements(schema: str, table: str) -> list[Composed]:
    names = Identifier(schema), Identifier(table)
    return [
        SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (actor text NOT NULL, key text NOT NULL, "
            "fingerprint text NOT NULL, subject_id text NOT NULL, version bigint NOT NULL, "
            "position bigint NOT NULL, recorded_at double precision NOT NULL, "
            "answer_status integer, answer_type text, answer bytea, PRIMARY KEY (actor, key))"
        ).format(*names),
        SQL("CREATE INDEX IF NOT EXISTS {} ON {}.{} (recorded_at)").format(
            Identifier(f"{table}_recorded_at"), *names
        ),
    ]


class KeyStatements:
    """The statements of one keys table, in the placeholder style of its database."""

    def __init__(self, table: str, placeholder: str) -> None:
        p = placeholder
        self.forget = f"DELETE FROM {table} WHERE recorded_at < {p}"
        self.insert = f"INSERT INTO {table} ({_COLUMNS}) VALUES ({', '.join([p] * 10)})"
        self.select = (
            "SELECT fingerprint, subject_id, version, position, recorded_at, answer_status, "
            f"answer_type, answer FROM {table} WHERE actor = {p} AND key = {p} "
            f"AND recorded_at >= {p}"
        )
        self.keep_answer = (
            f"UPDATE {table} SET answer_status = {p}, answer_type = {p}, answer = {p} "
            f"WHERE actor = {p} AND key = {p} AND answer_status IS NULL"
        )


def remember_rows(rows: Sequence[Remember], ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The rows to insert for ``rows``, each with the position of its command's last event."""
    return [
        (
            r.actor,
            r.key,
            r.fingerprint,
            r.subject_id,
            r.version,
            ids[r.event],
            r.recorded_at,
            None,
            None,
            None,
        )
        for r in rows
    ]


def remembered_of(row: Sequence[Any] | None) -> Remembered | None:
    if row is None:
        return None
    answer = row[7]
    return Remembered(
        fingerprint=row[0],
        subject_id=row[1],
        version=int(row[2]),
        position=int(row[3]),
        recorded_at=float(row[4]),
        answer_status=row[5],
        answer_type=row[6],
        answer=bytes(answer) if answer is not None else None,
    )
