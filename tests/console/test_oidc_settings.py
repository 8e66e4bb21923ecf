"""The settings of the console's sign-in at an OIDC provider: its endpoints and client id come
together, with the provider's keys, scopes with openid, and https except on this machine in
development; a refusal names the setting, never the client secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from api.console.oidc_provider import Client
from memberflow.settings import Settings

SSO = "https://sso.example.gov.cn/realms/party/protocol/openid-connect"
SECRET = "client-secret-never-shown"


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Any]:
    """The provider's keys, issuer and audience, as the API needs them."""
    jwks = tmp_path / "jwks.json"
    jwks.write_text('{"keys": []}')
    return {"oidc_jwks": str(jwks), "oidc_issuer": SSO, "oidc_audience": "memberflow"}


def client(**changes: object) -> dict[str, Any]:
    return {
        "oidc_authorization_endpoint": f"{SSO}/auth",
        "oidc_token_endpoint": f"{SSO}/token",
        "oidc_client_id": "memberflow",
        **changes,
    }


def refusal(**fields: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(database_url="memory://", **fields)
    return str(caught.value)


def test_a_complete_client_signs_in_at_the_provider(keys: dict[str, Any]) -> None:
    settings = Settings(database_url="memory://", **keys, **client(oidc_client_secret=SECRET))

    configured = Client.of(settings)

    assert configured is not None
    assert configured.scopes == "openid"
    assert configured.redirect_uri is None  # derived from the request
    assert Client.of(Settings(database_url="memory://", **keys)) is None


def test_the_endpoints_and_client_id_come_together(keys: dict[str, Any]) -> None:
    assert "MEMBERFLOW_OIDC_TOKEN_ENDPOINT" in refusal(**keys, **client(oidc_token_endpoint=None))
    missing_id = refusal(**keys, **client(oidc_client_id=None))
    assert "MEMBERFLOW_OIDC_CLIENT_ID" in missing_id
    assert "MEMBERFLOW_OIDC_CLIENT_SECRET" in refusal(**keys, oidc_client_secret=SECRET)


def test_the_provider_sign_in_needs_the_keys_that_check_its_id_token() -> None:
    assert "MEMBERFLOW_OIDC_JWKS" in refusal(**client())


def test_the_scopes_ask_for_an_id_token(keys: dict[str, Any]) -> None:
    assert "openid" in refusal(**keys, **client(oidc_scopes="profile email"))
    scoped = Settings(database_url="memory://", **keys, **client(oidc_scopes="openid profile"))
    assert scoped.oidc_scopes == "openid profile"


@pytest.mark.parametrize(
    "field", ["oidc_authorization_endpoint", "oidc_token_endpoint", "oidc_redirect_uri"]
)
def test_the_endpoints_are_https_except_on_this_machine_in_development(
    keys: dict[str, Any], field: str
) -> None:
    name = f"MEMBERFLOW_{field.upper()}"
    assert name in refusal(**keys, **client(**{field: "http://sso.example.gov.cn/x"}))
    assert name in refusal(**keys, **client(**{field: "ftp://sso.example.gov.cn/x"}))
    assert name in refusal(**keys, **client(**{field: "/relative/path"}))
    for local in ("http://localhost:8080/x", "http://127.0.0.1:8080/x"):
        assert Settings(database_url="memory://", **keys, **client(**{field: local}))


def test_production_refuses_a_provider_on_http_even_on_this_machine(
    keys: dict[str, Any],
) -> None:
    production: dict[str, Any] = {
        "environment": "production",
        "secret_key": "0123456789abcdef" * 2,
        "chain_key": "c" * 32,
        "checkpoint_signing_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "event_key": "ZXZlbnQta2V5LWZvci10ZXN0cy0zMi1ieXRlcy0hISE=",
        "identity_key": "i" * 32,
    }
    assert Settings(database_url="memory://", **production, **keys, **client())
    local = client(oidc_token_endpoint="http://localhost:8080/token")
    assert "MEMBERFLOW_OIDC_TOKEN_ENDPOINT" in refusal(**production, **keys, **local)


def test_a_refusal_never_shows_the_client_secret(keys: dict[str, Any]) -> None:
    text = refusal(**keys, **client(oidc_client_secret=SECRET, oidc_token_endpoint="http://x/t"))

    assert SECRET not in text
