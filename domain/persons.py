"""A person on the road to membership, keyed by who they are, so that A-X needs no read model."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.context import Context


class Person(Aggregate):
    @event("Registered")
    def __init__(
        self,
        id: UUID,
        name: str,
        birth_date: date,
        context: Context,
        id_number: str | None = None,
    ) -> None:
        """``id`` is ``Identities.person_id`` of who the person is (O-4; domain/identity.py):
        keyed, never derivable from public facts. It is the event's originator id, not a fact."""
        self.name = name
        self.birth_date = birth_date
        self.id_number = id_number
        self.case_ids: list[UUID] = []

    @property
    def latest_case_id(self) -> UUID | None:
        return self.case_ids[-1] if self.case_ids else None

    @event("CaseOpened")
    def open_case(self, case_id: UUID, context: Context) -> None:
        self.case_ids.append(case_id)
