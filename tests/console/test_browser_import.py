"""The import page in a real browser: a roster with two bad rows uploaded, both reported by their
line with nothing imported; then the good rows imported when the user asks for them alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.console.browsing import scrolls_sideways, sign_in_by_form, unlabelled
from tests.console.import_files import events_written, roster_with_two_bad_rows
from tests.console.signing import token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

TABLET: ViewportSize = {"width": 768, "height": 1024}
OFFICE: ViewportSize = {"width": 1366, "height": 768}


def _choose_roster(page: Page) -> None:
    page.get_by_label("选择文件").last.set_input_files(
        {"name": "党员名册.csv", "mimeType": "text/csv", "buffer": roster_with_two_bad_rows()}
    )


def test_a_roster_with_two_bad_rows_is_reported_by_line_and_nothing_imported(
    page: Page, world: World
) -> None:
    before = events_written(world.memberflow)
    sign_in_by_form(page, token_for(world, "admin"))
    page.get_by_test_id("nav-import").click()
    assert unlabelled(page) == []

    _choose_roster(page)
    page.get_by_test_id("import-submit-members").click()

    errors = page.get_by_test_id("import-error")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("第 3 行")
    expect(errors.nth(0)).to_contain_text("出生日期")
    expect(errors.nth(1)).to_contain_text("第 5 行")
    expect(errors.nth(1)).to_contain_text("不存在的党支部")
    expect(page.get_by_test_id("import-refused")).to_have_text("有 2 行有误，没有导入任何一行")
    assert events_written(world.memberflow) == before
    for size in (OFFICE, TABLET):
        page.set_viewport_size(size)
        assert not scrolls_sideways(page)

    _choose_roster(page)
    page.get_by_test_id("import-good-only-members").check()
    page.get_by_test_id("import-submit-members").click()

    expect(page.get_by_test_id("import-done")).to_have_text("已导入 2 行。")
    expect(page.get_by_test_id("imported")).to_have_count(2)
    expect(page.get_by_test_id("import-error")).to_have_count(2)  # left out, and said so
