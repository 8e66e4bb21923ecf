"""What the console's lists share: the address's values read leniently (a hand-edited address
gets a page, never a JSON error), the 403 page of an organization outside the jurisdiction, and
reading while a read model may still be behind a write the reader has just made."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from api.console.errors import Refused
from api.console.notices import notice_of
from api.console.pages import render
from api.reads import AFTER, PageParams, ReadModelBehind
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


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    """One page of a list as the API's list function reads it, with what the page shows of it."""

    rows: list[T]
    count: int  # in all pages
    pages: int
    behind: bool  # the read model had not reached the reader's last write in time


def read_page(
    read: Callable[[PageParams], tuple[list[T], int, Any]], page: int, per_page: int, after: str
) -> Paged[T]:
    """Page ``page`` of a list read by one of the API's list functions (rows, count, positions),
    waiting for ``after`` as ``read_while_behind`` does."""

    def rows(position: str | None) -> tuple[list[T], int]:
        found, count, _ = read(PageParams(page=page, per_page=per_page, after=position))
        return found, count

    (found, count), behind = read_while_behind(rows, after)
    return Paged(found, count, page_count(count, per_page), behind)


def page_count(count: int, per_page: int) -> int:
    """How many pages ``count`` rows make (one, however few)."""
    return max(1, -(-count // per_page))


def read_while_behind(read: Callable[[str | None], T], after: str) -> tuple[T, bool]:
    """``read`` waiting, boundedly, for ``after`` (a write's log position) and whether the read
    models were still behind it: then what they have, and the page says it is being updated.
    Anything but a log position is read without waiting."""
    position = after if re.fullmatch(AFTER, after) else None
    try:
        return read(position), False
    except ReadModelBehind:
        return read(None), True
