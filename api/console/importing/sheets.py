"""A spreadsheet as numbered rows of text: a .csv (UTF-8 with or without BOM, or GBK as Excel
saves it in China) or the first worksheet of an .xlsx.

A row's line is the spreadsheet's own: the header is line 1, so an error names the line the user
sees in Excel. Blank rows are skipped but keep their numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl

MAX_BYTES = 5 * 1024 * 1024  # a roster of thousands of members is a few hundred KB
MAX_ROWS = 2000  # rows after the header: each row is one command, sent while the admin waits
MAX_COLUMNS = 30  # far above any template's; cells beyond are not read


class Unreadable(Exception):
    """Not a spreadsheet this import reads; ``reason`` names one of the import's texts."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # the spreadsheet's line: the header is line 1
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sheet:
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def read_sheet(file_name: str, data: bytes) -> Sheet:
    """The header and the non-blank rows of ``data``, by the file's extension."""
    if len(data) > MAX_BYTES:
        raise Unreadable("too_large")
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension == "csv":
        try:
            return _sheet(csv.reader(io.StringIO(_decoded(data), newline="")))
        except csv.Error:  # a field over the csv module's limit, a NUL byte …
            raise Unreadable("csv_unreadable") from None
    if extension == "xlsx":
        return _sheet(_xlsx_rows(data))
    raise Unreadable("wrong_type")


def _decoded(data: bytes) -> str:
    """UTF-8 (a BOM, as Excel writes "CSV UTF-8", is dropped), else GB 18030, the superset of
    the GBK that Excel writes for a plain "CSV" on a Chinese Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise Unreadable("encoding") from None


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Unreadable("xlsx_unreadable") from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            cells = [_text(value) for value in values]
            while cells and not cells[-1]:  # a worksheet pads every row to its widest
                cells.pop()
            yield cells
    finally:
        book.close()


def _text(value: object) -> str:
    """A cell as the text a user would type: dates as ISO dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(lines: Iterable[list[str]]) -> Sheet:
    numbered = enumerate(lines, start=1)
    first = next(numbered, None)
    if first is None:
        raise Unreadable("empty")
    header = tuple(cell.strip() for cell in first[1][:MAX_COLUMNS])
    rows: list[Row] = []
    for line, cells in numbered:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise Unreadable("too_many_rows")
        rows.append(Row(line, tuple(cells[:MAX_COLUMNS])))
    if not rows:
        raise Unreadable("empty")
    return Sheet(header, tuple(rows))
