"""The 纪实表 over HTTP: the 25 steps in order, each taken one with its date, who acted and its
facts (votes, introducers, contacts, papers, rules waived, findings with rule id and article),
those not taken as empty rows; the header and the footer's log position; the read recorded as
the case page's; 404 outside the jurisdiction; the same sheet as a PDF, or a 503 page where
WeasyPrint cannot load."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote
from uuid import UUID

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

import api.console.record_pdf as record_pdf
from domain.admission.steps import STEPS
from domain.commands import Entry, WithdrawCase
from projections.service import ReadModels
from tests.console.reading import Element, page_of, texts
from tests.console.signing import sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")


@pytest.fixture
def admitted(world: World) -> UUID:
    """王五's case on the clean path up to its oath (20): steps 20–25 not taken yet."""
    return world.case_before(20, name="王五")


def _sheet(console: TestClient, case_id: UUID) -> httpx.Response:
    sheet = console.get(f"/console/cases/{case_id}/record")
    assert sheet.status_code == 200, sheet.text
    return sheet


def _rows(sheet: httpx.Response, slug: str) -> list[Element]:
    return [row for row in page_of(sheet).marked("record-step") if row.attrs["data-step"] == slug]


def test_the_25_steps_in_order_those_not_taken_as_empty_rows(
    console: TestClient, world: World, admitted: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    rows = page_of(_sheet(console, admitted)).marked("record-step")

    order = list(dict.fromkeys(row.attrs["data-step"] for row in rows))
    assert order == [step.slug for step in STEPS]
    assert len(page_of(_sheet(console, admitted)).marked("record-stage")) == 5  # a table a stage
    taken = {row.attrs["data-step"]: row.attrs["data-taken"] for row in rows}
    assert [s.slug for s in STEPS if taken[s.slug] == "no"] == [s.slug for s in STEPS[19:]]
    oath = next(row for row in rows if row.attrs["data-step"] == "oath_taken")
    assert oath.text == "20入党宣誓"  # its number and name, its cells empty
    assert len([row for row in rows if row.attrs["data-step"] == "activist_assessed"]) == 2


def test_a_meeting_shows_its_date_who_recorded_it_its_vote_and_papers(
    console: TestClient, world: World, admitted: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    [meeting] = _rows(_sheet(console, admitted), "branch_meeting_admitted")

    assert meeting.one("step-date").text == "2024年7月20日"
    assert meeting.one("step-actor").text == "secretary（党支部书记）"
    facts = [fact.text for fact in meeting.marked("fact")]
    for vote in ("实到会有表决权的正式党员：15", "赞成：15", "反对：1", "弃权：0", "表决通过：是"):
        assert vote in facts
    assert meeting.one("documents").text == "材料：meeting_minutes.pdf"


def test_introducers_and_contacts_by_name_and_the_officials_steps_by_official(
    console: TestClient, world: World, admitted: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    sheet = _sheet(console, admitted)

    [introducers] = _rows(sheet, "introducers_assigned")
    assert [f.text for f in introducers.marked("fact")] == ["入党介绍人：党员0、党员1"]
    [contacts] = _rows(sheet, "contacts_assigned")
    assert [f.text for f in contacts.marked("fact")] == ["培养联系人：党员0"]
    [interview] = _rows(sheet, "committee_interview_held")
    assert interview.one("step-actor").text == "official（党委（工委）工作人员）"
    assert [f.text for f in interview.marked("fact")] == ["谈话人：王组织员 组织员"]
    [review] = _rows(sheet, "political_review_concluded")
    assert "政审结论：合格" in [f.text for f in review.marked("fact")]


def test_the_header_names_the_applicant_branch_committee_status_and_probation(
    console: TestClient, world: World, admitted: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    head = page_of(_sheet(console, admitted)).one("record-head")

    assert head.one("applicant").text == "王五"
    assert (
        head.one("branch").text
        == world.memberflow.organizations.organization(world.ids["branch"]).name
    )
    committee = world.memberflow.organizations.approving_committee(world.ids["branch"])
    assert head.one("committee").text == committee.name
    assert head.one("status").text == "办理中"
    assert head.one("probation").text == "2024年7月20日 – 2025年7月20日"


def test_a_withdrawn_case_says_why_and_when_it_ended(console: TestClient, world: World) -> None:
    case_id = world.case_before(5)
    world.clock.set_day(date(2023, 5, 2))
    world.run(WithdrawCase(case_id, "本人申请撤回", Entry(date(2023, 5, 2))), "secretary")
    sign_in_as(console, world, "secretary")
    head = page_of(_sheet(console, case_id)).one("record-head")

    assert head.one("status").text == "已撤回"
    assert head.one("closing").text == "本人申请撤回（2023年5月2日）"
    assert head.one("probation").text == ""


def test_the_footer_says_when_and_at_which_log_position_it_was_read(
    console: TestClient, world: World, admitted: UUID
) -> None:
    position = world.memberflow.membership.recorder.max_notification_id()
    world.clock.set_day(date(2024, 9, 5))
    sign_in_as(console, world, "secretary")

    footer = page_of(_sheet(console, admitted)).one("record-footer").text
    version = world.case(admitted).version
    assert (
        footer
        == f"本表由事件日志生成于2024年9月5日，日志位置 membership:{position}，案卷版本 {version}。"
    )


def test_a_finding_is_on_the_step_that_raised_it_with_rule_id_and_article(
    console: TestClient, world: World, waiting_case: UUID
) -> None:
    world.clock.set_day(date(2024, 7, 1))
    world.step(waiting_case, "pre_review_passed", by="official", documents=())  # no notice
    sign_in_as(console, world, "secretary")
    sheet = _sheet(console, waiting_case)

    [pre_review] = _rows(sheet, "pre_review_passed")
    finding = next(f.text for f in pre_review.marked("finding") if "F-DOCS" in f.text)
    assert finding.startswith("问题线索：F-DOCS A-13.2（细则 Art. 19 (inferred)） 缺少材料")


@pytest.mark.settings(policy_activist_min_months=6)
def test_a_rule_an_exception_let_through_is_on_its_step_and_the_exception_listed(
    console: TestClient, world: World
) -> None:
    case_id = world.case_before(3)
    world.except_(case_id, "activist_designated", "A-3.3", on=date(2023, 4, 1), reason="特批")
    world.step(case_id, "activist_designated", on=date(2023, 4, 10))
    sign_in_as(console, world, "secretary")
    sheet = _sheet(console, case_id)

    [designation] = _rows(sheet, "activist_designated")
    assert designation.one("waived").text.startswith("经例外批准的规则：A-3.3（")
    [exception] = page_of(sheet).marked("exception")
    assert exception.text.startswith("推荐和确定入党积极分子 A-3.3（")
    assert exception.text.endswith("特批（已使用）")
    assert "推荐方式：党员推荐" in [f.text for f in designation.marked("fact")]


def test_a_case_outside_the_jurisdiction_is_not_found(
    console: TestClient, world: World, admitted: UUID
) -> None:
    sign_in_as(console, world, "secretary2")
    for path in ("record", "record.pdf"):
        answer = console.get(f"/console/cases/{admitted}/{path}")
        assert answer.status_code == 404
        assert texts(answer, "refused") == ["没有这份案卷，或它不在您的管辖范围内。"]


def test_the_sheet_is_a_read_of_the_case_in_the_access_log(
    console: TestClient, world: World, admitted: UUID, read_models: ReadModels
) -> None:
    sign_in_as(console, world, "secretary")
    _sheet(console, admitted)
    world.memberflow.reads.flush()  # reads are written in batches, off the request path
    read_models.catch_up()

    bearer = {"Authorization": f"Bearer {token_for(world, 'department')}"}
    log = console.get(f"/audit/log?subject={admitted}", headers=bearer).json()
    assert [(a["action"], a["scope"]["detail"]) for a in log["data"]] == [("read", "record")]
    members = console.get(f"/audit/log?subject={world.ids['m1']}", headers=bearer).json()
    assert [a["actor"]["id"] for a in members["data"]] == ["secretary"]  # the introducer named


def test_the_case_page_links_to_its_sheet(
    console: TestClient, world: World, admitted: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    case = console.get(f"/console/cases/{admitted}")
    assert page_of(case).one("record-link").attrs["href"] == f"/console/cases/{admitted}/record"
    sheet = page_of(_sheet(console, admitted))
    assert sheet.one("download-pdf").attrs["href"] == f"/console/cases/{admitted}/record.pdf"


def test_the_pdf_is_the_sheet_named_after_the_applicant(
    console: TestClient, world: World, admitted: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    answer = console.get(f"/console/cases/{admitted}/record.pdf")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    named = quote("纪实表-王五.pdf")
    assert answer.headers["content-disposition"] == (
        f"attachment; filename=\"record-{admitted}.pdf\"; filename*=UTF-8''{named}"
    )
    pages = PdfReader(io.BytesIO(answer.content)).pages
    text = "".join("".join(page.extract_text().split()) for page in pages)  # lines rejoined
    assert "王五" in text
    assert "支部大会讨论接收" in text
    assert "退出登录" not in text  # the print stylesheet: no header bar on paper


def test_without_weasyprint_the_pdf_is_refused_and_the_print_page_works(
    console: TestClient, world: World, admitted: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_pdf, "load", lambda: None)
    sign_in_as(console, world, "secretary")

    answer = console.get(f"/console/cases/{admitted}/record.pdf")
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")
    [refused] = texts(answer, "refused")
    assert refused.startswith("本服务器无法生成PDF")
    assert "打印" in refused
    assert _sheet(console, admitted).status_code == 200


def test_english_when_the_reader_chose_it(
    console: TestClient, world: World, admitted: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    console.cookies.set("lang", "en")
    sheet = _sheet(console, admitted)

    assert page_of(sheet).one("record-title").text == "Record sheet of a member's development"
    [meeting] = _rows(sheet, "branch_meeting_admitted")
    assert meeting.one("step-date").text == "20 July 2024"
    assert "For: 15" in [fact.text for fact in meeting.marked("fact")]
