"""The import page over HTTP: every bad row listed by its line and column with nothing imported,
the good rows imported when asked, a good file imported whole through the API's commands, an
organization under one of an earlier row, jurisdiction, a rule that stops the import, CSRF, and
the templates."""

from __future__ import annotations

import io
from uuid import UUID

import httpx2 as httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.console.importing.columns import MEMBER_COLUMNS, ORGANIZATION_COLUMNS
from api.console.importing.sheets import read_sheet
from domain.context import Role
from domain.organizations import OrgKind
from projections.service import ReadModels
from services.tokens import issue
from tests.console.import_files import (
    ROSTER_HEADER,
    TREE_HEADER,
    csv_of,
    events_written,
    member_row,
    roster_with_two_bad_rows,
)
from tests.console.reading import page_of
from tests.console.signing import csrf_of, sign_in, sign_in_as, token_for
from tests.support.world import World

IMPORT = "/console/import"


@pytest.fixture
def admin(console: TestClient, world: World, read_models: ReadModels) -> TestClient:
    """The console signed in as the administrator, the World's organizations in the read model."""
    read_models.catch_up()
    return sign_in_as(console, world, "admin")


def upload(
    console: TestClient,
    kind: str,
    content: bytes,
    *,
    name: str = "file.csv",
    good_only: bool = False,
    csrf: str | None = None,
) -> httpx.Response:
    fields = {"csrf": csrf_of(console.get(IMPORT)) if csrf is None else csrf}
    if good_only:
        fields["good_only"] = "1"
    return console.post(f"{IMPORT}/{kind}", data=fields, files={"file": (name, content)})


def errors(answer: httpx.Response) -> list[tuple[int, str]]:
    """Each ``import-error`` row: its line and its column."""
    marked = page_of(answer).marked("import-error")
    return [(int(e.attrs["data-line"]), e.one("import-column").text) for e in marked]


def api_get(console: TestClient, world: World, path: str) -> dict[str, object]:
    bearer = {"Authorization": f"Bearer {token_for(world, 'admin')}"}
    answer = console.get(path, headers=bearer)
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def imported_ids(answer: httpx.Response) -> dict[int, UUID]:
    rows = page_of(answer).marked("imported")
    return {int(row.attrs["data-line"]): UUID(row.text.split()[-1]) for row in rows}


def test_a_roster_with_two_bad_rows_lists_both_by_line_and_imports_nothing(
    admin: TestClient, world: World
) -> None:
    before = events_written(world.memberflow)
    answer = upload(admin, "members", roster_with_two_bad_rows())
    assert answer.status_code == 422
    assert errors(answer) == [(3, "出生日期"), (5, "所在党支部")]
    texts = [e.text for e in page_of(answer).marked("import-error")]
    assert texts[0].startswith("第 3 行")
    assert "不存在的党支部" in texts[1]
    assert "2" in page_of(answer).one("import-good").text  # the two good rows, on offer
    assert events_written(world.memberflow) == before


def test_the_good_rows_are_imported_only_when_asked_and_the_bad_ones_listed(
    admin: TestClient, world: World
) -> None:
    answer = upload(admin, "members", roster_with_two_bad_rows(), good_only=True)
    assert answer.status_code == 200
    assert errors(answer) == [(3, "出生日期"), (5, "所在党支部")]
    ids = imported_ids(answer)
    assert sorted(ids) == [2, 4]
    names = {api_get(admin, world, f"/members/{ids[line]}")["name"] for line in ids}
    assert names == {"李四", "赵六"}


def test_a_good_roster_is_imported_whole_as_the_api_registers_members(
    admin: TestClient, world: World
) -> None:
    roster = csv_of(
        ROSTER_HEADER,
        member_row("李四"),
        "孙八,1999-09-09,,市财政局第一党支部,预备党员,2026-06-01,,,",
    )
    answer = upload(admin, "members", roster)
    assert answer.status_code == 200, answer.text
    assert page_of(answer).one("import-done").text == "已导入 2 行。"
    ids = imported_ids(answer)
    member = api_get(admin, world, f"/members/{ids[3]}")
    assert member["status"] == "probationary"
    assert member["branch_id"] == str(world.ids["branch"])
    assert member["joined_on"] == "2026-06-01"


def test_an_organization_may_stand_under_one_of_an_earlier_row(
    admin: TestClient, world: World
) -> None:
    tree = csv_of(
        TREE_HEADER,
        "市统计局机关党委,基层党委,市直机关工委,是,市统计局,2024-01-01,,",
        "市统计局第一党支部,党支部,市统计局机关党委,否,市统计局,,2024-03-01,3",
    )
    answer = upload(admin, "organizations", tree)
    assert answer.status_code == 200, answer.text
    ids = imported_ids(answer)
    committee = api_get(admin, world, f"/organizations/{ids[2]}")
    branch = api_get(admin, world, f"/organizations/{ids[3]}")
    assert committee["parent_id"] == str(world.ids["wc"])
    assert committee["may_approve_admissions"] is True
    assert branch["parent_id"] == str(ids[2])
    assert branch["kind"] == OrgKind.BRANCH
    assert branch["approving_committee_id"] == str(ids[2])


def test_a_parent_named_later_an_unknown_kind_and_an_unknown_parent_are_each_reported(
    admin: TestClient, world: World
) -> None:
    before = events_written(world.memberflow)
    tree = csv_of(
        TREE_HEADER,
        "甲支部,党支部,乙党委,,,,,",  # its parent comes on line 3
        "乙党委,基层党委,市直机关工委,,,,,",
        "丙支部,支委会,乙党委,,,,,",  # no such kind
        "丁支部,党支部,没有这个党委,,,,,",
        "戊支部,党支部,市财政局机关党委,,,2020-01-01,,零",  # not a number
    )
    answer = upload(admin, "organizations", tree)
    assert answer.status_code == 422
    assert errors(answer) == [
        (2, "上级组织"),
        (4, "组织类型"),
        (5, "上级组织"),
        (6, "任期年数"),
    ]
    assert "第 3 行" in page_of(answer).marked("import-error")[0].text
    assert events_written(world.memberflow) == before


def test_a_missing_column_is_a_problem_of_the_header_and_no_row_is_read(
    admin: TestClient, world: World
) -> None:
    answer = upload(admin, "members", csv_of("姓名,出生日期,所在党支部", "李四,1985-03-02,x"))
    assert answer.status_code == 422
    assert errors(answer) == [(1, "党员类别"), (1, "入党日期")]


def test_the_api_request_model_refuses_a_row_for_its_own_reasons(
    admin: TestClient, world: World
) -> None:
    roster = csv_of(
        ROSTER_HEADER,
        "李四,1985-03-02,110101198503021234,市财政局第一党支部,正式党员,2010-07-01,,否,否",
        "王五,2030-01-01,,市财政局第一党支部,正式党员,2010-07-01,,否,否",
        ",1985-03-02,,市财政局第一党支部,正式党员,2010-07-01,,否,否",
    )
    answer = upload(admin, "members", roster)
    assert errors(answer) == [(2, "公民身份号码"), (3, "出生日期"), (4, "姓名")]
    texts = [e.text for e in page_of(answer).marked("import-error")]
    assert "O-4" in texts[0]
    assert "MF-FUTURE-DATE" in texts[1]
    assert "必填" in texts[2]


def test_an_xlsx_roster_is_read_as_a_csv_is(admin: TestClient, world: World) -> None:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(ROSTER_HEADER.split(","))
    sheet.append(["李四", "1985-03-02", None, "市财政局第一党支部", "正式党员", "2010-07-01"])
    out = io.BytesIO()
    book.save(out)
    answer = upload(admin, "members", out.getvalue(), name="名册.xlsx")
    assert answer.status_code == 200, answer.text
    assert sorted(imported_ids(answer)) == [2]


def test_a_row_outside_the_jurisdiction_is_refused_before_anything_is_imported(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    read_models.catch_up()
    token = issue(
        world.memberflow.settings,
        subject="archives",
        role=Role.ORG_DEPARTMENT,
        organization_id=world.ids["pc2"],
    )
    assert sign_in(console, token).status_code == 303
    before = events_written(world.memberflow)
    roster = csv_of(
        ROSTER_HEADER, member_row("李四", branch="市档案馆第一党支部"), member_row("王五")
    )
    answer = upload(console, "members", roster)
    assert answer.status_code == 422
    assert errors(answer) == [(3, "所在党支部")]
    error = page_of(answer).one("import-error")
    assert error.one("rule").text == "MF-ACCESS"
    assert events_written(world.memberflow) == before


def test_a_rule_of_the_domain_stops_the_import_at_its_row(admin: TestClient, world: World) -> None:
    tree = csv_of(
        TREE_HEADER,
        "市统计局机关党委,基层党委,市直机关工委,,,,,",
        "甲支部,党支部,市财政局第一党支部,,,,,",  # a branch under a branch: MF-ORG-TREE
        "乙支部,党支部,市统计局机关党委,,,,,",
    )
    answer = upload(admin, "organizations", tree)
    assert answer.status_code == 422
    stopped = page_of(answer).one("import-stopped")
    assert stopped.attrs["data-line"] == "3"
    assert [rule.text for rule in stopped.marked("rule")] == ["MF-ORG-TREE"]
    assert "4" in page_of(answer).one("import-not-sent").text
    ids = imported_ids(answer)
    assert sorted(ids) == [2]
    assert api_get(admin, world, f"/organizations/{ids[2]}")["name"] == "市统计局机关党委"


def test_a_member_already_registered_stops_the_import_as_a_conflict(
    admin: TestClient, world: World
) -> None:
    roster = csv_of(ROSTER_HEADER, member_row("李四"), member_row("李四"))
    answer = upload(admin, "members", roster)
    assert answer.status_code == 422
    assert page_of(answer).one("import-stopped").attrs["data-line"] == "3"
    assert sorted(imported_ids(answer)) == [2]


def test_an_upload_without_the_csrf_value_is_refused_and_nothing_imported(
    admin: TestClient, world: World
) -> None:
    before = events_written(world.memberflow)
    roster = csv_of(ROSTER_HEADER, member_row("李四"))
    assert upload(admin, "members", roster, csrf="0" * 64).status_code == 403
    answer = admin.post(f"{IMPORT}/members", files={"file": ("r.csv", roster)})
    assert answer.status_code == 403
    assert events_written(world.memberflow) == before


@pytest.mark.parametrize(("name", "reason"), [("roster.txt", "wrong_type"), ("", "no_file")])
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_reason(
    admin: TestClient, name: str, reason: str
) -> None:
    answer = upload(admin, "members", b"a,b\n", name=name)
    assert answer.status_code == 422
    assert page_of(answer).one("import-unreadable")


def test_the_page_is_for_those_who_register_members(
    console: TestClient, world: World, admin: TestClient
) -> None:
    page = admin.get(IMPORT)
    assert page.status_code == 200
    assert page_of(page).one("import-members")
    assert page_of(page).one("import-organizations")
    secretary = sign_in_as(console, world, "secretary")
    assert secretary.get(IMPORT).status_code == 403
    assert secretary.get(f"{IMPORT}/nothing").status_code in (404, 405)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_templates_hold_the_columns_and_import_cleanly(
    admin: TestClient, world: World, read_models: ReadModels, extension: str
) -> None:
    tree = admin.get(f"{IMPORT}/templates/organizations.{extension}")
    assert tree.status_code == 200
    assert "attachment" in tree.headers["content-disposition"]
    sheet = read_sheet(f"t.{extension}", tree.content)
    assert sheet.header == tuple(c.header for c in ORGANIZATION_COLUMNS)
    answer = upload(admin, "organizations", tree.content, name=f"t.{extension}")
    assert answer.status_code == 200, answer.text
    assert sorted(imported_ids(answer)) == [2]

    world.org("example", "示例党支部", OrgKind.BRANCH, "pc")
    read_models.catch_up()
    roster = admin.get(f"{IMPORT}/templates/members.{extension}")
    assert read_sheet(f"r.{extension}", roster.content).header == tuple(
        c.header for c in MEMBER_COLUMNS
    )
    answer = upload(admin, "members", roster.content, name=f"r.{extension}")
    assert answer.status_code == 200, answer.text
    assert sorted(imported_ids(answer)) == [2]


def test_the_page_speaks_english_when_asked(admin: TestClient) -> None:
    admin.cookies.set("lang", "en", path="/console")
    answer = upload(admin, "members", roster_with_two_bad_rows())
    assert [e.text.split(",")[0] for e in page_of(answer).marked("import-error")] == [
        "Line 3",
        "Line 5",
    ]


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    admin: TestClient, world: World
) -> None:
    before = events_written(world.memberflow)
    answer = upload(admin, "members", b"x" * (6 * 1024 * 1024))
    assert answer.status_code == 413
    assert "5 MB" in answer.text
    assert events_written(world.memberflow) == before
