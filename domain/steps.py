"""The 25 steps of member development in 5 stages (DOMAIN.md §2), as a catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.context import DocumentKind
from domain.step_details import (
    ActivistDesignation,
    AdmissionDecision,
    ContactsAssignment,
    ConversionMeeting,
    IntroducersAssignment,
    MeetingVote,
    PoliticalReview,
    PreReview,
    StepDetails,
    TargetDesignation,
    Training,
)


@dataclass(frozen=True, slots=True)
class Stage:
    number: int
    slug: str
    zh: str


STAGES = {
    1: Stage(1, "applicant", "入党申请人"),
    2: Stage(2, "activist", "入党积极分子"),
    3: Stage(3, "development_target", "发展对象"),
    4: Stage(4, "admission", "预备党员的接收"),
    5: Stage(5, "probation", "预备党员的教育考察和转正"),
}


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    slug: str
    zh: str
    stage: int
    after: frozenset[int] = frozenset()
    order_rule: str = "MF-STEP-ORDER"
    details: type[StepDetails] = StepDetails
    repeatable: bool = False
    authority_rule: str | None = None  # taken only by the approving committee (O-1)
    required_documents: tuple[DocumentKind, ...] = field(default=())


def _step(
    number: int, slug: str, zh: str, stage: int, after: tuple[int, ...] = (), **options: object
) -> Step:
    return Step(number, slug, zh, stage, frozenset(after), **options)  # type: ignore[arg-type]


D = DocumentKind
STEPS: tuple[Step, ...] = (
    _step(
        1, "application_submitted", "递交入党申请书", 1, required_documents=(D.APPLICATION_LETTER,)
    ),
    _step(
        2,
        "applicant_interviewed",
        "党组织派人谈话",
        1,
        (1,),
        order_rule="A-2.1",
        required_documents=(D.INTERVIEW_RECORD,),
    ),
    _step(
        3,
        "activist_designated",
        "推荐和确定入党积极分子",
        2,
        (2,),
        order_rule="A-3.1",
        details=ActivistDesignation,
    ),
    _step(4, "activist_filed", "报上级党委备案", 2, (3,), order_rule="A-4.1"),
    _step(5, "contacts_assigned", "指定培养联系人", 2, (3,), details=ContactsAssignment),
    _step(
        6,
        "activist_assessed",
        "培养教育考察",
        2,
        (3,),
        repeatable=True,
        required_documents=(D.CULTIVATION_RECORD,),
    ),
    _step(7, "development_target_designated", "确定发展对象", 3, (5,), details=TargetDesignation),
    _step(8, "development_target_filed", "报上级党委备案", 3, (7,), order_rule="A-8.1"),
    _step(9, "introducers_assigned", "确定入党介绍人", 3, (7,), details=IntroducersAssignment),
    _step(
        10,
        "political_review_concluded",
        "政治审查",
        3,
        (7,),
        details=PoliticalReview,
        required_documents=(D.POLITICAL_REVIEW,),
    ),
    _step(
        11,
        "training_completed",
        "短期集中培训",
        3,
        (7,),
        details=Training,
        required_documents=(D.TRAINING_RECORD,),
    ),
    _step(
        12, "branch_committee_reviewed", "支部委员会审查", 4, (7, 8, 9, 10, 11), order_rule="A-12.1"
    ),
    _step(
        13,
        "pre_review_passed",
        "上级党委预审",
        4,
        (12,),
        order_rule="A-13.1",
        details=PreReview,
        authority_rule="A-13.1",
        required_documents=(D.PRE_REVIEW_NOTICE,),
    ),
    _step(
        14,
        "application_form_completed",
        "填写入党志愿书",
        4,
        (13,),
        order_rule="A-14.1",
        required_documents=(D.APPLICATION_FORM,),
    ),
    _step(
        15,
        "branch_meeting_admitted",
        "支部大会讨论接收",
        4,
        (14,),
        order_rule="A-15.1",
        details=MeetingVote,
        repeatable=True,
        required_documents=(D.MEETING_MINUTES,),
    ),
    _step(
        16,
        "committee_interview_held",
        "上级党委派人谈话",
        4,
        (15,),
        order_rule="A-16.1",
        authority_rule="O-1",
        required_documents=(D.INTERVIEW_RECORD,),
    ),
    _step(
        17,
        "admission_approved",
        "上级党委审批",
        4,
        (16,),
        order_rule="A-16.1",
        details=AdmissionDecision,
        authority_rule="A-17.1",
    ),
    _step(18, "admission_filed", "报再上一级党委组织部门备案", 4, (17,), order_rule="A-18.1"),
    _step(19, "assigned_to_branch_group", "编入党支部和党小组", 5, (17,), order_rule="A-19.1"),
    _step(20, "oath_taken", "入党宣誓", 5, (17,), order_rule="A-20.1"),
    _step(21, "probation_assessed", "继续教育考察", 5, (17,), order_rule="A-21.1", repeatable=True),
    _step(
        22,
        "conversion_requested",
        "提出转正申请",
        5,
        (17,),
        repeatable=True,
        required_documents=(D.CONVERSION_APPLICATION,),
    ),
    _step(
        23,
        "branch_meeting_converted",
        "支部大会讨论转正",
        5,
        (22,),
        details=ConversionMeeting,
        repeatable=True,
        required_documents=(D.MEETING_MINUTES,),
    ),
    _step(24, "conversion_approved", "上级党委审批", 5, (23,), authority_rule="A-24.1"),
    _step(25, "materials_archived", "材料归档", 5, (24,)),
)

BY_SLUG = {step.slug: step for step in STEPS}
BY_NUMBER = {step.number: step for step in STEPS}

# what the archive must hold.
ARCHIVE_DOCUMENTS = (
    D.APPLICATION_FORM,
    D.APPLICATION_LETTER,
    D.POLITICAL_REVIEW,
    D.CONVERSION_APPLICATION,
    D.CULTIVATION_RECORD,
)


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
