"""What a read model is: tables of its own, the logs it follows, and how one event changes it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, DomainEventProtocol

from domain.policy import Policy
from projections.database import Transaction
from services.applications import MemberflowApplication, Membership, Organizations

Event = DomainEventProtocol[Any]


@dataclass(frozen=True, slots=True)
class Sources:
    """What a read model may consult besides the event it processes: the applications' event
    stores (never another read model, so that each one can be rebuilt alone) and the policy."""

    applications: Mapping[str, MemberflowApplication]
    policy: Policy

    @property
    def organizations(self) -> Organizations:
        found = self.applications["organizations"]
        assert isinstance(found, Organizations)
        return found

    @property
    def membership(self) -> Membership:
        found = self.applications["membership"]
        assert isinstance(found, Membership)
        return found


class ReadModel(ABC):
    """A read model keeps its rows in tables named ``rm_<table><suffix>``.

    A rebuild writes the same tables under another suffix and swaps them in when it has caught up.
    SQL is written with ``{table}`` placeholders that ``sql`` fills with the actual names.
    """

    name: ClassVar[str]
    follows: ClassVar[tuple[str, ...]]  # the applications whose logs it follows
    # The aggregates whose state ``process`` reads: the events of any other aggregate reach it
    # with ``aggregate`` None, and nobody folds what no model looks at.
    aggregates: ClassVar[tuple[type[Aggregate], ...]]
    tables: ClassVar[dict[str, str]]  # table → column definitions
    indexes: ClassVar[tuple[str, ...]] = ()  # "table (column, …)"
    # Raised when what ``process`` writes changes while the tables stay the same: the rows an
    # earlier revision wrote are then rebuilt from the first event (``projections.tracking``).
    revision: ClassVar[int] = 1

    def __init__(self, sources: Sources, suffix: str = "") -> None:
        self.sources = sources
        self.suffix = suffix
        self.names = {table: f"rm_{table}{suffix}" for table in self.tables}
        self._sql: dict[str, str] = {}

    def sql(self, template: str) -> str:
        found = self._sql.get(template)
        if found is None:  # filled once: a model writes the same few statements for every event
            found = self._sql[template] = template.format(**self.names)
        return found

    def create(self, tx: Transaction) -> None:
        for table, columns in self.tables.items():
            tx.execute(f"CREATE TABLE IF NOT EXISTS {self.names[table]} ({columns})")
        for number, index in enumerate(self.indexes):
            table, columns = index.split(" ", 1)
            tx.execute(
                f"CREATE INDEX IF NOT EXISTS {self.index_name(number)} ON {self.names[table]} {columns}"
            )

    def index_name(self, number: int) -> str:
        return f"{self.names[self.indexes[number].split(' ', 1)[0]]}_ix{number}"

    def drop(self, tx: Transaction) -> None:
        for name in self.names.values():
            tx.execute(f"DROP TABLE IF EXISTS {name}")

    @abstractmethod
    def process(
        self, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        """Change the rows for one event; ``aggregate`` is its aggregate right after the event."""

    def process_at(
        self, position: int, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        """Change the rows for the event stored at ``position`` in the log of ``source``. Only a
        model that keeps the position itself (the access log) needs more than ``process``."""
        self.process(event, aggregate, source, tx)

    def forget(self) -> None:  # noqa: B027 — most models remember nothing
        """Forget what the model remembers of its rows (it wrote them in a transaction that was
        rolled back, or its tables were swapped): from now on it reads them again."""
