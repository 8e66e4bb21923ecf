"""One cell's text as the value of an API body's field: a kind or a member's status in Chinese or
as the API writes it, 是 / 否, a date as offices write it, a whole number.

A cell that cannot be read raises ``CellRefused`` with the reason's text key; what the value then
means (a date in the future, a name too long) is the API's request model's to say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TypeVar

from api.console.importing.columns import Cell
from domain.members import MemberStatus
from domain.organizations import OrgKind

V = TypeVar("V")


class CellRefused(Exception):
    """A cell that cannot be read: ``reason`` names one of the import's texts, ``detail`` the
    value it quotes (a name, a line)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


_ORG_KINDS = {
    OrgKind.WORKING_COMMITTEE: ("机关工委", "工委"),
    OrgKind.PRIMARY_COMMITTEE: ("基层党委", "机关党委", "党委"),
    OrgKind.GENERAL_BRANCH: ("党总支", "总支"),
    OrgKind.BRANCH: ("党支部", "支部"),
}
_STATUSES = {
    MemberStatus.FULL: ("正式党员", "正式"),
    MemberStatus.PROBATIONARY: ("预备党员", "预备"),
}
_FLAGS = {
    True: ("是", "true", "yes", "y", "1"),
    False: ("否", "false", "no", "n", "0"),
}
# 2020-01-05, 2020/1/5, 2020.1.5, 2020年1月5日
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def value_of(cell: Cell, text: str) -> object:
    """The field's value for ``text`` (already stripped and not empty)."""
    if cell is Cell.ORG_KIND:
        return _named(_ORG_KINDS, text, "cell_org_kind")
    if cell is Cell.STATUS:
        return _named(_STATUSES, text, "cell_status")
    if cell is Cell.FLAG:
        return _named(_FLAGS, text.lower(), "cell_flag")
    if cell is Cell.DATE:
        return _date(text)
    if cell is Cell.NUMBER:
        if not text.isascii() or not text.isdigit():
            raise CellRefused("cell_number")
        return int(text)
    return text


def _named(names: Mapping[V, tuple[str, ...]], text: str, reason: str) -> V:
    for value, words in names.items():
        if text in words or text == str(value):
            return value
    raise CellRefused(reason)


def _date(text: str) -> str:
    found = _DATE.fullmatch(text)
    if found is None:
        raise CellRefused("cell_date")
    try:
        return date(*(int(part) for part in found.groups())).isoformat()
    except ValueError:  # 2020-02-30
        raise CellRefused("cell_date") from None
