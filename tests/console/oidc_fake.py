"""A fake OIDC provider for the console's sign-in tests: a real HTTP server on a loopback port.

``/authorize`` gives a code for the request's PKCE challenge, nonce and redirect URI (redirecting
back at once, or, ``interactive``, from a page whose link the reader follows as at a real
provider); ``/token`` gives the id_token for a code only with the verifier whose S256 challenge it
was given (and the client secret, when it has one), signed RS256 by the provider's key, whose JWKS
the test writes to a file for ``MEMBERFLOW_OIDC_JWKS``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from memberflow.settings import Settings

ISSUER = "https://sso.example.gov.cn/realms/party"
CLIENT_ID = "memberflow-console"
KID = "sso-rsa-1"


@dataclass(frozen=True)
class Grant:
    """What the provider remembers of an authorization request until its code is exchanged."""

    challenge: str
    method: str
    nonce: str
    redirect_uri: str


@dataclass
class FakeProvider:
    key: rsa.RSAPrivateKey
    url: str = ""
    # The claims of whoever signs in next (role, org …), beside iss, aud, nonce and the times.
    person: dict[str, Any] = field(default_factory=dict)
    client_secret: str | None = None
    interactive: bool = False
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)

    def jwks(self) -> dict[str, Any]:
        public = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def settings(self) -> dict[str, str]:
        """The console's client settings for this provider (without the JWKS file)."""
        return {
            "oidc_issuer": ISSUER,
            "oidc_audience": CLIENT_ID,
            "oidc_authorization_endpoint": f"{self.url}/authorize",
            "oidc_token_endpoint": f"{self.url}/token",
            "oidc_client_id": CLIENT_ID,
        }

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/authorize", self._authorize),
                Route("/token", self._token, methods=["POST"]),
            ]
        )

    async def _authorize(self, request: Request) -> Response:
        asked = request.query_params
        if asked.get("response_type") != "code" or asked.get("client_id") != CLIENT_ID:
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            asked.get("code_challenge", ""),
            asked.get("code_challenge_method", ""),
            asked.get("nonce", ""),
            asked["redirect_uri"],
        )
        back = f"{asked['redirect_uri']}?{urlencode({'code': code, 'state': asked['state']})}"
        if self.interactive:
            link = f'<a id="approve" href="{html.escape(back)}">Sign in</a>'
            return HTMLResponse(f"<!doctype html><title>SSO</title><p>{link}</p>")
        return RedirectResponse(back, status_code=302)

    async def _token(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        self.token_requests.append(
            {**form, "authorization": request.headers.get("authorization", "")}
        )
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or not self._client_authenticated(request):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") != grant.redirect_uri or not _proves(form, grant):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
        id_token = jwt.encode(
            {**claims, "nonce": grant.nonce, **self.person},
            self.key,
            algorithm="RS256",
            headers={"kid": KID},
        )
        self.issued.append(id_token)
        return JSONResponse(
            {"access_token": "opaque", "token_type": "Bearer", "id_token": id_token}
        )

    def _client_authenticated(self, request: Request) -> bool:
        if self.client_secret is None:
            return True
        expected = base64.b64encode(f"{CLIENT_ID}:{self.client_secret}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _proves(form: dict[str, str], grant: Grant) -> bool:
    """Whether the token request's verifier is the one of the authorization's S256 challenge."""
    verifier = form.get("code_verifier", "")
    return grant.method == "S256" and bool(verifier) and s256(verifier) == grant.challenge


@contextmanager
def serving(provider: FakeProvider, host: str = "localhost") -> Iterator[FakeProvider]:
    """The provider on a free loopback port, addressed as ``host`` (localhost: another site than
    the console's 127.0.0.1, as a real provider is)."""
    config = uvicorn.Config(provider.app(), host="127.0.0.1", port=0, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    provider.url = f"http://{host}:{port}"
    yield provider
    server.should_exit = True
    thread.join(timeout=5)


@cache
def provider_key() -> rsa.RSAPrivateKey:
    """The provider's signing key, made once for the test run (2048-bit keys take a while)."""
    return rsa.generate_private_key(65537, 2048)


def with_provider(
    settings: Settings, provider: FakeProvider, folder: Path, changes: dict[str, object]
) -> Settings:
    """``settings`` with the console signing in at ``provider`` (its JWKS in a file in
    ``folder``), then ``changes`` (a test's ``settings`` mark)."""
    jwks = folder / "sso-jwks.json"
    jwks.write_text(json.dumps(provider.jwks()))
    fields = {**settings.model_dump(), **provider.settings(), "oidc_jwks": str(jwks), **changes}
    return Settings(**fields)
