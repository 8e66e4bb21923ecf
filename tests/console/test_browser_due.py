"""发展提醒 in a real browser: the secretary opens it from the navigation, follows a row's link by
keyboard and lands on the case page's form for that step; the list fits an office screen and a
tablet without sideways scrolling.

The live server follows the event logs on a thread of its own: the test waits until the read
models have the case's last write before opening the page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from projections.open_cases import MODELS
from tests.console.browsing import scrolls_sideways, sign_in_by_form, tab_until
from tests.console.signing import token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

OFFICE: ViewportSize = {"width": 1366, "height": 768}
TABLET: ViewportSize = {"width": 768, "height": 1024}


def test_a_row_leads_to_the_form_that_records_its_step(page: Page, world: World) -> None:
    case_id = world.case_before(7, name="赵一")  # an activist since 2023-04-10
    world.clock.set_day(date(2024, 3, 20))
    position = world.memberflow.membership.recorder.max_notification_id() or 0
    assert world.memberflow.read_models.wait_for("membership", position, MODELS, 10)
    sign_in_by_form(page, token_for(world, "secretary"))

    page.get_by_test_id("nav-due").click()
    row = page.get_by_test_id("due-row").filter(has_text="确定发展对象")
    expect(row.get_by_test_id("why")).to_have_text("即将可办：2024年4月10日 起可办理")
    for size in (TABLET, OFFICE):
        page.set_viewport_size(size)
        assert not scrolls_sideways(page)
    tab_until(
        page,
        "el.dataset.testid === 'record-link' && el.closest('tr').innerText"
        ".includes('确定发展对象')",
    )
    page.keyboard.press("Enter")

    expect(page).to_have_url(
        re.compile(f"/console/cases/{case_id}#form-development_target_designated$")
    )
    form = page.locator('[data-testid="step-form"][data-step="development_target_designated"]')
    expect(form).to_be_in_viewport()
    expect(form.get_by_role("heading", level=3)).to_have_text("7. 确定发展对象")
