"""What the API answers as problem+json, a console address answers as a page with the same status:
a busy store on a form's post, an unknown address or id, an unexpected error. The API's own paths
keep their JSON."""

from __future__ import annotations

from typing import Any, NoReturn
from uuid import UUID

import pytest
from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from api.app import create_app
from tests.console.items import item_key
from tests.console.reading import texts
from tests.console.signing import csrf_of, sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")


def _busy(*_: Any, **__: Any) -> NoReturn:
    raise OperationalError("database is locked")


def test_a_form_posted_while_the_store_is_busy_answers_a_page_that_says_to_look_first(
    console: TestClient, world: World, waiting_case: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = item_key(world, waiting_case, "pre_review_passed")
    sign_in_as(console, world, "official")
    csrf = csrf_of(console.get(f"/console/items/{key}"))
    monkeypatch.setattr(world.memberflow.bus, "handle", _busy)

    page = console.post(f"/console/items/{key}/comment", data={"csrf": csrf, "text": "请补充材料"})
    api = console.post(
        f"/approvals/{key}/comment",
        json={"text": "请补充材料"},
        headers={"Authorization": f"Bearer {token_for(world, 'official')}"},
    )

    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["retry-after"] == "1"
    assert "系统繁忙" in texts(page, "refused")[0]
    assert (api.status_code, api.headers["content-type"]) == (503, "application/problem+json")
    assert api.json()["title"] == "The store is busy"


@pytest.mark.parametrize(
    "address", ["/console/nowhere", "/console/cases/not-a-case-id", "/console/sign-out/now"]
)
def test_an_unknown_console_address_or_a_malformed_id_is_a_page_not_found(
    console: TestClient, world: World, address: str
) -> None:
    sign_in_as(console, world, "official")

    page = console.get(address)

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert texts(page, "refused") == ["没有这个页面：地址有误，或其中的编号不正确。"]


def test_the_api_keeps_its_problems_beside_the_console(console: TestClient, world: World) -> None:
    bearer = {"Authorization": f"Bearer {token_for(world, 'official')}"}

    malformed = console.get("/admissions/not-a-case-id", headers=bearer)
    unknown = console.get("/nowhere", headers=bearer)

    assert (malformed.status_code, malformed.headers["content-type"]) == (
        422,
        "application/problem+json",
    )
    assert (unknown.status_code, unknown.headers["content-type"]) == (
        404,
        "application/problem+json",
    )


def test_an_unexpected_error_on_a_page_names_the_request_id_it_was_logged_under(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    console = TestClient(
        create_app(world.memberflow), follow_redirects=False, raise_server_exceptions=False
    )
    sign_in_as(console, world, "official")

    def broken(*_: Any) -> NoReturn:
        raise RuntimeError("a defect")

    monkeypatch.setattr(world.memberflow.organizations, "organization", broken)

    with capture_logs() as logs:  # (and not drawn as a traceback on the terminal)
        page = console.get("/console/")

    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert texts(page, "request-id") == [page.headers["x-request-id"]]
    assert "a defect" not in page.text
    [logged] = [entry for entry in logs if entry["event"] == "http.unexpected"]
    assert logged["request_id"] == page.headers["x-request-id"]
