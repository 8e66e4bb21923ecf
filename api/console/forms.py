"""The fields of a console form, read without a multipart parser.

The console's forms are ``application/x-www-form-urlencoded`` and small (a token, a CSRF value);
they upload no file, so the standard library reads them and the service needs no
``python-multipart``. A field sent twice keeps its first value; a body of another kind has no
fields, so that its CSRF check refuses it (403) like any other post without the form's value.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

MAX_FORM_BYTES = 64 * 1024  # far above any console form; a larger body is not one of them
MAX_FIELDS = 50


class FormRefused(Exception):
    """Not a console form: too large, of too many fields, or not UTF-8."""


async def form_fields(request: Request) -> dict[str, str]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        return {}
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise FormRefused("the form is too large")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise FormRefused("the form cannot be read") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields
