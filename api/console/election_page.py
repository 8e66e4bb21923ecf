"""The election page: the organization that elects, the steps in order, the candidates, each
ballot with its quorum and majority as the domain computes them, the term, the findings and the
election's events (``election.py``). It only reads: the steps are recorded through the inbox
(the parent's decisions) and the API."""

from __future__ import annotations

from fractions import Fraction
from uuid import UUID

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.console.case import article
from api.console.election import election_view
from api.console.i18n import STRINGS, Language, language_of
from api.console.pages import render
from api.console.paths import ELECTIONS
from api.console.session import SessionCsrf, SignedIn
from api.console.words import step_name
from api.deps import MemberflowDep, RequestId

router = APIRouter()


@router.get(ELECTIONS + "/{election_id}")
def show(
    request: Request,
    election_id: UUID,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    request_id: RequestId,
) -> Response:
    view = election_view(memberflow, actor, election_id, request_id)
    language = language_of(request)
    names = {c.id: c.name for c in view.candidates}
    return render(
        request,
        "election.html",
        actor=actor,
        csrf=csrf,
        current="elections",
        view=view,
        step_name=lambda slug: event_name(slug, language),
        article=article,
        name_of=lambda member_id: names.get(member_id) or str(member_id),
        figure=figure,
    )


def event_name(slug: str, language: Language) -> str:
    """An election's step or event in words: as its step's record names it, and the request and
    the parent's refusals, which have no record of their own, as this page's texts do."""
    return STRINGS[language].get(f"elections.event.{slug}") or step_name(slug, language)


def figure(value: Fraction) -> str:
    """A threshold as a number of voters: 8, or 7.2 (four fifths or half of a count is exact in
    one decimal)."""
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
