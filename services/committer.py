"""Group commit: one writer per application saves the commands that arrive together in one
transaction.

A request thread runs its command's handler as before — reads, rules, new events — and hands the
changed aggregates to its application's ``Committer``; ``save`` returns when they are stored. The
committer's thread takes everything that is waiting, up to ``max_batch`` commands, and records all
their events with the library's own ``Application._record`` (the mapper, the cipher, the recorder
and its hash chain, adapters/chain/) in one transaction, with the idempotency keys of those sent
with one (adapters/idempotency.py): one lock of the events table, one commit, one fsync for all of
them. Each caller gets back the recordings of its own events, with their
positions in the log, as from ``Application.save``.

A conflict never fails the others: when the transaction of a batch fails on the database's
uniqueness of (aggregate, version) — another writer was first, or two commands of the batch change
the same aggregate — or on anything else that one command may have caused, every command of the
batch is saved again alone, in the order they came, and only the one that fails gets the error
(``IntegrityError``, which the bus answers as ``Conflict``). When the store itself is unavailable
(``OperationalError``, ``InterfaceError``: a lock time-out, a lost connection), every caller of
the batch gets that error, since saving them one by one would only wait again.

On SQLite every committer of one file shares one lock, since the file has one writer: the
committers of the applications take turns instead of waiting in SQLite's busy loop, and no
request thread ever waits for the writer's connection (which is what answered 503 before). A
batch that waited out SQLite's busy time-out (``MEMBERFLOW_DB_LOCK_TIMEOUT_SECONDS``: another
process held the file) is tried ``retries`` more times before its callers hear of it.
(eventsourcing's PostgreSQL recorder retries a lock time-out itself.) ``close`` saves what is
waiting and stops the thread; a save after ``close`` is done at once in the caller's thread, as
the library does.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from uuid import UUID

import structlog
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import InterfaceError, OperationalError, Recording

from adapters.idempotency import REMEMBER_KWARG, Remember

log = structlog.get_logger("memberflow.commits")

#: The most commands one transaction saves.
MAX_BATCH = 256


@dataclass(eq=False)
class _Waiting:
    """One caller's aggregates, their events, and what became of them."""

    processing: ProcessingEvent[UUID]
    remember: Remember | None = None  # the key to store with the events
    done: threading.Event = field(default_factory=threading.Event)
    recordings: list[Recording[UUID]] = field(default_factory=list)
    error: BaseException | None = None

    def succeed(self, recordings: list[Recording[UUID]]) -> None:
        self.recordings = recordings
        self.done.set()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self.done.set()


class Committer:
    """The one writer of an application (``save`` from any thread)."""

    def __init__(
        self,
        application: Application[UUID],
        *,
        lock: threading.Lock | None = None,
        retries: int = 0,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.application = application
        self.lock = lock  # shared by the committers of one SQLite file
        self.retries = retries  # more attempts of a transaction that timed out on a lock
        self.max_batch = max_batch
        self.batches = 0  # transactions that saved more than one command
        self.saved = 0  # commands saved
        self._queue: deque[_Waiting] = deque()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def save(
        self, *aggregates: Aggregate, remember: Remember | None = None
    ) -> list[Recording[UUID]]:
        """Store the aggregates' new events (and ``remember``, a key, with them), together with
        whatever else is waiting: the recordings of these events, as ``Application.save``
        returns them."""
        processing = ProcessingEvent[UUID]()
        processing.collect_events(*aggregates)
        waiting = _Waiting(processing, remember)
        with self._changed:
            queued = not self._closed
            if queued:
                self._queue.append(waiting)
                self._start()
                self._changed.notify()
        if not queued:
            self._commit_alone(waiting)  # closed: at once, in this thread
        waiting.done.wait()
        if waiting.error is not None:
            raise waiting.error
        return waiting.recordings

    @property
    def waiting(self) -> int:
        """How many commands wait for the writer now."""
        with self._changed:
            return len(self._queue)

    def close(self) -> None:
        """Save every command that waits, then stop the writer."""
        with self._changed:
            self._closed = True
            self._changed.notify()
            thread = self._thread
        if thread is not None:
            thread.join()

    def _start(self) -> None:
        if self._thread is None:
            name = f"committer-{self.application.name}"
            self._thread = threading.Thread(target=self._run, name=name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._queue and not self._closed:
                    self._changed.wait()
                if not self._queue:
                    return  # closed, and nothing waits
                batch = [
                    self._queue.popleft() for _ in range(min(len(self._queue), self.max_batch))
                ]
            try:
                self._commit(batch)
            except BaseException as error:  # no caller may wait for ever
                for waiting in batch:
                    if not waiting.done.is_set():
                        waiting.fail(error)
                if not isinstance(error, Exception):
                    raise
                log.exception("commits.failed", application=self.application.name)

    def _commit(self, batch: list[_Waiting]) -> None:
        if len(batch) == 1:
            self._commit_alone(batch[0])
            return
        try:
            recordings = self._record(batch)
        except (OperationalError, InterfaceError) as unavailable:  # the store, not a command
            for waiting in batch:
                waiting.fail(unavailable)
            return
        except Exception as error:  # a conflict, or one command's fault: each on its own
            log.info(
                "commits.batch_split",
                application=self.application.name,
                commands=len(batch),
                error=type(error).__name__,
            )
            for waiting in batch:
                self._commit_alone(waiting)
            return
        self.batches += 1
        self._finish(batch, recordings)

    def _commit_alone(self, waiting: _Waiting) -> None:
        try:
            recordings = self._record([waiting])
        except Exception as error:
            waiting.fail(error)
            return
        self._finish([waiting], recordings)

    def _record(self, batch: Iterable[_Waiting]) -> list[Recording[UUID]]:
        """Every event of ``batch`` in one transaction, through the library; each key with the
        index of its command's last event, whose position the insert gives it."""
        together = ProcessingEvent[UUID]()
        keys = []
        for waiting in batch:
            together.events += waiting.processing.events
            together.aggregates.update(waiting.processing.aggregates)
            if waiting.remember is not None:
                keys.append(replace(waiting.remember, event=len(together.events) - 1))
        if keys:
            together.saved_kwargs[REMEMBER_KWARG] = keys
        if not together.events:
            return []
        for attempt in range(self.retries):
            try:
                with self.lock or contextlib.nullcontext():
                    return self.application._record(together)
            except OperationalError as busy:  # rolled back: nothing of it was stored
                log.warning(
                    "commits.store_busy",
                    application=self.application.name,
                    attempt=attempt + 1,
                    error=str(busy),
                )
        with self.lock or contextlib.nullcontext():
            return self.application._record(together)

    def _finish(self, batch: Sequence[_Waiting], recordings: list[Recording[UUID]]) -> None:
        """What ``Application.save`` does after recording, for each command; then answer it."""
        start = 0
        for waiting in batch:
            processing = waiting.processing
            own = recordings[start : start + len(processing.events)]
            start += len(processing.events)
            try:
                self.application._take_snapshots(processing)
                self.application._notify(own)
            except Exception as error:  # stored all the same: the caller hears of it, as before
                waiting.fail(error)
                continue
            self.saved += 1
            waiting.succeed(own)


def committers(
    applications: Iterable[Application[UUID]], *, one_writer: bool
) -> dict[str, Committer]:
    """A committer per application, by name; ``one_writer``: the applications' tables are in one
    SQLite file: the committers share one lock, and try a transaction that timed out on the
    file's lock twice more."""
    if not one_writer:
        return {app.name: Committer(app) for app in applications}
    lock = threading.Lock()
    return {app.name: Committer(app, lock=lock, retries=2) for app in applications}
