"""The request body limit (MEMBERFLOW_MAX_BODY_BYTES), enforced before a byte more is read.

FastAPI's own `max_body_size` answers a declared oversize body with a plain-text 413 from outside
the application's error handlers; memberflow promises problem+json for every error, so the limit
raises an HTTPException from inside the request instead, rendered by api/errors.py like any other.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """Refuses a body larger than `max_bytes` with 413: by its Content-Length, or as it streams."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise self._too_large()
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise self._too_large()
            return message

        await self.app(scope, limited, send)

    def _too_large(self) -> HTTPException:
        # FastAPI re-raises an HTTPException met while reading the body, so it reaches _http.
        detail = f"the request body is larger than {self.max_bytes} bytes"
        return HTTPException(status_code=413, detail=detail)
