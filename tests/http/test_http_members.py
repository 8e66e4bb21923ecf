"""The registry over HTTP: members with their citizen ID numbers (O-4), their standing as dated
changes (O-2, O-3), and applications that must name the applicant's ID number."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.context import Role
from tests.support.client import Client, document_json
from tests.support.identity import id_number, person_id_number, wrong_check_character

TODAY = date(2026, 11, 20)  # the client's clock (tests/conftest.py)


def register(client: Client, key: str, **fields: Any) -> str:
    body = {
        "name": "李党员",
        "birth_date": "1970-03-01",
        "branch_id": client.ids["branch"],
        "status": "full",
        "joined_on": "2000-07-01",
        **fields,
    }
    return client.created(key, "/members", body)


def standing(client: Client, member_id: str, change: str, on: str, by: str = "department") -> Any:
    body = {"occurred_on": on, "change": change, "reason": "市纪委处分决定 2023-17 号"}
    return client.post(f"/members/{member_id}/standing", body, by)


# The standing endpoint.


def test_a_change_of_standing_is_recorded_with_its_date_and_shown(client: Client) -> None:
    client.clock.set_day(TODAY)
    member_id = register(client, "li", id_number=id_number(date(1970, 3, 1), 11))
    member = client.get(f"/members/{member_id}").json()
    assert member["full_since"] == "2001-07-01"  # O-3: a year after joining (党章 Art. 7)
    assert member["has_rights_today"] is True
    assert [s["change"] for s in member["standing"]] == ["joined", "probation_ended"]

    response = standing(client, member_id, "discipline_imposed", "2025-03-01")

    assert response.status_code == 200, response.text
    written = response.json()
    assert (written["id"], written["version"], written["log"]) == (member_id, 2, "membership")
    member = client.get(f"/members/{member_id}").json()
    assert member["has_rights_today"] is False
    assert member["under_party_probation"] is True
    assert member["standing"][-1] == {
        "change": "discipline_imposed",
        "occurred_on": "2025-03-01",
        "reason": "市纪委处分决定 2023-17 号",
    }

    assert standing(client, member_id, "discipline_lifted", "2026-03-01").status_code == 200
    member = client.get(f"/members/{member_id}").json()
    assert (member["has_rights_today"], member["under_party_probation"]) == (True, False)
    assert [s["occurred_on"] for s in member["standing"]] == [
        "2000-07-01",
        "2001-07-01",
        "2025-03-01",
        "2026-03-01",
    ]


def test_an_impossible_change_is_a_problem_naming_its_rule(client: Client) -> None:
    client.clock.set_day(TODAY)
    member_id = register(client, "li")

    lifted = standing(client, member_id, "discipline_lifted", "2024-01-01")
    assert lifted.status_code == 422
    problem = lifted.json()
    assert problem["rule"] == "MF-STANDING"
    assert "留党察看" in problem["detail_zh"]
    assert "was not under 留党察看" in problem["detail_en"]

    before_joining = standing(client, member_id, "rights_suspended", "1999-01-01")
    assert before_joining.json()["rule"] == "MF-STANDING"
    future = standing(client, member_id, "rights_suspended", "2026-11-21")
    assert future.json()["rule"] == "MF-FUTURE-DATE"
    full_already = standing(client, member_id, "probation_ended", "2002-01-01")
    assert full_already.json()["rule"] == "MF-STANDING"

    joined = standing(client, member_id, "joined", "2024-01-01")
    assert (joined.status_code, joined.json()["field"]) == (422, "change")
    too_long = client.post(
        f"/members/{member_id}/standing",
        {"occurred_on": "2024-01-01", "change": "rights_suspended", "reason": "长" * 2001},
        "department",
    )
    assert (too_long.status_code, too_long.json()["field"]) == (422, "reason")
    no_reason = client.post(
        f"/members/{member_id}/standing",
        {"occurred_on": "2024-01-01", "change": "rights_suspended"},
        "department",
    )
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")

    unknown = "00000000-0000-0000-0000-000000000000"
    assert standing(client, unknown, "rights_suspended", "2024-01-01").status_code == 404
    assert standing(
        client, member_id, "rights_suspended", "2024-01-01", "inspector"
    ).status_code == (403)
    assert client.get(f"/members/{member_id}").json()["version"] == 1


def test_an_imported_probationary_member_is_made_full_over_http(client: Client) -> None:
    client.clock.set_day(TODAY)
    member_id = register(client, "p", status="probationary", joined_on="2025-01-10")
    assert client.get(f"/members/{member_id}").json()["status"] == "probationary"

    early = standing(client, member_id, "probation_ended", "2025-12-01")
    assert (early.status_code, early.json()["rule"]) == (422, "O-3")
    assert standing(client, member_id, "probation_ended", "2026-01-10").status_code == 200

    member = client.get(f"/members/{member_id}").json()
    assert (member["status"], member["full_since"], member["has_rights_today"]) == (
        "full",
        "2026-01-10",
        True,
    )


def test_a_cancelled_member_takes_no_further_change(client: Client) -> None:
    client.clock.set_day(TODAY)
    member_id = register(client, "gone")
    assert standing(client, member_id, "cancelled", "2025-06-30").status_code == 200
    member = client.get(f"/members/{member_id}").json()
    assert (member["status"], member["has_rights_today"]) == ("cancelled", False)
    assert standing(client, member_id, "rights_restored", "2026-01-01").json()["rule"] == (
        "MF-STANDING"
    )


# ID numbers (O-4).


def test_a_member_id_number_is_checked_and_written_in_capitals(client: Client) -> None:
    client.clock.set_day(TODAY)
    born = date(1949, 12, 31)
    number = id_number(born, 9)
    wrong = client.post(
        "/members",
        {
            "name": "老党员",
            "birth_date": born.isoformat(),
            "id_number": wrong_check_character(number),
            "branch_id": client.ids["branch"],
            "status": "full",
            "joined_on": "1970-07-01",
        },
        "admin",
    )
    assert (wrong.status_code, wrong.json()["field"]) == (422, "id_number")
    assert "O-4" in wrong.json()["detail"]

    member_id = register(
        client, "old", name="老党员", birth_date=born.isoformat(), id_number=number.lower()
    )
    shown = client.get(f"/members/{member_id}", "department").json()["id_number"]
    assert shown == number.upper()  # the organization department sees it in full
    masked = client.get(f"/members/{member_id}").json()["id_number"]
    assert masked == f"{number[:4]}{'*' * 10}{number[-4:].upper()}"  # the administrator does not
    again = client.post(
        "/members",
        {
            "name": "老党员",
            "birth_date": born.isoformat(),
            "id_number": number,
            "branch_id": client.ids["branch"],
            "status": "full",
            "joined_on": "1970-07-01",
        },
        "admin",
    )
    assert again.status_code == 409
    assert member_id in again.json()["detail"]  # the record's id; not the name or the number
    assert "老党员" not in again.text
    assert number not in again.text.upper()


def application(client: Client, applicant: dict[str, Any]) -> Any:
    client.clock.set_day(date(2023, 3, 1))
    body = {
        "applicant": applicant,
        "branch_id": client.ids["branch"],
        "basis": "work_unit",
        "occurred_on": "2023-03-01",
        "documents": [document_json("application_letter")],
    }
    return client.post("/admissions", body, "secretary")


def test_an_application_names_a_valid_id_number(client: Client) -> None:
    born = date(1998, 5, 1)
    good = id_number(born, 900)
    base = {"name": "张伟", "birth_date": born.isoformat(), "unit": "市财政局"}
    for number in (
        wrong_check_character(good),  # check character
        id_number(date(1998, 5, 2), 900),  # birth-date mismatch
        good[:16],  # length
    ):
        response = application(client, {**base, "id_number": number})
        assert response.status_code == 422, number
        problem = response.json()
        assert problem["field"] == "applicant.id_number"
        assert "O-4" in problem["detail"]
    missing = application(client, base)
    assert (missing.status_code, missing.json()["field"]) == (422, "applicant.id_number")

    accepted = application(client, {**base, "id_number": good.lower()})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["applicant"]["id_number"] == good.upper()

    namesake = application(client, {**base, "id_number": id_number(born, 901)})
    assert namesake.status_code == 201, namesake.text  # another 张伟 born the same day
    same = application(client, {**base, "id_number": good})
    assert (same.status_code, same.json()["rule"]) == (422, "A-X")
    assert accepted.json()["id"] in same.json()["detail_en"]  # the branch's own secretary


def test_an_open_case_elsewhere_is_not_named_to_another_jurisdiction(client: Client) -> None:
    """The same person applies under another committee (异地违规入党)."""
    client.created(
        "pc9",
        "/organizations",
        {
            "name": "市档案馆机关党委",
            "kind": "primary_committee",
            "parent_id": client.ids["wc"],
            "may_approve_admissions": True,
            "unit": "市档案馆",
        },
    )
    client.created(
        "branch9",
        "/organizations",
        {"name": "市档案馆第一党支部", "kind": "branch", "parent_id": client.ids["pc9"]},
    )
    client.login("secretary9", Role.BRANCH_SECRETARY, "branch9")
    first = client.apply("刘异地").json()["id"]

    client.clock.set_day(date(2023, 9, 1))
    body = {
        "applicant": {
            "name": "刘异地",
            "birth_date": "1998-05-01",
            "unit": "市档案馆",
            "id_number": person_id_number("刘异地", date(1998, 5, 1)),
        },
        "branch_id": client.ids["branch9"],
        "basis": "work_unit",
        "occurred_on": "2023-09-01",
        "documents": [document_json("application_letter")],
    }
    elsewhere = client.post("/admissions", body, "secretary9")

    assert elsewhere.status_code == 422
    problem = elsewhere.json()
    assert problem["rule"] == "A-X"
    text = " ".join([problem["detail"], problem["detail_zh"], problem["detail_en"]])
    for secret in (first, "市财政局", "刘异地"):
        assert secret not in text
    assert "under another organization" in problem["detail_en"]
