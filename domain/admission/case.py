"""The admission case: one person's road from application to full membership (DOMAIN.md §2)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import register_topic

from domain.admission import guards
from domain.admission.details import (
    AdmissionDecision,
    ConversionDecision,
    ConversionMeeting,
    ConversionOutcome,
    PoliticalReview,
    ReviewConclusion,
)
from domain.admission.steps import BY_EVENT, BY_SLUG, FIRST, Step
from domain.admission.values import (
    Applicant,
    CaseStatus,
    ExceptionRecord,
    Facts,
    StepRecord,
    TransferRecord,
)
from domain.context import Context
from domain.dates import add_months, add_years
from domain.errors import RulesBroken, Violation, refuse
from domain.members import Member
from domain.organizations import Organization
from domain.persons import Person
from domain.workflow import StepDetails


class AdmissionCase(Aggregate):
    @event("ApplicationSubmitted")
    def __init__(
        self,
        person_id: UUID,
        applicant: Applicant,
        branch_id: UUID,
        basis: str,
        branch_unit: str | None,
        earlier_case_id: UUID | None,
        context: Context,
    ) -> None:
        self.person_id = person_id
        self.earlier_case_id = earlier_case_id
        self.applicant = applicant
        self.branch_id = branch_id
        self.basis = basis
        self.branch_unit = branch_unit
        self.status = CaseStatus.OPEN
        self.records: list[StepRecord] = [
            StepRecord(FIRST.number, FIRST.slug, FIRST.slug, StepDetails(), context, (), 1)
        ]
        self.exceptions: list[ExceptionRecord] = []
        self.extensions: list[tuple[int, int]] = []  # (months, version)
        self.transfers: list[TransferRecord] = []
        self.closing: tuple[str, Context] | None = None

    @classmethod
    def submit(
        cls,
        *,
        person: Person,
        applicant: Applicant,
        branch: Organization,
        basis: str,
        context: Context,
        today: date,
    ) -> AdmissionCase:
        """Step 1: open a case for ``person`` at ``branch``, linked to the person's last case."""
        violations = guards.check_submission(applicant, basis, context, today)
        if violations:
            raise RulesBroken(violations)
        return cls(
            person_id=person.id,
            applicant=applicant,
            branch_id=branch.id,
            basis=basis,
            branch_unit=branch.unit,
            earlier_case_id=person.latest_case_id,
            context=context,
        )

    # Reading the case. Steps are named by their slugs.

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.OPEN

    @property
    def applied_on(self) -> date:
        return self.records[0].occurred_on

    def records_of(self, step: str) -> list[StepRecord]:
        assert step in BY_SLUG, step
        return [record for record in self.records if record.step == step]

    def latest(self, step: str) -> StepRecord | None:
        found = self.records_of(step)
        return found[-1] if found else None

    def has(self, step: str) -> bool:
        return self.latest(step) is not None

    @property
    def round_started_at(self) -> int:
        """The version of the last probation extension: a conversion round starts there."""
        return self.extensions[-1][1] if self.extensions else 0

    def in_current_round(self, step: str) -> list[StepRecord]:
        return [r for r in self.records_of(step) if r.version > self.round_started_at]

    @property
    def admitting_meeting(self) -> StepRecord | None:
        """The latest branch meeting on admission (step 15): the one that counts."""
        return self.latest("branch_meeting_admitted")

    @property
    def approval(self) -> StepRecord | None:
        approval = self.latest("admission_approved")
        return approval if approval and not approval.is_rejection else None

    @property
    def probation_start(self) -> date | None:
        """A-17.3: probation starts on the date of the branch meeting that admitted."""
        meeting = self.admitting_meeting
        return meeting.occurred_on if self.approval and meeting else None

    @property
    def probation_end(self) -> date | None:
        return self.probation_end_before(self.version + 1)

    def probation_end_before(self, version: int) -> date | None:
        """The end of probation as it stood before the event at ``version`` was recorded."""
        start = self.probation_start
        if start is None:
            return None
        extended = sum(months for months, at in self.extensions if at < version)
        return add_months(add_years(start, 1), extended)

    def resolution(self, decision: StepRecord) -> str | None:
        """What the conversion meeting that ``decision`` (step 24) answered had resolved."""
        meetings = [
            m for m in self.records_of("branch_meeting_converted") if m.version < decision.version
        ]
        details = meetings[-1].details if meetings else None
        return details.outcome if isinstance(details, ConversionMeeting) else None

    @property
    def converted(self) -> bool:
        """A-24.4: the committee approved a resolution to convert."""
        decision = self.latest("conversion_approved")
        return (
            decision is not None
            and not decision.is_rejection
            and self.resolution(decision) == ConversionOutcome.CONVERT
        )

    @property
    def party_standing_from(self) -> date | None:
        """A-24.3: party standing counts from the end of probation, once conversion is approved."""
        return self.probation_end if self.converted else None

    @property
    def pre_review_pending(self) -> bool:
        """A-T.2: moved, after its pre-review and before approval, to a branch under another
        approving committee, which has not pre-reviewed it since."""
        pre_review = self.latest("pre_review_passed")
        if pre_review is None or self.has("admission_approved"):
            return False
        return any(t.changes_committee and t.version > pre_review.version for t in self.transfers)

    def exceptions_open_for(self, slug: str) -> list[ExceptionRecord]:
        return [e for e in self.exceptions if e.step == slug and not e.used]

    # Commands.

    def take_step(self, step: Step, details: StepDetails, context: Context, facts: Facts) -> None:
        violations = guards.check_step(self, step, details, context, facts)
        waived = self._waivable(step, violations)
        remaining = [v for v in violations if v.rule.id not in waived and not v.advisory]
        if remaining:
            raise RulesBroken(remaining)
        self._record_step(
            slug=event_slug(step, details), details=details, context=context, waived=waived
        )
        self._follow_up(details, context)

    def _waivable(self, step: Step, violations: list[Violation]) -> tuple[str, ...]:
        """The rules of ``violations`` an exception granted for this step lets through; a final
        violation is beyond every exception (DOMAIN.md §0)."""
        granted = {e.rule for e in self.exceptions_open_for(step.slug)}
        return tuple(sorted({v.rule.id for v in violations if not v.final} & granted))

    def _follow_up(self, details: StepDetails, context: Context) -> None:
        """Events that a step's outcome brings with it, recorded in the same command."""
        if isinstance(details, PoliticalReview) and details.conclusion == ReviewConclusion.FAILED:
            self._terminate(reason="political review failed", rule="A-10.2", context=context)
        if isinstance(details, ConversionDecision) and details.approved:
            self._resolve_conversion(context)

    def _resolve_conversion(self, context: Context) -> None:
        """A-24.4: an approved extension or cancellation takes effect with the approval."""
        decision = self.records[-1]
        meeting = self.latest("branch_meeting_converted")
        details = meeting.details if meeting else None
        resolved = self.resolution(decision)
        if resolved == ConversionOutcome.EXTEND and isinstance(details, ConversionMeeting):
            self._extend_probation(months=details.extension_months or 0, context=context)
        elif resolved == ConversionOutcome.CANCEL:
            self._terminate(reason="probation cancelled", rule="A-24.4", context=context)

    @event("StepRecorded")
    def _record_step(
        self, slug: str, details: StepDetails, context: Context, waived: tuple[str, ...]
    ) -> None:
        step = BY_EVENT[slug]
        record = StepRecord(
            step.number, step.slug, slug, details, context, tuple(waived), self.version + 1
        )
        self.records.append(record)
        for rule_id in waived:
            exceptions = self.exceptions_open_for(step.slug)
            next(e for e in exceptions if e.rule == rule_id).used = True
        if record.is_rejection and step.closes_on_rejection:
            self.status = CaseStatus.REJECTED
        elif step.closes:
            self.status = step.closes

    def grant_exception(
        self, *, step: Step, rule_id: str, reason: str, context: Context, facts: Facts
    ) -> None:
        violations = guards.check_exception(self, step, rule_id, reason, context, facts)
        if violations:
            raise RulesBroken(violations)
        self._grant_exception(
            step=step.slug,
            rule=rule_id,
            reason=reason.strip(),
            approving_committee_id=facts.approving_committee_id,
            context=context,
        )

    class ExceptionGranted(Aggregate.Event):
        """DOMAIN.md §0: the approving committee lets one step through one hard rule.

        Version 2 names the committee that granted it (``approving_committee_id``, 批准机关):
        the case may move to a branch under another committee afterwards (A-T.2), whose
        committee is then not the one that decided (docs/OPERATIONS.md, upgrades with upcasting).
        """

        class_version = 2

        step: str
        rule: str
        reason: str
        approving_committee_id: UUID
        context: Context

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the committee. Every release has refused an exception
            unless its actor was a committee_official of the case's approving committee (O-1,
            ``guards.check_exception``), so that actor's organization is the committee."""
            state["approving_committee_id"] = state["context"].actor.organization_id

    @event(ExceptionGranted)
    def _grant_exception(
        self, step: str, rule: str, reason: str, approving_committee_id: UUID, context: Context
    ) -> None:
        self.exceptions.append(
            ExceptionRecord(step, rule, reason, approving_committee_id, context, self.version + 1)
        )

    def withdraw(self, *, reason: str, context: Context, today: date) -> None:
        guards.check_closing(self, context, today)
        self._withdraw(reason=reason, context=context)

    @event("Withdrawn")
    def _withdraw(self, reason: str, context: Context) -> None:
        self.status = CaseStatus.WITHDRAWN
        self.closing = (reason, context)

    def terminate(self, *, reason: str, context: Context, today: date) -> None:
        guards.check_closing(self, context, today)
        self._terminate(reason=reason, rule=None, context=context)

    @event("Terminated")
    def _terminate(self, reason: str, rule: str | None, context: Context) -> None:
        self.status = CaseStatus.TERMINATED
        self.closing = (reason, context)

    @event("ProbationExtended")
    def _extend_probation(self, months: int, context: Context) -> None:
        self.extensions.append((months, self.version + 1))

    def transfer(
        self,
        *,
        to_branch_id: UUID,
        from_committee_id: UUID,
        to_committee_id: UUID,
        context: Context,
        today: date,
    ) -> None:
        """A-T: the case moves to another branch; the approving committees on both sides are
        recorded, so that a move to another committee asks for its own pre-review (A-T.2)."""
        guards.check_closing(self, context, today)
        if to_branch_id == self.branch_id:
            raise refuse("A-T", "转入党支部与原党支部相同。", "The case is already in that branch.")
        self._transfer(
            from_branch_id=self.branch_id,
            to_branch_id=to_branch_id,
            context=context,
            from_committee_id=from_committee_id,
            to_committee_id=to_committee_id,
        )

    @event("Transferred")
    def _transfer(
        self,
        from_branch_id: UUID,
        to_branch_id: UUID,
        context: Context,
        from_committee_id: UUID | None = None,  # not recorded before A-T.2
        to_committee_id: UUID | None = None,
    ) -> None:
        self.transfers.append(
            TransferRecord(
                from_branch_id,
                to_branch_id,
                context,
                self.version + 1,
                from_committee_id,
                to_committee_id,
            )
        )
        self.branch_id = to_branch_id


# Cases stored before the domain was split into packages name their class by its old module.
register_topic("domain.admission:AdmissionCase", AdmissionCase)


def event_slug(step: Step, details: StepDetails) -> str:
    refused = isinstance(details, AdmissionDecision | ConversionDecision) and not details.approved
    return step.rejected_slug if refused and step.rejected_slug else step.slug


def admit_member(
    case: AdmissionCase, member_id: UUID, context: Context, earlier: Member | None
) -> Member:
    """O-3: an approved admission adds a probationary member to the registry.

    ``earlier`` is the person's record from a membership that was cancelled, if any. The record's
    id, ``member_id``, is the keyed id of the applicant (O-4; ``Identities.member_id``).
    """
    assert case.probation_start is not None
    if earlier is not None:
        earlier.readmit(case.branch_id, case.probation_start, case.id, context)
        return earlier
    return Member(
        id=member_id,
        name=case.applicant.name,
        birth_date=case.applicant.birth_date,
        branch_id=case.branch_id,
        joined_on=case.probation_start,
        full_since=None,
        rights_suspended=False,
        under_party_probation=False,
        admission_case_id=case.id,
        context=context,
        id_number=case.applicant.id_number,
    )
