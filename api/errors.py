"""Errors become application/problem+json (RFC 9457) here, and only here."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.reads import ReadModelBehind
from domain.errors import Conflict, NotFound, RulesBroken

PROBLEM = "application/problem+json"


class Unauthorized(Exception):
    pass


class Forbidden(Exception):
    pass


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _rules_broken(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RulesBroken)
    first = error.first
    return problem(
        422,
        "A hard rule was broken",
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
    assert isinstance(error, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(part) for part in e["loc"][1:]) or str(e["loc"][0]),
            "message": e["msg"],
        }
        for e in error.errors()
    ]
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    return problem(
        422,
        "Invalid request",
        f"{first['field']}: {first['message']}",
        field=first["field"],
        errors=errors,
        detail_zh="请求内容不符合要求。",
        detail_en=f"{first['field']}: {first['message']}",
    )


def _unauthorized(_: Request, error: Exception) -> JSONResponse:
    return problem(
        401, "Unauthorized", str(error), detail_zh="需要有效的令牌。", detail_en=str(error)
    )


def _forbidden(_: Request, error: Exception) -> JSONResponse:
    return problem(
        403, "Forbidden", str(error), detail_zh="当前角色无权进行此操作。", detail_en=str(error)
    )


def _http(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return problem(error.status_code, str(error.detail), str(error.detail))


def _behind(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ReadModelBehind)
    response = problem(
        503,
        "The read model is behind",
        str(error),
        wanted=error.wanted,
        reached=error.reached,
        detail_zh="读模型尚未更新到所需位置，请稍后重试。",
        detail_en=str(error),
    )
    response.headers["Retry-After"] = "1"
    return response


def _busy(_: Request, error: Exception) -> JSONResponse:
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


def install(app: FastAPI) -> None:
    app.add_exception_handler(OperationalError, _busy)  # pool timeout, database locked
    app.add_exception_handler(ReadModelBehind, _behind)
    app.add_exception_handler(RulesBroken, _rules_broken)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(RequestValidationError, _invalid_body)
    app.add_exception_handler(Unauthorized, _unauthorized)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(StarletteHTTPException, _http)
