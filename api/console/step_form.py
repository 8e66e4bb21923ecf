"""A step's form, built from the step's record: one labelled input for each of its own facts
(``details``), chosen by the fact's type, and what the form posts turned into the very body the
API's step route validates (``api.step_routes.step_body``) and the very command it sends
(``step_command``), with the subject's version from the page as If-Match.

The decision form of an inbox item (``decision.py``) and the case page's step form
(``case_page.py``) are both built on it.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin
from uuid import UUID

from api.schemas import EntryIn
from api.step_routes import MakeCommand, WorkflowStep, step_body, step_command
from domain.commands import Command

COMMENT = "comment"  # the event's own comment, as the API's body has it

Widget = Literal["checkbox", "text", "number", "lines"]
_WIDGETS: dict[object, Widget] = {
    bool: "checkbox",
    str: "text",
    int: "number",
    tuple[str, ...]: "lines",  # one a line: areas, methods …
    tuple[UUID, ...]: "lines",  # one id a line: contacts, introducers
}


@dataclass(frozen=True, slots=True)
class FormField:
    """One of a step's facts as the form asks for it."""

    name: str
    widget: Widget
    required: bool


@dataclass(frozen=True, slots=True)
class StepForm:
    step: WorkflowStep
    make: MakeCommand  # the API's: TakeStep for a case, TakeElectionStep for an election
    set_apart: frozenset[str] = frozenset()  # facts the form sets otherwise (a button)

    @property
    def fields(self) -> list[FormField]:
        """The step's facts, less those set apart, in the order its model declares them. A fact
        no input can hold (a list of interviewers, of opinions heard) is left out: it is optional,
        and the API records it (a test checks that no required fact is left out)."""
        found = []
        for name, info in self.step.details.model_fields.items():
            widget = _widget(info.annotation)
            if name not in self.set_apart and widget is not None:
                found.append(FormField(name, widget, info.is_required()))
        return found

    def body(self, form: Mapping[str, str], fixed: Mapping[str, object]) -> EntryIn:
        """The step route's body of what the form posted, with ``fixed`` (the date, a verdict)
        over it; ValidationError as the API refuses it."""
        values: dict[str, Any] = {}
        comment = form.get(COMMENT, "").strip()
        if comment:
            values[COMMENT] = comment
        for field in self.fields:
            value = _value(field, form.get(field.name))
            if value is not None:
                values[field.name] = value
        return step_body(self.step).model_validate({**values, **fixed})

    def command(self, subject_id: UUID, body: EntryIn, version: int) -> Command:
        return step_command(self.make, subject_id, self.step, body, version)


def _widget(annotation: Any) -> Widget | None:
    """The input of a fact of type bool, str, int or a tuple of texts or ids (or one of them or
    None); None for any other."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    return _WIDGETS.get(annotation)


def _value(field: FormField, posted: str | None) -> object:
    """A checkbox is true when posted; an empty field is None, left out so that its default
    applies; lines are a list, one value a line; an integer field's text is read as one when it is
    one, else passed on to be refused."""
    if field.widget == "checkbox":
        return posted is not None
    text = (posted or "").strip()
    if not text:
        return None
    if field.widget == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if field.widget == "number" and text.lstrip("-").isdigit():
        return int(text)
    return text
