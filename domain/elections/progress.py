"""Where an election stands: the steps it can take next, and whether it covers its organization's
ended term on a day (E-OVERDUE)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.elections.election import Election
from domain.elections.steps import ELECTION_STEPS, ElectionStep
from domain.elections.values import ElectionStatus


def next_election_steps(election: Election) -> list[ElectionStep]:
    if election.status is not ElectionStatus.OPEN:
        return []
    return [step for step in ELECTION_STEPS if not step.ready(election)]


def request_approved(election: Election | None) -> bool:
    """Whether the parent approved this election's request. Whether that covers an ended term on
    a given day is ``election_covers``."""
    return election is not None and election.request_approved


@dataclass(frozen=True, slots=True)
class ElectionCover:
    """What E-OVERDUE needs of an organization's election under way: when the parent approved the
    request, the meeting day the request planned, and the day of the first ballot. The organizations
    read model keeps these three and asks the same question at read time."""

    approved_on: date | None
    planned_date: date
    first_ballot_on: date | None

    def covers(self, day: date, grace_days: int) -> bool:
        """E-OVERDUE (DOMAIN.md §4): an approved request covers an ended term until its planned
        date plus the policy's grace; a ballot held by ``day`` covers it from then on, until the
        approved officers start the new term (E-8.2)."""
        if self.approved_on is None or self.approved_on > day:
            return False
        if self.first_ballot_on is not None and self.first_ballot_on <= day:
            return True
        return self.planned_date >= earliest_covering_plan(day, grace_days)


def earliest_covering_plan(day: date, grace_days: int) -> date:
    """The earliest planned date whose approved request still covers ``day`` without a ballot:
    ``planned_date + grace_days >= day``."""
    return day - timedelta(days=grace_days)


def cover_of(election: Election) -> ElectionCover:
    return ElectionCover(
        approved_on=election.request_approved_on,
        planned_date=election.request.planned_date,
        first_ballot_on=election.first_ballot_on,
    )


def election_covers(election: Election | None, day: date, grace_days: int) -> bool:
    """Whether ``election`` (the organization's election under way, if any) covers its ended term
    on ``day`` (E-OVERDUE)."""
    return election is not None and cover_of(election).covers(day, grace_days)
