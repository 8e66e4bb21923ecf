"""What the console's lists share: the address's values read leniently (a hand-edited address
gets a page, never a JSON error), the 403 page of an organization outside the jurisdiction, and
reading while a read model may still be behind a write the reader has just made."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from api.console.errors import Refused
from api.console.notices import notice_of
from api.console.pages import render
from api.reads import AFTER, ReadModelBehind
from domain.bounds import PAGE_MAX
from domain.errors import Forbidden

T = TypeVar("T")


def id_in_address(text: str) -> UUID | None:
    """The id an address names, None when it names none; a malformed one is no page (404)."""
    try:
        return UUID(text) if text else None
    except ValueError:
        raise Refused(404, "not_found") from None


def page_number(text: str) -> int:
    return min(max(int(text), 1), PAGE_MAX) if text.isdigit() else 1


def ticked(text: str) -> bool:
    """A checkbox or a flag of the address: 1, true or on."""
    return text in ("1", "true", "on")


def forbidden_page(request: Request, shown: dict[str, Any], refused: Forbidden) -> Response:
    """An organization outside the jurisdiction: 403 with MF-ACCESS's sentence, as the API."""
    notice = notice_of(refused)
    return render(request, "refused.html", **shown, status=403, message="forbidden", notice=notice)


def read_while_behind(read: Callable[[str | None], T], after: str) -> tuple[T, bool]:
    """``read`` waiting, boundedly, for ``after`` (a write's log position) and whether the read
    models were still behind it: then what they have, and the page says it is being updated.
    Anything but a log position is read without waiting."""
    position = after if re.fullmatch(AFTER, after) else None
    try:
        return read(position), False
    except ReadModelBehind:
        return read(None), True
