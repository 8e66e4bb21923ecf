"""The service's sense of now, injected so that tests and demo data can set it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol

from domain.dates import business_date


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(tz=UTC)


def today(clock: Clock) -> date:
    return business_date(clock.now())
