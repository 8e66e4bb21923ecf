"""The language a request asks for, the console's texts in it (``api/console/texts/``, Chinese by
default), and dates as each language writes them.

Only the console's own strings are words here: what the API answers (rule texts, ``detail_zh``)
already comes in both languages.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from starlette.requests import Request

from api.console.texts import TEXTS

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DEFAULT: Language = "zh"
LANGUAGE_COOKIE = "lang"

STRINGS: dict[Language, dict[str, str]] = {"zh": TEXTS["zh"], "en": TEXTS["en"]}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def language_of(request: Request) -> Language:
    """The language the ``lang`` cookie chose; Chinese without one."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return next((language for language in LANGUAGES if language == chosen), DEFAULT)


def long_date(day: date, language: Language) -> str:
    """2026年11月21日, or 21 November 2026: written out, never left to the machine's locale."""
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
