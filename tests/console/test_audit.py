"""The audit pages over HTTP, as discipline staff use them: a case as of a day shows nothing
recorded after it; the replay of a jurisdiction lists its cases; the panel 链完整性 shows the last
verification and runs one; each read recorded in the access log as the API records it; every
page refused to a role that may not audit, and a subject outside the jurisdiction not found."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from adapters.chain.verification import verify
from domain.audit import AccessAction, AccessScope
from domain.context import Role
from memberflow.event_logs import event_logs
from projections.access_log import AccessEntry, accesses
from projections.service import ReadModels
from services.access import record_cli_access
from services.tokens import issue
from tests.console.reading import page_of, texts
from tests.console.signing import csrf_of, sign_in, sign_in_as
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")

REVIEWED_ON = date(2024, 6, 20)  # the branch committee's review (12), the last step of the case
BEFORE_REVIEW = date(2024, 6, 15)  # after the training (11) of 2024-06-10


@pytest.fixture
def reviewed(world: World, read_models: ReadModels) -> UUID:
    """张三's case, reviewed by the branch committee on 2024-06-20 — today."""
    case_id = world.case_before(13, name="张三")
    read_models.catch_up()
    return case_id


def _log(world: World) -> list[AccessEntry]:
    return list(accesses(world.memberflow.audit))


def _as_of(console: TestClient, case_id: UUID | str, day: date | str) -> httpx.Response:
    return console.get(f"/console/audit/cases/{case_id}", params={"as_of": str(day)})


def _signed_in_at(console: TestClient, world: World, role: Role, org: str) -> TestClient:
    token = issue(
        world.memberflow.settings, subject="zhao", role=role, organization_id=world.ids[org]
    )
    assert sign_in(console, token).status_code == 303
    return console


def test_a_case_as_of_a_day_shows_what_was_known_then_and_not_a_later_step(
    console: TestClient, world: World, reviewed: UUID
) -> None:
    sign_in_as(console, world, "inspector")

    answer = _as_of(console, reviewed, BEFORE_REVIEW)

    assert answer.status_code == 200, answer.text
    page = page_of(answer)
    steps = [row.one("event-step").text for row in page.marked("timeline-event")]
    assert steps[-1] == "短期集中培训"  # training_completed, 2024-06-10
    assert "支部委员会审查" not in answer.text  # branch_committee_reviewed, 2024-06-20
    assert [s.attrs["data-step"] for s in page.marked("step-done")][-1] == "training_completed"
    assert "2024年6月15日结束时" in page.one("as-of-note").text
    assert "该日之后另有 1 条记录" in page.one("as-of-note").text
    everything = _as_of(console, reviewed, REVIEWED_ON)
    assert len(page_of(everything).marked("timeline-event")) == len(steps) + 1


def test_a_case_as_of_a_day_is_recorded_as_the_api_records_its_two_reads(
    console: TestClient, world: World, reviewed: UUID
) -> None:
    sign_in_as(console, world, "inspector")
    before = len(_log(world))

    _as_of(console, reviewed, BEFORE_REVIEW)

    new = _log(world)[before:]
    assert {(a.action, a.actor.id, a.scope.id) for a in new} == {
        ("timeline", "inspector", str(reviewed)),
        ("as_of", "inspector", str(reviewed)),
    }
    [as_of] = [a for a in new if a.action == "as_of"]
    assert as_of.scope.as_of is not None
    assert as_of.scope.as_of.date() == BEFORE_REVIEW


@pytest.mark.parametrize(
    ("day", "status"),
    [("2024-06-21", 422), ("yesterday", 422), ("2023-02-28", 404)],
    ids=["future", "not-a-date", "before-the-case"],
)
def test_a_day_the_case_cannot_be_shown_as_of_gets_a_refusal_page(
    console: TestClient, world: World, reviewed: UUID, day: str, status: int
) -> None:
    sign_in_as(console, world, "inspector")

    answer = _as_of(console, reviewed, day)

    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert texts(answer, "refused")


def test_a_bad_case_id_gets_a_refusal_page_and_an_unknown_one_is_not_found(
    console: TestClient, world: World, reviewed: UUID
) -> None:
    sign_in_as(console, world, "inspector")

    assert _as_of(console, "not-a-case", REVIEWED_ON).status_code == 422
    assert _as_of(console, uuid4(), REVIEWED_ON).status_code == 404


def test_a_case_outside_the_jurisdiction_is_not_found_and_nothing_recorded(
    console: TestClient, world: World, reviewed: UUID
) -> None:
    _signed_in_at(console, world, Role.DISCIPLINE_INSPECTOR, "pc2")  # 市档案馆机关党委
    before = len(_log(world))

    answer = _as_of(console, reviewed, REVIEWED_ON)

    assert answer.status_code == 404
    assert len(_log(world)) == before


def test_the_case_form_leads_to_the_case_as_of_its_day(
    console: TestClient, world: World, reviewed: UUID
) -> None:
    sign_in_as(console, world, "inspector")
    home = page_of(console.get("/console/audit"))
    assert home.one("case-form").attrs["action"] == "/console/audit/cases"

    answer = console.get(
        "/console/audit/cases", params={"case": f" {reviewed} ", "as_of": "2024-06-15"}
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/console/audit/cases/{reviewed}?as_of=2024-06-15"


def test_the_replay_of_a_jurisdiction_lists_its_case_and_is_recorded(
    console: TestClient, world: World, reviewed: UUID
) -> None:
    sign_in_as(console, world, "inspector")
    before = len(_log(world))

    answer = console.get(
        "/console/audit/replay",
        params={"org": str(world.ids["pc"]), "from": "2024-06-01", "to": "2024-06-30"},
    )

    assert answer.status_code == 200, answer.text
    page = page_of(answer)
    [case] = page.marked("replay-case")
    assert case.attrs["data-case"] == str(reviewed)
    assert case.one("case-as-of").text == "张三"
    assert page.one("replay-title").text == "辖区回放：市财政局机关党委"
    assert "style=" not in answer.text
    assert "<style" not in answer.text
    [replayed] = _log(world)[before:]
    assert (replayed.action, replayed.scope.id) == ("replay", str(world.ids["pc"]))
    assert replayed.scope.period_from == date(2024, 6, 1)


def test_a_period_without_the_case_does_not_list_it(
    console: TestClient, world: World, reviewed: UUID
) -> None:
    sign_in_as(console, world, "inspector")

    answer = console.get(
        "/console/audit/replay", params={"org": str(world.ids["wc"]), "from": "2024-07-01"}
    )

    assert answer.status_code == 200
    assert page_of(answer).marked("replay-case") == []


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"org": "pc", "from": "2024-07-01", "to": "2024-06-01"}, 422),
        ({"org": "nothing"}, 422),
        ({"org": "pc", "from": "someday"}, 422),
        ({"org": str(uuid4())}, 404),
        ({"org": "pc"}, 403),  # outside the inspector of 市档案馆机关党委
    ],
    ids=["from-after-to", "bad-org", "bad-date", "unknown-org", "outside"],
)
def test_a_replay_that_cannot_be_run_gets_a_refusal_page_and_is_not_recorded(
    console: TestClient, world: World, query: dict[str, str], status: int
) -> None:
    _signed_in_at(console, world, Role.DISCIPLINE_INSPECTOR, "pc2")
    before = len(_log(world))
    asked = {**query, "org": str(world.ids.get(query["org"], query["org"]))}

    answer = console.get("/console/audit/replay", params=asked)

    assert answer.status_code == status
    assert texts(answer, "refused")
    assert len(_log(world)) == before


def _cli_verification(world: World) -> None:
    """What ``memberflow audit verify`` does, on this test's store."""
    assert verify(event_logs(world.memberflow)).ok
    record_cli_access(world.memberflow.bus, AccessAction.VERIFY, AccessScope(kind="store"))


def test_the_panel_shows_the_command_lines_verification_to_the_administrator(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _cli_verification(world)
    read_models.catch_up()
    sign_in_as(console, world, "admin")

    page = page_of(console.get("/console/audit"))

    shown = page.one("last-verification").text
    assert shown.startswith("cli:")
    assert "（系统管理员）" in shown
    assert page.one("last-checkpoint").text == "您可查阅的访问记录中没有。"


def test_an_inspector_sees_only_the_verifications_of_staff_within_the_jurisdiction(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    _cli_verification(world)
    read_models.catch_up()
    sign_in_as(console, world, "inspector")

    page = page_of(console.get("/console/audit"))

    assert page.one("last-verification").text == "您可查阅的访问记录中没有。"  # as GET /audit/log


def test_verify_now_shows_each_log_and_is_recorded_as_the_command_line_records_it(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    read_models.catch_up()
    sign_in_as(console, world, "inspector")
    home = console.get("/console/audit")
    before = len(_log(world))

    answer = console.post("/console/audit/verify", data={"csrf": csrf_of(home)})

    assert answer.status_code == 200, answer.text
    page = page_of(answer)
    logs = {row.attrs["data-log"]: row for row in page.marked("verified-log")}
    assert {"membership", "organizations"} <= logs.keys()
    assert all(row.one("log-result").text == "完好" for row in logs.values())
    assert int(logs["organizations"].one("log-events").text) > 0
    assert page.one("verification-result").text == "全部事件日志完好。"
    [verified] = _log(world)[before:]
    assert (verified.action, verified.actor.id, verified.scope.kind) == (
        "verify",
        "inspector",
        "store",
    )
    read_models.catch_up()
    again = page_of(console.get("/console/audit"))
    assert again.one("last-verification").text.startswith("inspector（纪检监察人员）")


def test_verify_now_without_the_forms_csrf_value_is_refused_and_not_run(
    console: TestClient, world: World
) -> None:
    sign_in_as(console, world, "inspector")
    before = len(_log(world))

    answer = console.post("/console/audit/verify", data={"csrf": "0" * 64})

    assert answer.status_code == 403
    assert len(_log(world)) == before


def test_a_secretary_is_refused_every_audit_page(
    console: TestClient, world: World, reviewed: UUID
) -> None:
    sign_in_as(console, world, "secretary")
    csrf = csrf_of(console.get("/console/"))
    before = len(_log(world))

    answers = [
        console.get("/console/audit"),
        _as_of(console, reviewed, REVIEWED_ON),
        console.get("/console/audit/cases", params={"case": str(reviewed), "as_of": "2024-06-15"}),
        console.get("/console/audit/replay", params={"org": str(world.ids["branch"])}),
        console.post("/console/audit/verify", data={"csrf": csrf}),
    ]

    assert [a.status_code for a in answers] == [403] * 5
    assert all(texts(a, "refused") == ["您的角色不能查阅审计页面。"] for a in answers)
    assert len(_log(world)) == before
    assert "nav-audit" not in console.get("/console/").text
