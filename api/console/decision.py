"""The decision form of an item: one form a decision step, built from the step's record.

Its fields are the step's own facts (``details``), less the one that says yes or no
(``approved``: the approve and refuse buttons set it), and its comment. What the form posts is
turned into the very body the API's step route validates (``api.step_routes.step_body``) and into
the very command it sends (``step_command``), with the subject's version from the page as
If-Match: a decision taken meanwhile by someone else is refused with Conflict, and nothing is
recorded twice. A step whose facts have no ``approved`` (the pre-review, 13) records approval
only: the domain has no refusal of it, so the form offers none.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Union, get_args, get_origin

from api.schemas import EntryIn
from api.step_routes import MakeCommand, WorkflowStep, step_body, step_command
from domain.admission.steps import BY_SLUG
from domain.approvals import ItemKey, SubjectType
from domain.commands import Command, TakeElectionStep, TakeStep
from domain.elections.steps import ELECTION_STEP_BY_SLUG

VERDICT = "approved"  # the fact in which a decision's details say yes (True) or no (False)
APPROVE, REFUSE = "approve", "refuse"  # the values of the form's two buttons
COMMENT = "comment"  # the decision's comment: the event's own comment, as the API's body has it

Widget = Literal["checkbox", "text", "number"]
_WIDGETS: dict[type, Widget] = {bool: "checkbox", str: "text", int: "number"}


@dataclass(frozen=True, slots=True)
class FormField:
    """One of a step's facts as the form asks for it."""

    name: str
    widget: Widget
    required: bool


@dataclass(frozen=True, slots=True)
class DecisionForm:
    step: WorkflowStep
    make: MakeCommand  # the API's: TakeStep for a case, TakeElectionStep for an election

    @property
    def refusable(self) -> bool:
        return VERDICT in self.step.details.model_fields

    @property
    def fields(self) -> list[FormField]:
        """The step's facts besides the verdict, in the order its model declares them."""
        return [
            FormField(name, _widget(info.annotation), info.is_required())
            for name, info in self.step.details.model_fields.items()
            if name != VERDICT
        ]

    def body(self, form: Mapping[str, str], verdict: str, day: date) -> EntryIn:
        """The step route's body of what the form posted; ValidationError as the API refuses it."""
        values: dict[str, Any] = {"occurred_on": day, COMMENT: form.get(COMMENT, "").strip()}
        for field in self.fields:
            value = _value(field, form.get(field.name))
            if value is not None:
                values[field.name] = value
        if self.refusable:
            values[VERDICT] = verdict == APPROVE
        return step_body(self.step).model_validate(values)

    def command(self, key: ItemKey, body: EntryIn, version: int) -> Command:
        return step_command(self.make, key.subject_id, self.step, body, version)


def decision_form(key: ItemKey) -> DecisionForm:
    if key.subject_type is SubjectType.CASE:
        return DecisionForm(BY_SLUG[key.asked], TakeStep)
    return DecisionForm(ELECTION_STEP_BY_SLUG[key.asked], TakeElectionStep)


def _widget(annotation: Any) -> Widget:
    """The input of a fact of type bool, str or int (or one of them or None)."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    return _WIDGETS[annotation]


def _value(field: FormField, posted: str | None) -> object:
    """A checkbox is true when posted; an empty field is None, left out so that its default
    applies; an integer field's text is read as one when it is one, else passed on to be refused."""
    if field.widget == "checkbox":
        return posted is not None
    text = (posted or "").strip()
    if not text:
        return None
    if field.widget == "number" and text.lstrip("-").isdigit():
        return int(text)
    return text
