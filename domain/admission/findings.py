"""Per-case findings (DOMAIN.md §3), derived from a case's events alone.

``case_findings`` is a pure function of the case, which is itself a fold of its events: replaying
the same history gives the same findings, whenever and wherever it is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

from domain.admission.case import AdmissionCase
from domain.admission.details import (
    AdmissionDecision,
    CommitteeInterview,
    ContactsAssignment,
    IntroducersAssignment,
    PreReview,
)
from domain.admission.steps import BY_SLUG, prerequisites
from domain.admission.values import Basis, StepRecord
from domain.context import Context
from domain.dates import add_months, business_date
from domain.findings import Finding
from domain.policy import Policy


def case_findings(case: AdmissionCase, policy: Policy) -> list[Finding]:
    found = [
        *_exceptions(case),
        *_late(case, policy),
        *_order(case),
        *_deadlines(case, policy),
        *_stale(case, policy),
        *_documents(case),
        *_off_unit(case),
        *_leaving_unit(case),
        *_transfers(case, policy),
        *_committee_changes(case),
        *_conflicts(case),
    ]
    return sorted(found, key=lambda f: (f.version, f.kind, f.detail_en))


def _finding(kind: str, rule: str | None, record: StepRecord, zh: str, en: str) -> Finding:
    return Finding(
        kind, rule, record.slug, record.version, record.occurred_on, record.recorded_at, zh, en
    )


def _exceptions(case: AdmissionCase) -> Iterator[Finding]:
    for e in case.exceptions:
        used = "已使用" if e.used else "尚未使用"
        yield Finding(
            "F-EXC",
            e.rule,
            "exception_granted",
            e.version,
            e.context.occurred_on,
            e.context.recorded_at,
            f"步骤 {e.step} 例外通过 {e.rule}（{used}）：{e.reason}",
            f"Step {e.step} excepted from {e.rule} ({'used' if e.used else 'unused'}): {e.reason}",
        )


def _contexts(case: AdmissionCase) -> Iterator[tuple[str, int, Context]]:
    """Every event of the case that a person entered, with its slug and version."""
    for record in case.records:
        yield record.slug, record.version, record.context
    for e in case.exceptions:
        yield "exception_granted", e.version, e.context
    for t in case.transfers:
        yield "transferred", t.version, t.context


def _late(case: AdmissionCase, policy: Policy) -> Iterator[Finding]:
    for slug, version, context in _contexts(case):
        delay = (business_date(context.recorded_at) - context.occurred_on).days
        if delay > policy.late_entry_days:
            yield Finding(
                "F-LATE",
                None,
                slug,
                version,
                context.occurred_on,
                context.recorded_at,
                f"业务日期 {context.occurred_on}，录入晚了 {delay} 天。",
                f"Dated {context.occurred_on}, entered {delay} days later.",
            )


def _order(case: AdmissionCase) -> Iterator[Finding]:
    """F-ORDER: a step dated after a step that depends on it and was recorded after it."""
    dependents_of: dict[int, list[StepRecord]] = {}  # by the earlier step's version
    for later in case.records:
        depends_on = prerequisites(later.number)
        for earlier in case.records:
            if earlier.version >= later.version:
                break  # records are in the order they were recorded
            if earlier.occurred_on > later.occurred_on and earlier.number in depends_on:
                dependents_of.setdefault(earlier.version, []).append(later)
    for earlier in case.records:
        dependents = dependents_of.get(earlier.version)
        if dependents:
            names = ", ".join(f"{d.slug} ({d.occurred_on})" for d in dependents)
            yield _finding(
                "F-ORDER",
                None,
                earlier,
                f"{earlier.slug} 日期 {earlier.occurred_on} 晚于其后续步骤：{names}。",
                f"{earlier.slug} is dated {earlier.occurred_on}, after {names}.",
            )
    yield from _transfers_out_of_order(case)


def _transfers_out_of_order(case: AdmissionCase) -> Iterator[Finding]:
    """F-ORDER (A-T): a transfer dated before steps the old branch had already recorded — the
    history then has the case in two branches at once."""
    for t in case.transfers:
        before = [
            r for r in case.records if r.version < t.version and r.occurred_on > t.occurred_on
        ]
        if before:
            names = ", ".join(f"{r.slug} ({r.occurred_on})" for r in before)
            yield Finding(
                "F-ORDER",
                None,
                "transferred",
                t.version,
                t.occurred_on,
                t.context.recorded_at,
                f"转接日期 {t.occurred_on} 早于此前已记录的步骤：{names}。",
                f"The transfer is dated {t.occurred_on}, before steps recorded earlier: {names}.",
            )


def _gap(
    kind_rule: str, record: StepRecord, since: date, months: int, what: tuple[str, str]
) -> Iterator[Finding]:
    if record.occurred_on > add_months(since, months):
        yield _finding(
            "F-DEADLINE",
            kind_rule,
            record,
            f"{what[0]}：{since} 至 {record.occurred_on} 超过 {months} 个月。",
            f"{what[1]}: {since} to {record.occurred_on} is over {months} months.",
        )


def _deadlines(case: AdmissionCase, policy: Policy) -> Iterator[Finding]:
    applied = case.records[0]
    interview = case.latest("applicant_interviewed")
    if interview:
        yield from _gap("A-2.2", interview, applied.occurred_on, 1, ("谈话", "Interview"))
    yield from _assessment_gaps(case)
    meeting, decision = case.latest("branch_meeting_admitted"), case.approval
    if (
        meeting
        and decision
        and isinstance(decision.details, AdmissionDecision)
        and not decision.details.special_reason
        and "A-17.2" not in decision.waived  # an exception is the recorded special circumstance
    ):
        yield from _gap("A-17.2", decision, meeting.occurred_on, 3, ("审批", "Approval"))
    for first_meeting in _first_meeting_of_each_round(case):
        end = case.probation_end_before(first_meeting.version)
        if end:
            yield from _gap(
                "A-23.2",
                first_meeting,
                end,
                policy.conversion_meeting_grace_months,
                ("讨论转正", "Conversion meeting"),
            )
    approval = case.latest("conversion_approved")
    conversion = case.latest("branch_meeting_converted")
    if approval and conversion:
        yield from _gap(
            "A-24.2", approval, conversion.occurred_on, 3, ("转正审批", "Conversion approval")
        )


def _first_meeting_of_each_round(case: AdmissionCase) -> Iterator[StepRecord]:
    """A-23.2 asks for a timely meeting once per probation period (the first, and after an
    extension the first of the new period)."""
    round_starts = [0, *(at for _, at in case.extensions)]
    for start, stop in zip(round_starts, [*round_starts[1:], case.version + 1], strict=True):
        meetings = [
            r for r in case.records_of("branch_meeting_converted") if start < r.version < stop
        ]
        yield from meetings[:1]


def _assessment_gaps(case: AdmissionCase) -> Iterator[Finding]:
    """A-6.1: from designation as activist to designation as target, no gap over six months."""
    designated = case.latest("activist_designated")
    target = case.latest("development_target_designated")
    if designated is None:
        return
    until = target.occurred_on if target else None
    marks = sorted(
        (
            r
            for r in case.records_of("activist_assessed") + ([target] if target else [])
            if until is None or r.occurred_on <= until
        ),
        key=lambda r: r.occurred_on,
    )
    previous = designated.occurred_on
    for mark in marks:
        yield from _gap("A-6.1", mark, previous, 6, ("培养考察间隔", "Assessment gap"))
        previous = max(previous, mark.occurred_on)


def _stale(case: AdmissionCase, policy: Policy) -> Iterator[Finding]:
    review = case.latest("political_review_concluded")
    if review is None:
        return
    for meeting in case.records_of("branch_meeting_admitted"):
        valid_until = add_months(review.occurred_on, policy.political_review_valid_months)
        if meeting.occurred_on > valid_until:
            yield _finding(
                "F-STALE",
                "A-10.3",
                meeting,
                f"政治审查结论日期 {review.occurred_on}，支部大会时已超过有效期。",
                f"The political review of {review.occurred_on} had expired at the meeting.",
            )


def _documents(case: AdmissionCase) -> Iterator[Finding]:
    for record in case.records:
        step = BY_SLUG[record.step]
        required = step.required_documents
        missing = [kind.value for kind in required if not record.context.has_document(kind)]
        if missing and not record.is_rejection:
            yield _finding(
                "F-DOCS",
                step.documents_rule,
                record,
                f"缺少材料：{', '.join(missing)}。",
                f"No record attached: {', '.join(missing)}.",
            )


def _off_unit(case: AdmissionCase) -> Iterator[Finding]:
    """A-1.2: an application by work or study unit made to another unit's organization."""
    applicant_unit, branch_unit = case.applicant.unit, case.branch_unit
    if (
        case.basis not in (Basis.WORK_UNIT, Basis.STUDY_UNIT)
        or not applicant_unit
        or not branch_unit
    ):
        return
    if applicant_unit.strip() != branch_unit.strip():
        yield _finding(
            "F-OFFUNIT",
            "A-1.2",
            case.records[0],
            f"申请人单位 “{applicant_unit}” 与党支部所在单位 “{branch_unit}” 不一致。",
            f"The applicant's unit '{applicant_unit}' is not the branch's '{branch_unit}'.",
        )


def _leaving_unit(case: AdmissionCase) -> Iterator[Finding]:
    for record in case.records_of("pre_review_passed"):
        if isinstance(record.details, PreReview) and record.details.leaving_unit_within_3_months:
            yield _finding(
                "F-TRANSFER",
                "A-13.3",
                record,
                "预审时该人选三个月内将离开单位。",
                "At pre-review the candidate was to leave the unit within 3 months.",
            )


# The steps a transfer shortly before raises F-TRANSFER at, with how the finding names them.
_PROMOTIONS = {
    "development_target_designated": "确定为发展对象",
    "branch_meeting_admitted": "支部大会讨论接收",
}


def _transfers(case: AdmissionCase, policy: Policy) -> Iterator[Finding]:
    """A-T: a transfer in the policy's months before the designation as development target (7)
    or the branch meeting on admission (15) — a move that may sidestep the checks (异地违规入党).

    One finding per transfer and promotion step, on the first record of that step dated on or
    after the transfer; a transfer exactly ``transfer_window_months`` before still counts.
    """
    months = policy.transfer_window_months
    for transfer in case.transfers:
        from_branch, to_branch, moved_on = (
            transfer.from_branch_id,
            transfer.to_branch_id,
            transfer.occurred_on,
        )
        for promoted, what in _PROMOTIONS.items():
            promotion = next(
                (r for r in case.records_of(promoted) if r.occurred_on >= moved_on), None
            )
            if promotion is None or promotion.occurred_on > add_months(moved_on, months):
                continue
            days = (promotion.occurred_on - moved_on).days
            yield _finding(
                "F-TRANSFER",
                "A-T",
                promotion,
                f"{moved_on} 由党支部 {from_branch} 转入 {to_branch}，{days} 天后"
                f"{what}（{months} 个月内）。",
                f"Transferred from branch {from_branch} to {to_branch} on {moved_on}, {days} days "
                f"before {promotion.slug} (within {months} months).",
            )


def _committee_changes(case: AdmissionCase) -> Iterator[Finding]:
    """A-T.2: a transfer after the pre-review and before the approval into a branch under another
    approving committee — the 异地违规入党 pattern; that committee must pre-review again."""
    pre_reviews = [r.version for r in case.records_of("pre_review_passed")]
    approval = case.latest("admission_approved")
    for t in case.transfers:
        if (
            t.changes_committee
            and pre_reviews
            and pre_reviews[0] < t.version
            and (approval is None or t.version < approval.version)
        ):
            yield Finding(
                "F-TRANSFER",
                "A-T.2",
                "transferred",
                t.version,
                t.occurred_on,
                t.context.recorded_at,
                f"预审后、审批前转入另一审批党委（{t.to_committee_id}）所属的党支部 {t.to_branch_id}。",
                f"Moved after the pre-review and before the approval to branch {t.to_branch_id} "
                f"under another approving committee ({t.to_committee_id}).",
            )


def _conflicts(case: AdmissionCase) -> Iterator[Finding]:
    """O-1: one of the committee's interviewers (16, A-16.2) or the official who records the
    approval (17) is one of the case's introducers or cultivation contacts (the latest assignment
    of each)."""
    roles: dict[UUID, list[tuple[str, str]]] = {}
    contacts = case.latest("contacts_assigned")
    introducers = case.latest("introducers_assigned")
    if contacts and isinstance(contacts.details, ContactsAssignment):
        for member_id in contacts.details.contacts:
            roles.setdefault(member_id, []).append(("培养联系人", "cultivation contact"))
    if introducers and isinstance(introducers.details, IntroducersAssignment):
        for member_id in introducers.details.introducers:
            roles.setdefault(member_id, []).append(("入党介绍人", "introducer"))
    for record, member_id, doing in _deciders(case):
        if member_id not in roles:
            continue
        zh = "、".join(role for role, _ in roles[member_id])
        en = " and ".join(role for _, role in roles[member_id])
        yield _finding(
            "F-CONFLICT",
            "O-1",
            record,
            f"{doing[0]}人员（党员 {member_id}）同时是本案的{zh}。",
            f"The member who {doing[1]} ({member_id}) is also the case's {en}.",
        )


def _deciders(case: AdmissionCase) -> Iterator[tuple[StepRecord, UUID, tuple[str, str]]]:
    """Who held each committee interview — its recorded interviewers (A-16.2), or for an
    interview recorded before they were, the user who entered it — and who approved."""
    for record in case.records_of("committee_interview_held"):
        interviewers = (
            record.details.interviewers if isinstance(record.details, CommitteeInterview) else ()
        )
        members = [i.member_id for i in interviewers if i.member_id is not None]
        if not interviewers and record.context.actor.member_id:
            members = [record.context.actor.member_id]
        for member_id in members:
            yield record, member_id, ("谈话", "held the interview")
    approval = case.approval
    if approval and approval.context.actor.member_id:
        yield approval, approval.context.actor.member_id, ("审批", "recorded the approval")
