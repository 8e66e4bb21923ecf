"""Bearer tokens: the API's only source of who is acting.

Two verifiers, each with its key and its algorithms pinned by configuration:

- **HS256** with ``MEMBERFLOW_SECRET_KEY``: memberflow's own tokens (``memberflow token``), with
  ``iss`` and ``aud`` both ``memberflow``. When an OIDC provider is configured they are accepted in
  development only.
- **RS256 / ES256** from an OIDC provider: the key is the provider's JWK named by the token's
  ``kid`` in ``MEMBERFLOW_OIDC_JWKS`` (a file or an https URL), and ``iss`` and ``aud`` must be
  ``MEMBERFLOW_OIDC_ISSUER`` and ``MEMBERFLOW_OIDC_AUDIENCE``.

The token's ``alg`` header only picks which configured verifier to ask; that verifier decodes with
its own key and its own algorithms, and pyjwt binds each JWK to the algorithm of its key type, so
no header can make a public key an HMAC secret, or accept ``none``. Every token must name a
non-blank ``sub``, a memberflow role, ``iat`` and ``exp``, and live no longer than
``MEMBERFLOW_TOKEN_MAX_HOURS`` (``exp - iat``). Error messages are fixed sentences: they never quote
a secret, a key or the token.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import jwt

from domain.context import Actor, Role
from memberflow.settings import Settings

HS256 = "HS256"
OIDC_ALGORITHMS = ("RS256", "ES256")
OIDC_KEY_TYPES = ("RSA", "EC")
MEMBERFLOW_ISSUER = "memberflow"  # iss and aud of the tokens memberflow signs itself
MAX_SUBJECT_LENGTH = 255
JWKS_FETCH_TIMEOUT_SECONDS = 5


class InvalidToken(Exception):
    """The token is refused (401). The message never quotes a secret, a key or the token."""


class KeysUnavailable(Exception):
    """The OIDC provider's keys could not be fetched or read (503): not the caller's fault."""


@dataclass(frozen=True)
class ClaimNames:
    """Which claims carry memberflow's role, organization and member."""

    role: str = "role"
    organization: str = "org"
    member: str = "member"


MEMBERFLOW_CLAIMS = ClaimNames()


def hs256_accepted(settings: Settings) -> bool:
    """memberflow's own tokens: always without an OIDC provider, in development only with one."""
    return not settings.oidc_configured or settings.environment == "development"


def issue(
    settings: Settings,
    *,
    subject: str,
    role: Role,
    organization_id: UUID | None,
    member_id: UUID | None = None,
    hours: int | None = None,
) -> str:
    """An HS256 token of memberflow's own, valid for ``hours`` (default MEMBERFLOW_TOKEN_HOURS)."""
    lifetime = settings.token_hours if hours is None else hours
    if not 1 <= lifetime <= settings.token_max_hours:
        raise ValueError(
            f"a token lives from 1 to {settings.token_max_hours} hours (MEMBERFLOW_TOKEN_MAX_HOURS)"
        )
    if not hs256_accepted(settings):
        raise ValueError("HS256 tokens are refused: an OIDC provider is configured (production)")
    if organization_id is None and role is not Role.ADMIN:
        raise ValueError("only an admin token may carry no organization")
    try:
        _subject(subject)
    except InvalidToken as error:
        raise ValueError(str(error)) from None
    now = datetime.now(tz=UTC)
    claims = {
        "iss": MEMBERFLOW_ISSUER,
        "aud": MEMBERFLOW_ISSUER,
        "sub": subject,
        "role": role.value,
        "org": str(organization_id) if organization_id else None,
        "member": str(member_id) if member_id else None,
        "iat": now,
        "exp": now + timedelta(hours=lifetime),
    }
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=HS256)


def actor_from(settings: Settings, token: str) -> Actor:
    """The actor a token names, once its signature, issuer, audience and lifetime hold.

    Raises ``InvalidToken`` (401) or ``KeysUnavailable`` (503). The organization's existence is
    checked by the caller, which has the store (``api.deps.current_actor``).
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidToken("the token is not a signed JWT") from None
    algorithm = header.get("alg")
    if algorithm == HS256 and hs256_accepted(settings):
        claims = _decode(
            settings,
            token,
            settings.secret_key.get_secret_value(),
            [HS256],
            issuer=MEMBERFLOW_ISSUER,
            audience=MEMBERFLOW_ISSUER,
        )
        return _actor(claims, MEMBERFLOW_CLAIMS)
    if algorithm in OIDC_ALGORITHMS and settings.oidc_jwks:
        if not (settings.oidc_issuer and settings.oidc_audience):  # the settings require both
            raise KeysUnavailable("the OIDC provider's issuer or audience is not configured")
        key = _signing_key(settings.oidc_jwks, header.get("kid"))
        claims = _decode(
            settings,
            token,
            key,
            list(OIDC_ALGORITHMS),
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
        )
        names = ClaimNames(
            settings.oidc_role_claim, settings.oidc_org_claim, settings.oidc_member_claim
        )
        return _actor(claims, names)
    accepted = ([HS256] if hs256_accepted(settings) else []) + (
        list(OIDC_ALGORITHMS) if settings.oidc_configured else []
    )
    raise InvalidToken(f"the token's algorithm is not accepted; accepted: {', '.join(accepted)}")


# pyjwt's own messages may carry details of keys (a JWK's data); these sentences never do.
_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet (iat or nbf is in the future)"),
    (jwt.InvalidAudienceError, "the token is meant for another audience (aud)"),
    (jwt.InvalidIssuerError, "the token comes from an issuer that is not trusted (iss)"),
    (jwt.InvalidSignatureError, "the token's signature does not verify"),
    (jwt.InvalidAlgorithmError, "the token's algorithm does not fit its key"),
    (jwt.InvalidKeyError, "the token's signing key is not acceptable"),
    (jwt.InvalidIssuedAtError, "the token's iat is not a time"),
    (jwt.exceptions.InvalidSubjectError, "the token's subject (sub) is not a string"),
)


def _decode(
    settings: Settings,
    token: str,
    key: str | jwt.PyJWK,
    algorithms: list[str],
    *,
    issuer: str,
    audience: str,
) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            issuer=issuer,
            audience=audience,
            leeway=settings.token_leeway_seconds,
            options={
                "require": ["sub", "iat", "exp", "iss", "aud"],
                "enforce_minimum_key_length": isinstance(key, jwt.PyJWK),
            },
        )
    except jwt.MissingRequiredClaimError as error:
        raise InvalidToken(f"the token lacks the {error.claim} claim") from None
    except jwt.PyJWTError as error:
        reason = next((text for kind, text in _REASONS if isinstance(error, kind)), None)
        raise InvalidToken(reason or "the token is malformed") from None
    lifetime = int(claims["exp"]) - int(claims["iat"])
    if lifetime > settings.token_max_hours * 3600:
        raise InvalidToken(
            f"the token lives longer than {settings.token_max_hours} hours (exp - iat; "
            "MEMBERFLOW_TOKEN_MAX_HOURS)"
        )
    if lifetime <= 0:
        raise InvalidToken("the token expires before it was issued (exp ≤ iat)")
    return claims


def _actor(claims: dict[str, Any], names: ClaimNames) -> Actor:
    role = claims.get(names.role)
    if not isinstance(role, str) or role not in {r.value for r in Role}:
        raise InvalidToken(f"the token's {names.role} claim is not a memberflow role")
    actor = Actor(
        id=_subject(claims["sub"]),
        role=Role(role),
        organization_id=_uuid(claims, names.organization),
        member_id=_uuid(claims, names.member),
    )
    if actor.organization_id is None and actor.role is not Role.ADMIN:
        raise InvalidToken("only an admin token may carry no organization")
    return actor


def _subject(value: object) -> str:
    """The actor's id: a name written into every event the token's bearer causes."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidToken("the token's subject (sub) is empty")
    if value != value.strip() or len(value) > MAX_SUBJECT_LENGTH or not value.isprintable():
        raise InvalidToken(
            f"the token's subject (sub) must be at most {MAX_SUBJECT_LENGTH} printable "
            "characters, without spaces around them"
        )
    return value


def _uuid(claims: dict[str, Any], name: str) -> UUID | None:
    value = claims.get(name)
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return UUID(value)
    except ValueError:
        pass
    raise InvalidToken(f"the token's {name} claim is not an id")


# The provider's keys: a client per URL (pyjwt caches the set and refetches it for an unknown kid),
# a parsed file per path, read again when the file changes.
_lock = threading.Lock()
_clients: dict[str, jwt.PyJWKClient] = {}
_files: dict[str, tuple[tuple[int, int, int], list[jwt.PyJWK]]] = {}


def _signing_key(source: str, kid: object) -> jwt.PyJWK:
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("the token names no signing key (kid)")
    if source.lower().startswith(("https://", "http://")):
        key = _url_key(source, kid)
    else:
        key = next((k for k in _file_keys(Path(source)) if k.key_id == kid), None)
    if key is None:
        raise InvalidToken("no signing key of the OIDC provider matches the token's kid")
    if key.key_type not in OIDC_KEY_TYPES or key.algorithm_name not in OIDC_ALGORITHMS:
        raise InvalidToken("the token's signing key is not an RS256 or ES256 key")
    return key


def _url_key(url: str, kid: str) -> jwt.PyJWK | None:
    with _lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = jwt.PyJWKClient(url, timeout=JWKS_FETCH_TIMEOUT_SECONDS)
    try:
        client.get_signing_keys()  # cached: a failure here is the provider's, not the token's
    except jwt.PyJWTError:
        raise KeysUnavailable("the OIDC provider's signing keys could not be fetched") from None
    try:
        return client.get_signing_key(kid)
    except jwt.PyJWKClientConnectionError:
        raise KeysUnavailable("the OIDC provider's signing keys could not be fetched") from None
    except jwt.PyJWTError:
        return None


def _file_keys(path: Path) -> list[jwt.PyJWK]:
    """The public RSA and EC keys of a JWKS file; private members and other kinds are ignored."""
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with _lock:
            cached = _files.get(str(path))
        if cached and cached[0] == version:
            return cached[1]
        document = json.loads(path.read_text(encoding="utf-8"))
        members = [
            member
            for member in document["keys"]
            if isinstance(member, dict)
            and member.get("kty") in OIDC_KEY_TYPES
            and "d" not in member
        ]
        keys = jwt.PyJWKSet(members).keys
    except (OSError, ValueError, KeyError, TypeError, jwt.PyJWTError):
        raise KeysUnavailable("the JWKS file could not be read as a JSON Web Key Set") from None
    with _lock:
        _files[str(path)] = (version, keys)
    return keys
