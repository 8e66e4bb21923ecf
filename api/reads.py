"""What every read-model endpoint shares: pages, sorting, read-your-writes, and the envelope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from projections.service import ReadModels

T = TypeVar("T")


class ReadModelBehind(Exception):
    def __init__(self, wanted: dict[str, int], reached: dict[str, int]) -> None:
        self.wanted = wanted
        self.reached = reached
        super().__init__(f"the read model has not reached {wanted} yet (it is at {reached})")


def get_read_models(request: Request) -> ReadModels:
    read_models: ReadModels = request.app.state.read_models
    return read_models


ReadModelsDep = Annotated[ReadModels, Depends(get_read_models)]


class PageParams(BaseModel):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=500)
    sort: str | None = None
    order: str = Field(default="asc", pattern="^(asc|desc)$")
    after: str | None = Field(
        default=None,
        pattern=r"^[a-z_]+:\d+(,[a-z_]+:\d+)*$",
        description="read-your-writes: 'membership:123' (a write's log and position), comma-separated; "
        "the read waits, boundedly, until the read model has reached it",
    )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def order_by(self, allowed: dict[str, str], default: str) -> str:
        column = allowed.get(self.sort or default, allowed[default])
        return f"{column} {self.order.upper()}"


Paging = Annotated[PageParams, Query()]


class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="rows in all pages")
    page: int
    per_page: int
    positions: dict[str, int] = Field(description="the event log positions these rows reflect")


def caught_up(
    read_models: ReadModels, after: str | None, names: Sequence[str], wait: float
) -> dict[str, int]:
    """Wait until the read models reach what ``after`` asks; their positions, for the envelope."""
    wanted = _positions(after)
    for log_name, position in wanted.items():
        if not read_models.wait_for(log_name, position, names, wait):
            raise ReadModelBehind(wanted, _reached(read_models, names))
    return _reached(read_models, names)


def _positions(after: str | None) -> dict[str, int]:
    wanted: dict[str, int] = {}
    for part in filter(None, (after or "").split(",")):
        log_name, _, position = part.partition(":")
        wanted[log_name] = max(wanted.get(log_name, 0), int(position))
    return wanted


def _reached(read_models: ReadModels, names: Sequence[str]) -> dict[str, int]:
    reached: dict[str, int] = {}
    for name in names:
        for source, position in read_models.followers[name].positions().items():
            reached[source] = min(reached.get(source, position), position)
    return reached


def page_of(
    rows: list[Any], count: int, params: PageParams, positions: dict[str, int]
) -> dict[str, Any]:
    return {
        "data": rows,
        "count": count,
        "page": params.page,
        "per_page": params.per_page,
        "positions": positions,
    }
