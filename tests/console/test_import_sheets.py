"""Reading an import's spreadsheet and its cells, without HTTP: .csv in UTF-8 with or without a
BOM or in GBK, .xlsx, line numbers as the spreadsheet shows them, and each kind of cell."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from api.console.importing.cells import CellRefused, value_of
from api.console.importing.columns import Cell
from api.console.importing.sheets import MAX_ROWS, Unreadable, read_sheet
from domain.members import MemberStatus
from domain.organizations import OrgKind


def xlsx_of(*rows: list[object]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_csv_with_a_bom_reads_its_header_and_numbers_its_lines_from_the_header() -> None:
    data = "\ufeff姓名,出生日期\r\n张三,1980-01-01\r\n,\r\n李四,1981-02-03\r\n".encode()
    sheet = read_sheet("roster.CSV", data)
    assert sheet.header == ("姓名", "出生日期")
    # The blank line 3 is skipped but keeps its number, as Excel shows it.
    assert [(row.line, row.cells) for row in sheet.rows] == [
        (2, ("张三", "1980-01-01")),
        (4, ("李四", "1981-02-03")),
    ]


def test_a_csv_without_a_bom_and_one_saved_as_gbk_read_alike() -> None:
    text = "姓名,所在党支部\n张三,市财政局第一党支部\n"
    assert read_sheet("a.csv", text.encode("utf-8")) == read_sheet("b.csv", text.encode("gbk"))


def test_an_xlsx_gives_dates_as_iso_dates_and_whole_numbers_without_a_fraction() -> None:
    data = xlsx_of(["出生日期", "任期年数", "是"], [datetime(1980, 1, 2), 5.0, True])
    sheet = read_sheet("tree.xlsx", data)
    assert sheet.header == ("出生日期", "任期年数", "是")
    assert sheet.rows[0].line == 2
    assert sheet.rows[0].cells == ("1980-01-02", "5", "true")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("roster.txt", b"a,b\n1,2\n", "wrong_type"),
        ("roster.xlsx", b"not a zip", "xlsx_unreadable"),
        ("roster.csv", "姓名\n".encode(), "empty"),
        ("roster.csv", b"", "empty"),
        ("roster.csv", b"\xff\xfe\xfa\xfb", "encoding"),
        ("roster.csv", b"a\n" + b"x\n" * (MAX_ROWS + 1), "too_many_rows"),
        ("roster.csv", b"a\n" + b"x" * (5 * 1024 * 1024), "too_large"),
    ],
)
def test_what_is_not_a_readable_spreadsheet_is_refused_with_its_reason(
    name: str, data: bytes, reason: str
) -> None:
    with pytest.raises(Unreadable) as refused:
        read_sheet(name, data)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("cell", "text", "value"),
    [
        (Cell.ORG_KIND, "党支部", OrgKind.BRANCH),
        (Cell.ORG_KIND, "general_branch", OrgKind.GENERAL_BRANCH),
        (Cell.ORG_KIND, "基层党委", OrgKind.PRIMARY_COMMITTEE),
        (Cell.STATUS, "预备党员", MemberStatus.PROBATIONARY),
        (Cell.STATUS, "full", MemberStatus.FULL),
        (Cell.FLAG, "是", True),
        (Cell.FLAG, "FALSE", False),
        (Cell.DATE, "2020/1/5", date(2020, 1, 5).isoformat()),
        (Cell.DATE, "2020年1月5日", "2020-01-05"),
        (Cell.NUMBER, "3", 3),
        (Cell.TEXT, "市财政局", "市财政局"),
    ],
)
def test_a_cell_is_read_in_chinese_or_as_the_api_writes_it(
    cell: Cell, text: str, value: object
) -> None:
    assert value_of(cell, text) == value


@pytest.mark.parametrize(
    ("cell", "text", "reason"),
    [
        (Cell.ORG_KIND, "支委会", "cell_org_kind"),
        (Cell.STATUS, "党员", "cell_status"),
        (Cell.FLAG, "也许", "cell_flag"),
        (Cell.DATE, "2020-02-30", "cell_date"),
        (Cell.DATE, "1.5.2020", "cell_date"),
        (Cell.NUMBER, "三", "cell_number"),
    ],
)
def test_a_cell_that_cannot_be_read_says_why(cell: Cell, text: str, reason: str) -> None:
    with pytest.raises(CellRefused) as refused:
        value_of(cell, text)
    assert refused.value.reason == reason
