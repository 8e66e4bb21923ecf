"""Errors become application/problem+json (RFC 9457) here, and only here."""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from eventsourcing.persistence import OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.reads import ReadModelBehind
from domain.errors import Conflict, Forbidden, NotFound, RulesBroken, Violation
from services.idempotency import KeyReused

PROBLEM = "application/problem+json"
log = structlog.get_logger("memberflow.http")


class Unauthorized(Exception):
    pass


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _rules_broken(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RulesBroken)
    if isinstance(error, Forbidden):  # MF-ACCESS: a rule of who and where, not of the facts
        return _rule_problem(403, "Forbidden", error)
    return _rule_problem(422, "A hard rule was broken", error)


def _rule_problem(status: int, title: str, error: RulesBroken) -> JSONResponse:
    first = error.first
    return problem(
        status,
        title,
        first.detail_en,
        type=f"urn:memberflow:rule:{first.rule.id}",
        rule=first.rule.id,
        source=first.rule.source,
        detail_zh=first.detail_zh,
        detail_en=first.detail_en,
        violations=[
            {
                "rule": v.rule.id,
                "source": v.rule.source,
                "detail_zh": v.detail_zh,
                "detail_en": v.detail_en,
            }
            for v in error.violations
        ],
    )


def _not_found(_: Request, error: Exception) -> JSONResponse:
    return problem(404, "Not found", str(error), detail_zh="未找到。", detail_en=str(error))


def _conflict(_: Request, error: Exception) -> JSONResponse:
    return problem(
        409,
        "Conflict",
        str(error),
        detail_zh="记录已被他人修改，请刷新后重试。",
        detail_en=str(error),
    )


def _invalid_body(_: Request, error: Exception) -> JSONResponse:
    """422 with the first invalid ``field`` (a query, path or header parameter by its name, a
    body's field by its dotted path, ``body`` for a body that is not JSON) and every error."""
    assert isinstance(error, RequestValidationError)
    found = list(error.errors())
    errors = [{"field": _field(e), "message": e["msg"]} for e in found]
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    extra: dict[str, Any] = {
        "detail_zh": "请求内容不符合要求。",
        "detail_en": f"{first['field']}: {first['message']}",
    }
    if found and found[0]["type"] == "date_in_future":  # the field breaks MF-FUTURE-DATE (§0)
        said = f"{first['field']}: {found[0].get('ctx', {}).get('day', '')}"
        violation = Violation.of("MF-FUTURE-DATE", f"{said}。", f"{said}.")
        extra = _rule_fields(violation)
    return problem(
        422,
        "Invalid request",
        f"{first['field']}: {first['message']}",
        field=first["field"],
        errors=errors,
        **extra,
    )


def _field(error: Any) -> str:
    location = error["loc"]
    if error["type"] == "json_invalid":
        return "body"  # FastAPI places a JSON syntax error at its character offset
    return ".".join(str(part) for part in location[1:]) or str(location[0])


def _rule_fields(violation: Violation) -> dict[str, Any]:
    one = {
        "rule": violation.rule.id,
        "source": violation.rule.source,
        "detail_zh": violation.detail_zh,
        "detail_en": violation.detail_en,
    }
    return {"type": f"urn:memberflow:rule:{violation.rule.id}", **one, "violations": [one]}


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    """500, and never a stack trace: the traceback goes to the log under the request's id."""
    request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex
    log.error(
        "http.unexpected",
        method=request.method,
        path=request.url.path,
        request_id=request_id,
        error_type=type(error).__name__,
        exc_info=error,
    )
    response = problem(
        500,
        "Internal server error",
        f"An unexpected error; it was logged under request id {request_id}.",
        request_id=request_id,
        detail_zh=f"服务器内部错误，已记录（请求编号 {request_id}）。",
        detail_en=f"An unexpected error; it was logged under request id {request_id}.",
    )
    response.headers["x-request-id"] = request_id
    return response


def _unauthorized(_: Request, error: Exception) -> JSONResponse:
    return problem(
        401, "Unauthorized", str(error), detail_zh="需要有效的令牌。", detail_en=str(error)
    )


def _http(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return problem(error.status_code, str(error.detail), str(error.detail))


def _behind(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ReadModelBehind)
    failing = [
        {
            "projection": f.projection,
            "log": f.log,
            "position": f.position,
            "error_type": f.error_type,
            "error": f.error,
        }
        for f in error.failing
    ]
    response = problem(
        503,
        "The read model is failing" if failing else "The read model is behind",
        str(error),
        wanted=error.wanted,
        reached=error.reached,
        **({"failing": failing} if failing else {}),
        detail_zh="读模型无法处理某一事件，已停止更新，正在重试；请稍后再试。"
        if failing
        else "读模型尚未更新到所需位置，请稍后重试。",
        detail_en=str(error),
    )
    response.headers["Retry-After"] = "1"
    return response


def _busy(_: Request, error: Exception) -> JSONResponse:
    return store_busy(error)


def store_busy(error: Exception) -> JSONResponse:
    """503: the store could not answer in time (a lock, a lost connection, a restart)."""
    response = problem(
        503,
        "The store is busy",
        str(error),
        detail_zh="系统繁忙。若为写入请求，可能未被记录：请先查看历史，或带 If-Match 重试。",
        detail_en=f"The store is busy ({error}). A write may not have been recorded: read the "
        "history first, or retry with If-Match, which cannot record it twice.",
    )
    response.headers["Retry-After"] = "1"
    return response


def key_reused(key: str) -> JSONResponse:
    """422: the user's Idempotency-Key was sent before with another request (api/idempotency.py)."""
    detail = f"the Idempotency-Key {key!r} was used for another request"
    return problem(
        422,
        "Idempotency-Key reused",
        detail,
        rule="MF-IDEMPOTENCY",
        field="idempotency-key",
        detail_zh="该 Idempotency-Key 已用于另一请求（路径、内容或 If-Match 不同），本次未记录。",
        detail_en=f"{detail}: another path, body or If-Match; nothing was recorded.",
    )


def _key_reused(_: Request, error: Exception) -> JSONResponse:
    """The same, found by the command bus: another request with the key was recorded first."""
    assert isinstance(error, KeyReused)
    return key_reused(error.key)


def install(app: FastAPI) -> None:
    app.add_exception_handler(OperationalError, _busy)  # pool timeout, database locked
    app.add_exception_handler(ReadModelBehind, _behind)
    app.add_exception_handler(RulesBroken, _rules_broken)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(KeyReused, _key_reused)
    app.add_exception_handler(RequestValidationError, _invalid_body)
    app.add_exception_handler(Unauthorized, _unauthorized)
    app.add_exception_handler(StarletteHTTPException, _http)  # 404 unknown path, 405 …
    app.add_exception_handler(Exception, _unexpected)  # 500, from Starlette's outermost layer
