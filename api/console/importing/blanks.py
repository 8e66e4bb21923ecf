"""The downloadable templates of each import: the header row in Chinese and one example row, as
.csv (UTF-8 with a BOM, so that Excel opens it as UTF-8) or .xlsx (with a second sheet that says
what each column holds)."""

from __future__ import annotations

import csv
import io

import openpyxl

from api.console.importing.columns import COLUMNS, Kind

_BOM = "\ufeff"
# What each column holds, for the .xlsx's second sheet (the console's page says the same).
_NOTES = {
    "name": "名称或姓名",
    "kind": "机关工委、基层党委、党总支或党支部",
    "parent_id": "上级组织的名称或 id；可以是本文件前面各行登记的组织；机关工委可不填",
    "may_approve_admissions": "是或否（基层党委经授权可审批预备党员）",
    "unit": "所服务的单位",
    "occurred_on": "登记的业务日期，默认今天",
    "term_started_on": "本届委员会选举产生的日期（任期中途登记时填写）",
    "term_years": "任期年数，默认党委 5 年、党总支和党支部 3 年",
    "birth_date": "如 1980-01-01",
    "id_number": "18 位，可不填",
    "branch_id": "所在党支部或党总支的名称或 id",
    "status": "正式党员或预备党员",
    "joined_on": "如 2005-07-01",
    "full_since": "正式党员的转正日期，默认入党日期后一年",
    "rights_suspended": "是或否",
    "under_party_probation": "是或否",
}
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(kind: Kind) -> list[list[str]]:
    columns = COLUMNS[kind]
    return [[c.header for c in columns], [c.example for c in columns]]


def template_csv(kind: Kind) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(_rows(kind))
    return (_BOM + text.getvalue()).encode("utf-8")


def template_xlsx(kind: Kind) -> bytes:
    book = openpyxl.Workbook()
    del book[book.sheetnames[0]]  # the empty default sheet: the template's comes first
    sheet = book.create_sheet("导入")
    for row in _rows(kind):
        sheet.append(row)
    notes = book.create_sheet("填写说明")
    notes.append(["列", "必填", "说明"])
    for column in COLUMNS[kind]:
        notes.append([column.header, "是" if column.required else "否", _NOTES[column.field]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
