"""The city's bulk path: every command through the command bus, its events saved in batches.

Generating a city command by command costs what a request costs: each command reads its
aggregates back from the store (decrypting and replaying their events) and commits its own
transaction. The city is written by one writer into an empty store, so two things may change
without changing a single event:

- reads come from the aggregates the generator itself just wrote, kept in memory (an aggregate
  cache that never evicts an aggregate whose events are not stored yet);
- each application's events are inserted once per batch of commands, in one transaction, in the
  order the commands produced them. The hash chain links them in that same order, exactly as it
  links one command's events (``adapters/chain/recorders.py``).

Everything else is the command path: ``CommandBus.handle`` authorizes the command, builds its
context, runs its handler and the domain's rules, and the application encrypts the events. A
batch that fails to insert stops the generation: the store then holds the batches before it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from types import TracebackType
from typing import Any
from uuid import UUID

from eventsourcing.application import Cache
from eventsourcing.persistence import ApplicationRecorder, StoredEvent

from services.applications import MemberflowApplication

#: Aggregates kept in memory by application, besides those of the batch not stored yet (the least
#: recently used go): the whole tree with its elections; the cases under way, their people and
#: the members they name; a few inbox items; no access record (each is written once).
CACHED = {"organizations": 50_000, "membership": 20_000, "approvals": 1_000, "audit": 0}


class BatchCache(Cache[UUID, Any]):
    """An aggregate cache in which what the current batch saved stays until it is stored."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.pending: dict[UUID, Any] = {}
        self.recent: OrderedDict[UUID, Any] = OrderedDict()

    def get(self, key: UUID, *, evict: bool = False) -> Any:
        if key in self.pending:
            return self.pending[key]
        value = self.recent[key]  # KeyError: the repository reads the store
        self.recent.move_to_end(key)
        return value

    def put(self, key: UUID, value: Any | None) -> None:
        if value is not None:
            self.pending[key] = value
            self.recent.pop(key, None)

    def stored(self) -> None:
        """The batch is in the store: its aggregates may leave memory like any others."""
        self.recent.update(self.pending)
        self.pending.clear()
        while len(self.recent) > self.size:
            self.recent.popitem(last=False)


class _Deferred:
    """One application's recorder, its inserts held back until the batch is stored."""

    def __init__(self, application: MemberflowApplication) -> None:
        self.application = application
        recorder = application.recorder
        assert isinstance(recorder, ApplicationRecorder)
        self.recorder = recorder
        self.insert = recorder.insert_events
        self.events: list[StoredEvent] = []
        self.next_id = (recorder.max_notification_id() or 0) + 1
        self.cache = BatchCache(CACHED.get(application.name, 10_000))
        repository = application.repository
        self.saved = (repository.cache, repository.fastforward, repository.deepcopy_from_cache)

    def hold(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int]:
        """What ``insert_events`` answers: the ids the events will have once stored (the
        generator is the store's only writer)."""
        first = self.next_id
        self.events.extend(stored_events)
        self.next_id += len(stored_events)
        return list(range(first, self.next_id))

    def begin(self) -> None:
        repository = self.application.repository
        # The cached aggregate is the one the handler changes: no copy, no look in the store.
        repository.cache = self.cache
        repository.fastforward = False
        repository.deepcopy_from_cache = False
        setattr(self.recorder, "insert_events", self.hold)  # noqa: B010 — this instance only

    def store(self) -> int:
        count = len(self.events)
        if self.events:
            ids = self.insert(self.events)
            assert ids is None or ids[-1] == self.next_id - 1, "another writer used the store"
            self.events = []
        self.cache.stored()
        return count

    def end(self) -> None:
        vars(self.recorder).pop("insert_events", None)
        repository = self.application.repository
        repository.cache, repository.fastforward, repository.deepcopy_from_cache = self.saved


class Batches:
    """Within ``with Batches(applications, size)``, the commands the bus handles are stored
    ``size`` at a time (``handled`` after each command); the rest when the block ends."""

    def __init__(self, applications: Sequence[MemberflowApplication], size: int = 1000) -> None:
        self.size = size
        self.deferred = [_Deferred(application) for application in applications]
        self.commands = 0
        self.stored_events = 0

    def __enter__(self) -> Batches:
        for deferred in self.deferred:
            deferred.begin()
        return self

    def handled(self) -> None:
        self.commands += 1
        if self.commands % self.size == 0:
            self.store()

    def store(self) -> None:
        self.stored_events += sum(deferred.store() for deferred in self.deferred)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.store()
        finally:
            for deferred in self.deferred:
                deferred.end()
