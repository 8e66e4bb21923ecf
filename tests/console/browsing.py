"""What the browser tests of the console share: signing in by the form, and reading the page's
fields, focus and width."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def sign_in_by_form(page: Page, token: str) -> None:
    page.goto("/console/sign-in")
    page.get_by_label("访问令牌").fill(token)
    page.get_by_test_id("sign-in").click()
    expect(page).to_have_url("/console/")


def unlabelled(page: Page) -> list[str]:
    """The ids of the page's fields without a label whose text is shown."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(field => ![...field.labels].some(label => label.innerText.trim()
                && label.checkVisibility()))
            .map(field => field.id || field.name)"""
    )
    return found


def scrolls_sideways(page: Page) -> bool:
    wider: bool = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    return wider


def focused_testid(page: Page) -> str | None:
    found: str | None = page.evaluate("document.activeElement.dataset.testid ?? null")
    return found


def tab_until(page: Page, script: str, most: int = 40) -> None:
    """Press Tab until ``script`` (a JavaScript expression about ``document.activeElement``) holds;
    fail after ``most`` presses."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return !!({script}); }})()"
        ):
            return
    raise AssertionError(f"Tab never reached an element where {script}")
