"""The decision form of an item: one form a decision step, built from the step's record
(``step_form.StepForm``).

Its fields are the step's own facts (``details``), less the one that says yes or no
(``approved``: the approve and refuse buttons set it), and its comment. What the form posts is
turned into the very body the API's step route validates and into the very command it sends, with
the subject's version from the page as If-Match: a decision taken meanwhile by someone else is
refused with Conflict, and nothing is recorded twice. A step whose facts have no ``approved`` (the
pre-review, 13) records approval only: the domain has no refusal of it, so the form offers none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from api.console.step_form import FormField, StepForm
from api.schemas import EntryIn
from api.step_routes import MakeCommand, WorkflowStep
from domain.admission.steps import BY_SLUG
from domain.approvals import ItemKey, SubjectType
from domain.commands import Command, TakeElectionStep, TakeStep
from domain.elections.steps import ELECTION_STEP_BY_SLUG

VERDICT = "approved"  # the fact in which a decision's details say yes (True) or no (False)
APPROVE, REFUSE = "approve", "refuse"  # the values of the form's two buttons


@dataclass(frozen=True, slots=True)
class DecisionForm:
    step: WorkflowStep
    make: MakeCommand  # the API's: TakeStep for a case, TakeElectionStep for an election

    @property
    def refusable(self) -> bool:
        return VERDICT in self.step.details.model_fields

    @property
    def form(self) -> StepForm:
        return StepForm(self.step, self.make, frozenset({VERDICT}))

    @property
    def fields(self) -> list[FormField]:
        """The step's facts besides the verdict, in the order its model declares them."""
        return self.form.fields

    def body(self, form: Mapping[str, str], verdict: str, day: date) -> EntryIn:
        """The step route's body of what the form posted; ValidationError as the API refuses it."""
        fixed: dict[str, object] = {"occurred_on": day}
        if self.refusable:
            fixed[VERDICT] = verdict == APPROVE
        return self.form.body(form, fixed)

    def command(self, key: ItemKey, body: EntryIn, version: int) -> Command:
        return self.form.command(key.subject_id, body, version)


def decision_form(key: ItemKey) -> DecisionForm:
    if key.subject_type is SubjectType.CASE:
        return DecisionForm(BY_SLUG[key.asked], TakeStep)
    return DecisionForm(ELECTION_STEP_BY_SLUG[key.asked], TakeElectionStep)
