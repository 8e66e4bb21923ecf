"""Excel downloads: a table of the console as an .xlsx workbook (openpyxl), sent as an attachment.

One sheet: a title row (what the table is, whose figures, as of which day), a header row, then the
table's rows, exactly as the page shows them. Any page that shows a table can offer it this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from starlette.responses import Response

from api.console.pages import SECURITY_HEADERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_MAX = 31  # Excel's limit
_NOT_IN_SHEET_TITLES = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def workbook(
    sheet: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> bytes:
    """The .xlsx file of one sheet named ``sheet``: ``title`` in its first row, ``header`` in
    its second (both bold), then ``rows``."""
    book = Workbook()
    worksheet = book.active
    assert worksheet is not None  # a new workbook has its one sheet
    worksheet.title = sheet.translate(_NOT_IN_SHEET_TITLES)[:SHEET_TITLE_MAX]
    worksheet.append([title])
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    for cell in (*worksheet[1], *worksheet[2]):
        cell.font = Font(bold=True)
    for column in range(1, len(header) + 1):
        letter = get_column_letter(column)
        # Wide enough for the header and the values (a CJK character takes two columns).
        widest = max(len(str(cell.value or "")) for cell in worksheet[letter][1:])
        worksheet.column_dimensions[letter].width = max(10, 2 * widest + 2)
    written = BytesIO()
    book.save(written)
    return written.getvalue()


def xlsx_response(content: bytes, *, filename: str, fallback: str) -> Response:
    """``content`` as a download named ``filename`` (UTF-8, RFC 5987: Chinese names survive),
    or ``fallback`` (ASCII) in a client that does not read ``filename*``."""
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=XLSX,
        headers={**SECURITY_HEADERS, "Content-Disposition": disposition},
    )
