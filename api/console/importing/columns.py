"""The columns of each import: the header the template writes (Chinese), the API body's field it
fills, how its cells are read, and the template's example row.

A header is matched in Chinese as the template writes it, or as the API's field name (so that a
file exported from the API's JSON imports as well).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a file holds: the path segment of its upload and template."""

    ORGANIZATIONS = "organizations"
    MEMBERS = "members"


class Cell(StrEnum):
    """How a cell's text becomes a field's value (``cells.py``)."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    FLAG = "flag"  # 是 / 否
    ORG_KIND = "org_kind"
    STATUS = "status"
    ORGANIZATION = "organization"  # a registered organization, by id or exact name
    PARENT = "parent"  # the same, or an organization in an earlier row of the same file


@dataclass(frozen=True, slots=True)
class Column:
    header: str  # as the template writes it
    field: str  # the API body's field
    cell: Cell
    required: bool
    example: str


ORGANIZATION_COLUMNS = (
    Column("组织名称", "name", Cell.TEXT, True, "示例机关工委"),
    Column("组织类型", "kind", Cell.ORG_KIND, True, "机关工委"),
    Column("上级组织", "parent_id", Cell.PARENT, False, ""),
    Column("有权审批预备党员", "may_approve_admissions", Cell.FLAG, False, "否"),
    Column("所在单位", "unit", Cell.TEXT, False, "示例单位"),
    Column("登记日期", "occurred_on", Cell.DATE, False, "2020-01-01"),
    Column("本届任期开始日期", "term_started_on", Cell.DATE, False, ""),
    Column("任期年数", "term_years", Cell.NUMBER, False, ""),
)

MEMBER_COLUMNS = (
    Column("姓名", "name", Cell.TEXT, True, "张三"),
    Column("出生日期", "birth_date", Cell.DATE, True, "1980-01-01"),
    Column("公民身份号码", "id_number", Cell.TEXT, False, ""),
    Column("所在党支部", "branch_id", Cell.ORGANIZATION, True, "示例党支部"),
    Column("党员类别", "status", Cell.STATUS, True, "正式党员"),
    Column("入党日期", "joined_on", Cell.DATE, True, "2005-07-01"),
    Column("转正日期", "full_since", Cell.DATE, False, "2006-07-01"),
    Column("停止党员权利", "rights_suspended", Cell.FLAG, False, "否"),
    Column("留党察看", "under_party_probation", Cell.FLAG, False, "否"),
)

COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.ORGANIZATIONS: ORGANIZATION_COLUMNS,
    Kind.MEMBERS: MEMBER_COLUMNS,
}


def column_named(columns: tuple[Column, ...], header: str) -> Column | None:
    """The column a header names, in Chinese or as the API's field; None for any other."""
    wanted = header.strip()
    return next((c for c in columns if wanted in (c.header, c.field)), None)


def column_of_field(columns: tuple[Column, ...], field: str) -> Column | None:
    return next((c for c in columns if c.field == field), None)
