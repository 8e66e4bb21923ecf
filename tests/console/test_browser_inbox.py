"""待办 in a real browser: an item listed, opened, approved with a comment and gone from the
inbox; the same by keyboard alone; every field labelled; no sideways scrolling; no policy broken.

The live server follows the event logs on a thread of its own: the tests open the inbox with the
last write's position (``?after=``), as the console itself does after a write, so that the page
waits until its read model has it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.console.browsing import (
    focused_testid,
    scrolls_sideways,
    sign_in_by_form,
    tab_until,
    unlabelled,
)
from tests.console.signing import token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

PRE_REVIEW = "上级党委预审"
TABLET: ViewportSize = {"width": 768, "height": 1024}


@pytest.fixture
def inbox(world: World) -> str:
    """The inbox's address once 张三's case waits for the pre-review (13) of 市财政局机关党委,
    read after the case's last write."""
    world.case_before(13, name="张三")
    position = world.memberflow.membership.recorder.max_notification_id()
    return f"/console/inbox?after=membership:{position}"


def _open_inbox(page: Page, world: World, inbox: str) -> None:
    sign_in_by_form(page, token_for(world, "official"))
    page.goto(inbox)
    expect(page.get_by_test_id("inbox-item")).to_have_count(3)


def test_an_item_is_approved_with_a_comment_and_leaves_the_inbox(
    page: Page, world: World, inbox: str
) -> None:
    sign_in_by_form(page, token_for(world, "official"))
    page.get_by_test_id("nav-inbox").click()
    expect(page).to_have_url("/console/inbox")
    page.goto(inbox)  # after the case's last write: the live read model has it
    item = page.get_by_test_id("inbox-item").filter(has_text=PRE_REVIEW)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("张三")
    expect(item).to_contain_text("2024年6月20日")

    item.get_by_test_id("open-item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"请示：{PRE_REVIEW}")
    page.get_by_label("办理意见（必填）").fill("材料齐全，同意预审")
    page.get_by_test_id("approve").click()

    expect(page).to_have_url(re.compile(r"/console/inbox\?after=membership:\d+&done=approved$"))
    expect(page.get_by_test_id("done")).to_have_text("已同意，事项已办结。")
    expect(page.get_by_test_id("inbox-item")).to_have_count(2)
    expect(page.get_by_test_id("inbox-item").filter(has_text=PRE_REVIEW)).to_have_count(0)


def test_the_inbox_is_usable_by_keyboard_alone(page: Page, world: World, inbox: str) -> None:
    _open_inbox(page, world, inbox)

    tab_until(
        page,
        f"el.dataset.testid === 'open-item' && el.closest('tr').innerText.includes('{PRE_REVIEW}')",
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/console/items/[0-9a-f-]+:pre_review_passed:\d+$"))
    tab_until(page, "el.dataset.testid === 'comment'")
    page.keyboard.type("同意预审")
    page.keyboard.press("Tab")
    assert focused_testid(page) == "approve"
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("done")).to_have_text("已同意，事项已办结。")
    expect(page.get_by_test_id("inbox-item").filter(has_text=PRE_REVIEW)).to_have_count(0)


def test_every_field_of_the_inbox_and_an_item_is_labelled_and_no_policy_is_broken(
    page: Page, world: World, inbox: str
) -> None:
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    _open_inbox(page, world, inbox)
    assert unlabelled(page) == []

    page.get_by_test_id("inbox-item").filter(has_text=PRE_REVIEW).get_by_test_id(
        "open-item"
    ).click()
    expect(page.get_by_test_id("decision")).to_be_visible()
    expect(page.get_by_test_id("assign-to")).to_be_visible()

    assert unlabelled(page) == []
    expect(page.get_by_label("三个月内将离开本单位（A-13.3）")).not_to_be_checked()
    expect(page.get_by_label("分派给（同事的用户名）")).to_be_empty()
    assert [text for text in complaints if "Content Security Policy" in text] == []


@pytest.mark.parametrize("size", [None, TABLET], ids=["office-screen", "tablet"])
def test_the_inbox_and_an_item_fit_the_screen(
    page: Page, world: World, inbox: str, size: ViewportSize | None
) -> None:
    if size:
        page.set_viewport_size(size)
    _open_inbox(page, world, inbox)
    assert scrolls_sideways(page) is False

    page.get_by_test_id("inbox-item").filter(has_text=PRE_REVIEW).get_by_test_id(
        "open-item"
    ).click()
    expect(page.get_by_test_id("decision")).to_be_visible()
    assert scrolls_sideways(page) is False


def test_a_refusal_is_shown_on_the_page_in_the_browser(
    page: Page, world: World, inbox: str
) -> None:
    _open_inbox(page, world, inbox)
    page.get_by_test_id("inbox-item").filter(has_text=PRE_REVIEW).get_by_test_id(
        "open-item"
    ).click()
    page.get_by_test_id("assign-to").fill("   ")

    with page.expect_response(re.compile(r"/assign$")) as answer:
        page.get_by_test_id("assign").click()

    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("MF-INBOX")
    expect(page.get_by_role("alert")).to_contain_text("须指明承办人")
