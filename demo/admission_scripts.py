"""Admission case scripts: the clean path of DOMAIN.md §2 in days from the application, the
variants that break a soft rule on purpose to show each outcome and each kind of finding, and
which scripts a demo of so many cases plays.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from domain.admission.checks import ARCHIVE_DOCUMENTS
from domain.admission.steps import BY_SLUG
from domain.context import DocumentKind

D = DocumentKind


@dataclass(frozen=True, slots=True)
class Beat:
    """One entry of a case script: a step slug, or ``exception`` / ``withdrawal``."""

    slug: str
    day: int  # business date, in days from the application
    fields: dict[str, Any] = field(default_factory=dict)
    by_committee: bool = False  # the approving committee's official takes it (O-1)
    documents: tuple[DocumentKind, ...] = ()
    late: int = 0  # days between the business date and the entry (F-LATE beyond 30)


EXCEPTION, WITHDRAWAL = "exception", "withdrawal"
REVIEW_PASSED = {
    "conclusion": "passed",
    "areas": ["政治立场", "现实表现"],
    "methods": ["谈话", "函调"],
}

# The clean path of tests/world.py in days: every interval keeps its rule with a margin whatever
# the calendar (a year is at most 366 days, a month at least 28).
CLEAN: tuple[Beat, ...] = (
    Beat("applicant_interviewed", 19, documents=(D.INTERVIEW_RECORD,)),
    Beat(
        "activist_designated",
        40,
        {"source": "member_recommendation"},
        documents=(D.MEETING_MINUTES,),
    ),
    Beat("activist_filed", 45),
    Beat("contacts_assigned", 45),
    Beat("activist_assessed", 214, documents=(D.CULTIVATION_RECORD,)),
    Beat("activist_assessed", 366, documents=(D.CULTIVATION_RECORD,)),
    Beat("development_target_designated", 416, documents=(D.MEETING_MINUTES,)),
    Beat("development_target_filed", 421),
    Beat("introducers_assigned", 427),
    Beat("political_review_concluded", 458, REVIEW_PASSED, documents=(D.POLITICAL_REVIEW,)),
    Beat("training_completed", 467, {"days": 3, "hours": 24}, documents=(D.TRAINING_RECORD,)),
    Beat("branch_committee_reviewed", 477, documents=(D.MEETING_MINUTES,)),
    Beat("pre_review_passed", 488, by_committee=True, documents=(D.PRE_REVIEW_NOTICE,)),
    Beat("application_form_completed", 497, documents=(D.APPLICATION_FORM,)),
    Beat("branch_meeting_admitted", 507, documents=(D.MEETING_MINUTES,)),
    Beat("committee_interview_held", 519, by_committee=True, documents=(D.INTERVIEW_RECORD,)),
    Beat("admission_approved", 538, {"approved": True}, by_committee=True),
    Beat("admission_filed", 543, by_committee=True),
    Beat("assigned_to_branch_group", 550),
    Beat("oath_taken", 550),
    Beat("probation_assessed", 681),
    Beat("conversion_requested", 850, documents=(D.CONVERSION_APPLICATION,)),
    Beat("branch_meeting_converted", 873, {"outcome": "convert"}, documents=(D.MEETING_MINUTES,)),
    Beat("conversion_approved", 893, by_committee=True),
    Beat("materials_archived", 903, documents=ARCHIVE_DOCUMENTS),
)


@dataclass(frozen=True, slots=True)
class Script:
    beats: tuple[Beat, ...]
    off_unit: bool = False  # the applicant works elsewhere but applies here by work unit

    @property
    def furthest_step(self) -> int:
        numbers = [BY_SLUG[b.slug].number for b in self.beats if b.slug in BY_SLUG]
        return max(numbers, default=1)


def until(number: int) -> tuple[Beat, ...]:
    return tuple(b for b in CLEAN if BY_SLUG[b.slug].number <= number)


def late(beats: tuple[Beat, ...], slug: str, days: int) -> tuple[Beat, ...]:
    """The first entry of ``slug`` made ``days`` after its business date."""
    index = next(i for i, b in enumerate(beats) if b.slug == slug)
    return (*beats[:index], replace(beats[index], late=days), *beats[index + 1 :])


def moved(beats: tuple[Beat, ...], slug: str, day: int) -> tuple[Beat, ...]:
    return tuple(replace(b, day=day) if b.slug == slug else b for b in beats)


def delayed_from(beats: tuple[Beat, ...], day: int, days: int) -> tuple[Beat, ...]:
    return tuple(replace(b, day=b.day + days) if b.day >= day else b for b in beats)


def _special_scripts() -> list[Script]:
    """Scripts that show each outcome and each kind of finding, most telling first."""
    exception_path = (  # seconded elsewhere for a year: one assessment on file
        *until(5),
        Beat("activist_assessed", 214, documents=(D.CULTIVATION_RECORD,)),
        Beat(EXCEPTION, 410, {"step": "development_target_designated", "rule": "A-7.2"}, True),
        Beat("development_target_designated", 416, documents=(D.MEETING_MINUTES,)),
        Beat("development_target_filed", 421),
        Beat("introducers_assigned", 427),
    )
    failed_review = replace(
        until(10)[-1], fields={**REVIEW_PASSED, "conclusion": "failed", "areas": ["政治立场"]}
    )
    return [
        Script(until(25)),  # completed: the applicant is now a full member
        # 潮州: the political review was filed after the branch meeting, and the steps in between
        # entered once it was (F-ORDER, with F-LATE on the backfilled entries).
        Script(moved(until(18), "political_review_concluded", 512)),
        Script(exception_path),  # F-EXC: target designated with one assessment on file
        Script(delayed_from(until(5), 19, 26)),  # F-DEADLINE: interview after 45 days
        Script(until(4), off_unit=True),  # F-OFFUNIT
        Script(late(until(7), "activist_assessed", 50)),  # F-LATE
        Script(late(until(21), "probation_assessed", 60)),
        Script(late(until(3), "applicant_interviewed", 40)),
        Script((*until(3), Beat(WITHDRAWAL, 120))),
        Script((*until(9), failed_review)),  # terminated
        Script(
            (*until(16), Beat("admission_approved", 538, {"approved": False}, True))
        ),  # rejected
        Script((*until(6), Beat(WITHDRAWAL, 380))),
        Script(until(25)),
        Script(until(25)),
    ]


def scripts(cases: int) -> list[Script]:
    """The special scripts, then open cases at the steps they leave empty, then round the steps."""
    specials = _special_scripts()[:cases]
    covered = {s.furthest_step for s in specials}
    empty_first = [n for n in range(1, 25) if n not in covered] + list(range(1, 25))
    regular = [
        Script(until(empty_first[i % len(empty_first)])) for i in range(cases - len(specials))
    ]
    return specials + regular
