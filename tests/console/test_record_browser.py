"""The 纪实表 in a real browser: reached from the case page; on paper (print media) only the sheet
shows — no header bar, navigation or buttons; the 打印 button opens the print dialog; the page
fits an office screen and a tablet without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.console.browsing import scrolls_sideways, sign_in_by_form
from tests.console.signing import token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

OFFICE: ViewportSize = {"width": 1366, "height": 768}
TABLET: ViewportSize = {"width": 768, "height": 1024}
# window.print stubbed before the page loads: a headless browser has no dialog to see.
COUNT_PRINTS = "window.printed = 0; window.print = () => { window.printed += 1; };"


def test_on_paper_only_the_sheet_shows(page: Page, world: World) -> None:
    case_id = world.case_before(20, name="王五")
    sign_in_by_form(page, token_for(world, "secretary"))
    page.goto(f"/console/cases/{case_id}")
    page.get_by_test_id("record-link").click()
    expect(page.get_by_test_id("record-title")).to_have_text("发展党员全程纪实表")
    navigation = page.get_by_role("navigation")
    expect(navigation).to_be_visible()
    expect(page.get_by_test_id("print")).to_be_visible()

    page.emulate_media(media="print")

    expect(navigation).to_be_hidden()
    expect(page.get_by_test_id("sign-out")).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(page.get_by_test_id("download-pdf")).to_be_hidden()
    expect(page.get_by_test_id("record-stage")).to_have_count(5)
    expect(page.get_by_test_id("record-footer")).to_be_visible()


def test_the_print_button_opens_the_print_dialog(page: Page, world: World) -> None:
    case_id = world.case_before(20, name="王五")
    sign_in_by_form(page, token_for(world, "secretary"))
    page.add_init_script(COUNT_PRINTS)
    page.goto(f"/console/cases/{case_id}/record")

    page.get_by_test_id("print").click()

    assert page.evaluate("window.printed") == 1
    for size in (OFFICE, TABLET):
        page.set_viewport_size(size)
        assert not scrolls_sideways(page)
