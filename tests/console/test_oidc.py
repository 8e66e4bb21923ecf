"""Signing in to the console at an OIDC provider (authorization code with PKCE), over HTTP: the
redirect with its S256 challenge, the code exchanged at a real (fake) provider for an id_token that
is checked as the API checks a bearer token, and every way a callback is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from memberflow.bootstrap import Memberflow
from memberflow.settings import Settings
from tests.console.oidc_fake import CLIENT_ID, FakeProvider, provider_key, s256, serving
from tests.console.oidc_fake import with_provider as provider_settings
from tests.console.signing import set_cookies
from tests.support.clock import FixedClock
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

CALLBACK = "http://testserver/console/sign-in/oidc/callback"


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with serving(FakeProvider(provider_key())) as running:
        yield running


@pytest.fixture
def changes() -> dict[str, object]:
    """Settings a test changes after the provider's (``@pytest.mark.parametrize("changes", …)``:
    the ``settings`` mark would change the store's settings, before the provider's are added)."""
    return {}


@pytest.fixture
def settings(
    settings: Settings, provider: FakeProvider, tmp_path: Path, changes: dict[str, object]
) -> Settings:
    return provider_settings(settings, provider, tmp_path, changes)


@pytest.fixture
def secretary(provider: FakeProvider, world: World) -> FakeProvider:
    """The provider, signing in the secretary of 市财政局第一党支部."""
    provider.person = {
        "sub": "wang.li",
        "role": "branch_secretary",
        "org": str(world.ids["branch"]),
    }
    return provider


def begin(console: TestClient) -> str:
    """The provider's authorization URL the console sends the browser to."""
    answer = console.get("/console/sign-in/oidc")
    assert answer.status_code == 303
    location: str = answer.headers["location"]
    return location


def authorize(url: str) -> str:
    """The address the provider sends the browser back to, with its code and state."""
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    location: str = answer.headers["location"]
    return location


def with_query(url: str, **changes: str) -> str:
    """``url`` with some of its query parameters changed."""
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def refusal(answer: httpx.Response) -> str:
    assert 'data-testid="refused"' in answer.text, answer.text
    return answer.text


def test_the_sign_in_page_offers_single_sign_on_beside_the_token_form(
    console: TestClient,
) -> None:
    page = console.get("/console/sign-in")

    assert (
        'href="/console/sign-in/oidc" data-testid="sign-in-oidc">使用统一身份认证登录<' in page.text
    )
    assert 'data-testid="token"' in page.text  # memberflow's own tokens: development
    assert "/console/static/oidc.css" in page.text


@pytest.mark.parametrize(
    "changes",
    [{"oidc_authorization_endpoint": None, "oidc_token_endpoint": None, "oidc_client_id": None}],
)
def test_without_a_client_the_page_has_only_the_token_form(console: TestClient) -> None:
    page = console.get("/console/sign-in")

    assert "sign-in-oidc" not in page.text
    assert 'data-testid="token"' in page.text
    assert console.get("/console/sign-in/oidc").status_code == 404


def test_the_redirect_asks_for_a_code_with_an_s256_challenge(
    console: TestClient, provider: FakeProvider
) -> None:
    answer = console.get("/console/sign-in/oidc")

    assert answer.status_code == 303
    url = answer.headers["location"]
    assert url.startswith(f"{provider.url}/authorize?")
    asked = query_of(url)
    assert asked["response_type"] == "code"
    assert asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"] == CALLBACK
    assert asked["scope"] == "openid"
    assert asked["code_challenge_method"] == "S256"
    assert len(asked["code_challenge"]) == 43  # base64url of a SHA-256, unpadded
    assert len(asked["state"]) >= 43
    assert len(asked["nonce"]) >= 43
    flow = set_cookies(answer)["memberflow_oidc"]
    assert "HttpOnly" in flow
    assert "SameSite=lax" in flow
    assert "Max-Age=600" in flow
    assert "Path=/console" in flow
    assert asked["state"] not in flow  # sealed, not readable
    assert asked["nonce"] not in flow
    assert query_of(begin(console))["code_challenge"] != asked["code_challenge"]


def test_the_callback_signs_in_with_the_providers_id_token(
    console: TestClient, secretary: FakeProvider
) -> None:
    asked = query_of(url := begin(console))

    answer = console.get(authorize(url))

    # A page of the console's own moves on to its home, so that the browser sends the new Strict
    # session cookie with that request (a redirect would still be the provider's navigation).
    assert answer.status_code == 200
    assert '<meta http-equiv="refresh" content="0;url=/console/">' in answer.text
    assert 'href="/console/" data-testid="continue">进入工作台<' in answer.text
    cookies = set_cookies(answer)
    session = cookies["memberflow_session"]
    assert session.startswith(f"memberflow_session={secretary.issued[0]};")
    assert "HttpOnly" in session
    assert "SameSite=strict" in session
    assert "Path=/console" in session
    assert 'memberflow_oidc=""' in cookies["memberflow_oidc"]  # the flow is over
    exchanged = secretary.token_requests[0]
    assert exchanged["grant_type"] == "authorization_code"
    assert exchanged["redirect_uri"] == CALLBACK
    assert s256(exchanged["code_verifier"]) == asked["code_challenge"]
    assert exchanged["authorization"] == ""  # a public client: PKCE alone
    home = console.get("/console/")
    assert home.status_code == 200
    assert 'data-testid="subject">wang.li<' in home.text
    assert 'data-testid="role">党支部书记<' in home.text
    assert 'data-testid="organization">市财政局第一党支部<' in home.text


@pytest.mark.parametrize("changes", [{"oidc_client_secret": "s3cret:with/odd chars"}])
def test_a_confidential_client_authenticates_with_its_secret(
    console: TestClient, secretary: FakeProvider
) -> None:
    secretary.client_secret = "s3cret%3Awith%2Fodd+chars"  # form-encoded first (RFC 6749 §2.3.1)

    answer = console.get(authorize(begin(console)))

    assert answer.status_code == 200
    assert "memberflow_session" in set_cookies(answer)
    assert secretary.token_requests[0]["authorization"].startswith("Basic ")


def test_a_callback_with_another_state_is_refused(
    console: TestClient, secretary: FakeProvider
) -> None:
    back = authorize(begin(console))

    answer = console.get(with_query(back, state="another-browsers-state"))

    assert answer.status_code == 400
    assert "state 校验未通过" in refusal(answer)
    assert "memberflow_session" not in set_cookies(answer)
    assert secretary.token_requests == []  # the code is never exchanged


@pytest.mark.usefixtures("secretary")
def test_a_callback_without_the_flow_cookie_is_refused(
    console: TestClient, memberflow: Memberflow
) -> None:
    back = authorize(begin(console))
    other_browser = TestClient(create_app(memberflow), follow_redirects=False)

    answer = other_browser.get(back)

    assert answer.status_code == 400
    assert "登录已超时或未从本工作台发起" in refusal(answer)


@pytest.mark.usefixtures("secretary")
def test_a_flow_older_than_ten_minutes_is_refused(console: TestClient, clock: FixedClock) -> None:
    back = authorize(begin(console))
    clock.current += timedelta(minutes=10, seconds=1)

    answer = console.get(back)

    assert answer.status_code == 400
    assert "登录已超时" in refusal(answer)
    assert "memberflow_session" not in set_cookies(answer)


@pytest.mark.usefixtures("secretary")
def test_a_flow_cookie_changed_by_the_browser_is_refused(console: TestClient) -> None:
    back = authorize(begin(console))
    sealed = console.cookies["memberflow_oidc"]
    changed = sealed[:40] + ("B" if sealed[40] == "A" else "A") + sealed[41:]
    console.cookies.set("memberflow_oidc", changed, domain="testserver.local", path="/console")

    answer = console.get(back)

    assert answer.status_code == 400
    assert "登录已超时" in refusal(answer)


@pytest.mark.usefixtures("secretary")
def test_a_code_given_for_another_challenge_is_refused(console: TestClient) -> None:
    first = begin(console)
    second = begin(console)  # the browser's flow cookie is now the second flow's
    # The first flow's code (its challenge) comes back with the second flow's state: the console
    # sends the second flow's verifier, which the provider refuses.
    back = authorize(with_query(first, state=query_of(second)["state"]))

    answer = console.get(back)

    assert answer.status_code == 400
    assert "未接受本次登录的授权码" in refusal(answer)
    assert "memberflow_session" not in set_cookies(answer)


@pytest.mark.usefixtures("secretary")
def test_an_id_token_for_another_nonce_is_refused(console: TestClient) -> None:
    back = authorize(with_query(begin(console), nonce="another-sign-ins-nonce"))

    answer = console.get(back)

    assert answer.status_code == 400
    assert "不属于本次登录" in refusal(answer)
    assert "memberflow_session" not in set_cookies(answer)


@pytest.mark.usefixtures("secretary")
def test_the_providers_refusal_is_a_page(console: TestClient) -> None:
    state = query_of(begin(console))["state"]

    answer = console.get(f"/console/sign-in/oidc/callback?error=access_denied&state={state}")

    assert answer.status_code == 400
    assert "统一身份认证未完成登录" in refusal(answer)


@pytest.mark.usefixtures("secretary")
def test_refusals_are_in_english_for_an_english_reader(console: TestClient) -> None:
    console.cookies.set("lang", "en", path="/console")
    back = authorize(begin(console))

    answer = console.get(with_query(back, state="forged"))

    assert answer.status_code == 400
    assert "(state check failed)" in refusal(answer)


def test_an_id_token_the_api_would_refuse_is_refused_with_its_reason(
    console: TestClient, provider: FakeProvider
) -> None:
    provider.person = {"sub": "wang.li", "role": "branch_secretary", "org": None}

    answer = console.get(authorize(begin(console)))

    assert answer.status_code == 401
    assert "只有管理员令牌可以不指明所属组织" in answer.text
    assert "memberflow_session" not in set_cookies(answer)


@pytest.mark.parametrize("changes", [{"oidc_token_endpoint": "http://localhost:1/token"}])
@pytest.mark.usefixtures("secretary")
def test_an_unreachable_provider_is_a_503_page(console: TestClient) -> None:
    back = authorize(begin(console))

    answer = console.get(back)

    assert answer.status_code == 503
    assert "暂时无法连接统一身份认证服务" in refusal(answer)


@pytest.mark.parametrize("changes", [{"oidc_audience": "memberflow-api"}])
def test_an_id_token_must_name_the_console_among_its_audiences(
    console: TestClient, secretary: FakeProvider
) -> None:
    secretary.person["aud"] = "memberflow-api"  # the API's audience alone: not the console's
    refused = console.get(authorize(begin(console)))
    secretary.person["aud"] = [CLIENT_ID, "memberflow-api"]
    accepted = console.get(authorize(begin(console)))

    assert refused.status_code == 400
    assert "不属于本次登录" in refusal(refused)
    assert accepted.status_code == 200
    assert "memberflow_session" in set_cookies(accepted)
