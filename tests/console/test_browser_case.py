"""The case page in a real browser: an item approved, then its case opened from the inbox, the
approval its newest timeline event with the official's name; a step recorded with a date that
breaks a hard rule, refused on the page with the rule's id and article."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.console.browsing import scrolls_sideways, sign_in_by_form, unlabelled
from tests.console.signing import token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

PRE_REVIEW = "上级党委预审"
TABLET: ViewportSize = {"width": 768, "height": 1024}


def _after_last_write(world: World) -> str:
    return f"membership:{world.memberflow.membership.recorder.max_notification_id()}"


def test_an_approval_is_the_newest_timeline_event_of_its_case(page: Page, world: World) -> None:
    world.case_before(13, name="张三")
    sign_in_by_form(page, token_for(world, "official"))
    page.goto(f"/console/inbox?after={_after_last_write(world)}")
    item = page.get_by_test_id("inbox-item").filter(has_text=PRE_REVIEW)
    item.get_by_test_id("open-item").click()
    page.get_by_label("办理意见（必填）").fill("材料齐全，同意预审")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("done")).to_have_text("已同意，事项已办结。")

    page.get_by_test_id("inbox-item").first.get_by_test_id("open-case").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("发展党员案卷：张三")
    newest = page.get_by_test_id("timeline-event").last
    expect(newest.get_by_test_id("event-step")).to_have_text(PRE_REVIEW)
    expect(newest.get_by_test_id("event-actor")).to_have_text("official（党委（工委）工作人员）")
    expect(newest.get_by_test_id("event-date")).to_have_text("2024年6月20日")
    track = page.get_by_test_id("track-step").filter(has_text=PRE_REVIEW)
    expect(track).to_contain_text("已完成")


def test_a_step_that_breaks_a_hard_rule_shows_the_rule_and_its_article(
    page: Page, world: World
) -> None:
    case_id = world.case_before(14, name="李四")
    world.clock.set_day(date(2024, 7, 10))
    sign_in_by_form(page, token_for(world, "secretary"))
    page.goto(f"/console/cases/{case_id}")
    assert unlabelled(page) == []
    form = page.get_by_test_id("step-form").filter(has_text="填写入党志愿书")

    form.get_by_label("业务日期").fill("2024-07-11")  # tomorrow
    form.get_by_test_id("record-step").click()

    violation = page.get_by_test_id("violation")
    expect(violation).to_have_count(1)
    expect(violation.get_by_test_id("rule")).to_have_text("MF-FUTURE-DATE")
    expect(violation).to_contain_text("（DOMAIN.md §0）")
    expect(violation).to_contain_text("业务日期不能晚于今天")
    assert world.case(case_id).records[-1].slug == "pre_review_passed"  # nothing recorded
    office: ViewportSize = {"width": 1366, "height": 768}
    for size in (office, TABLET):
        page.set_viewport_size(size)
        assert not scrolls_sideways(page)
