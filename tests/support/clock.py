"""A clock the test controls."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from domain.dates import SHANGHAI


class FixedClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def set_day(self, day: date, at: time = time(10, 0)) -> None:
        self.current = datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(UTC)
