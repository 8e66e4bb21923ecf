"""统计分析 over HTTP: the five figures of an organization's subtree, each a chart and the same
figures as a table, read as the API reads them (the same numbers as GET /dashboard/pipeline), each
downloadable as a workbook with the table's rows; the API's access answers, as pages."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import quote
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from projections.service import ReadModels
from tests.console.dashboard_world import (
    ADMISSIONS,
    AS_OF,
    ELECTIONS,
    FINDINGS,
    STAGES,
    counted_world,
)
from tests.console.reading import Element, page_of
from tests.console.signing import sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

NOBODY = UUID(int=1)  # no organization has this id
SLUGS = ("stages", "admissions", "overdue", "findings", "elections")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def counted(world: World, read_models: ReadModels) -> World:
    counted_world(world)
    read_models.catch_up()
    return world


def _dashboard(console: TestClient, query: str = "") -> Element:
    answer = console.get(f"/console/dashboard{query}")
    assert answer.status_code == 200, answer.text
    return page_of(answer)


def _rows(page: Element, slug: str) -> list[tuple[str | int, ...]]:
    rows: list[tuple[str | int, ...]] = []
    for row in page.one(f"figure-{slug}").marked("figure-row"):
        label, *values = row.text.split(" ")
        rows.append((label, *map(int, values)))
    return rows


def _counts(page: Element, slug: str) -> dict[str, int]:
    """A figure of one series: each name's number."""
    return {str(label): int(count) for label, count in _rows(page, slug)}


def _api(console: TestClient, world: World, who: str, path: str) -> Any:
    bearer = {"Authorization": f"Bearer {token_for(world, who)}"}
    answer = console.get(path, headers=bearer)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_dashboard_shows_each_figure_as_a_chart_and_a_table(
    console: TestClient, counted: World
) -> None:
    sign_in_as(console, counted, "official")

    page = _dashboard(console)

    assert page.one("dashboard-organization").text == "市财政局机关党委"
    assert len(page.marked("chart")) == 5
    assert _rows(page, "stages") == STAGES
    assert _rows(page, "admissions") == ADMISSIONS
    assert _rows(page, "findings") == FINDINGS
    assert _rows(page, "elections") == ELECTIONS
    [(label, overdue)] = _rows(page, "overdue")
    assert label == "已逾期的请示和备案"
    # The same numbers as the API's pipeline of the same organization, for the same user.
    api = _api(console, counted, "official", f"/dashboard/pipeline?org={counted.ids['pc']}")
    assert overdue == api["overdue_items"] > 0
    assert [open for _, open in STAGES] == [stage["open"] for stage in api["stages"]]
    assert [(str(y["year"]), y["admitted"], y["planned"]) for y in api["admissions"]] == ADMISSIONS


def test_the_findings_are_those_the_api_lists_for_the_subtree(
    console: TestClient, counted: World
) -> None:
    sign_in_as(console, counted, "official")

    page = _dashboard(console)

    listed = _api(console, counted, "official", f"/findings?org={counted.ids['pc']}")
    kinds = sorted(row["kind"] for row in listed["data"])
    assert kinds == ["F-DEADLINE", "F-OFFUNIT"]
    assert sum(_counts(page, "findings").values()) == listed["count"]


def test_the_elections_due_and_overdue_are_the_calendars(
    console: TestClient, counted: World
) -> None:
    sign_in_as(console, counted, "official")

    page = _dashboard(console)

    calendar = _api(console, counted, "official", f"/elections/calendar?org={counted.ids['pc']}")
    overdue = [row["name"] for row in calendar["data"] if row["overdue"]]
    assert overdue == ["lapsed支部"]
    assert _counts(page, "elections")["逾期未换届（E-OVERDUE）"] == len(overdue)


def test_each_chart_draws_its_figures_and_is_named_for_screen_readers(
    console: TestClient, counted: World
) -> None:
    sign_in_as(console, counted, "official")

    answer = console.get("/console/dashboard")

    page = page_of(answer)
    for chart in page.marked("chart"):
        assert chart.tag == "svg"
        assert chart.attrs["role"] == "img"
        assert chart.attrs["aria-labelledby"] == f"{chart.attrs['data-slug']}-summary"
        assert chart.marked("no-data") == []
    assert (
        '<title id="stages-summary">各阶段人数：入党申请人 在途人数 2；发展对象 在途人数 1；'
        in (answer.text)
    )
    assert "<style" not in answer.text
    assert "style=" not in answer.text


def test_an_empty_figure_says_so_and_keeps_its_axes(console: TestClient, world: World) -> None:
    sign_in_as(console, world, "secretary_b")  # 市财政局第二党支部: nothing recorded

    answer = console.get("/console/dashboard")

    page = page_of(answer)
    findings = page.one("figure-findings")
    assert findings.one("no-data").text == "暂无数据"
    assert findings.one("no-rows").text == "暂无数据"
    assert len(page.marked("no-data")) == 5  # every figure is zero
    assert answer.text.count('class="axis"') == 10  # two axes a chart, all the same


@pytest.mark.parametrize("slug", SLUGS)
def test_each_figure_downloads_as_a_workbook_of_the_tables_rows(
    console: TestClient, counted: World, slug: str
) -> None:
    sign_in_as(console, counted, "official")
    page = _dashboard(console)
    link = page.one(f"figure-{slug}").one("export-xlsx")
    assert link.attrs["href"] == f"/console/dashboard/{slug}.xlsx"

    answer = console.get(link.attrs["href"])

    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    title = {"stages": "各阶段人数", "findings": "各类问题（发现）数量"}.get(slug)
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="dashboard-{slug}-2024-09-01.xlsx"; ')
    if title:
        expected = quote(f"市财政局机关党委-{title}-2024-09-01.xlsx")
        assert disposition.endswith(f"filename*=UTF-8''{expected}")
    sheet = load_workbook(BytesIO(answer.content)).active
    assert sheet is not None
    (heading, *blank), header, *rows = sheet.iter_rows(values_only=True)
    assert isinstance(heading, str)
    assert "市财政局机关党委" in heading
    assert AS_OF in heading
    assert set(blank) <= {None}
    headers = [th.text for th in page.one(f"figure-{slug}").marked("figure-header")]
    assert list(header) == headers
    assert [tuple(row) for row in rows] == _rows(page, slug)


def test_an_organization_outside_the_jurisdiction_is_refused(
    console: TestClient, counted: World
) -> None:
    sign_in_as(console, counted, "official")  # of pc; pc2 is beside it
    pc2 = counted.ids["pc2"]

    page = console.get(f"/console/dashboard?org={pc2}")
    workbook = console.get(f"/console/dashboard/stages.xlsx?org={pc2}")

    assert page.status_code == workbook.status_code == 403
    assert "MF-ACCESS" in page.text
    assert "MF-ACCESS" in workbook.text
    assert workbook.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "path",
    [
        f"/console/dashboard?org={NOBODY}",
        "/console/dashboard?org=not-an-id",
        f"/console/dashboard/stages.xlsx?org={NOBODY}",
        "/console/dashboard/nothing.xlsx",
    ],
)
def test_an_unknown_organization_or_figure_is_not_found(
    console: TestClient, counted: World, path: str
) -> None:
    sign_in_as(console, counted, "official")

    answer = console.get(path)

    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")


def test_the_administrator_names_an_organization(console: TestClient, counted: World) -> None:
    sign_in_as(console, counted, "admin")

    unnamed = _dashboard(console)
    named = _dashboard(console, f"?org={counted.ids['pc']}")

    assert "?org=" in unnamed.one("empty").text
    assert unnamed.marked("chart") == []
    assert _rows(named, "stages") == STAGES
    link = named.one("figure-stages").one("export-xlsx").attrs["href"]
    assert link == f"/console/dashboard/stages.xlsx?org={counted.ids['pc']}"
    assert console.get(link).status_code == 200


def test_a_committee_counts_its_whole_subtree(console: TestClient, counted: World) -> None:
    sign_in_as(console, counted, "wc_official")

    page = _dashboard(console)

    assert page.one("dashboard-organization").text == "市直机关工委"
    assert _rows(page, "stages") == STAGES  # every case is under pc, which is under wc
    assert _rows(page, "elections") == ELECTIONS


def test_the_dashboard_waits_for_a_write_it_is_asked_after(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    after = counted_world(world)
    read_models.catch_up()
    sign_in_as(console, world, "official")

    caught_up = _dashboard(console, f"?after={after}")
    ignored = _dashboard(console, "?after=nonsense")

    assert caught_up.marked("behind") == []
    assert _rows(caught_up, "stages") == _rows(ignored, "stages") == STAGES


def test_the_dashboard_needs_a_session(console: TestClient) -> None:
    for path in ("/console/dashboard", "/console/dashboard/stages.xlsx"):
        answer = console.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/sign-in"


def test_the_dashboard_speaks_english_when_asked(console: TestClient, counted: World) -> None:
    sign_in_as(console, counted, "official")
    console.cookies.set("lang", "en", path="/console")

    page = _dashboard(console)
    answer = console.get("/console/dashboard/stages.xlsx")

    headers = [th.text for th in page.one("figure-stages").marked("figure-header")]
    assert headers == ["Stage", "Open cases"]
    sheet = load_workbook(BytesIO(answer.content)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[2]] == headers
