"""What an election is made of and is checked with: its status, what it remembers of each step,
and the facts its rules need from outside it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.context import Context
from domain.elections.details import Decision
from domain.members import Member
from domain.organizations import OrgKind
from domain.workflow import StepDetails


class ElectionStatus(StrEnum):
    OPEN = "open"
    REJECTED = "rejected"  # the request was not approved
    COMPLETED = "completed"  # the officers were approved: a new term began


@dataclass(frozen=True, slots=True)
class ElectionRecord:
    """One recorded step. ``step`` is the slug of the step it records, ``slug`` the event's own
    (``candidate_list_rejected`` records step ``candidate_list_approved``)."""

    number: int
    step: str
    slug: str
    details: StepDetails
    context: Context
    version: int
    elected: tuple[UUID, ...] = ()  # the members a ballot elected (step 5), as counted here

    @property
    def approved(self) -> bool:
        return isinstance(self.details, Decision) and self.details.approved


@dataclass(frozen=True, slots=True)
class ElectionFacts:
    """What the rules need from outside the election, gathered by the service."""

    today: date
    members: Mapping[UUID, Member | None]
    members_of_organization: frozenset[UUID]
    organization_kind: OrgKind  # E-4.2: a branch without a committee elects only its officers
