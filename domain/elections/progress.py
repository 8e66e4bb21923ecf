"""Where an election stands: the steps it can take next."""

from __future__ import annotations

from domain.elections.election import Election
from domain.elections.steps import ELECTION_STEPS, ElectionStep
from domain.elections.values import ElectionStatus


def next_election_steps(election: Election) -> list[ElectionStep]:
    if election.status is not ElectionStatus.OPEN:
        return []
    return [step for step in ELECTION_STEPS if not step.ready(election)]


def request_approved(election: Election | None) -> bool:
    """Whether the parent approved this election's request (it then covers an ended term)."""
    return election is not None and election.request_approved
