"""The case page over HTTP: the track of the 25 steps, the events, the findings with their rule
ids, and the step form — the API's own body and command, with the page's version as If-Match;
a hard rule's refusal shown with its rule id and article, nothing recorded; a stale version
answered 已被他人处理; a case outside the jurisdiction 404, as ``GET /admissions/{id}``."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from api.console.step_form import StepForm
from domain.admission.steps import STEPS, Step
from domain.commands import TakeStep
from tests.console.items import item_key
from tests.console.reading import page_of, texts
from tests.console.signing import csrf_of, sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

FORM_DAY = date(2024, 7, 10)  # the day of step 14 (application_form_completed) on the clean path


@pytest.fixture
def form_due(world: World) -> UUID:
    """李四's case, pre-reviewed and waiting for its application form (14), on 2024-07-10."""
    case_id = world.case_before(14, name="李四")
    world.clock.set_day(FORM_DAY)
    return case_id


def _page(console: TestClient, case_id: UUID) -> httpx.Response:
    page = console.get(f"/console/cases/{case_id}")
    assert page.status_code == 200, page.text
    return page


def _record(console: TestClient, case_id: UUID, slug: str, **fields: Any) -> httpx.Response:
    """The step's form posted from the case page, with its CSRF value and version."""
    page = _page(console, case_id)
    [form] = [f for f in page_of(page).marked("step-form") if f.attrs["data-step"] == slug]
    version = page.text.split('name="version" value="', 1)[1].split('"', 1)[0]
    data = {"csrf": csrf_of(page), "version": version, "occurred_on": FORM_DAY.isoformat()}
    assert form.one("record-step")
    return console.post(f"/console/cases/{case_id}/steps/{slug}", data={**data, **fields})


def test_the_track_marks_every_step_done_next_or_not_yet(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    steps = page_of(_page(console, waiting_case)).marked("track-step")

    states = {step.attrs["data-step"]: step.attrs["data-state"] for step in steps}
    assert len(states) == 25
    assert [states[s] for s in ("application_submitted", "branch_committee_reviewed")] == [
        "done",
        "done",
    ]
    assert states["pre_review_passed"] == "next"
    assert states["materials_archived"] == "later"
    pre_review = next(s for s in steps if s.attrs["data-step"] == "pre_review_passed")
    assert pre_review.text == "13. 上级党委预审 （可办理）"  # in words, not colour alone


def test_timeline_rows_show_the_step_date_and_who_recorded_it(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    page = _page(console, waiting_case)

    rows = page_of(page).marked("timeline-event")
    assert len(rows) == world.case(waiting_case).version
    first = rows[0]
    assert first.one("event-step").text == "递交入党申请书"
    assert "党支部书记" in first.one("event-actor").text
    occurred_on = world.case(waiting_case).records[0].occurred_on
    assert (
        first.one("event-date").text
        == f"{occurred_on.year}年{occurred_on.month}月{occurred_on.day}日"
    )
    assert texts(page, "stage") == ["预备党员的接收"]  # as GET /admissions/{id} names it
    assert any(text.startswith("13. 上级党委预审") for text in texts(page, "next-step"))


def test_discipline_staff_see_the_audit_timeline(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "inspector")
    page = _page(console, waiting_case)

    assert "时间线" in page.text
    assert len(page_of(page).marked("timeline-event")) == world.case(waiting_case).version
    assert page_of(page).marked("step-form") == []  # the inspector records no step


def test_findings_show_their_rule_id_article_and_sentence(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    world.clock.set_day(date(2024, 7, 1))
    world.step(waiting_case, "pre_review_passed", by="official", documents=())  # no notice
    sign_in_as(console, world, "secretary")
    page = _page(console, waiting_case)

    findings = texts(page, "finding")
    docs = next(text for text in findings if text.startswith("F-DOCS A-13.2"))
    assert docs.startswith("F-DOCS A-13.2（细则 Art. 19 (inferred)） 缺少材料")  # id, article
    newest = page_of(page).marked("timeline-event")[-1]
    assert "F-DOCS A-13.2" in newest.one("event-findings").text  # raised there


def test_the_step_form_records_the_apis_step(
    console: TestClient, world: World, form_due: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    version = world.case(form_due).version
    page = _page(console, form_due)
    [form] = [
        f
        for f in page_of(page).marked("step-form")
        if f.attrs["data-step"] == "application_form_completed"
    ]
    assert "A-14.1" in form.one("rules-checked").text  # the rules it will be checked against

    answer = _record(console, form_due, "application_form_completed", comment="已填写")

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == (
        f"/console/cases/{form_due}?done=recorded&step=application_form_completed"
    )
    case = world.case(form_due)
    assert case.version == version + 1
    assert case.records[-1].slug == "application_form_completed"
    shown = console.get(answer.headers["location"])
    assert texts(shown, "done") == ["已记录：填写入党志愿书。"]
    last = page_of(shown).marked("timeline-event")[-1]
    assert last.one("event-step").text == "填写入党志愿书"
    assert "secretary" in last.one("event-actor").text


def test_a_hard_rule_refusal_shows_its_rule_and_article_and_records_nothing(
    console: TestClient, world: World, form_due: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    version = world.case(form_due).version

    answer = _record(
        console, form_due, "application_form_completed", occurred_on="2024-07-11", comment="早"
    )

    assert answer.status_code == 422
    [violation] = texts(answer, "violation")
    assert violation.startswith("MF-FUTURE-DATE （DOMAIN.md §0）")
    assert "业务日期不能晚于今天" in violation
    assert world.case(form_due).version == version
    assert 'value="2024-07-11"' in answer.text  # what was typed is kept


def test_a_stale_version_is_already_handled_and_records_nothing(
    console: TestClient, world: World, form_due: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    page = _page(console, form_due)
    version = world.case(form_due).version
    world.step(form_due, "application_form_completed", on=FORM_DAY)  # someone else, meanwhile

    answer = console.post(
        f"/console/cases/{form_due}/steps/application_form_completed",
        data={"csrf": csrf_of(page), "version": str(version), "occurred_on": "2024-07-10"},
    )

    assert answer.status_code == 409
    assert "已被他人处理" in answer.text
    assert world.case(form_due).version == version + 1


def test_a_case_outside_the_jurisdiction_is_not_found(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "secretary2")
    assert console.get(f"/console/cases/{waiting_case}").status_code == 404
    api = console.get(
        f"/admissions/{waiting_case}",
        headers={"Authorization": f"Bearer {token_for(world, 'secretary2')}"},
    )
    assert api.status_code == 404  # as the API answers


def test_the_inbox_and_the_item_lead_to_the_case(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "official")
    inbox = console.get("/console/inbox")
    item = console.get(f"/console/items/{item_key(world, waiting_case, 'pre_review_passed')}")

    expected = f"/console/cases/{waiting_case}"
    assert expected in {link.attrs["href"] for link in page_of(inbox).marked("open-case")}
    assert page_of(item).one("open-case").attrs["href"] == expected


@pytest.mark.parametrize("step", STEPS[1:], ids=lambda step: step.slug)
def test_every_steps_form_asks_for_each_required_fact(step: Step) -> None:
    form = StepForm(step, TakeStep)
    asked = {field.name for field in form.fields}
    required = {n for n, info in form.step.details.model_fields.items() if info.is_required()}
    assert required <= asked
