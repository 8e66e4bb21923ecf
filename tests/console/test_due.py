"""发展提醒 over HTTP: the open cases of the user's branch (an official's: of the subtree) whose next
steps are overdue, due or possible within thirty days, as each case computes them, each linked to
the case page's form for the step — an activist's year complete, a probation about to end, a
conversion meeting overdue — with the API's access answers and a bounded list of cases."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from domain.commands import Entry, WithdrawCase
from domain.context import Role
from projections.service import ReadModels
from services.tokens import issue
from tests.console.reading import Element, page_of, texts
from tests.console.signing import sign_in, sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

TARGET = "7. 确定发展对象"
MEETING = "23. 支部大会讨论转正"


def _rows(console: TestClient, query: str = "") -> list[Element]:
    answer = console.get(f"/console/due{query}")
    assert answer.status_code == 200, answer.text
    return page_of(answer).marked("due-row")


def _row(rows: list[Element], step: str) -> Element:
    [found] = [row for row in rows if row.one("step").text == step]
    return found


def _case(world: World, read_models: ReadModels, before: int, name: str, **submit: str) -> UUID:
    case_id = world.case_before(before, name=name, **submit)
    read_models.catch_up()
    return case_id


def test_an_activist_whose_year_is_complete_is_possible_soon(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    case_id = _case(world, read_models, 7, "赵一")  # designated as an activist on 2023-04-10
    world.clock.set_day(date(2024, 3, 20))
    sign_in_as(console, world, "secretary")

    rows = _rows(console)

    target = _row(rows, TARGET)
    assert target.one("open-case").text == "赵一"
    assert target.one("open-case").attrs["href"] == f"/console/cases/{case_id}"
    assert target.one("why").text == "即将可办：2024年4月10日 起可办理"
    assert target.one("record-link").attrs["href"] == (
        f"/console/cases/{case_id}#form-development_target_designated"
    )
    # Possible now, due beyond the window: listed with its due date.
    assessment = _row(rows, "6. 培养教育考察")
    assert assessment.one("why").text == "可办理：应于 2024年9月1日 前办理"
    assert [row.one("step").text for row in rows] == [TARGET, "6. 培养教育考察"]  # by date


def test_a_step_that_opens_after_the_window_is_not_listed(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _case(world, read_models, 7, "赵一")
    world.clock.set_day(date(2024, 3, 10))  # the year is complete in 31 days
    sign_in_as(console, world, "secretary")

    rows = _rows(console)
    wider = _rows(console, "?days=31")

    assert [row.one("step").text for row in rows] == ["6. 培养教育考察"]
    assert _row(wider, TARGET).one("why").text == "即将可办：2024年4月10日 起可办理"


def test_a_probation_that_ends_within_a_month(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    case_id = _case(world, read_models, 23, "钱二")  # probation ends on 2025-07-20
    world.clock.set_day(date(2025, 7, 1))
    sign_in_as(console, world, "secretary")

    meeting = _row(_rows(console), MEETING)

    assert meeting.one("why").text == "即将可办：2025年7月20日 起可办理"
    assert meeting.one("record-link").attrs["href"] == (
        f"/console/cases/{case_id}#form-branch_meeting_converted"
    )


def test_an_overdue_conversion_meeting_is_marked_in_words_and_comes_first(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _case(world, read_models, 7, "赵一")
    _case(world, read_models, 23, "孙三")  # the meeting is due by 2025-10-20
    world.clock.set_day(date(2025, 10, 25))
    sign_in_as(console, world, "secretary")

    rows = _rows(console)

    meeting = _row(rows, MEETING)
    assert meeting.one("why").text == "⚠ 已逾期：应于 2025年10月20日 前办理"
    assert meeting.attrs["class"] == "overdue"
    whys = [row.attrs["data-why"] for row in rows]
    assert whys == sorted(whys, key=lambda why: why != "overdue")  # overdue first …
    overdue = [row.one("why-date").attrs["datetime"] for row in rows if row.attrs.get("class")]
    assert overdue == sorted(overdue)  # … each by its date
    assert "class" not in _row(rows, TARGET).attrs  # 赵一's designation: possible, not late


def test_a_conversion_meeting_due_within_the_window(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _case(world, read_models, 23, "孙三")
    world.clock.set_day(date(2025, 10, 1))
    sign_in_as(console, world, "secretary")

    meeting = _row(_rows(console), MEETING)

    assert meeting.one("why").text == "即将到期：应于 2025年10月20日 前办理"
    assert "class" not in meeting.attrs


def test_an_official_sees_the_subtree_with_branch_names_and_the_committees_steps(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _case(world, read_models, 13, "张三")  # waits for the committee's pre-review
    _case(world, read_models, 5, "李四", branch="branch_b")
    _case(world, read_models, 5, "王五", branch="branch2")  # 市档案馆: another committee
    sign_in_as(console, world, "official")

    rows = _rows(console)

    assert {row.one("open-case").text for row in rows} == {"张三", "李四"}
    assert {row.one("branch").text for row in rows} == {"市财政局第一党支部", "市财政局第二党支部"}
    assert "13. 上级党委预审" in {row.one("step").text for row in rows}
    secretary = _rows(sign_in_as(console, world, "secretary"))
    assert {row.one("open-case").text for row in secretary} == {"张三"}
    assert "13. 上级党委预审" not in {row.one("step").text for row in secretary}
    assert not any(row.marked("branch") for row in secretary)  # one branch: not named


def test_an_official_narrows_the_list_to_one_branch(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _case(world, read_models, 5, "张三")
    _case(world, read_models, 5, "李四", branch="branch_b")
    sign_in_as(console, world, "wc_official")

    rows = _rows(console, f"?org={world.ids['branch_b']}")

    assert {row.one("open-case").text for row in rows} == {"李四"}


def test_a_secretary_of_another_branch_sees_none_of_them(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _case(world, read_models, 7, "赵一")
    sign_in_as(console, world, "secretary_b")

    own = console.get("/console/due")
    other = console.get(f"/console/due?org={world.ids['branch']}")

    assert texts(own, "due-organization") == ["市财政局第二党支部"]
    assert texts(own, "empty") == ["没有需要办理或即将可办的步骤。"]
    assert "赵一" not in own.text
    assert other.status_code == 403
    assert texts(other, "rule") == ["MF-ACCESS"]
    assert "赵一" not in other.text


def test_outside_the_jurisdiction_the_answers_are_the_apis(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _case(world, read_models, 7, "赵一")
    sign_in_as(console, world, "pc2_official")
    bearer = {"Authorization": f"Bearer {token_for(world, 'pc2_official')}"}

    foreign = console.get(f"/console/due?org={world.ids['pc']}")
    missing = console.get(f"/console/due?org={uuid4()}")
    malformed = console.get("/console/due?org=branch")

    api = console.get(f"/approvals/inbox?org={world.ids['pc']}", headers=bearer)
    assert foreign.status_code == api.status_code == 403
    assert missing.status_code == malformed.status_code == 404
    for page in (foreign, missing, malformed):
        assert page.headers["content-type"].startswith("text/html")
        assert "赵一" not in page.text


@pytest.mark.parametrize("role", [Role.DISCIPLINE_INSPECTOR, Role.ORG_DEPARTMENT, Role.ADMIN])
def test_a_role_that_records_no_branch_step_is_refused(
    console: TestClient, world: World, read_models: ReadModels, role: Role
) -> None:
    _case(world, read_models, 7, "赵一")
    organization = None if role is Role.ADMIN else world.ids["wc"]
    token = issue(world.memberflow.settings, subject="x", role=role, organization_id=organization)
    sign_in(console, token)

    page = console.get("/console/due")

    assert page.status_code == 403
    assert texts(page, "rule") == ["MF-ACCESS"]
    assert "赵一" not in page.text
    assert not page_of(page).marked("nav-due")


def test_the_case_itself_decides_not_the_read_model(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    withdrawn = _case(world, read_models, 7, "赵一")
    world.run(WithdrawCase(withdrawn, "本人撤回", Entry(date(2024, 3, 1))), "secretary")
    # The read model has not seen the withdrawal: it still lists the case as open.
    sign_in_as(console, world, "secretary")

    page = console.get("/console/due")

    assert "赵一" not in page.text
    assert texts(page, "empty") == ["没有需要办理或即将可办的步骤。"]


def test_fifty_cases_a_page_and_the_page_says_so(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    for number in range(51):
        world.submit(name=f"申请人{number:02d}", on=date(2023, 1, 1 + number % 28))
    read_models.catch_up()
    world.clock.set_day(date(2023, 1, 30))
    sign_in_as(console, world, "secretary")

    first = console.get("/console/due")
    second = console.get(page_of(first).one("next").attrs["href"])

    assert texts(first, "truncated") == [
        "本组织共有 51 件在办案卷，按申请日期先后每页查看 50 件；本页为第 1 至 50 件。"
    ]
    assert len({row.one("open-case").text for row in page_of(first).marked("due-row")}) == 50
    assert texts(first, "page") == ["第 1 页，共 2 页"]
    assert texts(second, "truncated") == [
        "本组织共有 51 件在办案卷，按申请日期先后每页查看 50 件；本页为第 51 至 51 件。"
    ]
    assert len({row.one("open-case").text for row in page_of(second).marked("due-row")}) == 1
    assert page_of(second).one("previous").attrs["href"] == "/console/due?page=1"


def test_the_window_and_english(console: TestClient, world: World, read_models: ReadModels) -> None:
    _case(world, read_models, 7, "赵一")
    world.clock.set_day(date(2024, 3, 20))
    sign_in_as(console, world, "secretary")
    console.cookies.set("lang", "en", path="/console")

    page = console.get("/console/due")

    assert "within 30 days" in texts(page, "due-window")[0]
    target = _row(page_of(page).marked("due-row"), "7. Development target designated")
    assert target.one("why").text == "Possible soon: possible from 10 April 2024"
    nav = page_of(page).one("nav-due")
    assert nav.attrs.get("aria-current") == "page"


def test_a_list_read_before_its_read_model_has_the_last_write_says_so(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _case(world, read_models, 7, "赵一")
    world.case_before(7, name="钱二")  # not yet in the read model (no follower runs here)
    position = world.memberflow.membership.recorder.max_notification_id()
    world.clock.set_day(date(2024, 3, 20))
    sign_in_as(console, world, "secretary")

    page = console.get(f"/console/due?after=membership:{position}")
    current = console.get("/console/due")

    assert page.status_code == 200
    assert texts(page, "behind") == ["列表正在更新：刚登记或转入的案卷可能稍后才出现。"]
    assert {row.one("open-case").text for row in page_of(page).marked("due-row")} == {"赵一"}
    assert page_of(current).marked("behind") == []
