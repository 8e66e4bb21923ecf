"""Rotating the event key (docs/security.md): every event of a store copied into an empty store,
decrypted with the old key and encrypted with the new one.

eventsourcing's cipher holds one key, so a store is never written under two. The copy keeps each
log's order, aggregate ids, versions and topics; its hash chain is written afresh as the events
are inserted (adapters/chain/). The source's chain is verified before anything is copied and the
copy's after, so the copy starts from a history known to be intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, Cipher, StoredEvent

from adapters.chain.recorders import chained
from adapters.chain.verification import verify

BATCH = 500  # events per insert (one transaction each)


class RekeyRefused(RuntimeError):
    """The copy was not made: a broken source chain or a target that is not empty."""


@dataclass(frozen=True, slots=True)
class Copied:
    app: str
    events: int


def rekey(pairs: Sequence[tuple[Application[Any], Application[Any]]]) -> list[Copied]:
    """Copy each (source, target) application's events, in notification order."""
    for source, target in pairs:
        if source.name != target.name:
            raise RekeyRefused(f"{source.name} is not copied into {target.name}")
        if _recorder(target).max_notification_id():
            raise RekeyRefused(f"the target's {target.name} log is not empty")
    if not any(_recorder(source).max_notification_id() for source, _ in pairs):
        raise RekeyRefused("the source holds no events: is --from the right store?")
    report = verify(chained(_recorder(source) for source, _ in pairs))
    if not report.ok:
        broken = ", ".join(a.app for a in report.apps if not a.ok)
        raise RekeyRefused(f"the source's hash chain is broken ({broken}): nothing was copied")
    copied = [_copy(source, target) for source, target in pairs]
    if not verify(chained(_recorder(target) for _, target in pairs)).ok:
        raise RekeyRefused("the copy's hash chain does not verify")  # pragma: no cover
    return copied


def _copy(source: Application[Any], target: Application[Any]) -> Copied:
    old, new = source.mapper.cipher, target.mapper.cipher
    reader, writer = _recorder(source), _recorder(target)
    count, start = 0, 1
    while notifications := reader.select_notifications(start=start, limit=BATCH):
        writer.insert_events([_sealed(n, old, new) for n in notifications])
        count += len(notifications)
        start = notifications[-1].id + 1
    return Copied(source.name, count)


def _sealed(stored: StoredEvent, old: Cipher | None, new: Cipher | None) -> StoredEvent:
    plain = old.decrypt(stored.state) if old else stored.state
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=new.encrypt(plain) if new else plain,
    )


def _recorder(application: Application[Any]) -> ApplicationRecorder:
    recorder = application.recorder
    assert isinstance(recorder, ApplicationRecorder)
    return recorder
