"""The console's two messages to the OIDC provider: the browser sent to its authorization endpoint,
and the code exchanged at its token endpoint for an id_token (OpenID Connect Core §3.1, with PKCE).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

import httpx2 as httpx
import structlog
from pydantic import SecretStr

from api.console.oidc_flow import Flow
from memberflow.settings import Settings

# The browser waits for this answer: a provider that is slower than this is reported unavailable.
TOKEN_TIMEOUT_SECONDS = 10.0
log = structlog.get_logger("memberflow.console")


class ProviderUnavailable(Exception):
    """The token endpoint could not be reached or failed (503): not the reader's fault."""


class CodeRefused(Exception):
    """The provider did not give an id_token for the code (400)."""


@dataclass(frozen=True)
class Client:
    """The console as the provider's client (``MEMBERFLOW_OIDC_*``)."""

    authorization_endpoint: str
    token_endpoint: str
    client_id: str
    client_secret: SecretStr | None
    scopes: str
    redirect_uri: str | None

    @classmethod
    def of(cls, settings: Settings) -> Client | None:
        """The client the settings configure; None when the console signs in with tokens only
        (the settings' validation has checked that the three come together)."""
        endpoint, token_endpoint = (
            settings.oidc_authorization_endpoint,
            settings.oidc_token_endpoint,
        )
        if not (endpoint and token_endpoint and settings.oidc_client_id):
            return None
        return cls(
            endpoint,
            token_endpoint,
            settings.oidc_client_id,
            settings.oidc_client_secret,
            settings.oidc_scopes,
            settings.oidc_redirect_uri,
        )

    def authorization_url(self, flow: Flow, redirect_uri: str) -> str:
        """Where the browser signs in at the provider, asking for a code for this flow."""
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": self.scopes,
                "state": flow.state,
                "nonce": flow.nonce,
                "code_challenge": flow.challenge,
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in self.authorization_endpoint else "?"
        return f"{self.authorization_endpoint}{separator}{query}"

    def id_token_for(self, *, code: str, verifier: str, redirect_uri: str) -> str:
        """The id_token the token endpoint gives for ``code``, proved by the flow's ``verifier``.

        Raises ``ProviderUnavailable`` or ``CodeRefused``."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": self.client_id,
        }
        try:
            answer = httpx.post(
                self.token_endpoint,
                data=form,
                auth=self._basic_auth(),
                headers={"Accept": "application/json"},
                timeout=TOKEN_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as error:
            log.warning("console.oidc_unreachable", error=type(error).__name__)
            raise ProviderUnavailable from None
        if answer.status_code >= 500:
            log.warning("console.oidc_failed", status=answer.status_code)
            raise ProviderUnavailable
        return _id_token(answer)

    def _basic_auth(self) -> tuple[str, str] | None:
        """HTTP Basic with the client secret, each part form-encoded first (RFC 6749 §2.3.1);
        none for a public client, which the PKCE verifier alone proves."""
        if self.client_secret is None:
            return None
        return quote_plus(self.client_id), quote_plus(self.client_secret.get_secret_value())


def _id_token(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        body = None
    token = body.get("id_token") if isinstance(body, dict) else None
    if answer.status_code != 200 or not isinstance(token, str):
        # The provider's error code (invalid_grant …) says why; never its token or our secret.
        error = body.get("error") if isinstance(body, dict) else None
        log.info("console.oidc_code_refused", status=answer.status_code, error=str(error)[:80])
        raise CodeRefused
    return token
