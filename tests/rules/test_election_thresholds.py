"""The quorum and majority the election page shows (``domain/elections/thresholds.py``) are the
ones the domain applies: E-5.2 as ``checks.ballot`` refuses a ballot, E-5.3 as ``count_ballot``
elects, for every count of a small meeting."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

from domain.elections.checks import ballot as check_ballot
from domain.elections.counting import count_ballot
from domain.elections.details import Ballot, BallotLine
from domain.elections.thresholds import quorum, quorum_met, reaches_majority
from domain.elections.values import ElectionFacts
from domain.organizations import OrgKind

CANDIDATE = uuid4()


def _ballot(due: int, present: int, in_favour: int = 0) -> Ballot:
    line = BallotLine(candidate_id=CANDIDATE, in_favour=in_favour)
    return Ballot(round=1, due_voters=due, present=present, ballots=(line,))


def _quorum_refused(ballot: Ballot) -> bool:
    """Whether ``checks.ballot`` reports E-5.2 for a meeting of ``ballot``'s counts."""
    election: Any = SimpleNamespace(rounds=[], candidates=(CANDIDATE,), elected=())
    context: Any = SimpleNamespace(occurred_on=date(2024, 8, 20))
    facts = ElectionFacts(date(2024, 8, 20), {}, frozenset(), OrgKind.BRANCH)
    return any(v.rule.id == "E-5.2" for v in check_ballot(election, ballot, context, facts))


def test_the_quorum_is_the_one_e_5_2_is_checked_against() -> None:
    for due in range(1, 16):
        for present in range(due + 1):
            ballot = _ballot(due, present)
            assert quorum_met(ballot) is not _quorum_refused(ballot), (due, present)


def test_the_majority_is_the_one_a_ballot_is_counted_with() -> None:
    for present in range(1, 16):
        for in_favour in range(present + 1):
            ballot = _ballot(present, present, in_favour)
            elected = CANDIDATE in count_ballot(ballot, open_seats=1)
            assert reaches_majority(ballot.ballots[0], ballot) is elected, (present, in_favour)


def test_four_fifths_of_nine_voters_due_is_exact() -> None:
    assert str(quorum(_ballot(9, 8))) == "36/5"  # 7.2, never rounded to 7
