"""Where an election stands, as the demo and the city tests tell them apart."""

from __future__ import annotations

from domain.elections.election import Election
from domain.elections.values import ElectionStatus


def election_state(election: Election) -> str:
    """Where an election stands: its status once closed, else its last step, a ballot told apart
    by whether it left a seat open."""
    if election.status is not ElectionStatus.OPEN:
        return election.status.value
    if not election.records:
        return "election_requested"
    last = election.records[-1].slug
    if last == "election_held":
        return "second_round_needed" if election.open_seats else "seats_filled"
    return last


EVERY_STATE = {
    "election_requested",
    "rejected",
    "election_request_approved",
    "candidates_nominated",
    "candidate_list_approved",
    "candidate_list_rejected",
    "second_round_needed",
    "seats_filled",
    "officers_elected",
    "results_reported",
    "officers_rejected",
    "completed",
}
