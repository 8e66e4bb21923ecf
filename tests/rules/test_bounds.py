"""The bounds of an input (domain/bounds.py, issue 10), and the one that is also a rule of the
domain: a development plan (A-P) within 0 … 100 000, whatever the entry point."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from api.schemas import facts_of
from api.step_facts import STEP_FACTS, MeetingVoteIn
from domain.admission.details import MeetingVote
from domain.bounds import (
    COUNT_MAX,
    LATEST,
    BusinessDate,
    Count,
    FileName,
    Name,
    PlausibleDate,
    Reason,
    StrictBool,
    Text,
    request_form,
    today,
)
from domain.commands import Entry, SetDevelopmentPlan
from domain.errors import RulesBroken
from tests.support.world import World


def error_of(kind: Any, value: Any) -> str:
    """The pydantic error type ``value`` raises as ``kind``."""
    with pytest.raises(ValidationError) as excinfo:
        TypeAdapter(kind).validate_python(value)
    return str(excinfo.value.errors()[0]["type"])


@pytest.mark.parametrize(
    "value",
    ["", "   ", "\u3000", "\u200b", "\u200d", "\ufeff", "\x00", "张\x00三", "a\nb", "李" * 101],
)
def test_a_name_is_refused_when_blank_invisible_or_controlled(value: str) -> None:
    error_of(Name, value)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("张三", "张三"),
        ("  欧阳·娜娜 ", "欧阳·娜娜"),
        ("Zhang San", "Zhang San"),
        ("李" * 100, "李" * 100),
    ],
)
def test_a_name_is_taken_without_its_surrounding_spaces(value: str, stored: str) -> None:
    assert TypeAdapter(Name).validate_python(value) == stored


def test_text_keeps_line_breaks_and_tabs_but_no_other_control_character() -> None:
    assert TypeAdapter(Text).validate_python("一\n二\r\n\t三") == "一\n二\r\n\t三"
    assert error_of(Text, "好\x00") == "text_characters"
    assert error_of(Text, "\ud800") == "string_unicode"  # a lone surrogate
    assert error_of(Text, "字" * 2001) == "string_too_long"
    assert error_of(Reason, " \n ") == "blank"
    assert error_of(FileName, "a\tb.pdf") == "name_characters"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (True, "int_type"),
        ("15", "int_type"),
        (15.0, "int_type"),
        (-1, "greater_than_equal"),
        (COUNT_MAX + 1, "less_than_equal"),
        (10**400, "less_than_equal"),
    ],
)
def test_a_count_is_a_strict_integer_within_its_range(value: Any, error: str) -> None:
    assert error_of(Count, value) == error


def test_a_flag_is_a_strict_boolean() -> None:
    assert TypeAdapter(StrictBool).validate_python(False) is False
    assert error_of(StrictBool, "false") == "bool_type"
    assert error_of(StrictBool, 0) == "bool_type"


def test_a_business_date_lies_between_1900_and_today() -> None:
    assert TypeAdapter(BusinessDate).validate_python(today().isoformat()) == today()
    assert TypeAdapter(BusinessDate).validate_python("1900-01-01") == date(1900, 1, 1)
    assert error_of(BusinessDate, "0001-01-01") == "date_out_of_range"
    assert error_of(BusinessDate, "1899-12-31") == "date_out_of_range"
    assert error_of(BusinessDate, (today() + timedelta(days=1)).isoformat()) == "date_in_future"
    # A date that may lie ahead is bounded by the calendar only.
    assert TypeAdapter(PlausibleDate).validate_python(LATEST.isoformat()) == LATEST
    assert error_of(PlausibleDate, "2200-01-01") == "date_out_of_range"


class Stored(BaseModel):
    count: int = Field(default=0, ge=1, le=10, description="as stored")


def test_a_request_form_keeps_the_field_and_never_loosens_it() -> None:
    form = request_form(Stored, count=Annotated[int, Field(le=5)])
    assert form.__name__ == "StoredIn"
    assert form.model_fields["count"].description == "as stored"
    assert error_of(form, {"count": 0}) == "greater_than_equal"  # the value object's ge=1 holds
    assert error_of(form, {"count": 6}) == "less_than_equal"
    with pytest.raises(TypeError, match="looser"):
        request_form(Stored, count=Annotated[int, Field(le=11)])


def test_every_step_with_facts_has_a_request_form_that_turns_back_into_its_value_object() -> None:
    assert len(STEP_FACTS) == 16
    body = MeetingVoteIn(eligible=20, present=15, in_favour=15)
    facts = facts_of(MeetingVote, body)
    assert type(facts) is MeetingVote
    assert facts == MeetingVote(eligible=20, present=15, in_favour=15)


def test_a_stored_value_object_stays_lenient() -> None:
    """What events written before the bounds hold must still load (docs/api.md, Limits)."""
    stored = {"eligible": 10**30, "present": 10**30, "in_favour": 10**30}
    assert MeetingVote.model_validate(stored).eligible == 10**30


# A-P: the development plan is bounded by the domain too, so that no command path can store a
# number a read model cannot hold.


def plan(world: World, admissions: int, year: int = 2025) -> None:
    world.clock.set_day(date(2025, 1, 5))
    command = SetDevelopmentPlan(world.ids["pc"], year, admissions, Entry(date(2025, 1, 5)))
    world.run(command, "official")  # of the primary committee, which approves admissions


@pytest.mark.parametrize(
    ("admissions", "year"), [(10**30, 2025), (COUNT_MAX + 1, 2025), (5, 10**30)]
)
def test_A_P_a_plan_out_of_range_is_refused_by_the_domain(
    world: World, admissions: int, year: int
) -> None:
    with pytest.raises(RulesBroken) as refused:
        plan(world, admissions, year)
    assert refused.value.first.rule.id == "A-P"
    assert world.memberflow.organizations.organization(world.ids["pc"]).development_plans == {}


def test_A_P_the_largest_plan_is_taken(world: World) -> None:
    plan(world, COUNT_MAX)
    assert world.memberflow.organizations.organization(world.ids["pc"]).development_plans == {
        2025: COUNT_MAX
    }
