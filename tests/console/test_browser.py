"""The console in a real browser (Debian's chromium, headless): signing in by mouse and by
keyboard, a refused token, labels, and nothing loaded from anywhere but the service."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, ViewportSize, expect

from tests.console.browsing import scrolls_sideways, unlabelled

pytestmark = pytest.mark.stores("sqlite")

TABLET: ViewportSize = {"width": 768, "height": 1024}


def test_signing_in_with_a_token_shows_who_is_signed_in(page: Page, secretary_token: str) -> None:
    page.goto("/console/")
    expect(page).to_have_url("/console/sign-in")  # not signed in yet

    page.get_by_label("访问令牌").fill(secretary_token)
    page.get_by_test_id("sign-in").click()

    expect(page).to_have_url("/console/")
    expect(page.get_by_test_id("subject")).to_have_text("zhang")
    expect(page.get_by_test_id("role")).to_have_text("党支部书记")
    expect(page.get_by_test_id("organization")).to_have_text("市财政局第一党支部")
    expect(page.get_by_test_id("nav-inbox")).to_have_attribute("href", "/console/inbox")
    expect(page.get_by_test_id("nav-due")).to_have_text("发展提醒")


@pytest.mark.usefixtures("world")
def test_a_bad_token_shows_why_it_is_refused(page: Page) -> None:
    page.goto("/console/sign-in")
    page.get_by_test_id("token").fill("eyJ.not.a-token")

    with page.expect_response("**/console/sign-in") as answer:
        page.get_by_test_id("sign-in").click()

    assert answer.value.status == 401
    expect(page.get_by_role("alert")).to_contain_text("登录失败")
    expect(page.get_by_role("alert")).to_contain_text("令牌")
    expect(page.get_by_test_id("token")).to_have_attribute("aria-invalid", "true")


def test_the_sign_in_form_is_usable_by_keyboard_alone(page: Page, secretary_token: str) -> None:
    page.goto("/console/sign-in")

    for _ in range(3):  # the skip link, the language link, the token field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "token":
            break
    assert page.evaluate("document.activeElement.dataset.testid") == "token"
    page.keyboard.type(secretary_token)
    page.keyboard.press("Enter")

    expect(page).to_have_url("/console/")
    expect(page.get_by_test_id("subject")).to_have_text("zhang")


def test_every_field_has_a_visible_label(page: Page, secretary_token: str) -> None:
    page.goto("/console/sign-in")
    assert unlabelled(page) == []
    page.get_by_label("访问令牌").fill(secretary_token)
    page.get_by_label("访问令牌").press("Enter")
    expect(page).to_have_url("/console/")

    assert unlabelled(page) == []


def test_english_is_one_click_away(page: Page) -> None:
    page.goto("/console/sign-in")

    page.get_by_test_id("language").click()

    expect(page).to_have_url("/console/sign-in")
    expect(page.get_by_label("Access token")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_every_asset_comes_from_the_service_and_no_policy_is_broken(
    page: Page, secretary_token: str, server: str
) -> None:
    requested: list[str] = []
    complaints: list[str] = []
    page.on("request", lambda request: requested.append(_origin(request)))
    page.on("console", lambda message: complaints.append(message.text))

    page.goto("/console/sign-in")
    page.get_by_label("访问令牌").fill(secretary_token)
    page.get_by_test_id("sign-in").click()
    expect(page).to_have_url("/console/")

    assert set(requested) == {server}
    assert page.evaluate("typeof htmx") == "object"  # the vendored copy loaded
    assert [text for text in complaints if "Content Security Policy" in text] == []


@pytest.mark.parametrize("size", [None, TABLET], ids=["office-screen", "tablet"])
def test_the_pages_fit_the_screen_without_scrolling_sideways(
    page: Page, secretary_token: str, size: ViewportSize | None
) -> None:
    if size:
        page.set_viewport_size(size)
    page.goto("/console/sign-in")
    assert scrolls_sideways(page) is False
    page.get_by_label("访问令牌").fill(secretary_token)
    page.get_by_test_id("sign-in").click()
    expect(page).to_have_url("/console/")

    assert scrolls_sideways(page) is False


def _origin(request: Request) -> str:
    parts = urlsplit(request.url)
    return f"{parts.scheme}://{parts.netloc}"
