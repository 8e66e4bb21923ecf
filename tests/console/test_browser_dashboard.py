"""统计分析 in a real browser: every chart drawn (bars of some width, not an empty picture), every
Excel download opened with openpyxl with the rows of the table beside its chart, no policy broken,
and the page fitting an office screen and a tablet.

The live server follows the event logs on a thread of its own: the page is opened with the last
writes' positions (``?after=``), so that it waits until its read models have them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, ViewportSize, expect

from tests.console.browsing import scrolls_sideways, sign_in_by_form
from tests.console.dashboard_world import STAGES, counted_world
from tests.console.signing import token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

TABLET: ViewportSize = {"width": 768, "height": 1024}


@pytest.fixture
def dashboard(world: World) -> str:
    return f"/console/dashboard?after={counted_world(world)}"


def _open(page: Page, world: World, dashboard: str) -> None:
    sign_in_by_form(page, token_for(world, "official"))
    page.get_by_test_id("nav-dashboard").click()
    expect(page).to_have_url("/console/dashboard")
    page.goto(dashboard)  # after the last writes: the live read models have them
    expect(page.get_by_test_id("chart")).to_have_count(5)


def _table(page: Page, slug: str) -> list[tuple[str | int, ...]]:
    """The rows of the figure's table as the browser shows them: the name, then numbers."""
    cells: list[list[str]] = (
        page.get_by_test_id(f"figure-{slug}")
        .locator("tbody tr")
        .evaluate_all("rows => rows.map(row => [...row.cells].map(cell => cell.innerText.trim()))")
    )
    return [(name, *map(int, values)) for name, *values in cells]


def test_every_chart_renders_and_every_figure_downloads_as_excel(
    page: Page, world: World, dashboard: str, tmp_path: Path
) -> None:
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    _open(page, world, dashboard)

    for chart in page.get_by_test_id("chart").all():
        widths: list[float] = chart.locator("rect.bar").evaluate_all(
            "bars => bars.map(bar => bar.getBBox().width)"
        )
        assert max(widths) > 0, chart.get_attribute("data-slug")
        assert chart.bounding_box() is not None
        assert chart.get_by_test_id("no-data").count() == 0
    assert _table(page, "stages") == STAGES

    links = page.get_by_test_id("export-xlsx")
    expect(links).to_have_count(5)
    for index in range(5):
        link = links.nth(index)
        slug = link.get_attribute("href").split("/")[-1].removesuffix(".xlsx")  # type: ignore[union-attr]
        with page.expect_download() as started:
            link.click()
        download = started.value
        assert download.suggested_filename.startswith("市财政局机关党委-")
        saved = tmp_path / f"{slug}.xlsx"
        download.save_as(saved)
        sheet = load_workbook(saved).active
        assert sheet is not None
        _, header, *rows = sheet.iter_rows(values_only=True)
        shown = page.get_by_test_id(f"figure-{slug}").get_by_test_id("figure-header")
        assert list(header) == shown.all_inner_texts()
        assert [tuple(row) for row in rows] == _table(page, slug)
    assert [text for text in complaints if "Content Security Policy" in text] == []


@pytest.mark.parametrize("size", [None, TABLET], ids=["office-screen", "tablet"])
def test_the_dashboard_fits_the_screen(
    page: Page, world: World, dashboard: str, size: ViewportSize | None
) -> None:
    if size:
        page.set_viewport_size(size)
    _open(page, world, dashboard)

    assert scrolls_sideways(page) is False
    chart = page.get_by_test_id("chart").first.bounding_box()
    table = page.get_by_test_id("figure-table").first.bounding_box()
    assert chart is not None
    assert table is not None
    beside = table["x"] >= chart["x"] + chart["width"]
    assert beside is (size is None)  # beside the chart on an office screen, below it on a tablet
