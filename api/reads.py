"""What every read-model endpoint shares: pages, sorting, read-your-writes, and the envelope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from domain.bounds import PAGE_MAX, PER_PAGE_MAX
from projections.failures import Failure
from projections.service import ReadModels

T = TypeVar("T")


class ReadModelBehind(Exception):
    """A read with ``?after=`` whose read model has not reached the position in time, or cannot:
    it is ``failing`` at an event it cannot apply (issue 10)."""

    def __init__(
        self, wanted: dict[str, int], reached: dict[str, int], failing: Sequence[Failure] = ()
    ) -> None:
        self.wanted = wanted
        self.reached = reached
        self.failing = list(failing)
        stopped = "; ".join(
            f"read model {f.projection} cannot apply the event at {f.at} ({f.error_type})"
            for f in self.failing
        )
        super().__init__(
            f"{stopped}: it has not reached {wanted} (it is at {reached})"
            if stopped
            else f"the read model has not reached {wanted} yet (it is at {reached})"
        )


async def get_read_models(request: Request) -> ReadModels:
    read_models: ReadModels = request.app.state.read_models
    return read_models


ReadModelsDep = Annotated[ReadModels, Depends(get_read_models)]


# read-your-writes: up to ten 'log:position' pairs, a position of at most 18 digits
AFTER = r"^[a-z_]{1,40}:\d{1,18}(,[a-z_]{1,40}:\d{1,18}){0,9}$"


class PageParams(BaseModel):
    """A page past the last answers no rows (and the count of all); one past PAGE_MAX is 422."""

    page: int = Field(default=1, ge=1, le=PAGE_MAX)
    per_page: int = Field(default=50, ge=1, le=PER_PAGE_MAX)
    sort: str | None = Field(default=None, max_length=40)
    order: str = Field(default="asc", pattern="^(asc|desc)$")
    after: str | None = Field(
        default=None,
        pattern=AFTER,
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
        if read_models.reached(log_name, position, names):
            continue
        failing = read_models.failing(names)  # it will not get there: say so without waiting
        if not failing and read_models.wait_for(log_name, position, names, wait):
            continue
        failing = failing or read_models.failing(names)
        raise ReadModelBehind(wanted, _reached(read_models, names), failing)
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
        for source, position in read_models.served_positions(name).items():
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
