"""发展提醒: the next steps of a case that its branch should see to now or soon, and why.

The next steps and their dates are the case aggregate's own (``domain.admission.progress``: the
earliest date a hard rule allows, the date a soft rule expects the step by), as the case page
shows them; this module only sorts them against today and a window of days ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from domain.admission.case import AdmissionCase
from domain.admission.progress import NextStep, next_steps
from domain.admission.steps import Step
from domain.policy import Policy


class Why(StrEnum):
    """Why a step is on the list."""

    OVERDUE = "overdue"  # its due date has passed
    DUE_SOON = "due_soon"  # it is due within the window
    OPEN = "open"  # it may be recorded now
    OPENS_SOON = "opens_soon"  # its earliest date falls within the window


@dataclass(frozen=True, slots=True)
class Reminder:
    case_id: UUID
    applicant: str
    branch_id: UUID
    step: Step
    why: Why
    on: date | None  # the earliest date when it opens soon, else its due date (if it has one)

    @property
    def order(self) -> tuple[bool, date, str, int]:
        """Overdue first, then by date (undated last), then by applicant and step."""
        return self.why is not Why.OVERDUE, self.on or date.max, self.applicant, self.step.number


@dataclass(frozen=True, slots=True)
class Window:
    """Today and how many days ahead the list looks."""

    today: date
    days: int

    @property
    def last(self) -> date:
        return self.today + timedelta(days=self.days)

    def why(self, next_step: NextStep) -> tuple[Why, date | None] | None:
        """Why ``next_step`` is on the list and its date; None when it opens after the window."""
        opens, due = next_step.not_before, next_step.due
        if opens is not None and opens > self.today:
            return (Why.OPENS_SOON, opens) if opens <= self.last else None
        if due is not None and due < self.today:
            return Why.OVERDUE, due
        if due is not None and due <= self.last:
            return Why.DUE_SOON, due
        return Why.OPEN, due


def reminders(case: AdmissionCase, policy: Policy, window: Window) -> list[Reminder]:
    """The case's next steps that are overdue, due or possible within ``window``."""
    found = []
    for next_step in next_steps(case, policy):
        why = window.why(next_step)
        if why is not None:
            found.append(
                Reminder(case.id, case.applicant.name, case.branch_id, next_step.step, *why)
            )
    return found
