"""The home page: who is signed in, as what, for which organization."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.console.pages import render
from api.console.paths import HOME
from api.console.session import SessionCsrf, SignedIn
from api.deps import MemberflowDep
from services.clock import today

router = APIRouter()


@router.get(HOME)
def home(
    request: Request, actor: SignedIn, csrf: SessionCsrf, memberflow: MemberflowDep
) -> Response:
    organization = (
        memberflow.organizations.organization(actor.organization_id).name
        if actor.organization_id
        else None
    )
    return render(
        request,
        "home.html",
        actor=actor,
        csrf=csrf,
        current="home",
        organization=organization,
        today=today(memberflow.clock),
    )
