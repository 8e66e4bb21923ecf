"""待办 over HTTP: the inbox of the signed-in user's organization read as GET /approvals/inbox reads
it — the same rows, the same access answers — with its subtree, its pages, overdue items marked
in words, and its empty state."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from domain.commands import AcknowledgeItem, Entry
from domain.context import Role
from projections.service import ReadModels
from services.tokens import issue
from tests.console.items import item_key
from tests.console.reading import Element, page_of, texts
from tests.console.signing import sign_in, sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")


def _rows(console: TestClient, query: str = "") -> list[Element]:
    answer = console.get(f"/console/inbox{query}")
    assert answer.status_code == 200, answer.text
    return page_of(answer).marked("inbox-item")


def _api(console: TestClient, world: World, who: str, query: str) -> Any:
    bearer = {"Authorization": f"Bearer {token_for(world, who)}"}
    return console.get(f"/approvals/inbox?{query}", headers=bearer)


def test_the_inbox_lists_what_waits_for_the_users_organization(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "official")

    rows = _rows(console)

    asked = sorted(row.one("asked").text for row in rows)
    assert asked == ["备案：报上级党委备案", "备案：报上级党委备案", "请示：上级党委预审"]
    [pre_review] = [row for row in rows if row.one("asked").text == "请示：上级党委预审"]
    assert pre_review.one("open-item").text == "张三"
    assert pre_review.one("open-item").attrs["href"] == (
        f"/console/items/{item_key(world, waiting_case, 'pre_review_passed')}"
    )
    assert pre_review.one("waiting-since").text == "2024年6月20日"
    assert pre_review.one("due-on").text == "2024年7月20日"
    assert pre_review.one("state").text == "待办"
    assert pre_review.one("handler").text == "无 / 无"
    assert pre_review.one("comments").text == "0"
    # The same rows, in the same order, as the API's inbox of the same user.
    api = _api(console, world, "official", f"org={world.ids['pc']}")
    keys = [row.one("open-item").attrs["href"].rsplit("/", 1)[1] for row in rows]
    assert keys == [row["item"] for row in api.json()["data"]]


def test_an_overdue_item_is_marked_in_words_not_only_in_colour(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "official")

    rows = _rows(console)

    states = {row.one("asked").text + row.one("waiting-since").text: row for row in rows}
    activist = states[
        "备案：报上级党委备案2023年4月15日"
    ]  # due 2023-05-15: the clock is on 2024-06-20
    assert activist.one("state").text == "已逾期"
    assert activist.attrs.get("class") == "overdue"
    assert states["请示：上级党委预审2024年6月20日"].one("state").text == "待办"
    assert "class" not in states["请示：上级党委预审2024年6月20日"].attrs


def test_a_committee_lists_its_subtree_on_request(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "wc_official")

    own = console.get("/console/inbox")
    whole = _rows(console, "?subtree=1")

    assert texts(own, "empty") == ["暂无待办事项。"]
    assert page_of(own).one("subtree").attrs["href"] == "/console/inbox?status=open&subtree=1"
    assert texts(own, "subtree") == ["包括下级组织的事项"]
    api = _api(console, world, "wc_official", f"org={world.ids['wc']}&subtree=true")
    assert len(whole) == api.json()["count"] == 3
    assert {row.one("open-item").text for row in whole} == {"张三"}


def test_a_branch_has_no_subtree_switch(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "secretary")

    page = console.get("/console/inbox")

    assert page.status_code == 200
    assert texts(page, "inbox-organization") == ["市财政局第一党支部"]
    assert texts(page, "empty") == ["暂无待办事项。"]
    assert page_of(page).marked("subtree") == []


def test_twenty_items_a_page_with_links_to_the_others(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    for _ in range(21):
        world.case_before(5)  # up to activist_filed (4): a filing waits for the committee
    read_models.catch_up()
    sign_in_as(console, world, "official")

    first = console.get("/console/inbox")
    second = console.get(page_of(first).one("next").attrs["href"])

    assert len(page_of(first).marked("inbox-item")) == 20
    assert texts(first, "count") == ["共 21 项"]
    assert texts(first, "page") == ["第 1 页，共 2 页"]
    assert page_of(first).marked("previous") == []
    assert len(page_of(second).marked("inbox-item")) == 1
    assert texts(second, "page") == ["第 2 页，共 2 页"]
    assert page_of(second).one("previous").attrs["href"] == "/console/inbox?status=open"
    assert page_of(second).marked("next") == []


def test_done_items_are_listed_apart(
    console: TestClient, world: World, waiting_case: UUID, read_models: ReadModels
) -> None:
    filing = item_key(world, waiting_case, "activist_filed")
    world.run(AcknowledgeItem(filing, Entry(date(2024, 6, 20))), "official")
    read_models.catch_up()
    sign_in_as(console, world, "official")

    done = _rows(console, "?status=done")

    assert [row.one("state").text for row in done] == ["已办结 2024年6月20日"]
    assert len(_rows(console)) == 2  # the other filing and the pre-review are still open


def test_english_names_the_steps_and_dates_in_english(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "official")
    console.cookies.set("lang", "en", path="/console")

    rows = _rows(console)

    asked = {row.one("asked").text for row in rows}
    assert "Decision: Pre review passed" in asked
    assert "20 June 2024" in {row.one("waiting-since").text for row in rows}


def test_outside_the_jurisdiction_the_answers_are_the_apis(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    sign_in_as(console, world, "pc2_official")  # 市档案馆机关党委: 市财政局 is not under it
    pc, unknown = world.ids["pc"], uuid4()

    foreign = console.get(f"/console/inbox?org={pc}")
    missing = console.get(f"/console/inbox?org={unknown}")
    item = console.get(f"/console/items/{item_key(world, waiting_case, 'pre_review_passed')}")

    assert foreign.status_code == _api(console, world, "pc2_official", f"org={pc}").status_code
    assert foreign.status_code == 403
    assert texts(foreign, "rule") == ["MF-ACCESS"]
    assert missing.status_code == _api(console, world, "pc2_official", f"org={unknown}").status_code
    assert missing.status_code == 404
    bearer = {"Authorization": f"Bearer {token_for(world, 'pc2_official')}"}
    case = console.get(f"/admissions/{waiting_case}", headers=bearer)
    assert item.status_code == case.status_code == 404
    for page in (foreign, missing, item):
        assert page.headers["content-type"].startswith("text/html")
    assert "张三" not in item.text


def test_an_administrator_names_the_organization_in_the_address(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    token = issue(world.memberflow.settings, subject="root", role=Role.ADMIN, organization_id=None)
    sign_in(console, token)

    own = console.get("/console/inbox")
    pc = _rows(console, f"?org={world.ids['pc']}")

    assert "?org=" in texts(own, "empty")[0]
    assert len(pc) == 3


def test_the_navigation_links_the_pages_the_role_can_use(console: TestClient, world: World) -> None:
    sign_in_as(console, world, "official")

    page = page_of(console.get("/console/inbox"))

    link = page.one("nav-inbox")
    assert (link.attrs["href"], link.attrs.get("aria-current")) == ("/console/inbox", "page")
    assert page.one("nav-dashboard").attrs["href"] == "/console/dashboard"
    assert page.one("nav-due").attrs.get("aria-current") is None
    assert not page.marked("nav-audit")  # officials do not read history (domain/access.py)
    assert not page.marked("nav-import")
