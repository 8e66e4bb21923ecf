"""Tamper evidence: a keyed hash chain over every stored event, and signed checkpoints of its head.

Each application's events table ``<app>_events`` has a chain table ``<app>_chain`` beside it, with
one row per notification id, written by the recorders below in the same transaction as the event:

    digest(N) = sha256(encode(originator_id, originator_version, topic, state))
    link(N)   = HMAC-SHA256(chain key, link(previous) ‖ N as 8 bytes ‖ digest(N))
    link(before the first event) = HMAC-SHA256(chain key, "memberflow-chain-v1" ‖ 0 ‖ app name)

``encode`` is unambiguous: each field (the originator id, a UUID as 32 hex digits; the version, a
signed 8-byte integer; the topic; the state as stored, metadata included) is tagged with its type
and prefixed by its length in 4 bytes. The digest does not hold N, so an event moved to another position keeps its
digest and ``verify`` can say it was reordered. The chain key is the service's secret
(``MEMBERFLOW_CHAIN_KEY``); the database holds links, never the key. Writers are serialized (SQLite's
write lock, PostgreSQL's table lock), so reading the previous link inside the write is safe.

``verify`` walks events and links of each application in one snapshot and reports the first broken
position with its kind. ``make_checkpoint`` signs the verified heads with Ed25519;
``verify(…, checkpoint)`` recomputes the chain from the events alone up to each signed position, so
even someone who holds the chain key and rewrote every link is caught for history before the
checkpoint. See docs/tamper-evidence.md for the threat model.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from memberflow.settings import Settings

#: The key of the eventsourcing environment (a string) that carries the chain key to the recorders.
CHAIN_KEY_ENV = "MEMBERFLOW_CHAIN_KEY"
CHAIN_VERSION = b"memberflow-chain-v1"
PAGE = 2000

Kind = Literal["changed", "deleted", "inserted", "reordered"]


# The chain's arithmetic.


def _field(value: object) -> bytes:
    """One field, tagged with its type and prefixed by its length: no two different rows encode
    alike, even when someone stores a value of another type (SQLite columns are not typed)."""
    if isinstance(value, UUID):
        tag, data = b"s", value.hex.encode()
    elif isinstance(value, bytes | bytearray | memoryview):
        tag, data = b"b", bytes(value)
    elif isinstance(value, str):
        tag, data = b"s", value.encode("utf-8", "surrogatepass")
    elif isinstance(value, int):
        tag, data = (
            b"i",
            struct.pack(">q", value) if -(2**63) <= value < 2**63 else str(value).encode(),
        )
    else:
        tag, data = b"?", repr(value).encode()
    return tag + struct.pack(">I", len(data)) + data


def event_digest(
    originator_id: object, originator_version: object, topic: object, state: object
) -> bytes:
    """sha256 of one stored event's bytes, its metadata included (they live in ``state``)."""
    encoded = b"".join(_field(v) for v in (originator_id, originator_version, topic, state))
    return hashlib.sha256(encoded).digest()


def _as_bytes(value: object) -> bytes:
    """A digest or link as read back; whatever else someone stored there never matches."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return repr(value).encode()


def genesis(key: bytes, app: str) -> bytes:
    """The link before an application's first event."""
    return hmac.new(key, CHAIN_VERSION + b"\x00" + app.lower().encode(), hashlib.sha256).digest()


def next_link(key: bytes, previous: bytes, notification_id: int, digest: bytes) -> bytes:
    message = previous + struct.pack(">Q", notification_id) + digest
    return hmac.new(key, message, hashlib.sha256).digest()


def chain_table_name(events_table_name: str) -> str:
    return events_table_name.removesuffix("_events") + "_chain"


# Reading a store for verification.


@dataclass(frozen=True)
class Snapshot:
    """What one consistent read of an application's store holds: (id, digest) of every event in
    notification order, and (id, stored digest, link) of every chain row."""

    events: list[tuple[int, bytes]]
    links: list[tuple[int, bytes, bytes]]


class ChainedRecorder(Protocol):
    app_name: str
    chain_key: bytes
    chain_table_name: str
    events_table_name: str

    def read_snapshot(self) -> Snapshot: ...


# The recorders: the parent's insert, then the links, in the same transaction.


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

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {chain_table_name(self.events_table_name)} ("
            "notification_id INTEGER PRIMARY KEY, event_digest BLOB NOT NULL, link BLOB NOT NULL)",
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
            self.insert_links_statement, _links(self.chain_key, previous, ids, stored_events)
        )
        return ids

    def read_snapshot(self) -> Snapshot:
        # One read transaction: a WAL snapshot, so events and links are seen at one moment.
        with self.datastore.transaction(commit=False) as c:
            events: list[tuple[int, bytes]] = []
            after = 0
            while True:
                c.execute(
                    "SELECT rowid, originator_id, originator_version, topic, state "
                    f"FROM {self.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    (after, PAGE),
                )
                rows = c.fetchall()
                events += [(r[0], event_digest(r[1], r[2], r[3], r[4])) for r in rows]
                if len(rows) < PAGE:
                    break
                after = rows[-1][0]
            c.execute(
                "SELECT notification_id, event_digest, link "
                f"FROM {self.chain_table_name} ORDER BY notification_id"
            )
            links = [(r[0], _as_bytes(r[1]), _as_bytes(r[2])) for r in c.fetchall()]
        return Snapshot(events, links)


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
            self.insert_links_statement, _links(self.chain_key, previous, ids, stored_events)
        )
        return ids

    def read_snapshot(self) -> Snapshot:
        schema = Identifier(self.datastore.schema)
        events_table, chain_table = (
            Identifier(self.events_table_name),
            Identifier(self.chain_table_name),
        )
        with self.datastore.get_connection() as conn, conn.transaction():
            # One snapshot for both tables.
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with conn.cursor() as curs:
                events: list[tuple[int, bytes]] = []
                after = 0
                while True:
                    curs.execute(
                        SQL(
                            "SELECT notification_id, originator_id, originator_version, topic, "
                            "state FROM {}.{} WHERE notification_id > %s "
                            "ORDER BY notification_id LIMIT %s"
                        ).format(schema, events_table),
                        (after, PAGE),
                    )
                    rows = curs.fetchall()
                    events += [
                        (
                            r["notification_id"],
                            event_digest(
                                r["originator_id"],
                                r["originator_version"],
                                r["topic"],
                                r["state"],
                            ),
                        )
                        for r in rows
                    ]
                    if len(rows) < PAGE:
                        break
                    after = rows[-1]["notification_id"]
                curs.execute(
                    SQL(
                        "SELECT notification_id, event_digest, link FROM {}.{} "
                        "ORDER BY notification_id"
                    ).format(schema, chain_table)
                )
                links = [
                    (r["notification_id"], _as_bytes(r["event_digest"]), _as_bytes(r["link"]))
                    for r in curs.fetchall()
                ]
        return Snapshot(events, links)


def _links(
    key: bytes, previous: bytes, ids: Sequence[int], stored_events: Sequence[StoredEvent]
) -> list[tuple[int, bytes, bytes]]:
    rows = []
    for notification_id, s in sorted(zip(ids, stored_events, strict=True), key=lambda p: p[0]):
        digest = event_digest(s.originator_id, s.originator_version, s.topic, s.state)
        previous = next_link(key, previous, notification_id, digest)
        rows.append((notification_id, digest, previous))
    return rows


# Verification.


@dataclass(frozen=True)
class Break:
    position: int
    kind: Kind
    detail: str
    against: Literal["chain", "checkpoint"] = "chain"


@dataclass(frozen=True)
class AppReport:
    app: str
    events: int
    head: int  # the last notification id that verified (0: none)
    head_link: bytes
    breaks: tuple[Break, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class Report:
    apps: tuple[AppReport, ...]
    checkpoint: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return all(app.ok for app in self.apps)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checkpoint": self.checkpoint.created_at if self.checkpoint else None,
            "apps": {
                a.app: {
                    "ok": a.ok,
                    "events": a.events,
                    "head": a.head,
                    "breaks": [b.__dict__ for b in a.breaks],
                }
                for a in self.apps
            },
        }


def verify(recorders: Iterable[ChainedRecorder], checkpoint: Checkpoint | None = None) -> Report:
    """Check every application's chain; with a checkpoint, also the history it signed."""
    recorders = list(recorders)
    if checkpoint is not None:
        unknown = checkpoint.positions.keys() - {r.app_name for r in recorders}
        if unknown:
            raise CheckpointRefused(f"the checkpoint names unknown logs: {sorted(unknown)}")
    reports = []
    for recorder in recorders:
        # A log the checkpoint does not name (added since) is verified against its chain only.
        position = checkpoint.positions.get(recorder.app_name) if checkpoint else None
        reports.append(verify_snapshot(recorder, recorder.read_snapshot(), position))
    return Report(tuple(reports), checkpoint)


def verify_snapshot(
    recorder: ChainedRecorder, snapshot: Snapshot, signed: Position | None = None
) -> AppReport:
    key, app = recorder.chain_key, recorder.app_name
    events = dict(snapshot.events)
    links = {n: (digest, link) for n, digest, link in snapshot.links}
    linked_at: dict[bytes, list[int]] = defaultdict(list)
    for n, digest, _ in snapshot.links:
        linked_at[digest].append(n)
    positions = sorted(events.keys() | links.keys())

    breaks: list[Break] = []
    previous, head, head_link = genesis(key, app), 0, genesis(key, app)
    for i, n in enumerate(positions):
        found = _check(key, previous, n, positions[i + 1 :], events, links, linked_at)
        if found is not None:
            breaks.append(found)
            break
        previous = head_link = links[n][1]
        head = n
    if signed is not None:
        found = _check_signed(key, app, snapshot.events, signed)
        if found is not None:
            breaks.append(found)
    return AppReport(app, len(events), head, head_link, tuple(breaks))


def _check(
    key: bytes,
    previous: bytes,
    n: int,
    later: Sequence[int],
    events: dict[int, bytes],
    links: dict[int, tuple[bytes, bytes]],
    linked_at: dict[bytes, list[int]],
) -> Break | None:
    digest, row = events.get(n), links.get(n)
    if digest is None:
        return Break(n, "deleted", "the chain links an event that is no longer stored")
    if row is None:
        return Break(n, "inserted", "a stored event that the chain never linked")
    stored_digest, stored_link = row
    expected = next_link(key, previous, n, digest)
    if hmac.compare_digest(expected, stored_link):
        if stored_digest != digest:
            return Break(n, "changed", "the chain row's digest was edited (the link still holds)")
        return None
    elsewhere = [m for m in linked_at.get(digest, ()) if m != n]
    if elsewhere:
        return Break(n, "reordered", f"the event stored here was linked at position {elsewhere[0]}")

    def successor_holds(link: bytes) -> bool | None:
        m = later[0] if later else None
        if m is None or m not in events or m not in links:
            return None
        return hmac.compare_digest(next_link(key, link, m, events[m]), links[m][1])

    if successor_holds(stored_link):
        # This position's link is genuine: its event is not the one that was linked here, or the
        # event was linked after a predecessor that is gone.
        if digest == stored_digest:
            return Break(n, "deleted", "an event and its link before this position were removed")
        return Break(n, "changed", "the stored event differs from the event that was linked")
    if successor_holds(expected):
        return Break(n, "changed", "the event is intact but its link was overwritten")
    if digest == stored_digest:
        return Break(n, "inserted", "an event and a link written without the chain key")
    return Break(n, "changed", "the stored event differs from the event that was linked")


def _check_signed(
    key: bytes, app: str, events: Sequence[tuple[int, bytes]], signed: Position
) -> Break | None:
    """Recompute the chain from the events alone up to the signed position."""
    if signed.notification_id == 0:
        return None
    link = genesis(key, app)
    for n, digest in events:
        if n > signed.notification_id:
            break
        link = next_link(key, link, n, digest)
        if n == signed.notification_id:
            if hmac.compare_digest(link, signed.link):
                return None
            return Break(
                n, "changed", "the history up to this signed position was rewritten", "checkpoint"
            )
    return Break(
        signed.notification_id,
        "deleted",
        "the event at this signed position is no longer stored",
        "checkpoint",
    )


# Checkpoints.


class CheckpointRefused(ValueError):
    """A checkpoint file that cannot be trusted (bad signature, another key, malformed)."""


@dataclass(frozen=True)
class Position:
    notification_id: int
    link: bytes


@dataclass(frozen=True)
class Checkpoint:
    created_at: str
    positions: dict[str, Position]
    public_key: str
    signature: str = ""

    def signed_part(self) -> dict[str, Any]:
        return {
            "version": 1,
            "created_at": self.created_at,
            "positions": {
                app: {"notification_id": p.notification_id, "link": p.link.hex()}
                for app, p in sorted(self.positions.items())
            },
            "public_key": self.public_key,
        }

    def to_json(self) -> str:
        return json.dumps({**self.signed_part(), "signature": self.signature}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        try:
            data = json.loads(text)
            positions = {
                app: Position(int(p["notification_id"]), bytes.fromhex(p["link"]))
                for app, p in data["positions"].items()
            }
            if data.get("version") != 1:
                raise CheckpointRefused("unknown checkpoint version")
            return cls(
                str(data["created_at"]), positions, str(data["public_key"]), str(data["signature"])
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            if isinstance(error, CheckpointRefused):
                raise
            raise CheckpointRefused(f"not a checkpoint file: {error}") from None


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    raw = base64.b64decode(settings.checkpoint_signing_key.get_secret_value())
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def make_checkpoint(
    report: Report, key: Ed25519PrivateKey, now: datetime | None = None
) -> Checkpoint:
    """Sign the heads of a clean report."""
    if not report.ok:
        raise CheckpointRefused("the chain is broken: a checkpoint would sign tampered history")
    unsigned = Checkpoint(
        created_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        positions={a.app: Position(a.head, a.head_link) for a in report.apps},
        public_key=public_key_text(key.public_key()),
    )
    signature = base64.b64encode(key.sign(_canonical(unsigned.signed_part()))).decode()
    return Checkpoint(unsigned.created_at, unsigned.positions, unsigned.public_key, signature)


def check_signature(checkpoint: Checkpoint, key: Ed25519PublicKey) -> None:
    """Refuse a checkpoint not signed by ``key`` (the configured key's public half)."""
    if checkpoint.public_key != public_key_text(key):
        raise CheckpointRefused("the checkpoint names another public key than the configured one")
    try:
        key.verify(base64.b64decode(checkpoint.signature), _canonical(checkpoint.signed_part()))
    except (InvalidSignature, ValueError):
        raise CheckpointRefused("the checkpoint's signature does not verify") from None


def chained(recorders: Iterable[object]) -> Iterator[ChainedRecorder]:
    for recorder in recorders:
        if not isinstance(recorder, ChainedSQLiteRecorder | ChainedPostgresRecorder):
            raise TypeError(f"{type(recorder).__name__} does not keep a hash chain")
        yield recorder
