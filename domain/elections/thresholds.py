"""The figures a ballot's rules compare (DOMAIN.md §4), named once so that a page can show them:
E-5.2 the quorum, more than four fifths of the voters due (after approved exclusions) present;
E-5.3 the majority, more votes in favour than half of the voters present. Kept as fractions, so
that "more than 7.2" is exactly what the rule says."""

from __future__ import annotations

from fractions import Fraction

from domain.elections.details import Ballot, BallotLine

QUORUM = Fraction(4, 5)  # E-5.2
MAJORITY = Fraction(1, 2)  # E-5.3


def quorum(ballot: Ballot) -> Fraction:
    """E-5.2: the voters present must be more than this."""
    return ballot.voters_due * QUORUM


def quorum_met(ballot: Ballot) -> bool:
    return ballot.present > quorum(ballot)


def majority(ballot: Ballot) -> Fraction:
    """E-5.3: a candidate's votes in favour must be more than this."""
    return ballot.present * MAJORITY


def reaches_majority(line: BallotLine, ballot: Ballot) -> bool:
    return line.in_favour > majority(ballot)
