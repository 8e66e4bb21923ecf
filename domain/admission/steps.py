"""The 25 steps of member development in 5 stages (DOMAIN.md §2): one record per step.

Everything memberflow knows about a step is declared in its record: the steps it comes after and
the rule its order breaks, the facts it records and the check it runs on them, the rule ids that
check may report (the rule book says which of them an exception may waive, §0), what else must
hold before it,
whether it may be recorded again, who takes it and on which authority, whether it waits in or is
filed to an inbox (§5), what it does to the case and the registry, when it is due, and the papers
it must produce. The audit timeline's "rules checked", the exception path, the next steps, the
inbox and the registry all read these records; no step number appears in logic anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from domain.admission import checks, sequence, windows
from domain.admission.checks import Check, Readiness
from domain.admission.details import (
    ActivistDesignation,
    AdmissionDecision,
    CommitteeInterview,
    ContactsAssignment,
    ConversionDecision,
    ConversionMeeting,
    IntroducersAssignment,
    MeetingVote,
    PoliticalReview,
    PreReview,
    TargetDesignation,
    Training,
)
from domain.admission.sequence import Prerequisite, Repeat
from domain.admission.values import CaseStatus
from domain.admission.windows import Window
from domain.context import DocumentKind as D
from domain.rulebook import RULES
from domain.workflow import Addressee, StepDetails

CLOSING_RULES: tuple[str, ...] = ("MF-CASE-CLOSED", "MF-FUTURE-DATE")


class Taker(StrEnum):
    """Who takes a step (DOMAIN.md §2, "who")."""

    BRANCH = "branch"  # the case's branch: its secretary, committee or general meeting
    APPROVING_COMMITTEE = "approving_committee"  # O-1


class RegistryChange(StrEnum):
    """What a step does to the member registry (O-3)."""

    ADMIT = "admit"  # a probationary member
    RESOLUTION = "resolution"  # the approved conversion resolution: full member, or cancelled


@dataclass(frozen=True, slots=True)
class Stage:
    number: int
    slug: str
    zh: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    number: int
    slug: str
    zh: str
    stage: int
    after: frozenset[int] = frozenset()  # steps that must be recorded first …
    order_rule: str = "MF-STEP-ORDER"  # … or this rule is broken
    prerequisite: Prerequisite = sequence.recorded  # how each step in ``after`` counts
    details: type[StepDetails] = StepDetails  # the facts it records
    check: Check | None = None  # its own rules on those facts …
    reports: tuple[str, ...] = ()  # … which may report these rule ids
    ready: Readiness | None = None  # what else must hold before it, whatever its facts …
    ready_reports: tuple[str, ...] = ()  # … and the rule ids it reports
    again: Repeat = sequence.once  # whether it may be recorded again
    taken_by: Taker = Taker.BRANCH
    authority_rule: str | None = None  # refused with this rule when anyone else takes it
    asked_after: str | None = None  # a decision: it waits in the inbox after this step (§5)
    files_to: Addressee | None = None  # a filing: who acknowledges it (§5)
    rejected_slug: str | None = None  # the event of its negative outcome …
    closes_on_rejection: bool = False  # … which ends the case (REJECTED)
    closes: CaseStatus | None = None  # the case's status once it is recorded
    registry: RegistryChange | None = None  # what it does to the member registry
    window: Window | None = None  # when it can be taken and when it is due
    required_documents: tuple[D, ...] = ()  # papers it must produce (F-DOCS) …
    documents_rule: str | None = None  # … under this rule

    @property
    def opens_case(self) -> bool:
        return not self.after

    @property
    def rules_checked(self) -> tuple[str, ...]:
        """Every hard rule checked when the step is taken, in the order they are checked: closed
        case, date, authority, repetition, order, readiness, then the step's own rules. The first
        step opens the case: its date, then its own rules."""
        if self.opens_case:
            return ("MF-FUTURE-DATE", *self.reports)
        found = [*CLOSING_RULES, *filter(None, [self.authority_rule]), "MF-STEP-REPEATED"]
        found += [self.order_rule, *self.ready_reports, *self.reports]
        return tuple(dict.fromkeys(found))

    @property
    def waivable_rules(self) -> tuple[str, ...]:
        """The rules of this step an exception may let it through: those the rule book lists as
        waivable (DOMAIN.md §0). A step's order is never waived."""
        return tuple(rule for rule in self.rules_checked if RULES[rule].waivable)

    @property
    def event_slugs(self) -> tuple[str, ...]:
        return (self.slug, self.rejected_slug) if self.rejected_slug else (self.slug,)


STAGES = {
    1: Stage(1, "applicant", "入党申请人"),
    2: Stage(2, "activist", "入党积极分子"),
    3: Stage(3, "development_target", "发展对象"),
    4: Stage(4, "admission", "预备党员的接收"),
    5: Stage(5, "probation", "预备党员的教育考察和转正"),
}

STEPS: tuple[Step, ...] = (
    Step(
        number=1,
        slug="application_submitted",
        zh="递交入党申请书",
        stage=1,
        reports=("A-1.1", "A-1.2"),  # checked when the case is opened (guards.check_submission)
        required_documents=(D.APPLICATION_LETTER,),
    ),
    Step(
        number=2,
        slug="applicant_interviewed",
        zh="党组织派人谈话",
        stage=1,
        after=frozenset({1}),
        order_rule="A-2.1",
        window=windows.interview,
        required_documents=(D.INTERVIEW_RECORD,),
    ),
    Step(
        number=3,
        slug="activist_designated",
        zh="推荐和确定入党积极分子",
        stage=2,
        after=frozenset({2}),
        order_rule="A-3.1",
        details=ActivistDesignation,
        check=checks.activist_designation,
        reports=("A-3.2", "A-3.3"),
        window=windows.activist_designation,
        required_documents=(D.MEETING_MINUTES,),
    ),
    Step(
        number=4,
        slug="activist_filed",
        zh="报上级党委备案",
        stage=2,
        after=frozenset({3}),
        order_rule="A-4.1",
        files_to=Addressee.APPROVING_COMMITTEE,
    ),
    Step(
        number=5,
        slug="contacts_assigned",
        zh="指定培养联系人",
        stage=2,
        after=frozenset({3}),
        details=ContactsAssignment,
        check=checks.contacts,
        reports=("A-5.1",),
    ),
    Step(
        number=6,
        slug="activist_assessed",
        zh="培养教育考察",
        stage=2,
        after=frozenset({3}),
        again=sequence.whenever,
        window=windows.assessment,
        required_documents=(D.CULTIVATION_RECORD,),
    ),
    Step(
        number=7,
        slug="development_target_designated",
        zh="确定发展对象",
        stage=3,
        after=frozenset({5}),
        details=TargetDesignation,
        check=checks.target_designation,
        reports=("A-7.1", "A-7.2", "A-7.3"),
        window=windows.target_designation,
        required_documents=(D.MEETING_MINUTES,),
    ),
    Step(
        number=8,
        slug="development_target_filed",
        zh="报上级党委备案",
        stage=3,
        after=frozenset({7}),
        order_rule="A-8.1",
        files_to=Addressee.APPROVING_COMMITTEE,
    ),
    Step(
        number=9,
        slug="introducers_assigned",
        zh="确定入党介绍人",
        stage=3,
        after=frozenset({7}),
        details=IntroducersAssignment,
        check=checks.introducers,
        reports=("A-9.1",),
    ),
    Step(
        number=10,
        slug="political_review_concluded",
        zh="政治审查",
        stage=3,
        after=frozenset({7}),
        details=PoliticalReview,
        check=checks.political_review,
        reports=("A-10.1",),
        again=sequence.until_admitting_meeting,
        required_documents=(D.POLITICAL_REVIEW,),
    ),
    Step(
        number=11,
        slug="training_completed",
        zh="短期集中培训",
        stage=3,
        after=frozenset({7}),
        details=Training,
        check=checks.training,
        reports=("A-11.1",),
        required_documents=(D.TRAINING_RECORD,),
    ),
    Step(
        number=12,
        slug="branch_committee_reviewed",
        zh="支部委员会审查",
        stage=4,
        after=frozenset({7, 8, 9, 10, 11}),
        order_rule="A-12.1",
        required_documents=(D.MEETING_MINUTES,),
    ),
    Step(
        number=13,
        slug="pre_review_passed",
        zh="上级党委预审",
        stage=4,
        after=frozenset({12}),
        order_rule="A-13.1",
        details=PreReview,
        again=sequence.after_committee_change,
        taken_by=Taker.APPROVING_COMMITTEE,
        authority_rule="A-13.1",
        asked_after="branch_committee_reviewed",
        required_documents=(D.PRE_REVIEW_NOTICE,),
        documents_rule="A-13.2",
    ),
    Step(
        number=14,
        slug="application_form_completed",
        zh="填写入党志愿书",
        stage=4,
        after=frozenset({13}),
        order_rule="A-14.1",
        required_documents=(D.APPLICATION_FORM,),
    ),
    Step(
        number=15,
        slug="branch_meeting_admitted",
        zh="支部大会讨论接收",
        stage=4,
        after=frozenset({14}),
        order_rule="A-15.1",
        details=MeetingVote,
        check=checks.admitting_meeting,
        reports=("A-15.4", "A-15.2", "A-15.5"),
        again=sequence.until_approved,
        required_documents=(D.MEETING_MINUTES,),
    ),
    Step(
        number=16,
        slug="committee_interview_held",
        zh="上级党委派人谈话",
        stage=4,
        after=frozenset({15}),
        order_rule="A-16.1",
        ready=checks.admitting_meeting_passed,
        ready_reports=("A-15.3",),
        details=CommitteeInterview,
        check=checks.committee_interview,
        reports=("A-16.2",),
        taken_by=Taker.APPROVING_COMMITTEE,
        authority_rule="O-1",
        required_documents=(D.INTERVIEW_RECORD,),
    ),
    Step(
        number=17,
        slug="admission_approved",
        zh="上级党委审批",
        stage=4,
        after=frozenset({16}),
        order_rule="A-16.1",
        ready=checks.ready_for_approval,
        ready_reports=("A-15.3", "A-T.2"),
        details=AdmissionDecision,
        check=checks.admission_decision,
        reports=("A-17.2",),
        taken_by=Taker.APPROVING_COMMITTEE,
        authority_rule="A-17.1",
        asked_after="committee_interview_held",
        rejected_slug="admission_rejected",
        closes_on_rejection=True,
        registry=RegistryChange.ADMIT,
        window=windows.admission_decision,
    ),
    Step(
        number=18,
        slug="admission_filed",
        zh="报再上一级党委组织部门备案",
        stage=4,
        after=frozenset({17}),
        order_rule="A-18.1",
        taken_by=Taker.APPROVING_COMMITTEE,
        files_to=Addressee.ABOVE_APPROVING_COMMITTEE,
    ),
    Step(
        number=19,
        slug="assigned_to_branch_group",
        zh="编入党支部和党小组",
        stage=5,
        after=frozenset({17}),
        order_rule="A-19.1",
    ),
    Step(
        number=20,
        slug="oath_taken",
        zh="入党宣誓",
        stage=5,
        after=frozenset({17}),
        order_rule="A-20.1",
    ),
    Step(
        number=21,
        slug="probation_assessed",
        zh="继续教育考察",
        stage=5,
        after=frozenset({17}),
        order_rule="A-21.1",
        again=sequence.whenever,
    ),
    Step(
        number=22,
        slug="conversion_requested",
        zh="提出转正申请",
        stage=5,
        after=frozenset({17}),
        check=checks.conversion_request,
        reports=("A-22.1",),
        again=sequence.once_a_round,
        window=windows.conversion_request,
        required_documents=(D.CONVERSION_APPLICATION,),
    ),
    Step(
        number=23,
        slug="branch_meeting_converted",
        zh="支部大会讨论转正",
        stage=5,
        after=frozenset({22}),
        prerequisite=sequence.recorded_this_round,
        details=ConversionMeeting,
        check=checks.converting_meeting,
        reports=("A-23.1", "A-15.5", "A-23.2", "A-23.3"),
        again=sequence.until_decided_this_round,
        window=windows.converting_meeting,
        required_documents=(D.MEETING_MINUTES,),
    ),
    Step(
        number=24,
        slug="conversion_approved",
        zh="上级党委审批",
        stage=5,
        after=frozenset({23}),
        prerequisite=sequence.passed_this_round,
        details=ConversionDecision,
        again=sequence.after_new_meeting,
        taken_by=Taker.APPROVING_COMMITTEE,
        authority_rule="A-24.1",
        asked_after="branch_meeting_converted",
        rejected_slug="conversion_rejected",
        registry=RegistryChange.RESOLUTION,
        window=windows.conversion_decision,
    ),
    Step(
        number=25,
        slug="materials_archived",
        zh="材料归档",
        stage=5,
        after=frozenset({24}),
        prerequisite=sequence.recorded_this_round,
        check=checks.archive,
        reports=("A-25.1",),
        closes=CaseStatus.ARCHIVED,
    ),
)

BY_SLUG = {step.slug: step for step in STEPS}
BY_NUMBER = {step.number: step for step in STEPS}
BY_EVENT = {slug: step for step in STEPS for slug in step.event_slugs}
FIRST = STEPS[0]


@cache  # the records never change: F-ORDER asks this for every pair of steps of every case
def prerequisites(number: int) -> frozenset[int]:
    """Every step that ``number`` depends on, directly or through another step."""
    found: set[int] = set()
    pending = list(BY_NUMBER[number].after)
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending.extend(BY_NUMBER[current].after)
    return frozenset(found)
