"""Each admission step's own rules (DOMAIN.md §2), as the step records in ``steps.py`` name them.

A step's record points here for four things: ``check`` (the rules on the facts it records),
``ready`` (what else must hold before it can be taken, whatever its facts), ``again`` (whether it
may be recorded once more) and ``prerequisite`` (how a step it depends on counts). Checks return
the violations they find rather than raising, so that an exception granted for one named rule
(DOMAIN.md §0) can let exactly that rule through. Other steps are named by their slugs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from domain.admission.details import (
    ActivistDesignation,
    ActivistSource,
    AdmissionDecision,
    ContactsAssignment,
    ConversionMeeting,
    ConversionOutcome,
    IntroducersAssignment,
    MeetingVote,
    OpinionGroup,
    PoliticalReview,
    ReviewConclusion,
    TargetDesignation,
    Training,
)
from domain.admission.values import Facts, StepRecord
from domain.context import Context, DocumentKind
from domain.dates import add_months, add_years
from domain.errors import Violation
from domain.members import rights_violation
from domain.workflow import StepDetails

if TYPE_CHECKING:
    from domain.admission.case import AdmissionCase

V = Violation.of
Check = Callable[["AdmissionCase", StepDetails, Context, Facts], list[Violation]]
Readiness = Callable[["AdmissionCase"], list[Violation]]
Repeat = Callable[["AdmissionCase", str], bool]
Prerequisite = Callable[["AdmissionCase", str], bool]

# what the archive must hold.
ARCHIVE_DOCUMENTS = (
    DocumentKind.APPLICATION_FORM,
    DocumentKind.APPLICATION_LETTER,
    DocumentKind.POLITICAL_REVIEW,
    DocumentKind.CONVERSION_APPLICATION,
    DocumentKind.CULTIVATION_RECORD,
)


# Whether a step may be recorded again (``again``); ``slug`` is the step's own.


def once(case: AdmissionCase, slug: str) -> bool:
    return False


def whenever(case: AdmissionCase, slug: str) -> bool:
    return True


def until_approved(case: AdmissionCase, slug: str) -> bool:
    """A meeting may be held again until the committee has decided."""
    return not case.has("admission_approved")


def once_a_round(case: AdmissionCase, slug: str) -> bool:
    """Once in each probation round (an extension starts a new round)."""
    return not case.in_current_round(slug)


def until_passed_this_round(case: AdmissionCase, slug: str) -> bool:
    """Again in a new round, or after a meeting that did not pass."""
    this_round = case.in_current_round(slug)
    return not this_round or not passed(this_round[-1])


# How a step that another depends on counts (``prerequisite``).


def recorded(case: AdmissionCase, slug: str) -> bool:
    """Recorded, with its own outcome (a rejection does not count as an approval)."""
    return any(not record.is_rejection for record in case.records_of(slug))


def recorded_this_round(case: AdmissionCase, slug: str) -> bool:
    """Conversion steps count within the current probation round."""
    return bool(case.in_current_round(slug))


def converting_this_round(case: AdmissionCase, slug: str) -> bool:
    """The latest conversion meeting of this round passed with the outcome ``convert``."""
    records = case.in_current_round(slug)
    return bool(records) and passed(records[-1]) and outcome(records[-1]) == "convert"


def passed(record: StepRecord | None) -> bool:
    return record is not None and isinstance(record.details, MeetingVote) and record.details.passed


def outcome(record: StepRecord) -> str | None:
    return record.details.outcome if isinstance(record.details, ConversionMeeting) else None


# What must hold before a step, whatever its facts (``ready``).


def admitting_meeting_passed(case: AdmissionCase) -> list[Violation]:
    """A-15.3: the committee interviews and decides only after a meeting that admitted."""
    meeting = case.latest("branch_meeting_admitted")
    if meeting is None or passed(meeting):  # no meeting at all: the order rule says so
        return []
    return [V("A-15.3", "支部大会未通过接收。", "The branch meeting did not admit the candidate.")]


# Each step's own rules on its facts (``check``).


def activist_designation(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    assert isinstance(d, ActivistDesignation)
    found = []
    if d.source not in set(ActivistSource):
        found.append(V("A-3.2", f"来源 “{d.source}” 无效。", f"'{d.source}' is not a source."))
    months = facts.policy.activist_min_months
    if months is not None and c.occurred_on < (earliest := add_months(case.applied_on, months)):
        found.append(V("A-3.3", f"须在 {earliest} 或之后。", f"Not before {earliest}."))
    return found


def contacts(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, ContactsAssignment)
    return _members_with_rights("A-5.1", d.contacts, range(1, 3), c, facts)


def introducers(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, IntroducersAssignment)
    return _members_with_rights("A-9.1", d.introducers, range(2, 3), c, facts)


def _members_with_rights(
    rule_id: str, ids: tuple[UUID, ...], count: range, c: Context, facts: Facts
) -> list[Violation]:
    found = []
    if len(ids) not in count or len(set(ids)) != len(ids):
        found.append(
            V(
                rule_id,
                f"人数为 {len(ids)}（须 {count.start}–{count.stop - 1} 名且不重复）。",
                f"{len(ids)} given; {count.start}–{count.stop - 1} distinct members needed.",
            )
        )
    for member_id in dict.fromkeys(ids):
        violation = rights_violation(
            rule_id, member_id, facts.members.get(member_id), c.occurred_on
        )
        if violation:
            found.append(violation)
    return found


def target_designation(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    assert isinstance(d, TargetDesignation)
    found = []
    designated = case.latest("activist_designated")
    if designated and c.occurred_on < (earliest := add_years(designated.occurred_on, 1)):
        found.append(
            V(
                "A-7.1",
                f"确定为积极分子于 {designated.occurred_on}，最早 {earliest}。",
                f"Activist since {designated.occurred_on}; not before {earliest}.",
            )
        )
    assessments = [
        r for r in case.records_of("activist_assessed") if r.occurred_on <= c.occurred_on
    ]
    if len(assessments) < 2:
        found.append(
            V(
                "A-7.2",
                f"仅有 {len(assessments)} 次考察记录。",
                f"Only {len(assessments)} assessments recorded.",
            )
        )
    missing = set(OpinionGroup) - {o.group for o in d.opinions_heard}
    if missing:
        listed = ", ".join(sorted(g.value for g in missing))
        found.append(V("A-7.3", f"未记录的意见：{listed}。", f"Opinions not recorded: {listed}."))
    return found


def political_review(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    assert isinstance(d, PoliticalReview)
    if d.conclusion in set(ReviewConclusion):
        return []
    return [V("A-10.1", f"结论 “{d.conclusion}” 无效。", f"'{d.conclusion}' is not a conclusion.")]


def training(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, Training)
    if d.days >= 3 or d.hours >= 24:
        return []
    return [V("A-11.1", f"{d.days} 天 / {d.hours} 学时。", f"{d.days} days / {d.hours} hours.")]


def admitting_meeting(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    assert isinstance(d, MeetingVote)
    return vote_violations(d, quorum_rule="A-15.2", consistency_rule="A-15.4")


def vote_violations(d: MeetingVote, *, quorum_rule: str, consistency_rule: str) -> list[Violation]:
    """A branch meeting's count (A-15.2, A-15.4, A-15.5; A-23.1 for conversion)."""
    found = []
    if (
        d.present > d.eligible
        or d.written_opinions > d.eligible - min(d.present, d.eligible)
        or (d.in_favour + d.against + d.abstained > d.present + d.written_opinions)
    ):
        found.append(
            V(
                consistency_rule,
                f"应到 {d.eligible}，实到 {d.present}，书面 {d.written_opinions}，"
                f"票数 {d.in_favour}/{d.against}/{d.abstained}。",
                f"eligible {d.eligible}, present {d.present}, written {d.written_opinions}, "
                f"votes {d.in_favour}/{d.against}/{d.abstained}.",
            )
        )
    if d.present * 2 <= d.eligible:
        found.append(
            V(
                quorum_rule,
                f"应到 {d.eligible}，实到 {d.present}。",
                f"{d.present} of {d.eligible} present.",
            )
        )
    if not d.voted_individually:
        found.append(V("A-15.5", "不得合并表决。", "A combined vote is not allowed."))
    return found


def committee_interview(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    if case.has("admission_approved"):
        return [V("A-16.1", "审批已经作出。", "The committee has already decided.")]
    return []


def admission_decision(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    assert isinstance(d, AdmissionDecision)
    meeting = case.latest("branch_meeting_admitted")
    if not d.approved or meeting is None or c.occurred_on <= add_months(meeting.occurred_on, 6):
        return []
    return [
        V(
            "A-17.2",
            f"支部大会于 {meeting.occurred_on}，已超过六个月，须重新召开支部大会。",
            f"The meeting of {meeting.occurred_on} is over six months old; hold it again.",
        )
    ]


def conversion_request(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    end = case.probation_end
    if end is None or c.occurred_on >= add_months(end, -1):
        return []
    return [
        V(
            "A-22.1",
            f"预备期至 {end}，最早 {add_months(end, -1)}。",
            f"Probation ends {end}; not before {add_months(end, -1)}.",
        )
    ]


def converting_meeting(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    assert isinstance(d, ConversionMeeting)
    found = vote_violations(d, quorum_rule="A-23.1", consistency_rule="A-23.1")
    end = case.probation_end
    if end is not None and c.occurred_on < end:
        found.append(V("A-23.2", f"预备期至 {end}。", f"Probation ends {end}."))
    if d.outcome not in set(ConversionOutcome):
        found.append(V("A-23.3", f"结论 “{d.outcome}” 无效。", f"'{d.outcome}' is not an outcome."))
    elif d.outcome == ConversionOutcome.EXTEND:
        found += _extension(case, d)
    return found


def _extension(case: AdmissionCase, d: ConversionMeeting) -> list[Violation]:
    found = []
    if case.extensions:
        found.append(V("A-23.3", "预备期只能延长一次。", "Probation may be extended only once."))
    if d.extension_months is None or not 6 <= d.extension_months <= 12:
        found.append(
            V(
                "A-23.3",
                f"延长 {d.extension_months} 个月（须六至十二个月）。",
                f"Extension of {d.extension_months} months (6–12 needed).",
            )
        )
    return found


def archive(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    missing = [kind.value for kind in ARCHIVE_DOCUMENTS if not c.has_document(kind)]
    if not missing:
        return []
    return [V("A-25.1", f"缺少：{', '.join(missing)}。", f"Missing: {', '.join(missing)}.")]
