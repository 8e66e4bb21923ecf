"""The read models' machinery: following the logs exactly once, and the elections calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from domain.commands import Entry, ExtendTerm, RegisterOrganization
from domain.organizations import OrgKind
from projections.registry import ALL_MODELS
from projections.service import ReadModels
from services.bootstrap import Memberflow
from tests.conftest import FixedClock
from tests.http import client_for
from tests.world import World


@pytest.fixture
def read_models(memberflow: Memberflow) -> Iterator[ReadModels]:
    models = ReadModels(memberflow, ALL_MODELS)
    yield models
    models.close()


def test_catching_up_twice_applies_each_event_once(world: World, read_models: ReadModels) -> None:
    first = read_models.catch_up()
    assert first > 0
    assert read_models.catch_up() == 0
    head = world.memberflow.organizations.recorder.max_notification_id()
    assert read_models.followers["organizations"].positions() == {"organizations": head}
    assert all(lag.events == 0 for lag in read_models.lag())


def test_the_calendar_lists_terms_and_the_overdue(
    memberflow: Memberflow, clock: FixedClock, read_models: ReadModels
) -> None:
    client = client_for(memberflow, clock, read_models)
    clock.set_day(date(2024, 7, 1))
    from domain.context import Actor, Role

    admin = Actor(id="admin", role=Role.ADMIN)
    bus = memberflow.bus

    def register(name: str, kind: OrgKind, parent: object, started: date | None) -> object:
        command = RegisterOrganization(
            name,
            kind,
            parent,
            False,
            None,
            Entry(date(2024, 7, 1)),  # type: ignore[arg-type]
            started,
        )
        return bus.handle(command, actor=admin, request_id="t").subject_id

    wc = register("工委", OrgKind.WORKING_COMMITTEE, None, None)
    pc = register("党委", OrgKind.PRIMARY_COMMITTEE, wc, date(2022, 1, 1))
    ended = register("一支部", OrgKind.BRANCH, pc, date(2021, 3, 1))
    extended = register("二支部", OrgKind.BRANCH, pc, date(2021, 3, 1))
    register("三支部", OrgKind.BRANCH, pc, date(2023, 3, 1))
    official = Actor(id="o", role=Role.COMMITTEE_OFFICIAL, organization_id=pc)  # type: ignore[arg-type]
    written = bus.handle(
        ExtendTerm(extended, 6, "机构改革", Entry(date(2024, 7, 1))),  # type: ignore[arg-type]
        actor=official,
        request_id="t",
    )

    client.login("admin", Role.ADMIN)
    with client.http:  # the service's lifespan: its in-process runner follows the logs
        response = client.get(
            f"/elections/calendar?org={wc}&after=organizations:{written.position}"
        )
        only = client.get(f"/elections/calendar?org={wc}&overdue=true").json()
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["count"] == 4
    assert [r["name"] for r in page["data"]] == ["一支部", "二支部", "三支部", "党委"]
    overdue = {r["name"]: r["overdue"] for r in page["data"]}
    assert overdue == {"一支部": True, "二支部": False, "三支部": False, "党委": False}
    assert page["positions"]["organizations"] >= written.position
    assert [r["organization_id"] for r in only["data"]] == [str(ended)]
