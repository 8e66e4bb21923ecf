"""A person on the road to membership, keyed by who they are, so that A-X needs no read model."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.context import Context
from domain.identity import person_key

PERSON_NAMESPACE = UUID("0b7f3f5a-3c1e-4f0e-b1f4-5a9e3d2c7b21")


class Person(Aggregate):
    @staticmethod
    def create_id(id_number: str | None, name: str, birth_date: date) -> UUID:
        """O-4: from the citizen ID number; name and birth date only for the people of records
        written before O-4, whose applications carry no ID number."""
        return uuid5(PERSON_NAMESPACE, person_key(id_number, name, birth_date))

    @event("Registered")
    def __init__(
        self, name: str, birth_date: date, context: Context, id_number: str | None = None
    ) -> None:
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
