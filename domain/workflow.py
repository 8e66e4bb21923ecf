"""What the two workflows (admissions, DOMAIN.md §2, and elections, §4) share: the base of every
step's facts, and who must act on an item of the approval inbox (§5)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.context import ValueObject


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
