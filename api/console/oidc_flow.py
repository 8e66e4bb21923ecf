"""One sign-in at the OIDC provider, between the console's redirect and the provider's answer.

The console makes three random values for it: ``state`` (the answer belongs to this browser's
sign-in: no other site can start one and have it finish here), ``nonce`` (the id_token was issued
for this sign-in, not replayed from another) and the PKCE ``verifier`` (RFC 7636: a code
intercepted on its way back is worth nothing without it; the provider only ever sees its S256
challenge before the code is exchanged).

The browser keeps them, not the server: in a cookie sealed with Fernet (AES-CBC and HMAC-SHA256,
with the time it was sealed) under a key derived from the secret key, so that the browser can
neither read nor change them, and a flow is refused ten minutes after it began, whatever the
cookie's own lifetime says.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

FLOW_COOKIE = "memberflow_oidc"
FLOW_SECONDS = 10 * 60  # long enough to type a password and a second factor at the provider
# A key of its own, derived from the secret key: a flow cookie is no token, no CSRF value.
_KEY_LABEL = b"memberflow-console-oidc-flow"


@dataclass(frozen=True)
class Flow:
    state: str
    nonce: str
    verifier: str

    @classmethod
    def begin(cls) -> Flow:
        # 64 random bytes make an 86-character verifier (RFC 7636 §4.1: 43 to 128).
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64))

    @property
    def challenge(self) -> str:
        """The verifier's S256 challenge: base64url of its SHA-256, unpadded (RFC 7636 §4.2)."""
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sealed(flow: Flow, secret_key: SecretStr, now: datetime) -> str:
    """The flow cookie's value, sealed at ``now``."""
    data = json.dumps(asdict(flow)).encode()
    return _fernet(secret_key).encrypt_at_time(data, int(now.timestamp())).decode("ascii")


def opened(cookie: str | None, secret_key: SecretStr, now: datetime) -> Flow | None:
    """The flow a cookie seals; None without one, or for one changed, foreign or too old."""
    if not cookie:
        return None
    try:
        data = _fernet(secret_key).decrypt_at_time(cookie, FLOW_SECONDS, int(now.timestamp()))
        return Flow(**json.loads(data))
    except (InvalidToken, ValueError, TypeError):
        return None


def _fernet(secret_key: SecretStr) -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_LABEL)
    key = hkdf.derive(secret_key.get_secret_value().encode())
    return Fernet(base64.urlsafe_b64encode(key))
