"""待办: the inbox of the signed-in user's organization, twenty items a page.

It is read exactly as ``GET /approvals/inbox`` reads it (``api.routes.approvals.inbox_rows``: the
same access check, read model and rows). After a write, the page is asked for with the write's
log position (``?after=``), so that it waits, boundedly, until the read model has it: an item just
decided has left the list. The query's values are read leniently: a hand-edited address gets a
page, never a JSON error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.console.errors import Refused
from api.console.i18n import language_of
from api.console.listing import (
    forbidden_page,
    id_in_address,
    page_number,
    read_page,
    ticked,
)
from api.console.pages import render
from api.console.paths import INBOX, item_page
from api.console.session import SessionCsrf, SignedIn
from api.console.words import step_name
from api.deps import MemberflowDep
from api.reads import ReadModelsDep
from api.routes.approvals import inbox_rows
from domain.errors import Forbidden, NotFound
from domain.organizations import OrgKind

router = APIRouter()

PER_PAGE = 20
DONE = frozenset({"acknowledged", "approved", "refused"})  # the writes that lead back here


@dataclass(frozen=True, slots=True)
class Listing:
    """What the page lists: open or done items, with the subtree or not, which page, and the
    organization when the address names one (else the user's own)."""

    status: Literal["open", "done"] = "open"
    subtree: bool = False
    page: int = 1
    org: UUID | None = None

    @classmethod
    def of(cls, *, status: str, subtree: str, page: str, org: str) -> Listing:
        return cls(
            status="done" if status == "done" else "open",
            subtree=ticked(subtree),
            page=page_number(page),
            org=id_in_address(org),
        )

    def href(self, **changes: object) -> str:
        """The address of this listing with ``changes``; a change of filter starts at page 1."""
        changed = replace(self, **changes)  # type: ignore[arg-type]
        query: dict[str, str] = {"status": changed.status}
        if changed.subtree:
            query["subtree"] = "1"
        if changed.page > 1:
            query["page"] = str(changed.page)
        if changed.org:
            query["org"] = str(changed.org)
        return f"{INBOX}?{urlencode(query)}"


@router.get(INBOX)
def inbox_page(
    request: Request,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    status: str = "open",
    subtree: str = "",
    page: str = "1",
    org: str = "",
    after: str = "",
    done: str = "",
) -> Response:
    listing = Listing.of(status=status, subtree=subtree, page=page, org=org)
    shown: dict[str, Any] = {"actor": actor, "csrf": csrf, "current": "inbox"}
    scope = listing.org or actor.organization_id
    if scope is None:  # an administrator, who belongs to no organization
        return render(request, "inbox.html", **shown, listing=listing, organization=None)
    try:
        paged = read_page(
            lambda paging: inbox_rows(
                memberflow,
                read_models,
                actor,
                paging,
                org=scope,
                subtree=listing.subtree,
                status=listing.status,
            ),
            listing.page,
            PER_PAGE,
            after,
        )
    except Forbidden as refused:
        return forbidden_page(request, shown, refused)
    except NotFound:  # no such organization: 404, as the API
        raise Refused(404, "not_found") from None
    organization = memberflow.organizations.organization(scope)
    language = language_of(request)
    return render(
        request,
        "inbox.html",
        **shown,
        listing=listing,
        organization=organization,
        has_subtree=organization.kind is not OrgKind.BRANCH,
        rows=paged.rows,
        count=paged.count,
        pages=paged.pages,
        behind=paged.behind,
        done=done if done in DONE else None,
        step_name=lambda slug: step_name(slug, language),
        item_href=item_page,
    )
