"""The token settings (issue #10): production refuses weak HS256 secrets and says so without
quoting any part of them; the OIDC settings come together; ``memberflow token`` stays within the
maximum lifetime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jwt
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from cli.main import cli
from memberflow.secrets import DEVELOPMENT_SECRET
from memberflow.settings import Settings

STRONG = "0123456789abcdef" * 2


def refusal(**fields: object) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(**fields)  # type: ignore[arg-type]
    return str(caught.value)


def quotes(text: str, secret: str, window: int = 6) -> bool:
    """Whether ``text`` contains any ``window`` characters of ``secret`` in a row."""
    if len(secret) < window:
        return secret in text
    return any(secret[i : i + window] in text for i in range(len(secret) - window + 1))


@pytest.mark.parametrize(
    ("secret", "rule"),
    [
        ("a", "at least 32 bytes"),
        ("Xy7$kQ2!-short", "at least 32 bytes"),
        (DEVELOPMENT_SECRET, "built-in default"),
        ("z" * 64, "distinct characters"),
        ("Ab" * 20, "distinct characters"),
        ("PLEASE-Change-Me-0123456789-ABCDEFGH", "placeholder"),
    ],
)
def test_production_refuses_a_weak_secret_without_quoting_it(secret: str, rule: str) -> None:
    text = refusal(environment="production", secret_key=secret)
    assert "MEMBERFLOW_SECRET_KEY" in text
    assert rule in text
    assert "input_value" not in text
    assert not quotes(text, secret) if len(secret) > 1 else f"'{secret}'" not in text


def test_a_refusal_from_the_environment_echoes_no_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """pydantic prints every input in its errors; memberflow's settings hide them."""
    monkeypatch.setenv("MEMBERFLOW_ENVIRONMENT", "production")
    monkeypatch.setenv("MEMBERFLOW_SECRET_KEY", DEVELOPMENT_SECRET)
    monkeypatch.setenv("MEMBERFLOW_CHAIN_KEY", "chain-Qw3rTy-key-that-is-long-enough")
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", "postgresql://app:Pa55-w0rd-x@db/party")
    text = refusal()
    assert "MEMBERFLOW_SECRET_KEY" in text
    for value in (DEVELOPMENT_SECRET, "chain-Qw3rTy-key-that-is-long-enough", "Pa55-w0rd-x"):
        assert not quotes(text, value), text
    monkeypatch.setenv("MEMBERFLOW_TOKEN_HOURS", "not-a-number-Zx81")
    assert not quotes(refusal(), "not-a-number-Zx81")


def test_development_keeps_its_default_secret() -> None:
    assert Settings().secret_key.get_secret_value() == DEVELOPMENT_SECRET


def test_memberflow_token_lifetimes_stay_within_the_maximum() -> None:
    assert "MEMBERFLOW_TOKEN_MAX_HOURS" in refusal(token_hours=25)
    assert "MEMBERFLOW_TOKEN_MAX_HOURS" in refusal(token_hours=48, token_max_hours=36)
    assert Settings(token_hours=48, token_max_hours=48).token_hours == 48


def test_the_oidc_settings_come_together(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text('{"keys": []}')
    provider: dict[str, Any] = {"oidc_issuer": "https://sso.example.gov.cn", "oidc_audience": "mf"}
    assert "MEMBERFLOW_OIDC_ISSUER" in refusal(oidc_jwks=str(jwks))
    assert "MEMBERFLOW_OIDC_JWKS" in refusal(**provider)
    assert "readable file" in refusal(oidc_jwks=str(tmp_path / "missing.json"), **provider)
    assert "https URL" in refusal(oidc_jwks="ftp://sso.example.gov.cn/certs", **provider)
    insecure = refusal(
        environment="production", secret_key=STRONG, oidc_jwks="http://sso/certs", **provider
    )
    assert "https URL" in insecure
    assert Settings(oidc_jwks="http://localhost:8080/certs", **provider).oidc_configured
    assert Settings(oidc_jwks=str(jwks), **provider).oidc_configured


def test_memberflow_token_takes_a_lifetime_up_to_the_maximum() -> None:
    runner = CliRunner()
    issued = runner.invoke(cli, ["token", "--sub", "root", "--role", "admin", "--hours", "2"])
    assert issued.exit_code == 0, issued.output
    claims = jwt.decode(issued.output.strip(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 2 * 3600
    too_long = runner.invoke(cli, ["token", "--sub", "root", "--role", "admin", "--hours", "25"])
    assert too_long.exit_code != 0
    assert "MEMBERFLOW_TOKEN_MAX_HOURS" in too_long.output
    blank = runner.invoke(cli, ["token", "--sub", "  ", "--role", "admin"])
    assert blank.exit_code != 0
    assert "sub" in blank.output
