"""The import page (数据导入): the organization tree and the member roster uploaded as .xlsx or
.csv, each row checked as the API checks its body, and imported through the command bus as the
signed-in user only when every row is good — or when the user asks for the good rows alone.

The form is ``multipart/form-data`` (it uploads a file), read by Starlette's parser
(python-multipart); its CSRF field is checked as every console form's is (``csrf_valid``) before
the file is read. Nothing is kept on the server between two posts: to import the good rows after
a refusal, the user chooses the same file again and ticks 仅导入无误的行, and the file is checked
again (what would be left out is listed again on the answer).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from api.console.cookies import SESSION_COOKIE
from api.console.csrf import csrf_valid
from api.console.errors import Refused
from api.console.importing.blanks import CSV_TYPE, XLSX_TYPE, template_csv, template_xlsx
from api.console.importing.checking import Checked, check
from api.console.importing.columns import COLUMNS, Kind
from api.console.importing.running import Report, run
from api.console.importing.sheets import MAX_BYTES, Sheet, Unreadable, read_sheet
from api.console.notices import notice_of
from api.console.pages import SECURITY_HEADERS, render
from api.console.paths import IMPORT
from api.console.session import SessionCsrf, SignedIn, session_csrf
from api.deps import MemberflowDep, RequestId
from domain.access import Action, where
from domain.context import Actor
from domain.errors import RulesBroken
from memberflow.bootstrap import Memberflow

router = APIRouter()

GOOD_ONLY = "good_only"  # the checkbox: import the good rows, leave the bad ones out
FILE = "file"
_ACTIONS = {Kind.ORGANIZATIONS: Action.REGISTER_ORGANIZATION, Kind.MEMBERS: Action.REGISTER_MEMBER}
_FORM_SLACK = 64 * 1024  # the multipart framing and the form's other fields around the file


@router.get(IMPORT)
def show(request: Request, actor: SignedIn, csrf: SessionCsrf) -> Response:
    _allowed(actor, Kind.MEMBERS)
    return _page(request, actor, csrf)


@router.get(IMPORT + "/templates/{name}")
def template(name: str, _: SignedIn) -> Response:
    """The header row and one example row of ``<kind>.xlsx`` or ``<kind>.csv``."""
    stem, _dot, extension = name.partition(".")
    kind = _kind(stem)
    if extension not in ("xlsx", "csv"):
        raise Refused(404, "not_found")
    content, media_type = (
        (template_xlsx(kind), XLSX_TYPE) if extension == "xlsx" else (template_csv(kind), CSV_TYPE)
    )
    disposition = f'attachment; filename="memberflow-{kind.value}.{extension}"'
    headers = {**SECURITY_HEADERS, "Content-Disposition": disposition}
    return Response(content, media_type=media_type, headers=headers)


@router.post(IMPORT + "/{name}")
async def upload(
    request: Request,
    name: str,
    actor: SignedIn,
    memberflow: MemberflowDep,
    request_id: RequestId,
) -> Response:
    """Check every row; import them all, none, or the good ones when asked."""
    kind = _kind(name)
    form = await _checked_form(request, memberflow)
    _allowed(actor, kind)
    csrf = session_csrf(request, memberflow, actor)
    file = form.get(FILE)
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise Unreadable("no_file")
        sheet = read_sheet(file.filename, await file.read(MAX_BYTES + 1))
    except Unreadable as unreadable:
        return _page(request, actor, csrf, kind=kind, unreadable=unreadable.reason, status=422)
    good_only = form.get(GOOD_ONLY) == "1"
    checked, report = await run_in_threadpool(
        _imported, memberflow, actor, request_id, kind, sheet, good_only=good_only
    )
    status = 422 if (checked.problems and report is None) or (report and report.stopped) else 200
    return _page(request, actor, csrf, kind=kind, checked=checked, report=report, status=status)


def _imported(
    memberflow: Memberflow,
    actor: Actor,
    request_id: str,
    kind: Kind,
    sheet: Sheet,
    *,
    good_only: bool,
) -> tuple[Checked, Report | None]:
    """The rows checked, and what was imported: nothing while a row is bad, unless asked."""
    checked = check(kind, sheet, memberflow, actor)
    if checked.problems and not good_only:
        return checked, None
    return checked, run(checked.planned, bus=memberflow.bus, actor=actor, request_id=request_id)


async def _checked_form(request: Request, memberflow: Memberflow) -> FormData:
    """The multipart form, once its CSRF value fits the session (403 otherwise); a body larger
    than a file of the limit and its form is refused before it is parsed."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES + _FORM_SLACK:
        raise Refused(413, "imports.unreadable.too_large")
    try:
        form = await request.form(max_files=1, max_fields=10)
    except HTTPException:  # a malformed multipart body
        raise Refused(400, "form_refused") from None
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    if not csrf_valid(memberflow.settings.secret_key, request.cookies.get(SESSION_COOKIE), fields):
        raise Refused(403, "csrf_refused")
    return form


def _kind(name: str) -> Kind:
    try:
        return Kind(name)
    except ValueError:
        raise Refused(404, "not_found") from None


def _allowed(actor: Actor, kind: Kind) -> None:
    """The page is for the roles that may register members (and organizations, for the tree);
    where they may is the command bus's to decide for each row."""
    if where(_ACTIONS[kind], actor.role) is None:
        raise Refused(403, "forbidden")


def _page(
    request: Request,
    actor: Actor,
    csrf: str,
    *,
    kind: Kind | None = None,
    unreadable: str | None = None,
    checked: Checked | None = None,
    report: Report | None = None,
    status: int = 200,
) -> Response:
    stopped = report.stopped if report else None
    refusal = stopped.refusal if stopped else None
    return render(
        request,
        "import.html",
        status=status,
        actor=actor,
        csrf=csrf,
        current="import",
        kinds=[k for k in Kind if where(_ACTIONS[k], actor.role) is not None],
        columns=COLUMNS,
        kind=kind,
        unreadable=unreadable,
        checked=checked,
        report=report,
        notice=notice_of(refusal) if isinstance(refusal, RulesBroken) else None,
        here=IMPORT,
    )
