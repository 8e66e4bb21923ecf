"""Verification: walk each application's events and links in one snapshot, report the first
broken position with its kind, and, with a checkpoint, check the history it signed."""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from adapters.chain.checkpoints import Checkpoint, CheckpointRefused, Position
from adapters.chain.links import genesis, next_link
from adapters.chain.recorders import ChainedRecorder, Snapshot

Kind = Literal["changed", "deleted", "inserted", "reordered"]


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
    intact = _intact(key, genesis(key, app), snapshot)
    if intact is not None:
        (head, head_link), found, events = intact, None, len(snapshot.events)
    else:  # something is off: the walk finds the first break and tells what it is
        store = _Store.of(key, snapshot)
        head, head_link, found = _walk(store, genesis(key, app))
        events = len(store.events)
    breaks = [found] if found else []
    if signed is not None:
        found = _check_signed(key, app, snapshot.events, signed)
        if found is not None:
            breaks.append(found)
    return AppReport(app, events, head, head_link, tuple(breaks))


def _intact(key: bytes, start: bytes, snapshot: Snapshot) -> tuple[int, bytes] | None:
    """The head and its link when every event is linked in order at its own position and every
    link holds (the common case, in one pass: issue 11); None at the first thing that is off."""
    if len(snapshot.events) != len(snapshot.links):
        return None
    head, link = 0, start
    for (n, digest), (m, stored_digest, stored_link) in zip(
        snapshot.events, snapshot.links, strict=True
    ):
        link = next_link(key, link, n, digest)
        if n != m or n <= head or stored_digest != digest:
            return None
        if not hmac.compare_digest(link, stored_link):
            return None
        head = n
    return head, link


@dataclass(frozen=True)
class _Store:
    """A snapshot indexed by position, for the checks."""

    key: bytes
    events: dict[int, bytes]  # the digest of the event stored at each position
    links: dict[int, tuple[bytes, bytes]]  # the chain row at each position: (digest, link)
    linked_at: dict[bytes, list[int]]  # the positions at which each digest was linked

    @classmethod
    def of(cls, key: bytes, snapshot: Snapshot) -> _Store:
        linked_at: dict[bytes, list[int]] = defaultdict(list)
        for n, digest, _ in snapshot.links:
            linked_at[digest].append(n)
        links = {n: (digest, link) for n, digest, link in snapshot.links}
        return cls(key, dict(snapshot.events), links, linked_at)

    def positions(self) -> list[int]:
        return sorted(self.events.keys() | self.links.keys())

    def holds_after(self, link: bytes, m: int | None) -> bool:
        """Whether the stored link at position ``m`` follows from ``link``."""
        if m is None or m not in self.events or m not in self.links:
            return False
        return hmac.compare_digest(next_link(self.key, link, m, self.events[m]), self.links[m][1])


def _walk(store: _Store, start: bytes) -> tuple[int, bytes, Break | None]:
    """Follow the chain from ``start``: the last position that holds, its link, the first break."""
    positions = store.positions()
    head, link = 0, start
    for i, n in enumerate(positions):
        successor = positions[i + 1] if i + 1 < len(positions) else None
        found = _check(store, link, n, successor)
        if found is not None:
            return head, link, found
        head, link = n, store.links[n][1]
    return head, link, None


def _check(store: _Store, previous: bytes, n: int, successor: int | None) -> Break | None:
    """The break at position ``n``, whose predecessor's link held, if there is one."""
    digest, row = store.events.get(n), store.links.get(n)
    if digest is None:
        return Break(n, "deleted", "the chain links an event that is no longer stored")
    if row is None:
        return Break(n, "inserted", "a stored event that the chain never linked")
    stored_digest, stored_link = row
    expected = next_link(store.key, previous, n, digest)
    if not hmac.compare_digest(expected, stored_link):
        return _explain(store, n, successor, expected)
    if stored_digest != digest:
        return Break(n, "changed", "the chain row's digest was edited (the link still holds)")
    return None


def _explain(store: _Store, n: int, successor: int | None, expected: bytes) -> Break:
    """Why the link stored at ``n`` is not ``expected``, the one its event makes after its
    predecessor: the next position's link, and where else the event was linked, tell."""
    digest = store.events[n]
    stored_digest, stored_link = store.links[n]
    elsewhere = [m for m in store.linked_at.get(digest, ()) if m != n]
    if elsewhere:
        return Break(n, "reordered", f"the event stored here was linked at position {elsewhere[0]}")
    if store.holds_after(stored_link, successor):
        # This position's link is genuine: its event is not the one that was linked here, or the
        # event was linked after a predecessor that is gone.
        if digest == stored_digest:
            return Break(n, "deleted", "an event and its link before this position were removed")
        return Break(n, "changed", "the stored event differs from the event that was linked")
    if store.holds_after(expected, successor):
        return Break(n, "changed", "the event is intact but its link was overwritten")
    if digest == stored_digest:
        return Break(n, "inserted", "an event and a link written without the chain key")
    return Break(n, "changed", "the stored event differs from the event that was linked")


def _check_signed(
    key: bytes, app: str, events: Sequence[tuple[int, bytes]], signed: Position
) -> Break | None:
    """Whether the chain recomputed from the events alone still ends in the signed link."""
    n = signed.notification_id
    if n == 0:
        return None
    link = _link_at(key, app, events, n)
    if link is None:
        return Break(
            n, "deleted", "the event at this signed position is no longer stored", "checkpoint"
        )
    if hmac.compare_digest(link, signed.link):
        return None
    return Break(n, "changed", "the history up to this signed position was rewritten", "checkpoint")


def _link_at(
    key: bytes, app: str, events: Sequence[tuple[int, bytes]], position: int
) -> bytes | None:
    """The link at ``position`` computed from the events (in notification order) alone, without
    the chain table; None when no event is stored there."""
    link = genesis(key, app)
    for n, digest in events:
        if n > position:
            return None
        link = next_link(key, link, n, digest)
        if n == position:
            return link
    return None
