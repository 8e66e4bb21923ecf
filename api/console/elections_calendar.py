"""换届选举: the term calendar of the signed-in user's organization and its subtree, twenty
organizations a page, each with its election under way and whether it is overdue (E-OVERDUE).

It is read exactly as ``GET /elections/calendar`` reads it (``api.routes.calendar.calendar_rows``:
the same access check, read model, rows and order, the terms that end first first). As on the
inbox page, the query's values are read leniently, and an address with a write's log position
(``?after=``) waits, boundedly, for the read model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.console.errors import Refused
from api.console.listing import (
    forbidden_page,
    id_in_address,
    page_number,
    read_page,
    ticked,
)
from api.console.pages import render
from api.console.paths import ELECTIONS
from api.console.session import SessionCsrf, SignedIn
from api.deps import MemberflowDep
from api.reads import ReadModelsDep
from api.routes.calendar import calendar_rows
from domain.errors import Forbidden, NotFound

router = APIRouter()

PER_PAGE = 20


@dataclass(frozen=True, slots=True)
class Listing:
    """What the page lists: every term or only the overdue, which page, and the organization when
    the address names one (else the user's own)."""

    overdue: bool = False
    page: int = 1
    org: UUID | None = None

    @classmethod
    def of(cls, *, overdue: str, page: str, org: str) -> Listing:
        return cls(overdue=ticked(overdue), page=page_number(page), org=id_in_address(org))

    def href(self, **changes: object) -> str:
        """The address of this listing with ``changes``."""
        changed = replace(self, **changes)  # type: ignore[arg-type]
        query: dict[str, str] = {}
        if changed.overdue:
            query["overdue"] = "1"
        if changed.page > 1:
            query["page"] = str(changed.page)
        if changed.org:
            query["org"] = str(changed.org)
        return f"{ELECTIONS}?{urlencode(query)}" if query else ELECTIONS


@router.get(ELECTIONS)
def calendar_page(
    request: Request,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    overdue: str = "",
    page: str = "1",
    org: str = "",
    after: str = "",
) -> Response:
    listing = Listing.of(overdue=overdue, page=page, org=org)
    shown: dict[str, Any] = {"actor": actor, "csrf": csrf, "current": "elections"}
    scope = listing.org or actor.organization_id
    if scope is None:  # an administrator, who belongs to no organization
        return render(request, "elections.html", **shown, listing=listing, organization=None)
    try:
        paged = read_page(
            lambda paging: calendar_rows(
                memberflow,
                read_models,
                actor,
                paging,
                org=scope,
                overdue=listing.overdue,
            ),
            listing.page,
            PER_PAGE,
            after,
        )
    except Forbidden as refused:
        return forbidden_page(request, shown, refused)
    except NotFound:  # no such organization: 404, as the API
        raise Refused(404, "not_found") from None
    return render(
        request,
        "elections.html",
        **shown,
        listing=listing,
        organization=memberflow.organizations.organization(scope),
        rows=paged.rows,
        count=paged.count,
        pages=paged.pages,
        behind=paged.behind,
    )
