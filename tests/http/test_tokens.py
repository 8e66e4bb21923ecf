"""Bearer tokens (issue #10): memberflow's own HS256 tokens and an OIDC provider's RS256 and ES256
tokens from a JWKS, each verified with its own key and algorithms; the claims every token needs,
its lifetime, and an organization that exists. In this module an OIDC provider is configured (a
JWKS file in the test's directory) and the environment is development, so memberflow's own tokens
(the ``client``'s) are accepted beside the provider's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from domain.context import Role
from memberflow.bootstrap import Memberflow
from memberflow.secrets import DEVELOPMENT_SECRET
from memberflow.settings import Settings
from services.tokens import InvalidToken, KeysUnavailable, actor_from, issue
from tests.support.client import Client

ISSUER = "https://sso.example.gov.cn/realms/party"
AUDIENCE = "memberflow-api"
YEAR_9999 = 253402300799
MISSING = object()  # a claim left out


@dataclass(frozen=True)
class Provider:
    """A test OIDC provider: an RSA and an EC P-256 key, published as a JWKS."""

    rsa_key: rsa.RSAPrivateKey
    ec_key: ec.EllipticCurvePrivateKey

    def jwks(self) -> dict[str, Any]:
        return {
            "keys": [
                {**RSAAlgorithm.to_jwk(self.rsa_key.public_key(), as_dict=True), "kid": "rsa-1"},
                {**ECAlgorithm.to_jwk(self.ec_key.public_key(), as_dict=True), "kid": "ec-1"},
            ]
        }

    def sign(self, claims: dict[str, Any], algorithm: str = "RS256", kid: str = "") -> str:
        key = self.rsa_key if algorithm == "RS256" else self.ec_key
        kid = kid or ("rsa-1" if algorithm == "RS256" else "ec-1")
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def claims(**changes: object) -> dict[str, Any]:
    """A provider's claims for an admin, valid for an hour, with ``changes``."""
    now = int(time.time())
    base: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "sso|1001",
        "role": "admin",
        "iat": now,
        "exp": now + 3600,
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not MISSING}


def own_claims(**changes: object) -> dict[str, Any]:
    """The claims of a token of memberflow's own (``memberflow token``)."""
    return claims(**{"iss": "memberflow", "aud": "memberflow", "sub": "zhang", **changes})


def compact(header: dict[str, Any], payload: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    """A JWT put together by hand, as a forger would."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(payload).encode())}"
    return f"{signing_input}.{part(sign(signing_input.encode()))}"


@pytest.fixture(scope="module")
def provider() -> Provider:
    return Provider(rsa.generate_private_key(65537, 2048), ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture
def jwks_file(tmp_path: Path, provider: Provider) -> Path:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(provider.jwks()))
    return path


def with_provider(jwks: str, **fields: Any) -> dict[str, Any]:
    return {"oidc_jwks": jwks, "oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, **fields}


@pytest.fixture
def oidc(jwks_file: Path) -> Settings:
    """Development settings with the test provider, no store (for the verifier alone)."""
    return Settings(database_url="memory://", **with_provider(str(jwks_file)))


@pytest.fixture
def settings(settings: Settings, jwks_file: Path) -> Settings:
    """The store's settings of tests/conftest.py, with the test provider."""
    return Settings(**{**settings.model_dump(), **with_provider(str(jwks_file))})


def refused(settings: Settings, token: str) -> str:
    with pytest.raises(InvalidToken) as caught:
        actor_from(settings, token)
    return str(caught.value)


# The verifier


def test_the_providers_rs256_and_es256_tokens_name_their_actor(
    oidc: Settings, provider: Provider
) -> None:
    org = str(uuid.uuid4())
    for algorithm in ("RS256", "ES256"):
        token = provider.sign(claims(role="committee_official", org=org), algorithm)
        actor = actor_from(oidc, token)
        assert (actor.id, actor.role, str(actor.organization_id)) == (
            "sso|1001",
            Role.COMMITTEE_OFFICIAL,
            org,
        )


def test_alg_none_is_refused(oidc: Settings) -> None:
    for payload in (claims(), own_claims()):
        token = compact({"alg": "none", "typ": "JWT"}, payload, lambda _: b"")
        assert "algorithm is not accepted" in refused(oidc, token)
    empty_hs256 = compact({"alg": "HS256", "typ": "JWT"}, own_claims(), lambda _: b"")
    assert "signature does not verify" in refused(oidc, empty_hs256)


def test_a_token_signed_with_another_key_is_refused(oidc: Settings, provider: Provider) -> None:
    other_secret = jwt.encode(own_claims(), "another-secret-of-32-bytes-or-more!", "HS256")
    assert "signature does not verify" in refused(oidc, other_secret)
    stranger = ec.generate_private_key(ec.SECP256R1())
    forged = jwt.encode(claims(), stranger, algorithm="ES256", headers={"kid": "ec-1"})
    assert "signature does not verify" in refused(oidc, forged)
    assert "matches the token's kid" in refused(oidc, provider.sign(claims(), kid="rsa-2"))
    assert "names no signing key" in refused(oidc, jwt.encode(claims(), provider.rsa_key, "RS256"))


def test_the_providers_public_key_is_never_an_hmac_secret(
    oidc: Settings, provider: Provider
) -> None:
    """The classic confusion: HS256 with the RSA public key as the secret."""
    pem = provider.rsa_key.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    for payload in (claims(), own_claims()):
        token = compact(
            {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"},
            payload,
            lambda signing_input: hmac.new(pem, signing_input, hashlib.sha256).digest(),
        )
        assert "signature does not verify" in refused(oidc, token)
    es_header_on_rsa_key = provider.sign(claims(), "ES256", kid="rsa-1")
    assert "does not fit its key" in refused(oidc, es_header_on_rsa_key)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://sso.example.com/other"}, "issuer that is not trusted"),
        ({"iss": MISSING}, "lacks the iss claim"),
        ({"aud": "another-api"}, "another audience"),
        ({"aud": MISSING}, "lacks the aud claim"),
        ({"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}, "has expired"),
        ({"exp": YEAR_9999}, "lives longer than 24 hours"),
        ({"iat": 0}, "lives longer than 24 hours"),
        ({"iat": MISSING}, "lacks the iat claim"),
        ({"exp": MISSING}, "lacks the exp claim"),
        ({"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, "not valid yet"),
        ({"sub": ""}, "subject (sub) is empty"),
        ({"sub": "  \t "}, "subject (sub) is empty"),
        ({"sub": MISSING}, "lacks the sub claim"),
        ({"sub": " zhang"}, "without spaces around them"),
        ({"sub": "x" * 256}, "at most 255"),
        ({"sub": 42}, "not a string"),
        ({"role": "superuser"}, "not a memberflow role"),
        ({"role": MISSING}, "not a memberflow role"),
        ({"role": "branch_secretary"}, "only an admin token may carry no organization"),
        ({"org": "not-an-id"}, "org claim is not an id"),
        ({"member": 7}, "member claim is not an id"),
    ],
)
def test_claims_that_are_refused(
    oidc: Settings, provider: Provider, changes: dict[str, object], reason: str
) -> None:
    assert reason in refused(oidc, provider.sign(claims(**changes)))


def test_memberflows_own_tokens_have_the_same_rules(oidc: Settings) -> None:
    secret = DEVELOPMENT_SECRET
    assert "lives longer" in refused(oidc, jwt.encode(own_claims(exp=YEAR_9999), secret, "HS256"))
    assert "is empty" in refused(oidc, jwt.encode(own_claims(sub=""), secret, "HS256"))
    assert "not trusted" in refused(oidc, jwt.encode(claims(aud="memberflow"), secret, "HS256"))
    with pytest.raises(ValueError, match="MEMBERFLOW_TOKEN_MAX_HOURS"):
        issue(oidc, subject="zhang", role=Role.ADMIN, organization_id=None, hours=25)
    with pytest.raises(ValueError, match="sub"):
        issue(oidc, subject=" ", role=Role.ADMIN, organization_id=None)
    lifetime = jwt.decode(
        issue(oidc, subject="zhang", role=Role.ADMIN, organization_id=None, hours=24),
        options={"verify_signature": False},
    )
    assert lifetime["exp"] - lifetime["iat"] == 24 * 3600  # the maximum itself is accepted


def test_with_a_provider_production_accepts_only_the_providers_tokens(
    oidc: Settings, provider: Provider
) -> None:
    production = oidc.model_copy(update={"environment": "production"})
    own = issue(oidc, subject="zhang", role=Role.ADMIN, organization_id=None)
    assert actor_from(oidc, own).id == "zhang"  # development: memberflow token still works
    assert "accepted: RS256, ES256" in refused(production, own)
    with pytest.raises(ValueError, match="OIDC"):
        issue(production, subject="zhang", role=Role.ADMIN, organization_id=None)
    assert actor_from(production, provider.sign(claims())).id == "sso|1001"
    without_provider = Settings(database_url="memory://")
    assert "accepted: HS256" in refused(without_provider, provider.sign(claims()))


def test_the_claims_that_carry_memberflows_facts_are_configurable(
    jwks_file: Path, provider: Provider
) -> None:
    names = {"oidc_role_claim": "mf_role", "oidc_org_claim": "mf_org"}
    settings = Settings(database_url="memory://", **with_provider(str(jwks_file), **names))
    org = str(uuid.uuid4())
    actor = actor_from(settings, provider.sign(claims(mf_role="org_department", mf_org=org)))
    assert (actor.role, str(actor.organization_id)) == (Role.ORG_DEPARTMENT, org)
    assert "mf_role claim" in refused(settings, provider.sign(claims()))


def test_a_jwks_file_that_cannot_be_used(
    oidc: Settings, jwks_file: Path, provider: Provider
) -> None:
    private = {**RSAAlgorithm.to_jwk(provider.rsa_key, as_dict=True), "kid": "rsa-1"}
    jwks_file.write_text(json.dumps({"keys": [private]}))
    with pytest.raises(KeysUnavailable):  # a private key is never read: no usable key is left
        actor_from(oidc, provider.sign(claims()))
    jwks_file.write_text("not json")
    with pytest.raises(KeysUnavailable) as caught:
        actor_from(oidc, provider.sign(claims()))
    assert "could not be read" in str(caught.value)


@pytest.fixture
def served(provider: Provider) -> Iterator[str]:
    """The provider's JWKS at an http URL (allowed in development only)."""
    body = json.dumps(provider.jwks()).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/certs"
    server.shutdown()
    server.server_close()


def test_a_jwks_url(served: str, provider: Provider) -> None:
    settings = Settings(database_url="memory://", **with_provider(served))
    assert actor_from(settings, provider.sign(claims(), "ES256")).id == "sso|1001"
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{unused.getsockname()[1]}/certs"
    unreachable = Settings(database_url="memory://", **with_provider(nobody))
    with pytest.raises(KeysUnavailable, match="could not be fetched"):
        actor_from(unreachable, provider.sign(claims()))


# Through the API (SQLite and PostgreSQL)


def events(memberflow: Memberflow) -> int:
    apps = (memberflow.organizations, memberflow.membership, memberflow.approvals, memberflow.audit)
    return sum(app.recorder.max_notification_id() or 0 for app in apps)


def test_a_provider_token_acts_and_its_subject_is_the_events_actor(
    client: Client, provider: Provider
) -> None:
    branch = client.ids["branch"]
    client.tokens["secretary"] = provider.sign(
        claims(sub="sso|2002", role="branch_secretary", org=branch)
    )
    case = client.apply("王芳")
    assert case.status_code == 201, case.text
    history = client.get(f"/admissions/{case.json()['id']}/history").json()
    assert history[0]["actor"] == {
        "id": "sso|2002",
        "role": "branch_secretary",
        "organization_id": branch,
        "member_id": None,
    }
    client.tokens["es"] = provider.sign(claims(), "ES256")
    assert client.get(f"/organizations/{client.ids['pc']}", by="es").status_code == 200


def test_a_token_for_an_organization_that_does_not_exist_writes_nothing(
    client: Client, memberflow: Memberflow, provider: Provider
) -> None:
    nowhere = uuid.uuid4()
    client.tokens["own"] = issue(
        memberflow.settings, subject="li", role=Role.BRANCH_SECRETARY, organization_id=nowhere
    )
    client.tokens["sso"] = provider.sign(claims(role="branch_secretary", org=str(nowhere)))
    client.tokens["root"] = issue(
        memberflow.settings, subject="root", role=Role.ADMIN, organization_id=nowhere
    )
    before = events(memberflow)
    for by in ("own", "sso"):
        client.tokens["secretary"] = client.tokens[by]
        response = client.apply("赵强")
        assert response.status_code == 401, response.text
        assert f"organization {nowhere} is not a registered organization" in response.text
    tree = client.post("/organizations", {"name": "虚构工委", "kind": "working_committee"}, "root")
    assert tree.status_code == 401
    assert events(memberflow) == before


def test_a_refused_token_is_problem_json_and_quotes_no_secret(client: Client) -> None:
    forever = jwt.encode(own_claims(exp=YEAR_9999), DEVELOPMENT_SECRET, "HS256")
    client.tokens["forever"] = forever
    response = client.get("/rules", by="forever")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert "lives longer than 24 hours" in response.json()["detail"]
    assert DEVELOPMENT_SECRET not in response.text
    assert forever not in response.text
