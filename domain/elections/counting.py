"""Counting a ballot (E-5.3, E-5.4): who a round elects, computed here, never taken from the client."""

from __future__ import annotations

from uuid import UUID

from domain.elections.details import Ballot
from domain.elections.thresholds import reaches_majority


def count_ballot(ballot: Ballot, open_seats: int) -> tuple[UUID, ...]:
    """A candidate needs more votes in favour than half of the voters present. If more reach that
    than there are seats, those with the most votes are elected; candidates tied for the last seat
    are not, and go to another ballot."""
    reaching = sorted(
        (line for line in ballot.ballots if reaches_majority(line, ballot)),
        key=lambda line: -line.in_favour,
    )
    if len(reaching) <= open_seats:
        return tuple(line.candidate_id for line in reaching)
    cutoff = reaching[open_seats].in_favour
    return tuple(line.candidate_id for line in reaching[:open_seats] if line.in_favour > cutoff)
