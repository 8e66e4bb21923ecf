"""The steps of a term-change election after the request (DOMAIN.md §4): one record per step.

Each record declares when the step can be taken (``ready``, after which event) and the rules that
reports, the facts it records and the check it runs on them with the rule ids it may report, who
takes it and on which authority, whether it waits in the parent's inbox (§5), its negative
outcome, and whether it ends the election. The timeline's "rules checked", the next steps and the
inbox read these records; no step number appears in logic anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.elections import checks
from domain.elections.checks import Check, Readiness
from domain.elections.details import Ballot, Decision, Nomination, Officers
from domain.elections.values import ElectionStatus
from domain.workflow import StepDetails

# The hard rules checked when the election is requested (guards.check_request), for audit views.
REQUEST_RULES: tuple[str, ...] = (
    "MF-FUTURE-DATE",
    "MF-OWN-ORG",
    "MF-NO-TERM",
    "E-2.1",
    "E-1.1",
    "E-1.4",
)


class Taker(StrEnum):
    """Who takes an election step (DOMAIN.md §4, "who")."""

    OWN_ORGANIZATION = "own_organization"  # the outgoing or new committee, its meeting
    PARENT = "parent"  # the higher party organization


@dataclass(frozen=True, slots=True, kw_only=True)
class ElectionStep:
    number: int
    slug: str
    zh: str
    ready: Readiness  # whether it can be taken now …
    ready_reports: tuple[str, ...] = ("MF-STEP-ORDER",)  # … and the rules that reports
    details: type[StepDetails] = StepDetails  # the facts it records
    check: Check | None = None  # its own rules on those facts …
    reports: tuple[str, ...] = ()  # … which may report these rule ids
    taken_by: Taker = Taker.OWN_ORGANIZATION
    authority_rule: str = "MF-OWN-ORG"  # refused with this rule when anyone else takes it
    asked_after: str | None = None  # a decision: it waits in the parent's inbox after this
    rejected_slug: str | None = None  # the event of its negative outcome
    closes: ElectionStatus | None = None  # the election's status once it is recorded
    closes_on_rejection: bool = False  # its negative outcome ends the election (REJECTED)

    @property
    def rules_checked(self) -> tuple[str, ...]:
        """Every hard rule checked when the step is taken, in the order they are checked."""
        found = ["MF-ELECTION-CLOSED", "MF-FUTURE-DATE", self.authority_rule]
        found += [*self.ready_reports, *self.reports]
        return tuple(dict.fromkeys(found))

    @property
    def event_slugs(self) -> tuple[str, ...]:
        return (self.slug, self.rejected_slug) if self.rejected_slug else (self.slug,)


ELECTION_STEPS: tuple[ElectionStep, ...] = (
    ElectionStep(
        number=2,
        slug="election_request_approved",
        zh="上级批复",
        ready=checks.after("election_requested"),
        details=Decision,
        taken_by=Taker.PARENT,
        authority_rule="E-2.1",
        asked_after="election_requested",
        rejected_slug="election_request_rejected",
        closes_on_rejection=True,
    ),
    ElectionStep(
        number=3,
        slug="candidates_nominated",
        zh="候选人初步人选",
        ready=checks.after("election_request_approved", "candidate_list_rejected"),
        details=Nomination,
        check=checks.nomination,
        reports=("E-3.1",),
    ),
    ElectionStep(
        number=4,
        slug="candidate_list_approved",
        zh="预备人选报上级审查同意",
        ready=checks.after("candidates_nominated"),
        details=Decision,
        check=checks.candidate_list,  # E-4.2, but one a seat where only officers are elected
        reports=("E-4.2",),
        taken_by=Taker.PARENT,
        authority_rule="E-4.1",
        asked_after="candidates_nominated",
        rejected_slug="candidate_list_rejected",
    ),
    ElectionStep(
        number=5,
        slug="election_held",
        zh="党员大会选举",
        ready=checks.ballot_ready,
        ready_reports=("E-5.1", "E-5.4"),
        details=Ballot,
        check=checks.ballot,
        reports=("MF-STEP-ORDER", "E-5.2", "E-5.3", "E-5.4", "E-3.1"),
    ),
    ElectionStep(
        number=6,
        slug="officers_elected",
        zh="选举书记、副书记",
        ready=checks.officers_ready,
        details=Officers,
        check=checks.officers,
        reports=("E-6.1",),
    ),
    ElectionStep(
        number=7,
        slug="results_reported",
        zh="选举结果报告",
        ready=checks.after("officers_elected", rule="E-7.1"),
        ready_reports=("E-7.1",),
    ),
    ElectionStep(
        number=8,
        slug="officers_approved",
        zh="批准书记、副书记",
        ready=checks.after("results_reported"),
        details=Decision,
        taken_by=Taker.PARENT,
        authority_rule="E-8.1",
        asked_after="results_reported",
        rejected_slug="officers_rejected",
        closes=ElectionStatus.COMPLETED,
    ),
)
ELECTION_STEP_BY_SLUG = {step.slug: step for step in ELECTION_STEPS}
ELECTION_STEP_BY_EVENT = {slug: step for step in ELECTION_STEPS for slug in step.event_slugs}
