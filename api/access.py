"""The access policy at the HTTP boundary (``domain/access.py``).

Every endpoint names the action it does (``ENDPOINTS``). Before a route runs, a role the policy
does not allow that action is refused (403). Then jurisdiction: a write is checked by the command
bus on the command's subject (403 outside); a read checks it here — a record outside the user's
subtree is not found (404, so that its existence is not confirmed), a list or dashboard of an
organization outside it is forbidden (403).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute

from api.deps import CurrentActor
from domain.access import Action, Where, where
from domain.admission.case import AdmissionCase
from domain.admission.steps import STEPS, Taker
from domain.context import Actor
from domain.elections.steps import ELECTION_STEPS
from domain.elections.steps import Taker as ElectionTaker
from domain.errors import NotFound
from memberflow.bootstrap import Memberflow
from services.authorization import check, check_role, within

A = Action
ENDPOINTS: dict[tuple[str, str], Action] = {
    ("POST", "/organizations"): A.REGISTER_ORGANIZATION,
    ("GET", "/organizations/{organization_id}"): A.READ,
    ("POST", "/organizations/{organization_id}/development-plans"): A.SET_DEVELOPMENT_PLAN,
    ("POST", "/organizations/{organization_id}/term-extension"): A.PARENT_DECISION,
    ("POST", "/members"): A.REGISTER_MEMBER,
    ("GET", "/members/{member_id}"): A.READ,
    ("POST", "/members/{member_id}/standing"): A.REGISTER_MEMBER,
    ("POST", "/admissions"): A.APPLY,
    ("GET", "/admissions/{case_id}"): A.READ,
    ("GET", "/admissions/{case_id}/history"): A.READ,
    ("POST", "/admissions/{case_id}/exceptions"): A.GRANT_EXCEPTION,
    ("POST", "/admissions/{case_id}/withdrawal"): A.CLOSE_CASE,
    ("POST", "/admissions/{case_id}/termination"): A.CLOSE_CASE,
    ("POST", "/admissions/{case_id}/transfer"): A.CLOSE_CASE,
    **{
        ("POST", f"/admissions/{{case_id}}/steps/{step.slug}"): (
            A.COMMITTEE_STEP if step.taken_by is Taker.APPROVING_COMMITTEE else A.BRANCH_STEP
        )
        for step in STEPS[1:]
    },
    ("POST", "/elections"): A.OWN_ELECTION_STEP,
    ("GET", "/elections/calendar"): A.READ,
    ("GET", "/elections/{election_id}"): A.READ,
    ("GET", "/elections/{election_id}/history"): A.READ,
    **{
        ("POST", f"/elections/{{election_id}}/steps/{step.slug}"): (
            A.PARENT_DECISION if step.taken_by is ElectionTaker.PARENT else A.OWN_ELECTION_STEP
        )
        for step in ELECTION_STEPS
    },
    ("GET", "/findings"): A.READ,
    ("GET", "/dashboard/pipeline"): A.READ,
    ("GET", "/approvals/inbox"): A.READ,
    ("POST", "/approvals/{item}/claim"): A.HANDLE_ITEM,
    ("POST", "/approvals/{item}/assign"): A.HANDLE_ITEM,
    ("POST", "/approvals/{item}/comment"): A.HANDLE_ITEM,
    ("POST", "/approvals/{item}/acknowledge"): A.ACKNOWLEDGE_FILING,
    ("GET", "/audit/cases/{case_id}/timeline"): A.AUDIT,
    ("GET", "/audit/elections/{election_id}/timeline"): A.AUDIT,
    ("GET", "/audit/log"): A.AUDIT,
    ("GET", "/audit/replay"): A.AUDIT,
    ("GET", "/rules"): A.READ_RULES,
}
# Endpoints without a token: load balancers and the API's own documentation.
PUBLIC = {"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/metrics"}


async def authorized(request: Request, actor: CurrentActor) -> Actor:
    """The actor, if the policy lets its role do what this endpoint does (403 otherwise)."""
    check_role(ENDPOINTS[(request.method, request.scope["route"].path)], actor)
    return actor


Authorized = Annotated[Actor, Depends(authorized)]


def check_routes(app: FastAPI) -> None:
    """Every route of the app is in the policy or public: a new endpoint cannot forget it."""
    for route in app.routes:
        if not isinstance(route, APIRoute) or route.path in PUBLIC:
            continue
        for method in route.methods or ():
            if (method, route.path) not in ENDPOINTS:
                raise RuntimeError(f"{method} {route.path} has no row in api/access.py")


# Reads: jurisdiction over a record (404 outside) or a list (403 outside).


def readable(memberflow: Memberflow, actor: Actor, *places: UUID, action: Action = A.READ) -> None:
    """NotFound unless one of ``places`` (the organizations a record belongs to) is within the
    actor's jurisdiction for ``action``."""
    if where(action, actor.role) is Where.EVERYWHERE:
        return
    if not any(within(actor, place, memberflow.organizations) for place in places):
        raise NotFound("record", "outside your jurisdiction")


def listable(
    memberflow: Memberflow, actor: Actor, organization_id: UUID, action: Action = A.READ
) -> None:
    """NotFound for an unknown organization; Forbidden unless the organization whose subtree is
    listed is within the jurisdiction."""
    memberflow.organizations.organization(organization_id)
    check(action, actor, organization_id, memberflow.organizations)


def scope_of(actor: Actor, organization_id: UUID | None) -> UUID | None:
    """The organization a list is about: the one asked for, else the actor's own (None: the
    administrator's whole city)."""
    return organization_id or actor.organization_id


def case_places(case: AdmissionCase) -> list[UUID]:
    """Every branch a case has belonged to: discipline staff of an earlier branch's committee
    keep seeing its history."""
    return [case.branch_id, *(t.from_branch_id for t in case.transfers)]
