"""Where a case stands: its stage and the steps it can take next, with their dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain import admission_rules
from domain.admission import AdmissionCase
from domain.dates import add_months, add_years
from domain.policy import Policy
from domain.steps import BY_NUMBER, STAGES, STEPS, Stage, Step


@dataclass(frozen=True, slots=True)
class NextStep:
    step: Step
    not_before: date | None
    due: date | None


def stage(case: AdmissionCase) -> Stage:
    """The stage of the furthest step recorded."""
    highest = max(record.number for record in case.records)
    return STAGES[BY_NUMBER[highest].stage]


def next_steps(case: AdmissionCase, policy: Policy) -> list[NextStep]:
    if not case.is_open:
        return []
    return [
        NextStep(step, *_window(case, step, policy))
        for step in STEPS
        if step.number > 1
        and not admission_rules.repeat_violations(case, step)
        and not admission_rules.readiness_violations(case, step)
    ]


def _window(case: AdmissionCase, step: Step, policy: Policy) -> tuple[date | None, date | None]:
    """The earliest date a hard rule allows, and the date a soft rule expects it by."""
    applied = case.records[0].occurred_on
    latest = {n: case.latest(n) for n in (3, 6, 15, 23)}
    end = case.probation_end
    if step.number == 2:
        return None, add_months(applied, 1)
    if step.number == 3 and policy.activist_min_months is not None:
        return add_months(applied, policy.activist_min_months), None
    if step.number == 6 and (last := latest[6] or latest[3]):
        return None, add_months(last.occurred_on, 6)
    if step.number == 7 and (designated := latest[3]):
        return add_years(designated.occurred_on, 1), None
    if step.number == 17 and (meeting := latest[15]):
        return None, add_months(meeting.occurred_on, 3)
    if step.number == 22 and end:
        return add_months(end, -1), None
    if step.number == 23 and end:
        return end, add_months(end, policy.conversion_meeting_grace_months)
    if step.number == 24 and (conversion := latest[23]):
        return None, add_months(conversion.occurred_on, 3)
    return None, None
