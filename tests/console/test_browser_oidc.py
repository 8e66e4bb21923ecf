"""The sign-in at the OIDC provider in a real browser: the console (127.0.0.1) sends it to the
provider (localhost: another site, as a real provider is), the reader signs in there, and the
provider's answer opens the session; the console then shows who signed in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from memberflow.settings import Settings
from tests.console.oidc_fake import FakeProvider, provider_key, serving, with_provider
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with serving(FakeProvider(provider_key(), interactive=True)) as running:
        yield running


@pytest.fixture
def settings(settings: Settings, provider: FakeProvider, tmp_path: Path) -> Settings:
    return with_provider(settings, provider, tmp_path, {})


def test_a_reader_signs_in_at_the_provider_and_lands_on_the_console(
    page: Page, provider: FakeProvider, world: World
) -> None:
    provider.person = {
        "sub": "wang.li",
        "role": "branch_secretary",
        "org": str(world.ids["branch"]),
    }
    page.goto("/console/sign-in")

    page.get_by_role("link", name="使用统一身份认证登录").click()
    expect(page).to_have_url(
        re.compile(rf"^{re.escape(provider.url)}/authorize\?.*code_challenge_method=S256")
    )
    page.locator("#approve").click()

    expect(page).to_have_url("/console/")
    expect(page.get_by_test_id("subject")).to_have_text("wang.li")
    expect(page.get_by_test_id("role")).to_have_text("党支部书记")
