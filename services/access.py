"""Recording that someone read history (issue 5): a timeline, an as-of state, a replay, a check;
and every read of a person's case or registry record (issue 10), batched off the request path.

Every such read goes through the command bus as a ``RecordAccess`` command, like every other
write; the time is the service clock's, like every event's ``recorded_at``.
"""

from __future__ import annotations

import getpass
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import structlog

from domain.audit import AccessAction, AccessScope
from domain.commands import Entry, RecordAccess
from domain.context import Actor, Role
from domain.errors import NotFound, RulesBroken
from services.bus import CommandBus, Outcome
from services.clock import today

log = structlog.get_logger("memberflow.access")


def record_access(
    bus: CommandBus, actor: Actor, action: AccessAction | str, scope: AccessScope, request_id: str
) -> Outcome:
    """Record that ``actor`` read history: ``action`` (timeline, as_of, replay, verify, checkpoint,
    reconcile) on ``scope``."""
    command = RecordAccess(AccessAction(action), scope, Entry(today(bus.clock)))
    return bus.handle(command, actor=actor, request_id=request_id)


def record_cli_access(bus: CommandBus, action: AccessAction, scope: AccessScope) -> None:
    """Record an audit command run from the command line. It runs with the store's own
    credentials, so the access log names the operating-system user, as an administrator."""
    operator = Actor(id=f"cli:{getpass.getuser()}", role=Role.ADMIN)
    record_access(bus, operator, action, scope, f"cli-{uuid.uuid4().hex}")


@dataclass(frozen=True, slots=True)
class _Read:
    actor: Actor
    action: AccessAction
    scope: AccessScope
    request_id: str
    on: date  # the business date of the read, taken when it happened


class AccessRecorder:
    """Reads of a person's case or registry record (issue 10), recorded off the request path.

    ``record`` only queues the read; a background thread writes the queue through the bus — one
    ``RecordAccess`` per read, in the order they were queued — every ``interval`` seconds, or as
    soon as ``batch`` reads wait. ``flush`` writes what is queued now; ``close`` stops the thread
    and flushes. A write that fails for a passing reason (the store unreachable, a lock timeout)
    stays queued for the next flush; one the bus refuses is dropped and logged (ids only).
    The access log's ``recorded_at`` is the write's, at most about ``interval`` after the read;
    the entry's business date is the read's.
    """

    def __init__(self, bus: CommandBus, *, interval: float = 1.0, batch: int = 100) -> None:
        self.bus = bus
        self.interval = interval
        self.batch = batch
        self._queue: deque[_Read] = deque()
        self._queued = threading.Lock()  # guards the queue
        self._writing = threading.Lock()  # one writer at a time, so reads keep their order
        self._wake = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="access-recorder", daemon=True)
        self._thread.start()

    def record(
        self, actor: Actor, action: AccessAction, scope: AccessScope, request_id: str
    ) -> None:
        """Queue a read; returns at once."""
        read = _Read(actor, AccessAction(action), scope, request_id, today(self.bus.clock))
        with self._queued:
            self._queue.append(read)
            full = len(self._queue) >= self.batch
        if full:
            self._wake.set()

    def read(
        self, actor: Actor, kind: str, subject_id: UUID, request_id: str, detail: str | None = None
    ) -> None:
        """Queue a read of a person's case (``kind`` "case") or registry record ("member")."""
        scope = AccessScope(kind=kind, id=str(subject_id), detail=detail)
        self.record(actor, AccessAction.READ, scope, request_id)

    @property
    def pending(self) -> int:
        with self._queued:
            return len(self._queue)

    def flush(self) -> int:
        """Write every read queued now; how many were written."""
        with self._writing:
            with self._queued:
                reads = list(self._queue)
                self._queue.clear()
            return self._write(reads)

    def close(self) -> None:
        """Stop the thread and write what is left."""
        self._closed = True
        self._wake.set()
        self._thread.join()
        self.flush()
        if left := self.pending:
            log.error("access.unrecorded", reads=left)

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._closed:
                return
            try:
                self.flush()
            except Exception:  # the thread must outlive any one failure
                log.exception("access.flush_failed")

    def _write(self, reads: list[_Read]) -> int:
        for done, read in enumerate(reads):
            command = RecordAccess(read.action, read.scope, Entry(read.on))
            try:
                self.bus.handle(command, actor=read.actor, request_id=read.request_id)
            except (RulesBroken, NotFound):
                log.error("access.refused", action=read.action.value, scope_kind=read.scope.kind)
            except Exception:
                log.exception("access.write_failed", reads=len(reads) - done)
                with self._queued:
                    self._queue.extendleft(reversed(reads[done:]))
                return done
        return len(reads)
