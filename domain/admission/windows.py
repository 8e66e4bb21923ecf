"""When a step can be taken next (DOMAIN.md §2): the earliest date a hard rule allows and the date
a soft rule expects it by. A step's record in ``steps.py`` names its window; steps without one
have neither date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from domain.dates import add_months, add_years
from domain.policy import Policy

if TYPE_CHECKING:
    from domain.admission.case import AdmissionCase

Dates = tuple[date | None, date | None]  # (not before, due)
Window = Callable[["AdmissionCase", Policy], Dates]


def interview(case: AdmissionCase, policy: Policy) -> Dates:
    """A-2.2: within a month of the application."""
    return None, add_months(case.applied_on, 1)


def activist_designation(case: AdmissionCase, policy: Policy) -> Dates:
    """A-3.3 (policy, off by default): months after the application."""
    months = policy.activist_min_months
    return (add_months(case.applied_on, months) if months is not None else None), None


def assessment(case: AdmissionCase, policy: Policy) -> Dates:
    """A-6.1: within six months of the last assessment, or of the designation; no longer due once
    the activist is a development target, where the rule's period ends (as its finding reads it:
    ``findings._assessment_gaps``). Probation has its own assessment (21)."""
    if case.has("development_target_designated"):
        return None, None
    last = case.latest("activist_assessed") or case.latest("activist_designated")
    return None, (add_months(last.occurred_on, 6) if last else None)


def target_designation(case: AdmissionCase, policy: Policy) -> Dates:
    """A-7.1: a year after the designation as activist."""
    designated = case.latest("activist_designated")
    return (add_years(designated.occurred_on, 1) if designated else None), None


def admission_decision(case: AdmissionCase, policy: Policy) -> Dates:
    """A-17.2: within three months of the branch meeting."""
    meeting = case.latest("branch_meeting_admitted")
    return None, (add_months(meeting.occurred_on, 3) if meeting else None)


def conversion_request(case: AdmissionCase, policy: Policy) -> Dates:
    """A-22.1: in the last month of probation or later."""
    end = case.probation_end
    return (add_months(end, -1) if end else None), None


def converting_meeting(case: AdmissionCase, policy: Policy) -> Dates:
    """A-23.2: on or after the end of probation, and within the policy's grace."""
    end = case.probation_end
    if end is None:
        return None, None
    return end, add_months(end, policy.conversion_meeting_grace_months)


def conversion_decision(case: AdmissionCase, policy: Policy) -> Dates:
    """A-24.2: within three months of the conversion meeting."""
    meeting = case.latest("branch_meeting_converted")
    return None, (add_months(meeting.occurred_on, 3) if meeting else None)
