"""Idempotent writes: a command sent with a key is recorded once, however often it is retried.

A client that did not hear the answer to a write cannot know whether it was recorded: the network
failed, the service was killed, the database restarted. It sends the same request again with the
same ``Idempotency-Key``. The key is stored with the command's events, in the same transaction
(adapters/idempotency.py), so the question "was it recorded?" has the store's own answer:

- a key not seen before: the command runs, and its key is stored with its events;
- a key seen for the same request: nothing runs again; the command's outcome is the stored one;
- a key seen for another request (another path, body or If-Match): ``KeyReused``, 422;
- two requests with one key at once: the second insert of the key fails the second transaction,
  and the second request takes the first one's outcome: one command is recorded.

Keys are the actor's own (two users may choose the same key) and kept for
``MEMBERFLOW_IDEMPOTENCY_HOURS``. The HTTP layer (api/idempotency.py) says which request carries a
key, through ``REQUESTED``: a context variable, because a key belongs to the one request being
served, in whichever thread serves it, and the command bus must not know HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application

from adapters.chain.recorders import KeyedRecorder
from adapters.idempotency import Remember, Remembered
from services.clock import Clock


class KeyReused(Exception):
    """The key was used by this actor for another request: refused, nothing recorded (422)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(eq=False)
class Idempotency:
    """The key of the request being served: what the stores held under it when the request came
    (``recorded``: the HTTP layer asks them first, once), and ``log``, where its command was
    recorded or found."""

    actor: str
    key: str
    fingerprint: str  # of the request: method, path, query, If-Match and body
    recorded: Recorded | None = None
    used: bool = False  # a request's key belongs to its first command only
    log: str | None = field(default=None)

    def take(self) -> Idempotency | None:
        """This key for a command, unless an earlier command of the request took it."""
        if self.used:
            return None
        self.used = True
        return self


REQUESTED: ContextVar[Idempotency | None] = ContextVar("memberflow_idempotency", default=None)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A command found recorded under a key: in which log, and the stored row."""

    log: str
    row: Remembered

    @property
    def subject_id(self) -> UUID:
        return UUID(self.row.subject_id)


class Keys:
    """The idempotency keys of every application's store."""

    def __init__(self, applications: Iterable[Application[Any]], clock: Clock, hours: int) -> None:
        self.applications = {application.name: application for application in applications}
        self.clock = clock
        self.kept_for = timedelta(hours=hours)

    def find(self, idempotency: Idempotency) -> Recorded | None:
        """The command recorded under the key, if any (``KeyReused`` for another request)."""
        since = (self.clock.now() - self.kept_for).timestamp()
        for name, application in self.applications.items():
            recorder = _keyed(application)
            if recorder is None:
                continue
            row = recorder.remembered(idempotency.actor, idempotency.key, since)
            if row is None:
                continue
            if row.fingerprint != idempotency.fingerprint:
                raise KeyReused(idempotency.key)
            return Recorded(name, row)
        return None

    def row(self, idempotency: Idempotency, subject_id: UUID, version: int) -> Remember:
        """The row that stores the key with its command's events."""
        now = self.clock.now()
        return Remember(
            actor=idempotency.actor,
            key=idempotency.key,
            fingerprint=idempotency.fingerprint,
            subject_id=str(subject_id),
            version=version,
            recorded_at=now.timestamp(),
            expired_before=(now - self.kept_for).timestamp(),
        )

    def keep_answer(
        self, idempotency: Idempotency, status: int, media_type: str, body: bytes
    ) -> None:
        """The first answer to the request, for its retries (encrypted as the events are)."""
        application = self.applications.get(idempotency.log or "")
        recorder = _keyed(application) if application else None
        if application is None or recorder is None:
            return
        cipher = application.mapper.cipher
        sealed = cipher.encrypt(body) if cipher else body
        recorder.keep_answer(idempotency.actor, idempotency.key, status, media_type, sealed)

    def answer(self, recorded: Recorded) -> bytes | None:
        """The first answer, as it was sent; None when the service did not live to keep it."""
        if recorded.row.answer is None:
            return None
        cipher = self.applications[recorded.log].mapper.cipher
        return cipher.decrypt(recorded.row.answer) if cipher else recorded.row.answer


def _keyed(application: Application[Any]) -> KeyedRecorder | None:
    """The application's recorder if it keeps keys (the in-memory store of the tests does not)."""
    recorder = application.recorder
    return cast(KeyedRecorder, recorder) if hasattr(recorder, "remembered") else None
