"""Bearer tokens: HS256 JWTs signed with the configured secret. The API trusts only these."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
from pydantic import ValidationError

from domain.context import Actor, Role
from memberflow.settings import Settings

ALGORITHM = "HS256"


class InvalidToken(Exception):
    pass


def issue(
    settings: Settings,
    *,
    subject: str,
    role: Role,
    organization_id: UUID | None,
    member_id: UUID | None = None,
) -> str:
    if organization_id is None and role is not Role.ADMIN:
        raise ValueError("only an admin token may carry no organization")
    now = datetime.now(tz=UTC)
    claims = {
        "sub": subject,
        "role": role.value,
        "org": str(organization_id) if organization_id else None,
        "member": str(member_id) if member_id else None,
        "iat": now,
        "exp": now + timedelta(hours=settings.token_hours),
    }
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def actor_from(settings: Settings, token: str) -> Actor:
    try:
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "role", "exp"]},
        )
        actor = Actor(
            id=claims["sub"],
            role=claims["role"],
            organization_id=claims.get("org"),
            member_id=claims.get("member"),
        )
    except (jwt.PyJWTError, ValidationError) as error:
        raise InvalidToken(str(error)) from None
    if actor.organization_id is None and actor.role is not Role.ADMIN:
        raise InvalidToken("only an admin token may carry no organization")
    return actor
