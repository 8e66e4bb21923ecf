"""The hard rules of DOMAIN.md §2, checked when a command is taken.

Each check returns the violations it finds rather than raising, so that an exception granted for
one named rule (DOMAIN.md §0) can let exactly that rule through.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.context import Context, Role
from domain.dates import add_months, add_years, age_on
from domain.errors import RulesBroken, Violation
from domain.members import rights_violation
from domain.step_details import (
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
    StepDetails,
    TargetDesignation,
    Training,
)
from domain.steps import ARCHIVE_DOCUMENTS, BY_NUMBER, Step

if TYPE_CHECKING:
    from domain.admission import AdmissionCase, Applicant, Facts

V = Violation.of

# Hard rules an exception may let through, per step, besides the step's order rule. Authority
# (O-1), closed cases, dates in the future, repeated steps and inconsistent or invalid data are
# never waived: an exception records a judgement about the rules, not about the facts.
_WAIVABLE_BY_STEP: dict[int, tuple[str, ...]] = {
    3: ("A-3.3",),
    5: ("A-5.1",),
    7: ("A-7.1", "A-7.2", "A-7.3"),
    9: ("A-9.1",),
    11: ("A-11.1",),
    15: ("A-15.2", "A-15.5"),
    17: ("A-17.2",),
    22: ("A-22.1",),
    23: ("A-23.1", "A-23.2"),
    25: ("A-25.1",),
}


def waivable_rules(step: Step) -> tuple[str, ...]:
    order = (step.order_rule,) if step.after else ()
    return order + _WAIVABLE_BY_STEP.get(step.number, ())


# The hard rules each command checks, for audit views (the timeline): kept next to the checks
# below, and held to them by tests/test_audit_timeline.py.
SUBMISSION_RULES: tuple[str, ...] = ("MF-FUTURE-DATE", "A-1.1", "A-1.2")
CLOSING_RULES: tuple[str, ...] = ("MF-CASE-CLOSED", "MF-FUTURE-DATE")
TRANSFER_RULES: tuple[str, ...] = (*CLOSING_RULES, "A-T")
EXCEPTION_RULES: tuple[str, ...] = (*CLOSING_RULES, "O-1", "MF-EXCEPTION")
_SPECIFIC_RULES: dict[int, tuple[str, ...]] = {
    3: ("A-3.2", "A-3.3"),
    5: ("A-5.1",),
    7: ("A-7.1", "A-7.2", "A-7.3"),
    9: ("A-9.1",),
    10: ("A-10.1",),
    11: ("A-11.1",),
    15: ("A-15.4", "A-15.2", "A-15.5"),
    16: ("A-16.1",),
    17: ("A-17.2",),
    22: ("A-22.1",),
    23: ("A-23.1", "A-15.5", "A-23.2", "A-23.3"),
    25: ("A-25.1",),
}


def rules_checked(step: Step) -> tuple[str, ...]:
    """Every hard rule checked when ``step`` is taken (``check_step``; step 1: the submission),
    in the order they are checked: closed case, date, authority, repetition, order, the branch
    meeting's outcome for 16 and 17, then the step's own rules."""
    if step.number == 1:
        return SUBMISSION_RULES
    found = [*CLOSING_RULES]
    if step.authority_rule:
        found.append(step.authority_rule)
    found.append("MF-STEP-REPEATED")
    if step.after:
        found.append(step.order_rule)
    if step.number in (16, 17):
        found.append("A-15.3")
    found += _SPECIFIC_RULES.get(step.number, ())
    return tuple(dict.fromkeys(found))


def check_date(context: Context, today: date) -> list[Violation]:
    if context.occurred_on <= today:
        return []
    return [
        V(
            "MF-FUTURE-DATE",
            f"{context.occurred_on} 晚于 {today}。",
            f"{context.occurred_on} is after {today}.",
        )
    ]


def check_submission(
    applicant: Applicant, basis: str, context: Context, today: date
) -> list[Violation]:
    from domain.admission import Basis

    found = check_date(context, today)
    age = age_on(applicant.birth_date, context.occurred_on)
    if age < 18:
        found.append(V("A-1.1", f"申请人当日 {age} 岁。", f"The applicant is {age} on that day."))
    if basis not in set(Basis):
        found.append(V("A-1.2", f"依据 “{basis}” 无效。", f"'{basis}' is not a basis."))
    return found


def check_closing(case: AdmissionCase, context: Context, today: date) -> None:
    found = _open(case) + check_date(context, today)
    if found:
        raise RulesBroken(found)


def _open(case: AdmissionCase) -> list[Violation]:
    if case.is_open:
        return []
    return [
        V("MF-CASE-CLOSED", f"案卷状态：{case.status.value}。", f"The case is {case.status.value}.")
    ]


def check_authority(step: Step, context: Context, facts: Facts) -> list[Violation]:
    """O-1: decisions of the approving committee are taken by its committee officials only."""
    if step.authority_rule is None or _is_approving_official(context, facts):
        return []
    return [
        V(
            step.authority_rule,
            "须由审批党委的工作人员（committee_official）办理。",
            "Only a committee_official of the approving committee may take this step.",
        )
    ]


def _is_approving_official(context: Context, facts: Facts) -> bool:
    actor = context.actor
    return (
        actor.role is Role.COMMITTEE_OFFICIAL
        and actor.organization_id == facts.approving_committee_id
    )


def check_step(
    case: AdmissionCase, step: Step, details: StepDetails, context: Context, facts: Facts
) -> list[Violation]:
    """Raise for what no exception can waive; return the violations an exception may waive."""
    if not isinstance(details, step.details):
        raise TypeError(f"{step.slug} takes {step.details.__name__}")
    blocking = (
        _open(case) + check_date(context, facts.today) + check_authority(step, context, facts)
    )
    blocking += repeat_violations(case, step)
    if blocking:  # never waived: an exception cannot lend authority or change the facts
        raise RulesBroken(blocking)
    specific = _SPECIFIC.get(step.number)
    return readiness_violations(case, step) + (
        specific(case, details, context, facts) if specific else []
    )


def repeat_violations(case: AdmissionCase, step: Step) -> list[Violation]:
    if _may_record_again(case, step):
        return []
    return [
        V(
            "MF-STEP-REPEATED",
            f"步骤 {step.number}（{step.zh}）。",
            f"Step {step.number} ({step.slug}).",
        )
    ]


def _may_record_again(case: AdmissionCase, step: Step) -> bool:
    if not case.has(step.number) or step.number in (6, 21):
        return True
    if step.number == 15:  # a meeting may be held again until the committee has decided
        return not case.has(17)
    if step.number == 22:
        return not case.in_current_round(22)
    if step.number == 23:  # again in a new round, or after a meeting that did not pass
        this_round = case.in_current_round(23)
        return not this_round or not _passed(this_round[-1])
    return False


def readiness_violations(case: AdmissionCase, step: Step) -> list[Violation]:
    """What keeps a step from being taken now, whatever its own facts: the steps before it, and
    for the committee's interview and decision (16, 17), a branch meeting that admitted."""
    found = order_violations(case, step)
    if step.number in (16, 17) and case.has(15):
        found += _meeting_admitted(case)
    return found


def order_violations(case: AdmissionCase, step: Step) -> list[Violation]:
    missing = sorted(n for n in step.after if not _prerequisite_met(case, step, n))
    if not missing:
        return []
    names_zh = "、".join(f"{n}（{BY_NUMBER[n].zh}）" for n in missing)
    names_en = ", ".join(f"{n} ({BY_NUMBER[n].slug})" for n in missing)
    return [V(step.order_rule, f"尚缺步骤 {names_zh}。", f"Missing step {names_en}.")]


def _prerequisite_met(case: AdmissionCase, step: Step, number: int) -> bool:
    if step.number in (23, 24):  # conversion steps count within the current probation round
        records = case.in_current_round(number)
        if step.number == 24:
            return bool(records) and _passed(records[-1]) and _outcome(records[-1]) == "convert"
        return bool(records)
    if number == 17:
        return case.approval is not None
    return case.has(number)


def _passed(record: object) -> bool:
    details = getattr(record, "details", None)
    return isinstance(details, MeetingVote) and details.passed


def _outcome(record: object) -> str | None:
    details = getattr(record, "details", None)
    return details.outcome if isinstance(details, ConversionMeeting) else None


# Step-specific rules.


def _activist(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, ActivistDesignation)
    found = []
    if d.source not in set(ActivistSource):
        found.append(V("A-3.2", f"来源 “{d.source}” 无效。", f"'{d.source}' is not a source."))
    months = facts.policy.activist_min_months
    applied = case.records_of(1)[0].occurred_on
    if months is not None and c.occurred_on < add_months(applied, months):
        found.append(
            V(
                "A-3.3",
                f"须在 {add_months(applied, months)} 或之后。",
                f"Not before {add_months(applied, months)}.",
            )
        )
    return found


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


def _contacts(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, ContactsAssignment)
    return _members_with_rights("A-5.1", d.contacts, range(1, 3), c, facts)


def _introducers(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, IntroducersAssignment)
    return _members_with_rights("A-9.1", d.introducers, range(2, 3), c, facts)


def _target(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, TargetDesignation)
    found = []
    designated = case.latest(3)
    if designated and c.occurred_on < add_years(designated.occurred_on, 1):
        earliest = add_years(designated.occurred_on, 1)
        found.append(
            V(
                "A-7.1",
                f"确定为积极分子于 {designated.occurred_on}，最早 {earliest}。",
                f"Activist since {designated.occurred_on}; not before {earliest}.",
            )
        )
    assessments = [r for r in case.records_of(6) if r.occurred_on <= c.occurred_on]
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


def _review(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, PoliticalReview)
    if d.conclusion in set(ReviewConclusion):
        return []
    return [V("A-10.1", f"结论 “{d.conclusion}” 无效。", f"'{d.conclusion}' is not a conclusion.")]


def _training(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, Training)
    if d.days >= 3 or d.hours >= 24:
        return []
    return [V("A-11.1", f"{d.days} 天 / {d.hours} 学时。", f"{d.days} days / {d.hours} hours.")]


def vote_violations(d: MeetingVote, quorum_rule: str, consistency_rule: str) -> list[Violation]:
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


def _admitting(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, MeetingVote)
    return vote_violations(d, "A-15.2", "A-15.4")


def _meeting_admitted(case: AdmissionCase) -> list[Violation]:
    if _passed(case.latest(15)):
        return []
    return [V("A-15.3", "支部大会未通过接收。", "The branch meeting did not admit the candidate.")]


def _committee_interview(
    case: AdmissionCase, d: StepDetails, c: Context, facts: Facts
) -> list[Violation]:
    if case.has(17):
        return [V("A-16.1", "审批已经作出。", "The committee has already decided.")]
    return []


def _approval(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, AdmissionDecision)
    meeting = case.latest(15)
    if not d.approved or meeting is None or c.occurred_on <= add_months(meeting.occurred_on, 6):
        return []
    return [
        V(
            "A-17.2",
            f"支部大会于 {meeting.occurred_on}，已超过六个月，须重新召开支部大会。",
            f"The meeting of {meeting.occurred_on} is over six months old; hold it again.",
        )
    ]


def _conversion_request(
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


def _converting(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    assert isinstance(d, ConversionMeeting)
    found = vote_violations(d, "A-23.1", "A-23.1")
    end = case.probation_end
    if end is not None and c.occurred_on < end:
        found.append(V("A-23.2", f"预备期至 {end}。", f"Probation ends {end}."))
    if d.outcome not in set(ConversionOutcome):
        found.append(V("A-23.3", f"结论 “{d.outcome}” 无效。", f"'{d.outcome}' is not an outcome."))
    elif d.outcome == ConversionOutcome.EXTEND:
        if case.extensions:
            found.append(
                V("A-23.3", "预备期只能延长一次。", "Probation may be extended only once.")
            )
        if d.extension_months is None or not 6 <= d.extension_months <= 12:
            found.append(
                V(
                    "A-23.3",
                    f"延长 {d.extension_months} 个月（须六至十二个月）。",
                    f"Extension of {d.extension_months} months (6–12 needed).",
                )
            )
    return found


def _archive(case: AdmissionCase, d: StepDetails, c: Context, facts: Facts) -> list[Violation]:
    missing = [kind.value for kind in ARCHIVE_DOCUMENTS if not c.has_document(kind)]
    if not missing:
        return []
    return [V("A-25.1", f"缺少：{', '.join(missing)}。", f"Missing: {', '.join(missing)}.")]


_SPECIFIC: dict[int, Callable[[AdmissionCase, StepDetails, Context, Facts], list[Violation]]] = {
    3: _activist,
    5: _contacts,
    7: _target,
    9: _introducers,
    10: _review,
    11: _training,
    15: _admitting,
    16: _committee_interview,
    17: _approval,
    22: _conversion_request,
    23: _converting,
    25: _archive,
}


def check_exception(
    case: AdmissionCase, step: Step, rule_id: str, reason: str, context: Context, facts: Facts
) -> list[Violation]:
    """DOMAIN.md §0: the approving committee lets one named step through one named hard rule."""
    found = _open(case) + check_date(context, facts.today)
    if not _is_approving_official(context, facts):
        found.append(
            V(
                "O-1",
                "例外只能由审批党委的工作人员记录。",
                "Only a committee_official of the approving committee records exceptions.",
            )
        )
    if rule_id not in waivable_rules(step):
        allowed = ", ".join(waivable_rules(step)) or "—"
        found.append(
            V(
                "MF-EXCEPTION",
                f"步骤 {step.slug} 可例外的规则：{allowed}。",
                f"Rules that may be waived at {step.slug}: {allowed}.",
            )
        )
    if not reason.strip():
        found.append(V("MF-EXCEPTION", "须写明理由。", "A reason is required."))
    return found
