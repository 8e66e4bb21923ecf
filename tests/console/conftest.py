"""Fixtures of the web console's tests: a TestClient of the app, and for the browser tests the
live ``server`` of tests/conftest.py driven by Debian's chromium through Playwright.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (``make browser`` installs it
with fonts-noto-cjk). Without it the browser tests skip, and with ``CI=true`` they fail, so that CI
never skips them silently. When a browser test fails, a screenshot of its page is written to
``test-results/`` and named in the report.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from api.app import create_app
from domain.context import Role
from memberflow.bootstrap import Memberflow
from projections.service import ReadModels
from services.tokens import issue
from tests.support.world import World

CHROMIUM = Path("/usr/bin/chromium")
RESULTS = "test-results"
SCREEN: ViewportSize = {
    "width": 1366,
    "height": 768,
}  # the office screen the console is laid out for


@pytest.fixture
def console(memberflow: Memberflow) -> TestClient:
    """A client of the app that keeps cookies, as a browser does (no lifespan: no followers)."""
    return TestClient(create_app(memberflow), follow_redirects=False)


@pytest.fixture
def secretary_token(world: World) -> str:
    """A token of the secretary of 市财政局第一党支部, as ``memberflow token`` mints it."""
    return issue(
        world.memberflow.settings,
        subject="zhang",
        role=Role.BRANCH_SECRETARY,
        organization_id=world.ids["branch"],
    )


@pytest.fixture
def waiting_case(world: World, read_models: ReadModels) -> UUID:
    """张三's case, waiting for the pre-review (13) of 市财政局机关党委 — with its two filings
    (4, 8) still to acknowledge — the read models caught up, the clock on 2024-06-20."""
    case_id = world.case_before(13, name="张三")
    read_models.catch_up()
    return case_id


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, for one module's tests.

    Not longer: while Playwright's sync API runs, its event loop runs in the test process's main
    thread, and ``asyncio.run`` in any other test there would fail."""
    _require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A page of its own (no cookie shared with another test) on the live server."""
    context = browser.new_context(base_url=server, viewport=SCREEN, locale="zh-CN")
    opened = context.new_page()
    yield opened
    context.close()


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: `make browser` installs Debian's chromium and fonts-noto-cjk"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed browser test leaves a picture of its page in test-results/."""
    report: pytest.TestReport = yield
    opened = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and isinstance(opened, Page):
        folder = item.config.rootpath / RESULTS
        folder.mkdir(exist_ok=True)
        shot = folder / (re.sub(r"[^\w.-]+", "_", item.nodeid) + ".png")
        opened.screenshot(path=str(shot), full_page=True)
        report.sections.append(("screenshot", str(shot)))
    return report
