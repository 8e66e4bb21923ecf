"""The audit pages in a real browser: an inspector opens a case as of a day from the audit page's
form and sees its timeline up to then; every field labelled; no sideways scrolling on the office
screen or on a tablet."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.console.browsing import scrolls_sideways, sign_in_by_form, unlabelled
from tests.console.signing import token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

TABLET: ViewportSize = {"width": 768, "height": 1024}


def test_an_inspector_opens_a_case_as_of_a_day_and_sees_its_timeline_then(
    page: Page, world: World
) -> None:
    case_id = world.case_before(13, name="张三")  # its last step, the review, on 2024-06-20
    world.memberflow.read_models.catch_up()
    sign_in_by_form(page, token_for(world, "inspector"))
    page.get_by_test_id("nav-audit").click()
    assert unlabelled(page) == []
    assert not scrolls_sideways(page)

    page.get_by_label("案卷编号").fill(str(case_id))
    page.get_by_label("回溯日期").fill("2024-06-15")
    page.get_by_test_id("open-as-of").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("案卷历史回溯：张三")
    rows = page.get_by_test_id("timeline-event")
    expect(rows.last.get_by_test_id("event-step")).to_have_text("短期集中培训")
    expect(rows.last.get_by_test_id("event-date")).to_have_text("2024年6月10日")
    expect(rows.filter(has_text="支部委员会审查")).to_have_count(0)
    expect(page.get_by_test_id("as-of-note")).to_contain_text("此后的变化不在此显示")
    assert not scrolls_sideways(page)
    page.set_viewport_size(TABLET)
    assert not scrolls_sideways(page)
