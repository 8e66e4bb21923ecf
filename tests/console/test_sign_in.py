"""Signing in to the console and out again, over HTTP: the token checked as the API checks it,
the session in its cookie, every form's CSRF value, the language, the pages' headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.context import Role
from memberflow.bootstrap import Memberflow
from services.clock import today
from services.tokens import issue
from tests.console.signing import csrf_of, set_cookies, sign_in
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")


def test_a_browser_that_is_not_signed_in_is_sent_to_the_sign_in_page(console: TestClient) -> None:
    answer = console.get("/console/")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in"


def test_the_sign_in_page_is_chinese_with_a_labelled_token_field(console: TestClient) -> None:
    page = console.get("/console/sign-in")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in page.text
    assert '<label for="token">访问令牌</label>' in page.text
    assert 'id="token" name="token" type="password" data-testid="token"' in page.text
    presession = set_cookies(page)["memberflow_presession"]
    assert "HttpOnly" in presession
    assert "SameSite=strict" in presession
    assert "Path=/console" in presession


def test_a_good_token_opens_a_session_that_shows_who_is_signed_in(
    console: TestClient, secretary_token: str, memberflow: Memberflow
) -> None:
    answer = sign_in(console, secretary_token)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/"
    session = set_cookies(answer)["memberflow_session"]
    assert session.startswith(f"memberflow_session={secretary_token};")
    assert "HttpOnly" in session
    assert "SameSite=strict" in session
    assert "Path=/console" in session
    assert "Secure" not in session  # served over http here
    home = console.get("/console/")
    assert home.status_code == 200
    assert 'data-testid="subject">zhang<' in home.text
    assert 'data-testid="role">党支部书记<' in home.text
    assert 'data-testid="organization">市财政局第一党支部<' in home.text
    day = today(memberflow.clock)
    assert f"{day.year}年{day.month}月{day.day}日" in home.text


def test_the_session_cookie_is_secure_when_the_console_is_served_over_https(
    memberflow: Memberflow, secretary_token: str
) -> None:
    console = TestClient(
        create_app(memberflow), base_url="https://testserver", follow_redirects=False
    )

    answer = sign_in(console, secretary_token)

    assert answer.status_code == 303
    assert "Secure" in set_cookies(answer)["memberflow_session"]


def test_an_administrators_token_names_no_organization(console: TestClient, world: World) -> None:
    token = issue(world.memberflow.settings, subject="root", role=Role.ADMIN, organization_id=None)

    sign_in(console, token)
    home = console.get("/console/")

    assert 'data-testid="role">系统管理员<' in home.text
    assert 'data-testid="organization">全市（不属于某一组织）<' in home.text


@pytest.mark.usefixtures("world")
def test_a_bad_token_is_refused_on_the_page_with_its_reason(console: TestClient) -> None:
    answer = sign_in(console, "not-a-token")

    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["www-authenticate"] == "Bearer"
    assert "登录失败" in answer.text
    assert "令牌不是已签名的 JWT。" in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert "memberflow_session" not in set_cookies(answer)
    assert console.get("/console/").status_code == 303


@pytest.mark.usefixtures("world")
def test_a_refusal_is_given_in_english_when_english_is_chosen(console: TestClient) -> None:
    console.cookies.set("lang", "en", path="/console")

    answer = sign_in(console, "not-a-token")

    assert answer.status_code == 401
    assert '<html lang="en">' in answer.text
    assert "Sign-in failed" in answer.text
    assert "The token is not a signed JWT." in answer.text


def test_an_expired_token_is_refused(console: TestClient, world: World) -> None:
    answer = sign_in(console, _token(world, lifetime=(-3, -2)))

    assert answer.status_code == 401
    assert "令牌已过期。" in answer.text


def test_a_token_of_an_unregistered_organization_is_refused_as_the_api_refuses_it(
    console: TestClient, world: World
) -> None:
    stranger = uuid4()
    token = issue(
        world.memberflow.settings,
        subject="zhang",
        role=Role.BRANCH_SECRETARY,
        organization_id=stranger,
    )

    answer = sign_in(console, token)
    api = console.get("/rules", headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == api.status_code == 401
    assert f"令牌所属组织 {stranger} 尚未登记。" in answer.text
    assert (
        api.json()["detail"]
        == f"the token's organization {stranger} is not a registered organization"
    )


@pytest.mark.usefixtures("world")
def test_an_empty_token_is_refused(console: TestClient) -> None:
    answer = sign_in(console, "   ")

    assert answer.status_code == 401
    assert "未填写访问令牌。" in answer.text


def test_a_session_whose_token_expires_is_ended(console: TestClient, world: World) -> None:
    console.cookies.set("memberflow_session", _token(world, lifetime=(-3, -2)), path="/console")

    answer = console.get("/console/")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in"
    assert "Max-Age=0" in set_cookies(answer)["memberflow_session"]


def test_signing_in_without_the_forms_csrf_value_is_refused(
    console: TestClient, secretary_token: str
) -> None:
    console.get("/console/sign-in")

    answer = console.post("/console/sign-in", data={"token": secretary_token})

    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "CSRF" in answer.text
    assert "memberflow_session" not in set_cookies(answer)


def test_a_csrf_value_of_another_browser_does_not_sign_in(
    console: TestClient, memberflow: Memberflow, secretary_token: str
) -> None:
    """Login CSRF: another site's form carries its own browser's value, not this one's."""
    other = TestClient(create_app(memberflow), follow_redirects=False)
    foreign = csrf_of(other.get("/console/sign-in"))
    console.get("/console/sign-in")

    answer = console.post("/console/sign-in", data={"csrf": foreign, "token": secretary_token})

    assert answer.status_code == 403


def test_signing_out_ends_the_session(console: TestClient, secretary_token: str) -> None:
    sign_in(console, secretary_token)
    home = console.get("/console/")

    answer = console.post("/console/sign-out", data={"csrf": csrf_of(home)})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in"
    assert "Max-Age=0" in set_cookies(answer)["memberflow_session"]
    assert console.get("/console/").status_code == 303


def test_signing_out_without_the_csrf_value_is_refused_and_keeps_the_session(
    console: TestClient, secretary_token: str
) -> None:
    sign_in(console, secretary_token)
    presession_value = csrf_of(console.get("/console/sign-in"))  # a value, not the session's

    for form in ({}, {"csrf": presession_value}, {"csrf": "甲" * 64}):
        answer = console.post("/console/sign-out", data=form)
        assert answer.status_code == 403
        assert "CSRF" in answer.text
    assert console.get("/console/").status_code == 200


@pytest.mark.usefixtures("world")
def test_a_link_switches_the_language_and_leads_back(console: TestClient) -> None:
    answer = console.get("/console/language/en", params={"next": "/console/sign-in"})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in"
    assert set_cookies(answer)["lang"].startswith("lang=en;")
    page = console.get("/console/sign-in")
    assert '<html lang="en">' in page.text
    assert '<label for="token">Access token</label>' in page.text
    back = console.get("/console/language/zh", params={"next": "/console/sign-in"})
    assert set_cookies(back)["lang"].startswith("lang=zh;")
    assert "访问令牌" in console.get("/console/sign-in").text


@pytest.mark.parametrize(
    "elsewhere", ["https://example.org/", "//example.org/", "/console/../rules", "/docs"]
)
def test_the_language_link_never_leads_out_of_the_console(
    console: TestClient, elsewhere: str
) -> None:
    answer = console.get("/console/language/en", params={"next": elsewhere})

    assert answer.headers["location"] == "/console/"


def test_pages_forbid_framing_outside_assets_and_caching(console: TestClient) -> None:
    headers = console.get("/console/sign-in").headers

    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"


def test_the_assets_are_served_by_the_console_itself(console: TestClient) -> None:
    htmx = console.get("/console/static/vendor/htmx/htmx.min.js")
    style = console.get("/console/static/console.css")

    assert htmx.status_code == style.status_code == 200
    assert "javascript" in htmx.headers["content-type"]
    assert 'font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;' in style.text


def test_the_api_never_takes_the_session_cookie_for_a_token(
    console: TestClient, secretary_token: str
) -> None:
    answer = console.get("/rules", headers={"Cookie": f"memberflow_session={secretary_token}"})

    assert answer.status_code == 401


def test_the_console_is_not_in_the_openapi_document(console: TestClient) -> None:
    paths = console.get("/openapi.json").json()["paths"]

    assert not [path for path in paths if path.startswith("/console")]


def _token(world: World, *, lifetime: tuple[int, int]) -> str:
    """A memberflow token issued and expiring ``lifetime`` hours from now (negative: past)."""
    now = datetime.now(tz=UTC)
    claims = {
        "iss": "memberflow",
        "aud": "memberflow",
        "sub": "zhang",
        "role": Role.BRANCH_SECRETARY.value,
        "org": str(world.ids["branch"]),
        "iat": now + timedelta(hours=lifetime[0]),
        "exp": now + timedelta(hours=lifetime[1]),
    }
    secret = world.memberflow.settings.secret_key.get_secret_value()
    return jwt.encode(claims, secret, algorithm="HS256")
