"""Whether a secret is fit for production: the built-in development secret, a short one, a
pattern or a placeholder are refused by the settings (memberflow/settings.py)."""

from __future__ import annotations

DEVELOPMENT_SECRET = "memberflow-development-secret-change-me"
MIN_SECRET_BYTES = 32  # outside development: HS256 keys of at least 256 bits (RFC 7518 §3.2)
MIN_SECRET_DISTINCT = 8  # fewer distinct characters than this is a pattern, not a random secret


def secret_weakness(secret: str) -> str | None:
    """Why an HS256 secret is too weak for production, or None; never quotes the secret."""
    if secret == DEVELOPMENT_SECRET:
        return "it is the built-in default"
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return f"it must be at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)"
    if len(set(secret)) < MIN_SECRET_DISTINCT:
        return (
            f"it has fewer than {MIN_SECRET_DISTINCT} distinct characters: use random bytes "
            "(e.g. `openssl rand -hex 32`)"
        )
    if "changeme" in "".join(c for c in secret.lower() if c.isalnum()):
        return "it is a placeholder, not a secret"
    return None
