"""Typed dependencies, so that handlers read like signatures of what they need."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import Unauthorized
from domain.context import Actor, Role
from memberflow.bootstrap import Memberflow
from services.tokens import InvalidToken, KeysUnavailable, actor_from

bearer = HTTPBearer(
    auto_error=False, description="memberflow token --sub USER --role ROLE --org ORG"
)


# The dependencies that only look at the request are ``async``: FastAPI runs a plain ``def`` in the
# thread pool, a hop there and back for every request (issue 11, docs/PERFORMANCE.md).
async def get_memberflow(request: Request) -> Memberflow:
    memberflow: Memberflow = request.app.state.memberflow
    return memberflow


MemberflowDep = Annotated[Memberflow, Depends(get_memberflow)]


async def get_request_id(request: Request) -> str:
    request_id: str = request.state.request_id
    return request_id


RequestId = Annotated[str, Depends(get_request_id)]


def current_actor(
    memberflow: MemberflowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The one place where a request's actor comes from: the bearer token, and nothing else."""
    if credentials is None:
        raise Unauthorized("a bearer token is required")
    try:
        return token_actor(memberflow, credentials.credentials)
    except InvalidToken as error:
        raise Unauthorized(str(error)) from None
    except KeysUnavailable as error:
        raise HTTPException(503, str(error)) from None


def token_actor(memberflow: Memberflow, token: str) -> Actor:
    """The actor a token names, checked as every request's is: its signature, claims and lifetime
    (``services.tokens``), then its organization. The API and the web console both ask here.

    Raises ``InvalidToken`` (401) or ``KeysUnavailable`` (503).
    """
    actor = actor_from(memberflow.settings, token)
    _check_organization(memberflow, actor)
    return actor


def _check_organization(memberflow: Memberflow, actor: Actor) -> None:
    """A token acts for a registered organization; only an admin's may name none."""
    if actor.organization_id is None:
        if actor.role is not Role.ADMIN:  # actor_from refuses these already
            raise InvalidToken("only an admin token may carry no organization")
        return
    if not memberflow.organizations.registered(actor.organization_id):
        raise InvalidToken(
            f"the token's organization {actor.organization_id} is not a registered organization"
        )


CurrentActor = Annotated[Actor, Depends(current_actor)]
