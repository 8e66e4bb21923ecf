"""The decision form built from each decision step's record: its fields, their labels, and the
step route's body it posts."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from api.console.decision import APPROVE, REFUSE, decision_form
from api.console.i18n import STRINGS
from api.console.words import step_name
from domain.approvals import ASKED, CASE_DECISIONS, ELECTION_DECISIONS, ItemKey

DECISIONS = sorted(
    [step.slug for step in CASE_DECISIONS.values()]
    + [step.slug for step in ELECTION_DECISIONS.values()]
)
DAY = date(2024, 7, 1)


@pytest.mark.parametrize("slug", DECISIONS)
def test_every_decision_step_has_a_form_with_its_facts_labelled(slug: str) -> None:
    form = decision_form(ItemKey(uuid4(), slug, 1))

    for field in form.fields:  # each fact's input comes from its type; a missing label fails
        assert f"field.{field.name}" in STRINGS["zh"]
        assert f"field.{field.name}" in STRINGS["en"]


@pytest.mark.parametrize("slug", sorted(ASKED))
def test_every_item_names_its_step_in_chinese(slug: str) -> None:
    assert step_name(slug, "zh") != slug


def test_the_buttons_set_the_verdict_the_steps_facts_hold() -> None:
    form = decision_form(ItemKey(uuid4(), "admission_approved", 16))
    posted = {"comment": " 同意接收 ", "special_reason": "", "approved": "false"}

    approved = form.body(posted, APPROVE, DAY)
    refused = form.body({**posted, "special_reason": "本人出差"}, REFUSE, DAY)

    assert form.refusable
    assert [field.name for field in form.fields] == ["special_reason"]
    assert approved.model_dump()["approved"] is True  # the button, not a posted field
    assert approved.model_dump()["special_reason"] is None  # empty: the default
    assert approved.entry().comment == "同意接收"
    assert refused.model_dump()["approved"] is False
    assert refused.model_dump()["special_reason"] == "本人出差"


def test_the_pre_review_records_approval_only_and_asks_its_own_fact() -> None:
    form = decision_form(ItemKey(uuid4(), "pre_review_passed", 12))

    checked = form.body({"comment": "同意", "leaving_unit_within_3_months": "on"}, APPROVE, DAY)
    unchecked = form.body({"comment": "同意"}, APPROVE, DAY)

    assert not form.refusable
    assert [(f.name, f.widget) for f in form.fields] == [
        ("leaving_unit_within_3_months", "checkbox")
    ]
    assert checked.model_dump()["leaving_unit_within_3_months"] is True
    assert unchecked.model_dump()["leaving_unit_within_3_months"] is False
