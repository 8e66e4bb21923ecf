"""Citizen ID numbers (O-4) for the people of the tests: valid, and distinct for distinct people."""

from __future__ import annotations

from datetime import date

from domain.identity import compose

AREA = 110101  # 北京市东城区; the area code is not judged (docs/domain-choices.md)

_SERIALS: dict[tuple[str, date], int] = {}


def id_number(birth_date: date, serial: int = 0) -> str:
    """A valid ID number for someone born on ``birth_date``: distinct serials give distinct
    numbers (the area code moves on every thousand)."""
    return compose(f"{AREA + serial // 1000:06d}", birth_date, serial % 1000)


def person_id_number(name: str, birth_date: date) -> str:
    """The ID number of the test person with this name and birth date: the same person (as the
    tests name people) always has the same number, and two different people never share one."""
    serial = _SERIALS.setdefault((name.strip(), birth_date), len(_SERIALS))
    return id_number(birth_date, serial)


def wrong_check_character(number: str) -> str:
    """``number`` with a check character that does not fit."""
    return number[:17] + ("0" if number[17] != "0" else "1")
