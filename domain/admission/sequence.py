"""How the admission steps follow one another (DOMAIN.md §2), as the step records in ``steps.py``
name it: ``again`` (whether a step may be recorded once more) and ``prerequisite`` (how a step
that another depends on counts). Other steps are named by their slugs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from domain.admission.details import MeetingVote
from domain.admission.values import StepRecord

if TYPE_CHECKING:
    from domain.admission.case import AdmissionCase

Repeat = Callable[["AdmissionCase", str], bool]
Prerequisite = Callable[["AdmissionCase", str], bool]


# Whether a step may be recorded again (``again``); ``slug`` is the step's own.


def once(case: AdmissionCase, slug: str) -> bool:
    return False


def whenever(case: AdmissionCase, slug: str) -> bool:
    return True


def until_admitting_meeting(case: AdmissionCase, slug: str) -> bool:
    """A-10.4: the political review may be renewed before the branch meeting; the latest counts."""
    return not case.has("branch_meeting_admitted")


def until_approved(case: AdmissionCase, slug: str) -> bool:
    """A meeting may be held again until the committee has decided."""
    return not case.has("admission_approved")


def after_committee_change(case: AdmissionCase, slug: str) -> bool:
    """A-T.2: the new approving committee's own pre-review after a transfer to another one."""
    return case.pre_review_pending


def once_a_round(case: AdmissionCase, slug: str) -> bool:
    """Once in each probation round (an extension starts a new round)."""
    return not case.in_current_round(slug)


def until_decided_this_round(case: AdmissionCase, slug: str) -> bool:
    """Again in a new round, after a meeting that did not pass, or after the committee refused
    the meeting's resolution (A-24.4): the branch may meet again."""
    this_round = case.in_current_round(slug)
    return not this_round or not passed(this_round[-1]) or _refused_after(case, this_round[-1])


def after_new_meeting(case: AdmissionCase, slug: str) -> bool:
    """The committee decides again on a new meeting held after it refused the last one."""
    meeting = case.latest("branch_meeting_converted")
    decision = case.latest(slug)
    return meeting is not None and decision is not None and meeting.version > decision.version


def _refused_after(case: AdmissionCase, meeting: StepRecord) -> bool:
    decision = case.latest("conversion_approved")
    return decision is not None and decision.version > meeting.version and decision.is_rejection


# How a step that another depends on counts (``prerequisite``).


def recorded(case: AdmissionCase, slug: str) -> bool:
    """Recorded, with its own outcome (a rejection does not count as an approval)."""
    return any(not record.is_rejection for record in case.records_of(slug))


def recorded_this_round(case: AdmissionCase, slug: str) -> bool:
    """Conversion steps count within the current probation round (and a refusal not at all)."""
    return any(not record.is_rejection for record in case.in_current_round(slug))


def passed_this_round(case: AdmissionCase, slug: str) -> bool:
    """The latest conversion meeting of this round passed, whatever it resolved (A-24.4)."""
    records = case.in_current_round(slug)
    return bool(records) and passed(records[-1])


def passed(record: StepRecord | None) -> bool:
    return record is not None and isinstance(record.details, MeetingVote) and record.details.passed
