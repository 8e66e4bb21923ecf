"""Acting on an inbox item from the console, over HTTP: claiming, assigning and commenting, and
deciding with one form — each the API's own command through the command bus, as the signed-in
user; refusals shown on the page with their rule; a stale version answered 已被他人处理 with
nothing recorded."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from domain.approvals import election_items
from domain.elections.values import ElectionStatus
from projections.service import ReadModels
from tests.console.items import item_key
from tests.console.reading import page_of, texts
from tests.console.signing import csrf_of, sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")


@pytest.fixture
def pre_review(world: World, waiting_case: UUID) -> str:
    return item_key(world, waiting_case, "pre_review_passed")


@pytest.fixture
def election_request(world: World, read_models: ReadModels) -> str:
    """The branch's election request, waiting for 市财政局机关党委's answer (E-2.1)."""
    world.clock.set_day(date(2024, 7, 1))
    election_id = world.request_election(date(2024, 7, 1), date(2024, 8, 20))
    read_models.catch_up()
    return str(election_items(world.memberflow.organizations.election(election_id))[0].key)


def _post(console: TestClient, key: str, action: str, **fields: Any) -> httpx.Response:
    """``action``'s form posted from the item's page, with the page's CSRF value and version."""
    page = console.get(f"/console/items/{key}")
    assert page.status_code == 200, page.text
    form = {"csrf": csrf_of(page), **fields}
    if action == "decision":
        form["version"] = _version(page.text)
    return console.post(f"/console/items/{key}/{action}", data=form)


def _version(html: str) -> str:
    marker = 'name="version" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


# Claim, assign, comment: the API's commands, as the signed-in user.


def test_claiming_assigning_and_commenting_record_the_apis_commands(
    console: TestClient, world: World, pre_review: str
) -> None:
    sign_in_as(console, world, "official")

    claimed = _post(console, pre_review, "claim")
    assigned = _post(console, pre_review, "assign", to="official2")
    commented = _post(console, pre_review, "comment", text="材料齐全，建议通过")

    for answer, done in ((claimed, "claimed"), (assigned, "assigned"), (commented, "commented")):
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == f"/console/items/{pre_review}?done={done}"
    record = world.memberflow.approvals.item(pre_review)
    assert record is not None
    assert (record.claimed_by, record.assigned_to) == ("official", "official2")
    [(text, context)] = record.comments
    assert text == "材料齐全，建议通过"
    assert context.actor == world.actors["official"]  # the session's actor, as a bearer's
    page = console.get(commented.headers["location"])
    assert texts(page, "done") == ["已添加批注。"]
    assert texts(page, "claimed-by") == ["official"]
    assert texts(page, "assigned-to") == ["official2"]
    assert "材料齐全，建议通过" in texts(page, "comment-list")[0]


def test_a_form_without_its_csrf_value_is_refused_and_records_nothing(
    console: TestClient, world: World, pre_review: str, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "official")
    version = str(world.case(waiting_case).version)
    forms = {
        "claim": {},
        "assign": {"to": "official2"},
        "comment": {"text": "同意"},
        "decision": {"version": version, "comment": "同意", "decision": "approve"},
    }

    for action, form in forms.items():
        for csrf in ({}, {"csrf": "0" * 64}):
            answer = console.post(f"/console/items/{pre_review}/{action}", data={**form, **csrf})
            assert answer.status_code == 403, (action, csrf)
            assert "CSRF" in answer.text

    assert world.memberflow.approvals.item(pre_review) is None
    assert str(world.case(waiting_case).version) == version


def test_an_empty_assignee_is_refused_on_the_page_naming_the_field(
    console: TestClient, world: World, pre_review: str
) -> None:
    sign_in_as(console, world, "official")

    answer = _post(console, pre_review, "assign", to="")

    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "所填内容不符合要求" in texts(answer, "refusal")[0]
    assert "分派给" in texts(answer, "refusal")[0]
    assert world.memberflow.approvals.item(pre_review) is None


def test_a_rule_refusal_is_shown_with_its_rule_article_and_sentence(
    console: TestClient, world: World, pre_review: str
) -> None:
    """A working committee above the item's committee may read it, but not handle it (MF-INBOX);
    the API refuses the same command with the same rule."""
    sign_in_as(console, world, "wc_official")

    answer = _post(console, pre_review, "claim")
    bearer = {"Authorization": f"Bearer {token_for(world, 'wc_official')}"}
    api = console.post(f"/approvals/{pre_review}/claim", headers=bearer)

    assert answer.status_code == api.status_code == 422
    assert texts(answer, "rule") == [api.json()["rule"]] == ["MF-INBOX"]
    [violation] = texts(answer, "violation")
    assert "DOMAIN.md §5" in violation
    assert "待办事项由其所等待的组织办理。" in violation
    assert world.memberflow.approvals.item(pre_review) is None


def test_a_role_that_may_not_handle_items_is_refused_with_mf_access(
    console: TestClient, world: World, pre_review: str
) -> None:
    sign_in_as(console, world, "secretary")  # reads the branch's case, handles no inbox

    page = console.get(f"/console/items/{pre_review}")
    answer = console.post(f"/console/items/{pre_review}/claim", data={"csrf": csrf_of(page)})

    assert page_of(page).marked("claim") == []  # not offered …
    assert page_of(page).marked("decision") == []
    assert answer.status_code == 403  # … and refused when posted all the same
    assert texts(answer, "rule") == ["MF-ACCESS"]


# Deciding: one form, the step's own facts, the subject's version as If-Match.


def test_approving_records_the_step_and_the_item_leaves_the_inbox(
    console: TestClient, world: World, pre_review: str, waiting_case: UUID, read_models: ReadModels
) -> None:
    sign_in_as(console, world, "official")
    page = console.get(f"/console/items/{pre_review}")
    assert texts(page, "subject-name") == ["张三"]
    assert texts(page, "branch") == ["市财政局第一党支部"]
    assert texts(page, "stage") == ["预备党员的接收"]
    assert _version(page.text) == str(world.case(waiting_case).version)
    assert page_of(page).marked("refuse") == []  # the pre-review records approval only

    answer = _post(console, pre_review, "decision", comment="同意预审", decision="approve")

    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/console/inbox?after=membership:")
    assert location.endswith("&done=approved")
    record = world.case(waiting_case).records[-1]
    assert record.slug == "pre_review_passed"
    assert record.context.comment == "同意预审"
    assert record.context.actor == world.actors["official"]
    assert record.details.model_dump() == {"leaving_unit_within_3_months": False}
    read_models.catch_up()
    inbox = console.get(location)
    assert texts(inbox, "done") == ["已同意，事项已办结。"]
    assert "请示：上级党委预审" not in texts(inbox, "asked")
    done = console.get("/console/inbox?status=done")
    assert "请示：上级党委预审" in texts(done, "asked")


def test_a_steps_own_facts_are_fields_of_the_same_form(
    console: TestClient, world: World, pre_review: str, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "official")
    page = console.get(f"/console/items/{pre_review}")
    assert (
        '<label for="fact-leaving_unit_within_3_months">三个月内将离开本单位（A-13.3）' in page.text
    )

    answer = _post(
        console,
        pre_review,
        "decision",
        comment="同意，但本人将调离",
        decision="approve",
        leaving_unit_within_3_months="on",
    )

    assert answer.status_code == 303, answer.text
    details = world.case(waiting_case).records[-1].details
    assert details.model_dump() == {"leaving_unit_within_3_months": True}


def test_a_decision_without_a_comment_is_refused_on_the_page(
    console: TestClient, world: World, election_request: str
) -> None:
    sign_in_as(console, world, "official")
    election_id = UUID(election_request.split(":")[0])
    before = world.memberflow.organizations.election(election_id).version

    answer = _post(console, election_request, "decision", comment="  ", decision="refuse")

    assert answer.status_code == 422
    assert texts(answer, "refusal") == ["请填写办理意见。"]
    assert 'aria-invalid="true"' in answer.text
    assert page_of(answer).marked("refuse")  # the form is offered again
    assert world.memberflow.organizations.election(election_id).version == before


def test_refusing_with_a_comment_records_the_negative_outcome(
    console: TestClient, world: World, election_request: str
) -> None:
    sign_in_as(console, world, "official")
    election_id = UUID(election_request.split(":")[0])
    page = console.get(f"/console/items/{election_request}")
    assert texts(page, "subject-name") == ["市财政局第一党支部"]

    answer = _post(console, election_request, "decision", comment="请示材料不全", decision="refuse")

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith("&done=refused")
    election = world.memberflow.organizations.election(election_id)
    assert election.records[-1].slug == "election_request_rejected"
    assert election.records[-1].context.comment == "请示材料不全"
    assert election.status is ElectionStatus.REJECTED


def test_a_stale_version_is_already_handled_by_someone_else_and_records_nothing(
    console: TestClient, world: World, pre_review: str, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "official")
    page = console.get(f"/console/items/{pre_review}")
    seen = _version(page.text)
    world.step(waiting_case, "pre_review_passed", by="official")  # another official, first
    after_theirs = world.case(waiting_case).version

    answer = console.post(
        f"/console/items/{pre_review}/decision",
        data={"csrf": csrf_of(page), "version": seen, "comment": "同意", "decision": "approve"},
    )

    assert answer.status_code == 409
    assert texts(answer, "refusal")[0].startswith("已被他人处理")
    assert page_of(answer).one("current-state").attrs["href"] == f"/console/items/{pre_review}"
    assert page_of(answer).marked("decision") == []  # no form on facts that have moved
    assert world.case(waiting_case).version == after_theirs
    assert [r.slug for r in world.case(waiting_case).records].count("pre_review_passed") == 1
    current = console.get(f"/console/items/{pre_review}")
    assert texts(current, "state") == ["已办结 2024年7月1日"]  # their business date


def test_a_filing_is_acknowledged_instead_of_decided(
    console: TestClient, world: World, waiting_case: UUID, read_models: ReadModels
) -> None:
    filing = item_key(world, waiting_case, "activist_filed")
    sign_in_as(console, world, "official")
    page = console.get(f"/console/items/{filing}")
    assert page_of(page).marked("decision") == []
    assert texts(page, "acknowledge") == ["签收备案"]

    answer = _post(console, filing, "acknowledge")

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/console/inbox?after=approvals:")
    record = world.memberflow.approvals.item(filing)
    assert record is not None
    assert record.acknowledged is not None
    read_models.catch_up()
    assert texts(console.get(answer.headers["location"]), "done") == ["已签收备案，事项已办结。"]


def test_an_unknown_item_or_action_is_a_page_not_found(
    console: TestClient, world: World, pre_review: str
) -> None:
    sign_in_as(console, world, "official")
    csrf = csrf_of(console.get("/console/inbox"))

    for answer in (
        console.get("/console/items/not-a-key"),
        console.post(f"/console/items/{pre_review}/approve", data={"csrf": csrf}),
        console.post("/console/items/not-a-key/claim", data={"csrf": csrf}),
    ):
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("text/html")


def test_a_decision_is_never_taken_without_its_button_or_one_the_step_has_not(
    console: TestClient, world: World, pre_review: str, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "official")
    version = world.case(waiting_case).version

    unnamed = _post(console, pre_review, "decision", comment="同意")
    refused = _post(console, pre_review, "decision", comment="不同意", decision="refuse")

    assert unnamed.status_code == refused.status_code == 400  # the pre-review has no refusal
    assert world.case(waiting_case).version == version
