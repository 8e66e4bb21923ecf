"""Business dates: the calendar of Asia/Shanghai, and month arithmetic as the regulations count it."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

SHANGHAI = ZoneInfo("Asia/Shanghai")


def business_date(moment: datetime) -> date:
    """The date on the calendar of Asia/Shanghai at a UTC moment."""
    return moment.astimezone(SHANGHAI).date()


@lru_cache(maxsize=1 << 16)  # findings ask it again for the same dates at every event of a case
def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where the month is shorter."""
    return day + relativedelta(months=months)


def add_years(day: date, years: int) -> date:
    return day + relativedelta(years=years)


def age_on(birth_date: date, day: date) -> int:
    return relativedelta(day, birth_date).years
