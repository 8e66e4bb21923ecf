"""CSRF tokens of the console's forms: a signed double submit.

The browser submits two things the server can compare: a cookie (the session's token, or before
sign-in a random pre-session value) and the form's hidden ``csrf`` field. The field is an HMAC of
that cookie under the service's secret key, so another site can neither read it nor make one, and
it is bound to one session: a value taken from another session does not fit this one. Nothing is
stored on the server.

The HMAC's message starts with a label and a NUL byte, which no JWT's signing input contains (it is
base64url text and dots), so a CSRF value can never stand for a token's signature, nor one for the
other.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from pydantic import SecretStr

FIELD = "csrf"
_LABEL = b"memberflow-console-csrf\x00"


def csrf_token(secret_key: SecretStr, cookie: str) -> str:
    """The hidden field's value for the session (or pre-session) cookie ``cookie``."""
    key = secret_key.get_secret_value().encode()
    return hmac.new(key, _LABEL + cookie.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret_key: SecretStr, cookie: str | None, form: Mapping[str, str]) -> bool:
    """Whether the form's ``csrf`` field is the one of ``cookie``, compared in constant time.

    False without the cookie or without the field."""
    submitted = form.get(FIELD, "")
    if not cookie or not submitted:
        return False
    # As bytes: compare_digest refuses a str with any non-ASCII character, which a forged field
    # may well carry.
    return hmac.compare_digest(csrf_token(secret_key, cookie).encode(), submitted.encode())
