"""What the two workflows (admissions, DOMAIN.md §2, and elections, §4) share: the base of every
step's facts, the rule on business dates (§0), and who must act on an inbox item (§5)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from domain.context import Context, ValueObject
from domain.errors import Violation


def one_of(values: type[StrEnum]) -> Any:
    """The allowed values of a plain-string field, for the OpenAPI schema."""
    return {"enum": [v.value for v in values]}


class StepDetails(ValueObject):
    """A step with no facts of its own; each kind of step with facts subclasses it."""


class Addressee(StrEnum):
    """Who must act on an inbox item (DOMAIN.md §5)."""

    APPROVING_COMMITTEE = "approving_committee"  # O-1: decisions of a case, filings 4 and 8
    ABOVE_APPROVING_COMMITTEE = "above_approving_committee"  # filing 18 (逐级)
    ELECTION_PARENT = "election_parent"  # E-2.1, E-4.1, E-8.1


def check_date(context: Context, today: date) -> list[Violation]:
    """MF-FUTURE-DATE (§0): a business date is never after today in Asia/Shanghai."""
    if context.occurred_on <= today:
        return []
    return [
        Violation.of(
            "MF-FUTURE-DATE",
            f"{context.occurred_on} 晚于 {today}。",
            f"{context.occurred_on} is after {today}.",
        )
    ]
