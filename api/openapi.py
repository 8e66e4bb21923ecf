"""The OpenAPI document says what every error looks like: application/problem+json (RFC 9457),
and that every POST takes an ``Idempotency-Key`` (api/idempotency.py).

FastAPI documents only its own 422 (as application/json); memberflow answers every error as a
problem, so each operation's possible problems are added here once, from what the operation is:
authenticated or public, a write or a read, with a body or parameters. The key is read by a
middleware, not by the routes, so it is added here too.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.errors import PROBLEM

_PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; the fields beyond the standard five are those "
    "of docs/api.md#errors (rule, source, detail_zh, detail_en, violations, field, errors, "
    "request_id, wanted, reached, failing)",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "rule": {"type": "string"},
        "source": {"type": "string"},
        "detail_zh": {"type": "string"},
        "detail_en": {"type": "string"},
        "violations": {"type": "array", "items": {"type": "object"}},
        "field": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "request_id": {"type": "string"},
    },
    "additionalProperties": True,
}
_REF = {"$ref": "#/components/schemas/Problem"}

_WHEN = {
    "400": "the body cannot be decoded (not UTF-8), or a malformed Idempotency-Key",
    "401": "no token, or an invalid, expired or too long-lived one",
    "403": "MF-ACCESS: the role may not do this, or not outside its jurisdiction",
    "404": "an unknown id, or a record outside the jurisdiction",
    "409": "another writer changed it first, or it already exists",
    "413": "the request body is larger than MEMBERFLOW_MAX_BODY_BYTES",
    "422": "an input outside its limits (`field`), a broken hard rule (`rule`), or an "
    "Idempotency-Key used for another request (`MF-IDEMPOTENCY`)",
    "503": "the store is busy or unavailable, or the read model is behind `after`",
}
_WRITES = {"post", "put", "patch", "delete"}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "the client's key of this write (1–200 printable ASCII characters): a retry "
    "with the same key, path and body is answered from the first write (same status and body; "
    "`Idempotent-Replayed: true`) and records nothing; the key with another request is 422. "
    "Keys are the actor's own and kept MEMBERFLOW_IDEMPOTENCY_HOURS (24 by default)",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


def install(app: FastAPI) -> None:
    """Replace ``app.openapi`` by one that documents the problems of every operation."""

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                _PROBLEM_SCHEMA
            )
            for item in document["paths"].values():
                for method, operation in item.items():
                    _add_problems(method, operation)
                    if method == "post":
                        operation.setdefault("parameters", []).append(_IDEMPOTENCY_KEY)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def _add_problems(method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    statuses = []
    if "security" in operation:
        statuses += ["401", "403", "404", "503"]
    if method in _WRITES:
        statuses.append("409")
    if "requestBody" in operation:
        statuses += ["400", "413"]
    if "requestBody" in operation or operation.get("parameters"):
        statuses.append("422")
    for status in statuses:
        if status not in responses or status == "422":  # FastAPI's own 422 is not our shape
            responses[status] = {
                "description": _WHEN[status],
                "content": {PROBLEM: {"schema": _REF}},
            }
