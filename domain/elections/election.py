"""The term-change election (换届选举) of one organization, from request to the new term (§4)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import register_topic

from domain.context import Context
from domain.elections import guards
from domain.elections.counting import count_ballot
from domain.elections.details import Ballot, Decision, ElectionRequest, Nomination
from domain.elections.steps import ELECTION_STEP_BY_EVENT, ElectionStep
from domain.elections.values import ElectionFacts, ElectionRecord, ElectionStatus
from domain.errors import RulesBroken
from domain.organizations import Organization
from domain.workflow import StepDetails, check_date


class Election(Aggregate):
    @event("ElectionRequested")
    def __init__(
        self, organization_id: UUID, parent_id: UUID, request: ElectionRequest, context: Context
    ) -> None:
        self.organization_id = organization_id
        self.parent_id = parent_id
        self.request = request
        self.requested = context
        self.records: list[ElectionRecord] = []
        self.status = ElectionStatus.OPEN

    @classmethod
    def open(
        cls, *, organization: Organization, request: ElectionRequest, context: Context, today: date
    ) -> Election:
        found = check_date(context, today)
        found += guards.by_own_organization(organization.id, context)
        found += guards.check_request(organization, request)
        if found:
            raise RulesBroken(found)
        assert organization.parent_id is not None
        return cls(
            organization_id=organization.id,
            parent_id=organization.parent_id,
            request=request,
            context=context,
        )

    # Reading the election. Steps are named by their slugs.

    def latest(self, step: str) -> ElectionRecord | None:
        found = [r for r in self.records if r.step == step]
        return found[-1] if found else None

    @property
    def last_slug(self) -> str:
        """The event recorded last: ``election_requested`` until a step is recorded."""
        return self.records[-1].slug if self.records else "election_requested"

    @property
    def nominated(self) -> tuple[UUID, ...]:
        nomination = self.latest("candidates_nominated")
        if nomination and isinstance(nomination.details, Nomination):
            return nomination.details.candidates
        return ()

    @property
    def candidates(self) -> tuple[UUID, ...]:
        """The list the parent approved (E-4.1), or nothing yet."""
        decision = self.latest("candidate_list_approved")
        return self.nominated if decision and decision.approved else ()

    @property
    def rounds(self) -> list[ElectionRecord]:
        return [r for r in self.records if r.step == "election_held"]

    @property
    def elected(self) -> tuple[UUID, ...]:
        return tuple(member for r in self.rounds for member in r.elected)

    @property
    def open_seats(self) -> int:
        return self.request.seats - len(self.elected)

    @property
    def election_day(self) -> date | None:
        """A term starts on the election day: the day of the last ballot."""
        return self.rounds[-1].context.occurred_on if self.rounds else None

    @property
    def request_approved(self) -> bool:
        """Whether the parent approved the request (it may then cover an ended term, E-OVERDUE)."""
        return self.request_approved_on is not None

    @property
    def request_approved_on(self) -> date | None:
        """The business date of the parent's approval of the request, if it approved it."""
        decision = self.latest("election_request_approved")
        return decision.context.occurred_on if decision and decision.approved else None

    @property
    def first_ballot_on(self) -> date | None:
        """The business date of the first ballot (round 1), once one is recorded."""
        return self.rounds[0].context.occurred_on if self.rounds else None

    # Commands.

    def take_step(
        self, step: ElectionStep, details: StepDetails, context: Context, facts: ElectionFacts
    ) -> None:
        found = guards.check_step(self, step, details, context, facts)
        if found:
            raise RulesBroken(found)
        elected = count_ballot(details, self.open_seats) if isinstance(details, Ballot) else ()
        self._record(
            slug=_event_slug(step, details), details=details, context=context, elected=elected
        )

    @event("StepRecorded")
    def _record(
        self, slug: str, details: StepDetails, context: Context, elected: tuple[UUID, ...]
    ) -> None:
        step = ELECTION_STEP_BY_EVENT[slug]
        self.records.append(
            ElectionRecord(
                step.number, step.slug, slug, details, context, self.version + 1, tuple(elected)
            )
        )
        if slug != step.slug and step.closes_on_rejection:
            self.status = ElectionStatus.REJECTED
        elif slug == step.slug and step.closes:
            self.status = step.closes


# Elections stored before the domain was split into packages name their class by its old module.
register_topic("domain.elections:Election", Election)


def _event_slug(step: ElectionStep, details: StepDetails) -> str:
    if isinstance(details, Decision) and not details.approved and step.rejected_slug:
        return step.rejected_slug
    return step.slug
