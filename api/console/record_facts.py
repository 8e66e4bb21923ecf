"""A step's facts as the 纪实表 writes them on paper: each field of the step's details with its
label and its value in words (a vote's counts, the introducers' and contacts' names, a review's
conclusion …), in the reader's language.

The lines are made from the details' own fields, so a step that gains a fact shows it without a
change here; only its label is a new text (``record.field.<name>``, the field's name until then).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from api.console.i18n import STRINGS, Language, long_date
from domain.admission.details import MeetingVote
from domain.workflow import StepDetails

Fact = tuple[str, str]  # (label, value), both written out
NameOf = Callable[[UUID], str]  # a member's name, as the reader may see it

PASSED = "passed"  # the outcome of a meeting vote, written beside its counts
_EMPTY = (None, "", ())


def facts_of(details: StepDetails, language: Language, name_of: NameOf) -> list[Fact]:
    """Every fact of ``details`` that holds a value, labelled; a meeting's vote with its
    outcome."""
    words = STRINGS[language]
    values: dict[str, Any] = {name: value for name, value in details if value not in _EMPTY}
    if isinstance(details, MeetingVote):
        values[PASSED] = details.passed
    return [
        (words.get(f"record.field.{name}", name), _written(value, language, name_of))
        for name, value in values.items()
    ]


def _written(value: Any, language: Language, name_of: NameOf) -> str:
    words = STRINGS[language]
    if isinstance(value, bool):
        return words["record.yes" if value else "record.no"]
    if isinstance(value, date):
        return long_date(value, language)
    if isinstance(value, UUID):
        return name_of(value)
    if isinstance(value, str):
        return words.get(f"record.value.{value}", value)
    if isinstance(value, BaseModel):
        return _nested(value, language, name_of)
    if isinstance(value, tuple | list):
        return "、".join(_written(v, language, name_of) for v in value)
    return str(value)


def _nested(value: BaseModel, language: Language, name_of: NameOf) -> str:
    """A group heard and when, an interviewer and in which capacity: its values side by side.
    A registry link inside it (an interviewer's ``member_id``) is left out: the name beside it
    already says who."""
    parts = [v for _, v in value if v not in _EMPTY and not isinstance(v, UUID)]
    return " ".join(_written(v, language, name_of) for v in parts)
