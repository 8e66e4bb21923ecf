"""The chain's arithmetic: an event's digest, the link that chains it, the chain table's name."""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Sequence
from typing import cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent

#: The key of the eventsourcing environment (a string) that carries the chain key to the recorders.
CHAIN_KEY_ENV = "MEMBERFLOW_CHAIN_KEY"
CHAIN_VERSION = b"memberflow-chain-v1"


def _tagged(value: object) -> tuple[bytes, bytes]:
    """A value's type tag and bytes. A UUID is tagged as the text of its 32 hex digits."""
    if isinstance(value, UUID):
        return b"s", value.hex.encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return b"b", bytes(value)
    if isinstance(value, str):
        return b"s", value.encode("utf-8", "surrogatepass")
    if isinstance(value, int):
        return b"i", _int_bytes(value)
    return b"?", repr(value).encode()


def _int_bytes(value: int) -> bytes:
    """A signed 8-byte integer, as both stores keep them; anything larger as its digits, so that
    encoding never fails."""
    if -(2**63) <= value < 2**63:
        return struct.pack(">q", value)
    return str(value).encode()


_LENGTH = struct.Struct(">I").pack
_INT = struct.Struct(">q").pack


def _field(value: object) -> bytes:
    """One field, tagged with its type and prefixed by its length: no two different rows encode
    alike, even when someone stores a value of another type (SQLite columns are not typed)."""
    # The types the stores hand back, first (``_tagged``'s bytes, without its checks: issue 11).
    kind = type(value)
    if kind is bytes:
        data = cast(bytes, value)
        return b"b" + _LENGTH(len(data)) + data
    if kind is str:
        data = cast(str, value).encode("utf-8", "surrogatepass")
        return b"s" + _LENGTH(len(data)) + data
    if kind is int and -(2**63) <= cast(int, value) < 2**63:
        return b"i\x00\x00\x00\x08" + _INT(cast(int, value))
    tag, data = _tagged(value)
    return tag + _LENGTH(len(data)) + data


def event_digest(
    originator_id: object, originator_version: object, topic: object, state: object
) -> bytes:
    """sha256 of one stored event's bytes, its metadata included (they live in ``state``)."""
    encoded = b"".join(_field(v) for v in (originator_id, originator_version, topic, state))
    return hashlib.sha256(encoded).digest()


def as_bytes(value: object) -> bytes:
    """A digest or link as read back; whatever else someone stored there never matches."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return repr(value).encode()


def genesis(key: bytes, app: str) -> bytes:
    """The link before an application's first event."""
    return hmac.new(key, CHAIN_VERSION + b"\x00" + app.lower().encode(), hashlib.sha256).digest()


_POSITION = struct.Struct(">Q").pack


def next_link(key: bytes, previous: bytes, notification_id: int, digest: bytes) -> bytes:
    return hmac.digest(key, previous + _POSITION(notification_id) + digest, "sha256")


def link_rows(
    key: bytes, previous: bytes, ids: Sequence[int], stored_events: Sequence[StoredEvent]
) -> list[tuple[int, bytes, bytes]]:
    """The chain rows (notification id, digest, link) of newly stored events, in id order,
    following the link ``previous``."""
    rows = []
    for notification_id, s in sorted(zip(ids, stored_events, strict=True), key=lambda p: p[0]):
        digest = event_digest(s.originator_id, s.originator_version, s.topic, s.state)
        previous = next_link(key, previous, notification_id, digest)
        rows.append((notification_id, digest, previous))
    return rows


def chain_table_name(events_table_name: str) -> str:
    return events_table_name.removesuffix("_events") + "_chain"
