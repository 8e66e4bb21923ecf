"""Typed dependencies, so that handlers read like signatures of what they need."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import Forbidden, Unauthorized
from domain.context import Actor, Role
from memberflow.bootstrap import Memberflow
from services.tokens import InvalidToken, actor_from

bearer = HTTPBearer(
    auto_error=False, description="memberflow token --sub USER --role ROLE --org ORG"
)


def get_memberflow(request: Request) -> Memberflow:
    memberflow: Memberflow = request.app.state.memberflow
    return memberflow


MemberflowDep = Annotated[Memberflow, Depends(get_memberflow)]


def get_request_id(request: Request) -> str:
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
        return actor_from(memberflow.settings, credentials.credentials)
    except InvalidToken as error:
        raise Unauthorized(str(error)) from None


CurrentActor = Annotated[Actor, Depends(current_actor)]


def acting_as(*roles: Role) -> Callable[[Actor], Actor]:
    """A dependency that admits only the given roles."""

    def check(actor: CurrentActor) -> Actor:
        if actor.role not in roles:
            raise Forbidden(
                f"role {actor.role.value} may not do this; needs one of "
                f"{', '.join(r.value for r in roles)}"
            )
        return actor

    return check


WRITERS = (Role.BRANCH_SECRETARY, Role.COMMITTEE_OFFICIAL, Role.ORG_DEPARTMENT, Role.ADMIN)
Writer = Annotated[Actor, Depends(acting_as(*WRITERS))]
TreeBuilder = Annotated[Actor, Depends(acting_as(Role.ADMIN, Role.ORG_DEPARTMENT))]
AUDITORS = (Role.DISCIPLINE_INSPECTOR, Role.ORG_DEPARTMENT, Role.ADMIN)
Auditor = Annotated[Actor, Depends(acting_as(*AUDITORS))]
