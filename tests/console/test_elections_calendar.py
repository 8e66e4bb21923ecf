"""换届选举 over HTTP: the term calendar of a subtree read as GET /elections/calendar reads it —
the same rows, the same access answers — with overdue organizations (E-OVERDUE) marked in words,
the filter of the overdue, pages of twenty, and a link to each election under way."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from domain.commands import Entry, RegisterOrganization
from domain.organizations import OrgKind
from projections.service import ReadModels
from tests.console.elections_world import BRANCH, PLANNED, budget_branch, first_round, listed
from tests.console.reading import Element, page_of
from tests.console.signing import sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")


def _terms(console: TestClient, query: str = "") -> list[Element]:
    answer = console.get(f"/console/elections{query}")
    assert answer.status_code == 200, answer.text
    return page_of(answer).marked("term")


def _budget(terms: list[Element]) -> Element:
    [row] = [row for row in terms if row.one("term-organization").text == BRANCH]
    return row


def _api(console: TestClient, world: World, who: str, query: str) -> Any:
    bearer = {"Authorization": f"Bearer {token_for(world, who)}"}
    return console.get(f"/elections/calendar?{query}", headers=bearer).json()


def test_an_ended_term_without_an_election_is_overdue_in_words(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    budget_branch(world)  # its term ended on 2024-06-01; the clock on 2024-06-20
    read_models.catch_up()
    sign_in_as(console, world, "official")

    row = _budget(_terms(console))

    assert "overdue" in row.attrs["class"]  # the bar beside the row …
    assert row.one("overdue").text == "逾期未换届 E-OVERDUE"  # … and the words
    assert row.one("term-ends").text == "2024年6月1日"
    assert row.one("election-state").text == "未启动换届"
    assert row.marked("open-election") == []
    # The same organizations, in the same order, as the API's calendar of the same user.
    api = _api(console, world, "official", f"org={world.ids['pc']}")
    listed_ids = [r.attrs["data-organization"] for r in _terms(console)]
    assert listed_ids == [r["organization_id"] for r in api["data"]]


def test_an_approved_election_covers_the_term_until_its_planned_date(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    budget_branch(world)
    election = listed(world)  # approved; the clock on 2024-07-30
    read_models.catch_up()
    sign_in_as(console, world, "official")

    covered = _budget(_terms(console))
    assert covered.one("overdue").text == "未逾期"
    assert "overdue" not in covered.attrs.get("class", "")
    link = covered.one("open-election")
    assert link.text == "候选人预备人选已获同意"
    assert link.attrs["href"] == f"/console/elections/{election}"
    assert covered.one("approved").text == "是"

    world.clock.set_day(date(2024, 8, 21))  # the planned day passed without a ballot
    late = _budget(_terms(console))
    assert late.one("overdue").text == "逾期未换届 E-OVERDUE"
    assert late.one("open-election").attrs["href"] == f"/console/elections/{election}"


def test_a_ballot_held_keeps_the_term_covered(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    budget_branch(world)
    first_round(world)
    read_models.catch_up()
    world.clock.set_day(date(2024, 9, 30))
    sign_in_as(console, world, "official")

    row = _budget(_terms(console))

    assert row.one("overdue").text == "未逾期"
    assert row.one("open-election").text == "已进行选举"
    assert "2024年8月20日" in row.text  # the planned date and the first ballot
    assert PLANNED.isoformat() in console.get("/console/elections").text


def test_only_the_overdue(console: TestClient, world: World, read_models: ReadModels) -> None:
    budget_branch(world)
    _termed(world, "预算处第二党支部", date(2023, 1, 1))  # ends 2026-01-01: not overdue
    read_models.catch_up()
    sign_in_as(console, world, "official")

    every = [r.one("term-organization").text for r in _terms(console)]
    overdue = [r.one("term-organization").text for r in _terms(console, "?overdue=1")]

    assert sorted(every) == sorted([BRANCH, "预算处第二党支部"])
    assert overdue == [BRANCH]
    page = page_of(console.get("/console/elections?overdue=1"))
    assert page.one("only-overdue").attrs["aria-current"] == "page"
    assert page.one("count").text == "共 1 个组织"


def test_pages_of_twenty(console: TestClient, world: World, read_models: ReadModels) -> None:
    for i in range(21):
        _termed(world, f"第{i:02d}党支部", date(2022, 1, 1))
    read_models.catch_up()
    sign_in_as(console, world, "official")

    first = page_of(console.get("/console/elections"))
    second = page_of(console.get(first.one("next").attrs["href"]))

    assert len(first.marked("term")) == 20
    assert first.one("page").text == "第 1 页，共 2 页"
    assert len(second.marked("term")) == 1
    assert second.one("previous").attrs["href"] == "/console/elections"


def test_an_organization_outside_the_jurisdiction_is_403_and_an_unknown_one_404(
    console: TestClient, world: World
) -> None:
    sign_in_as(console, world, "secretary2")

    outside = console.get(f"/console/elections?org={world.ids['pc']}")
    unknown = console.get(f"/console/elections?org={uuid4()}")
    garbled = console.get("/console/elections?org=not-an-id")

    assert outside.status_code == 403
    assert "MF-ACCESS" in outside.text
    assert unknown.status_code == 404
    assert garbled.status_code == 404
    for answer in (outside, unknown, garbled):
        assert answer.headers["content-type"].startswith("text/html")


def test_an_administrator_names_the_organization(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    budget_branch(world)
    read_models.catch_up()
    sign_in_as(console, world, "admin")

    without = page_of(console.get("/console/elections"))
    named = _terms(console, f"?org={world.ids['wc']}")

    assert "?org=" in without.one("empty").text
    assert BRANCH in [row.one("term-organization").text for row in named]


def test_the_calendar_in_english(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    budget_branch(world)
    read_models.catch_up()
    sign_in_as(console, world, "official")
    console.cookies.set("lang", "en", path="/console")

    row = _budget(_terms(console))

    assert row.one("overdue").text == "Overdue E-OVERDUE"
    assert row.one("term-ends").text == "1 June 2024"


def _termed(world: World, name: str, started: date) -> None:
    command = RegisterOrganization(
        name, OrgKind.BRANCH, world.ids["pc"], False, None, Entry(started), term_started_on=started
    )
    world.run(command, "admin")
