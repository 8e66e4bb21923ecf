"""Where a case stands: its stage and the steps it can take next, with their dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.admission.case import AdmissionCase
from domain.admission.guards import readiness_violations, repeat_violations
from domain.admission.steps import BY_NUMBER, STAGES, STEPS, Stage, Step
from domain.policy import Policy


@dataclass(frozen=True, slots=True)
class NextStep:
    step: Step
    not_before: date | None  # the earliest date a hard rule allows
    due: date | None  # the date a soft rule expects it by


def stage(case: AdmissionCase) -> Stage:
    """The stage of the furthest step recorded."""
    highest = max(record.number for record in case.records)
    return STAGES[BY_NUMBER[highest].stage]


def next_steps(case: AdmissionCase, policy: Policy) -> list[NextStep]:
    if not case.is_open:
        return []
    return [
        NextStep(step, *(step.window(case, policy) if step.window else (None, None)))
        for step in STEPS
        if not step.opens_case
        and not repeat_violations(case, step)
        and not readiness_violations(case, step)
    ]
