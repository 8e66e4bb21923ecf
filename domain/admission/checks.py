"""Each admission step's own rules (DOMAIN.md §2), as the step records in ``steps.py`` name them.

A step's record points here for ``check`` (the rules on the facts it records) and ``ready`` (what
else must hold before it can be taken, whatever its facts); how steps follow one another is in
``sequence.py``. Checks return the violations they find rather than raising, so that an exception
granted for one named rule (DOMAIN.md §0) can let exactly that rule through. Other steps are named
by their slugs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from domain.admission.details import (
    ActivistDesignation,
    ActivistSource,
    AdmissionDecision,
    CommitteeInterview,
    ContactsAssignment,
    ConversionMeeting,
    ConversionOutcome,
    InterviewerCapacity,
    IntroducersAssignment,
    MeetingVote,
    OpinionGroup,
    PoliticalReview,
    ReviewConclusion,
    TargetDesignation,
    Training,
)
from domain.admission.sequence import passed
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

# what the archive must hold.
ARCHIVE_DOCUMENTS = (
    DocumentKind.APPLICATION_FORM,
    DocumentKind.APPLICATION_LETTER,
    DocumentKind.POLITICAL_REVIEW,
    DocumentKind.CONVERSION_APPLICATION,
    DocumentKind.CULTIVATION_RECORD,
)


# What must hold before a step, whatever its facts (``ready``).


def admitting_meeting_passed(case: AdmissionCase) -> list[Violation]:
    """A-15.3: the committee interviews and decides only after a meeting that admitted."""
    meeting = case.latest("branch_meeting_admitted")
    if meeting is None or passed(meeting):  # no meeting at all: the order rule says so
        return []
    return [V("A-15.3", "支部大会未通过接收。", "The branch meeting did not admit the candidate.")]


def ready_for_approval(case: AdmissionCase) -> list[Violation]:
    """A-15.3, and A-T.2: after a transfer to a branch under another approving committee, that
    committee pre-reviews the candidate itself before it approves."""
    found = admitting_meeting_passed(case)
    if case.pre_review_pending:
        found.append(
            V(
                "A-T.2",
                "案卷已转入其他审批党委所属的党支部，须由该党委重新预审。",
                "The case moved to a branch under another approving committee, which must "
                "pre-review it first.",
            )
        )
    return found


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
    return found + _opinions(d, c, designated)


def _opinions(d: TargetDesignation, c: Context, designated: StepRecord | None) -> list[Violation]:
    """A-7.3: every group heard, each after the designation as activist and by this step's date."""
    found = []
    missing = set(OpinionGroup) - {o.group for o in d.opinions_heard}
    if missing:
        listed = ", ".join(sorted(g.value for g in missing))
        found.append(V("A-7.3", f"未记录的意见：{listed}。", f"Opinions not recorded: {listed}."))
    since = designated.occurred_on if designated else None
    for opinion in d.opinions_heard:
        if opinion.heard_on > c.occurred_on or (since and opinion.heard_on <= since):
            found.append(
                V(
                    "A-7.3",
                    f"{opinion.group.value} 的意见听取于 {opinion.heard_on}，须在确定为积极分子"
                    f"（{since}）之后、{c.occurred_on} 或之前。",
                    f"{opinion.group.value} heard on {opinion.heard_on}: it must be after the "
                    f"designation as activist ({since}) and on or before {c.occurred_on}.",
                )
            )
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
    assert isinstance(d, CommitteeInterview)
    return _interviewers(d)


def _interviewers(d: CommitteeInterview) -> list[Violation]:
    """A-16.2: who held the interview, each named, as a committee member or an organizer."""
    members = [i.member_id for i in d.interviewers if i.member_id is not None]
    if (
        d.interviewers
        and all(i.name.strip() for i in d.interviewers)
        and all(i.capacity in set(InterviewerCapacity) for i in d.interviewers)
        and len(set(members)) == len(members)
    ):
        return []
    return [
        V(
            "A-16.2",
            "须记录谈话人（姓名，党委委员或组织员），且不重复。",
            "Name each interviewer once, as committee_member or organizer.",
        )
    ]


def admission_decision(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    assert isinstance(d, AdmissionDecision)
    meeting = case.latest("branch_meeting_admitted")
    if not d.approved or meeting is None or c.occurred_on <= add_months(meeting.occurred_on, 3):
        return []
    if c.occurred_on > add_months(meeting.occurred_on, 6):  # "up to 6 months" (§0): no further
        return [
            V(
                "A-17.2",
                f"支部大会于 {meeting.occurred_on}，已超过六个月，须重新召开支部大会。",
                f"The meeting of {meeting.occurred_on} is over six months old; hold it again.",
                final=True,
            )
        ]
    if d.special_reason:
        return []
    return [  # 3–6 months: an exception for is the recorded special circumstance
        V(
            "A-17.2",
            f"支部大会于 {meeting.occurred_on}，审批超过三个月。",
            f"Approved over three months after the meeting of {meeting.occurred_on}.",
            advisory=True,
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
