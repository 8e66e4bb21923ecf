"""The election pages in a real browser: the calendar marks the overdue organization, its row
leads to the election, and the election shows its ballot's quorum and majority figures; neither
page scrolls sideways on the office screen or a tablet."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.console.browsing import scrolls_sideways, sign_in_by_form
from tests.console.elections_world import BRANCH, budget_branch, first_round
from tests.console.signing import token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

TABLET: ViewportSize = {"width": 768, "height": 1024}


def _after_last_write(world: World) -> str:
    return f"organizations:{world.memberflow.organizations.recorder.max_notification_id()}"


def test_the_calendar_leads_to_the_election_and_its_quorum(page: Page, world: World) -> None:
    budget_branch(world)
    first_round(world)
    sign_in_by_form(page, token_for(world, "official"))

    page.goto(f"/console/elections?after={_after_last_write(world)}")
    row = page.get_by_test_id("term").filter(has_text=BRANCH)
    expect(row.get_by_test_id("overdue")).to_have_text("未逾期")
    row.get_by_test_id("open-election").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"换届选举：{BRANCH}")
    ballot = page.get_by_test_id("round")
    expect(ballot.get_by_test_id("quorum")).to_contain_text("应到会有选举权9人；实到8人")
    expect(ballot.get_by_test_id("quorum")).to_contain_text("即多于7.2人")
    expect(ballot.get_by_test_id("quorum-met")).to_have_text("符合")
    expect(ballot.get_by_test_id("majority")).to_contain_text("即多于4票")
    expect(ballot.get_by_test_id("line-elected")).to_have_text(["当选", "当选", "未当选", "未当选"])
    assert not scrolls_sideways(page)
    page.set_viewport_size(TABLET)
    assert not scrolls_sideways(page)


def test_the_overdue_are_marked_and_filtered_without_sideways_scrolling(
    page: Page, world: World
) -> None:
    budget_branch(world)  # its term ended on 2024-06-01, and no election
    sign_in_by_form(page, token_for(world, "official"))

    page.goto(f"/console/elections?after={_after_last_write(world)}")
    page.get_by_test_id("only-overdue").click()

    row = page.get_by_test_id("term").filter(has_text=BRANCH)
    expect(row.get_by_test_id("overdue")).to_have_text("逾期未换届 E-OVERDUE")
    assert not scrolls_sideways(page)
    page.set_viewport_size(TABLET)
    assert not scrolls_sideways(page)
