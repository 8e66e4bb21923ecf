"""``Idempotency-Key`` on every POST: a retry of a write is answered from the first, never recorded
twice (services/idempotency.py, docs/OPERATIONS.md).

For a POST that carries the header and a valid bearer token, this middleware reads the body, takes
the request's fingerprint (method, path, query, ``If-Match`` and body) and asks the stores whether
the actor's key was used:

- for another request: **422** (``MF-IDEMPOTENCY``), nothing recorded;
- for this request, with its first answer kept: that answer, byte for byte, with
  ``Idempotent-Replayed: true``;
- for this request without an answer (the service died between recording and answering), or not
  at all: the request is served; the command bus finds the key (then nothing is recorded and the
  stored outcome is answered) or stores it with the command's events.

A successful answer is then kept with the key for its retries. A request without a token is left
to the route, which refuses it (401): keys are the actor's own. A pure ASGI middleware, as
api/request_ids.py explains.
"""

from __future__ import annotations

import hashlib
import re

import structlog
from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import token_actor
from api.errors import key_reused, problem, store_busy
from memberflow.bootstrap import Memberflow
from services.idempotency import REQUESTED, Idempotency, KeyReused, Keys
from services.tokens import InvalidToken, KeysUnavailable

log = structlog.get_logger("memberflow.http")

HEADER = "idempotency-key"
REPLAYED = "Idempotent-Replayed"
# A key is the client's token for one write: short, printable, nothing that could carry more.
_KEY = re.compile(r"[\x21-\x7e]{1,200}")


class IdempotentWrites:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":  # lifespan has no headers
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.fullmatch(key):
            await _bad_key(scope, receive, send)
            return
        memberflow: Memberflow = scope["app"].state.memberflow
        actor = _actor_id(memberflow, headers)
        if actor is None:  # the route refuses it (401, 503)
            await self.app(scope, receive, send)
            return
        try:
            body = await _body(receive)
        except HTTPException as too_large:  # BodyLimit's 413
            answer = problem(too_large.status_code, str(too_large.detail), str(too_large.detail))
            await answer(scope, receive, send)
            return
        idempotency = Idempotency(actor, key, _fingerprint(scope, headers, body))
        await self._serve(scope, send, memberflow.bus.keys, idempotency, body)

    async def _serve(
        self, scope: Scope, send: Send, keys: Keys, idempotency: Idempotency, body: bytes
    ) -> None:
        replay = _replaying(body)
        try:
            recorded = await run_in_threadpool(keys.find, idempotency)
            kept = await run_in_threadpool(keys.answer, recorded) if recorded else None
        except KeyReused:
            await key_reused(idempotency.key)(scope, replay, send)
            return
        except (OperationalError, InterfaceError) as unavailable:
            await store_busy(unavailable)(scope, replay, send)
            return
        if recorded and kept is not None:
            row = recorded.row
            media_type = row.answer_type or "application/json"
            headers = {REPLAYED: "true"}
            answer = Response(kept, row.answer_status or 200, headers, media_type)
            await answer(scope, replay, send)
            return
        idempotency.recorded = recorded  # the command bus need not ask again
        answered = _Answer(send)
        token = REQUESTED.set(idempotency)
        try:
            await self.app(scope, replay, answered.send)
        finally:
            REQUESTED.reset(token)
        if answered.succeeded and idempotency.log:
            await self._keep(keys, idempotency, answered)

    @staticmethod
    async def _keep(keys: Keys, idempotency: Idempotency, answered: _Answer) -> None:
        """The answer, for the retries; a store that fails here costs only that: a retry then
        gets the answer made again from the stored outcome."""
        try:
            await run_in_threadpool(
                keys.keep_answer, idempotency, answered.status, answered.media_type, answered.body
            )
        except (OperationalError, InterfaceError) as unavailable:
            log.warning("idempotency.answer_not_kept", key=idempotency.key, error=str(unavailable))


class _Answer:
    """The answer on its way to the client, kept as it passes."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status = 0
        self.media_type = "application/json"
        self.body = b""

    @property
    def succeeded(self) -> bool:
        return 200 <= self.status < 300

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.media_type = Headers(raw=message["headers"]).get("content-type", self.media_type)
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
        await self._send(message)


def _actor_id(memberflow: Memberflow, headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return token_actor(memberflow, token).id
    except (InvalidToken, KeysUnavailable):
        return None


async def _body(receive: Receive) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return bytes(body)


def _replaying(body: bytes) -> Receive:
    """The body, read once here, for the route to read again."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _fingerprint(scope: Scope, headers: Headers, body: bytes) -> str:
    request = b"\n".join(
        (
            scope["method"].encode(),
            scope["path"].encode(),
            scope.get("query_string", b""),
            headers.get("if-match", "").encode(),
            body,
        )
    )
    return hashlib.sha256(request).hexdigest()


async def _bad_key(scope: Scope, receive: Receive, send: Send) -> None:
    detail = "Idempotency-Key must be 1 to 200 printable ASCII characters"
    answer = problem(
        400,
        "Invalid Idempotency-Key",
        detail,
        field=HEADER,
        detail_zh="Idempotency-Key 须为 1 至 200 个可打印的 ASCII 字符。",
        detail_en=detail,
    )
    await answer(scope, receive, send)
