"""The 纪实表 (发展党员全程纪实表) of a case: the paper form branches keep, as a page to print
(``record.html`` under ``record.css``'s print stylesheet) and the same page as a PDF download.

Both read the case from its events alone (``record_view``) under the case page's check, and say
at which position of the log they were read, so that a printed copy can be traced.
"""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

import api.console.record_pdf as record_pdf
from api.console.case import article
from api.console.errors import Refused
from api.console.i18n import language_of
from api.console.pages import SECURITY_HEADERS, render
from api.console.paths import CASES, case_page
from api.console.record_view import Sheet, sheet_of
from api.console.session import SessionCsrf, SignedIn
from api.console.words import stage_name, step_name
from api.deps import MemberflowDep, RequestId
from domain.context import Actor

router = APIRouter()


@router.get(CASES + "/{case_id}/record")
def show(
    request: Request,
    case_id: UUID,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    request_id: RequestId,
) -> Response:
    sheet = sheet_of(memberflow, actor, case_id, request_id, language_of(request))
    return _page(request, actor, csrf, sheet)


@router.get(CASES + "/{case_id}/record.pdf")
def download(
    request: Request,
    case_id: UUID,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    request_id: RequestId,
) -> Response:
    """The sheet as a PDF; 503 where WeasyPrint cannot load (checked first: a sheet that is not
    delivered is not a read to record)."""
    weasyprint = record_pdf.load()
    if weasyprint is None:
        raise Refused(503, "record.pdf_unavailable")
    sheet = sheet_of(memberflow, actor, case_id, request_id, language_of(request))
    html = bytes(_page(request, actor, csrf, sheet).body).decode()
    return Response(
        record_pdf.pdf_of(weasyprint, html),
        media_type="application/pdf",
        headers={
            **SECURITY_HEADERS,
            "Content-Disposition": attachment(case_id, sheet.case.applicant.name),
        },
    )


def attachment(case_id: UUID, applicant: str) -> str:
    """纪实表-<name>.pdf in RFC 5987's UTF-8 form (RFC 6266), an ASCII name for older clients."""
    named = quote(f"纪实表-{applicant}.pdf", safe="")
    return f"attachment; filename=\"record-{case_id}.pdf\"; filename*=UTF-8''{named}"


def _page(request: Request, actor: Actor, csrf: str, sheet: Sheet) -> Response:
    language = language_of(request)
    return render(
        request,
        "record.html",
        actor=actor,
        csrf=csrf,
        sheet=sheet,
        here=case_page(sheet.case.id),
        step_name=lambda slug: step_name(slug, language),
        stage_name=lambda stage: stage_name(stage, language),
        article=article,
    )
