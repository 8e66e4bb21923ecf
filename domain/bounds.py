"""The bounds of every input (issue 10): how long a string, how many items, how large a number, how
early or late a date a request may carry — in one place, for request fields and the value objects
a request fills alike. docs/api.md ("Limits") lists them.

The rule: **requests are strict, stored values are lenient.** A stored value object is validated
again each time its event is read back (``ValueObjectAsDict``), so a bound added to it would make
an event written before the bound unreadable. The value objects of ``domain/`` therefore keep the
constraints they were first stored with; the request models of ``api/`` carry the bounds below,
as the value object's request form (``request_form``) or as fields of their own. A bound that must
hold whatever the entry point — a number that a read model stores in an integer column, such as a
development plan (A-P) — is also a rule of the domain.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from copy import copy
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

import annotated_types
from pydantic import AfterValidator, BaseModel, Field, Strict, StringConstraints, create_model
from pydantic_core import PydanticCustomError

from domain.dates import business_date

M = TypeVar("M", bound=BaseModel)

# Lengths of strings, in characters.
NAME_MAX = 100  # a person's name
TITLE_MAX = 200  # an organization's name, a work unit, a user id, a choice, a short item
TEXT_MAX = 2000  # a comment, a reason, a special reason
EXCLUSION_REASON_MAX = 500  # why a voter is excluded from a ballot (as stored since E-5)
FILE_NAME_MAX = 255
# Sizes of lists.
DOCUMENTS_MAX = 20  # papers attached to one write
PEOPLE_MAX = 10  # contacts, introducers, interviewers, deputies
OPINIONS_MAX = 10  # groups heard before a development target is designated
ITEMS_MAX = 50  # areas and methods of a political review
CANDIDATES_MAX = 200  # candidates nominated; ballot lines; exclusions
# Ranges of numbers.
COUNT_MAX = 100_000  # people and votes: eligible, present, in favour …; a development plan (A-P)
SEATS_MAX = 99  # seats of a committee (E-1.1)
ROUNDS_MAX = 99  # rounds of one ballot
MONTHS_MAX = 120  # a term's extension (E-X.1 allows 12 in all), a probation's (6–12)
YEAR_MIN, YEAR_MAX = 1921, 2200  # the year of a development plan
TERM_YEARS_MAX = 10
PAGE_MAX = 100_000  # a page number (with per_page 500: 50 million rows)
PER_PAGE_MAX = 500
VERSION_MAX = 1_000_000  # an aggregate's version, as ?version= asks for it
# Dates: none before 1900; a business date never after today (Asia/Shanghai); a date that may lie
# ahead (a planned meeting, the end of a period asked for) within this century and the next.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)

# Characters a name never contains: controls (NUL, tab, newline …), format characters (zero-width
# spaces and joiners, direction marks), surrogates, private-use and unassigned code points, and
# line or paragraph separators. Free text may hold tabs and line breaks, never the rest of Cc or a
# surrogate (PostgreSQL cannot store a NUL in a text column).
_NOT_IN_NAMES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_TEXT_CONTROLS = frozenset("\t\n\r")


def _name(value: str) -> str:
    if any(unicodedata.category(c) in _NOT_IN_NAMES for c in value):
        raise PydanticCustomError(
            "name_characters",
            "a name contains no control, format, zero-width or unassigned characters",
        )
    return value


def _text(value: str) -> str:
    for c in value:
        if c not in _TEXT_CONTROLS and unicodedata.category(c) in ("Cc", "Cs"):
            raise PydanticCustomError(
                "text_characters", "text contains no control characters but tab and line breaks"
            )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "cannot be blank")
    return value


def today() -> date:
    """Today in Asia/Shanghai, by the system clock (the service's own clock in production)."""
    return business_date(datetime.now(UTC))


def _business_date(value: date) -> date:
    """A business date (DOMAIN.md §0): not before 1900, and never after today. A future date is
    the error ``date_in_future``, which the API answers with MF-FUTURE-DATE and the field."""
    _plausible(value)
    if value > today():
        raise PydanticCustomError(
            "date_in_future",
            "{day} is after today ({today}, Asia/Shanghai)",
            {"day": value.isoformat(), "today": today().isoformat()},
        )
    return value


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "a date from {earliest} to {latest}",
            {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return value


def _within(value: date | None) -> date | None:
    if value is not None:
        _plausible(value.date() if isinstance(value, datetime) else value)
    return value


_DATE_RANGE = {"formatMinimum": EARLIEST.isoformat()}

# Strings.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
    AfterValidator(_name),
]
"""A person's name: 1–100 characters once surrounding spaces are stripped, and no control,
format (zero-width) or unassigned character."""
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX),
    AfterValidator(_name),
]
"""An organization's name or a work unit: as a name, up to 200 characters."""
ShortText = Annotated[str, Field(max_length=TITLE_MAX), AfterValidator(_text)]
"""A user id, a choice among values, an item of a list: up to 200 characters."""
Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_text)]
"""A comment: up to 2000 characters; tabs and line breaks are the only control characters."""
Reason = Annotated[
    str, Field(min_length=1, max_length=TEXT_MAX), AfterValidator(_text), AfterValidator(_not_blank)
]
"""A reason that must be given: text of 1–2000 characters, not only spaces."""
ExclusionReason = Annotated[
    str,
    Field(min_length=1, max_length=EXCLUSION_REASON_MAX),
    AfterValidator(_text),
    AfterValidator(_not_blank),
]
FileName = Annotated[
    str,
    Field(min_length=1, max_length=FILE_NAME_MAX),
    AfterValidator(_name),
    AfterValidator(_not_blank),
]

# Numbers: strict, so that ``true`` is not 1 and ``"15"`` is not 15.
StrictBool = Annotated[bool, Strict()]
Count = Annotated[int, Strict(), Field(ge=0, le=COUNT_MAX)]
"""A number of people or of votes: 0 … 100 000."""
Seats = Annotated[int, Strict(), Field(ge=0, le=SEATS_MAX)]
Round = Annotated[int, Strict(), Field(ge=1, le=ROUNDS_MAX)]
Months = Annotated[int, Strict(), Field(ge=-MONTHS_MAX, le=MONTHS_MAX)]
Year = Annotated[int, Strict(), Field(ge=YEAR_MIN, le=YEAR_MAX)]
TermYears = Annotated[int, Strict(), Field(ge=1, le=TERM_YEARS_MAX)]

# Dates (ISO strings in JSON, which has no date type).
BusinessDate = Annotated[
    date,
    AfterValidator(_business_date),
    Field(json_schema_extra={**_DATE_RANGE, "x-formatMaximum": "today (Asia/Shanghai)"}),
]
"""A date on a paper record, or a person's birth date: 1900-01-01 … today (Asia/Shanghai)."""
PlausibleDate = Annotated[
    date,
    AfterValidator(_plausible),
    Field(json_schema_extra={**_DATE_RANGE, "formatMaximum": LATEST.isoformat()}),
]
"""A date that may lie ahead — a planned meeting, the end of a period asked for: 1900 … 2199."""
Within = AfterValidator(_within)
"""The range of a PlausibleDate for an optional date or timestamp of a query:
``Annotated[datetime | None, Within, Query(…)]``."""


def bounded_list(item: Any, most: int) -> Any:
    """A list of at most ``most`` items (a tuple in the value object)."""
    return Annotated[tuple[item, ...], Field(max_length=most)]


def request_form(cls: type[M], **bounds: Any) -> type[M]:
    """``cls`` as a request accepts it, named ``<cls>In``: each named field takes the bounded
    type given, and keeps the default, description and schema it has in ``cls``. A bound never
    loosens a constraint ``cls`` has, or what a request passes would fail as a value object."""
    fields = {name: (bound, copy(cls.model_fields[name])) for name, bound in bounds.items()}
    form: type[M] = create_model(  # type: ignore[call-overload]
        f"{cls.__name__}In", __base__=cls, __module__=cls.__module__, **fields
    )
    for name in bounds:
        _no_looser(cls.model_fields[name].metadata, form.model_fields[name].metadata, name)
    return form


_LOWER = (annotated_types.Ge, annotated_types.Gt, annotated_types.MinLen)
_UPPER = (annotated_types.Le, annotated_types.Lt, annotated_types.MaxLen)


def _no_looser(before: list[Any], after: list[Any], name: str) -> None:
    effective = {type(constraint): constraint for constraint in after}  # the last one applies
    for old in before:
        new = effective.get(type(old))
        if new is None:
            continue
        value, bound = _limit(old), _limit(new)
        if (isinstance(old, _LOWER) and bound < value) or (
            isinstance(old, _UPPER) and bound > value
        ):
            raise TypeError(f"{name}: {new} is looser than the value object's {old}")


def _limit(constraint: Any) -> Any:
    return getattr(constraint, dataclasses.fields(constraint)[0].name)
