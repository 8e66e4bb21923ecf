"""The eventsourcing applications: where aggregates are read from and saved to the store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain import organizations as org_rules
from domain.admission.case import AdmissionCase
from domain.approvals import ApprovalItem
from domain.audit import Access
from domain.context import ValueObject
from domain.elections.election import Election
from domain.errors import NotFound
from domain.members import Member
from domain.organizations import Organization
from domain.persons import Person

A = TypeVar("A", bound=Aggregate)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ValueObjectAsDict(Transcoding):
    """A pydantic value object as its JSON form; validated again when read back."""

    def __init__(self, cls: type[ValueObject]) -> None:
        self.type = cls
        self.name = cls.__name__

    def encode(self, obj: ValueObject) -> dict[str, Any]:
        return obj.model_dump(mode="json")

    def decode(self, data: dict[str, Any]) -> ValueObject:
        cls: type[ValueObject] = self.type
        return cls.model_validate(data)


def _value_object_classes(root: type[ValueObject] = ValueObject) -> Iterator[type[ValueObject]]:
    for cls in root.__subclasses__():
        yield cls
        yield from _value_object_classes(cls)


class MemberflowApplication(Application[UUID]):
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        for cls in _value_object_classes():
            transcoder.register(ValueObjectAsDict(cls))

    def get_as(self, cls: type[A], aggregate_id: UUID, what: str, version: int | None = None) -> A:
        """The aggregate of type ``cls`` (as ``version`` left it, if given); NotFound when there
        is none (or another kind)."""
        found = self.find(cls, aggregate_id, version)
        if found is None:
            raise NotFound(what, aggregate_id)
        return found

    def find(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A | None:
        try:
            found: Aggregate = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def history(self, aggregate_id: UUID) -> list[DomainEventProtocol[UUID]]:
        return list(self.events.get(aggregate_id))


class Organizations(MemberflowApplication):
    """The organization tree (DOMAIN.md §1), the organizations' terms and their elections (§4).

    Elections live beside the organizations because approving the officers starts the
    organization's new term: both are saved in one write.
    """

    name = "organizations"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        # What never changes once an organization is registered — its place in the tree, its kind
        # and its power to approve — kept once found, so that checking jurisdiction and finding
        # the approving committee reads nothing after the first time (issue 11).
        self._ancestry: dict[UUID, tuple[UUID, ...]] = {}
        self._committees: dict[UUID, UUID] = {}

    def organization(self, organization_id: UUID) -> Organization:
        return self.get_as(Organization, organization_id, "organization")

    def election(self, election_id: UUID, version: int | None = None) -> Election:
        return self.get_as(Election, election_id, "election", version)

    def lineage(self, organization_id: UUID) -> list[Organization]:
        """The organization and its ancestors, up to the root."""
        chain = [self.organization(organization_id)]
        while (parent_id := chain[-1].parent_id) is not None:
            chain.append(self.organization(parent_id))
        return chain

    def approving_committee(self, organization_id: UUID) -> Organization:
        return org_rules.approving_committee(self.lineage(organization_id))

    def ancestry(self, organization_id: UUID) -> tuple[UUID, ...]:
        """The ids of the organization and its ancestors, up to the root (the tree never moves:
        an organization's parent is set when it is registered)."""
        found = self._ancestry.get(organization_id)
        if found is None:
            parent_id = self.organization(organization_id).parent_id
            found = (organization_id, *(self.ancestry(parent_id) if parent_id else ()))
            self._ancestry[organization_id] = found
        return found

    def registered(self, organization_id: UUID) -> bool:
        """Whether an organization of this id is registered (kept once found: an organization is
        never removed)."""
        try:
            self.ancestry(organization_id)
        except NotFound:
            return False
        return True

    def approving_committee_id(self, organization_id: UUID) -> UUID:
        """The id of ``approving_committee`` (O-1): neither the tree nor an organization's kind
        or power to approve ever changes."""
        found = self._committees.get(organization_id)
        if found is None:
            found = self.approving_committee(organization_id).id
            self._committees[organization_id] = found
        return found


class Membership(MemberflowApplication):
    """Members, the people on the road to membership, and their admission cases.

    They share one application because an admission that is approved or converted changes the
    case and the registry together, and both must be saved atomically.
    """

    name = "membership"

    def case(self, case_id: UUID, version: int | None = None) -> AdmissionCase:
        return self.get_as(AdmissionCase, case_id, "admission case", version)

    def member(self, member_id: UUID) -> Member:
        return self.get_as(Member, member_id, "member")

    def person(self, person_id: UUID) -> Person | None:
        return self.find(Person, person_id)


class Approvals(MemberflowApplication):
    """What officials do on the items of their approval inbox (DOMAIN.md §5): claims, assignments,
    comments and acknowledgements of filings. Decisions are the workflow steps themselves."""

    name = "approvals"

    def item(self, item_key: str) -> ApprovalItem | None:
        return self.find(ApprovalItem, ApprovalItem.create_id(item_key))


class AuditLog(MemberflowApplication):
    """Who read history, when, and for what scope (issue 5): one ``Access`` per read."""

    name = "audit"

    def access(self, access_id: UUID) -> Access:
        return self.get_as(Access, access_id, "access record")
