"""A term-change election over HTTP, from the request to the new term, and its refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.context import Role
from memberflow.bootstrap import Memberflow
from tests.support.client import Client, client_for
from tests.support.clock import FixedClock

MEMBERS = 10


@pytest.fixture
def election_client(memberflow: Memberflow, clock: FixedClock) -> Client:
    """A client on a setting of its own, not the ``client`` of conftest.py: a branch under a
    primary committee, whose three-year term ended on 2024-06-01, with ten full members."""
    client = client_for(memberflow, clock)
    client.login("admin", Role.ADMIN)
    clock.set_day(date(2024, 7, 1))
    client.created("wc", "/organizations", {"name": "市直机关工委", "kind": "working_committee"})
    client.created(
        "pc",
        "/organizations",
        {
            "name": "市财政局机关党委",
            "kind": "primary_committee",
            "parent_id": client.ids["wc"],
            "may_approve_admissions": True,
            "term_started_on": "2022-03-01",
        },
    )
    client.created(
        "branch",
        "/organizations",
        {
            "name": "预算处党支部",
            "kind": "branch",
            "parent_id": client.ids["pc"],
            "term_started_on": "2021-06-01",
        },
    )
    for i in range(MEMBERS):
        client.created(
            f"m{i}",
            "/members",
            {
                "name": f"委员{i}",
                "birth_date": f"1980-02-{i + 1:02d}",
                "branch_id": client.ids["branch"],
                "status": "full",
                "joined_on": "2008-07-01",
            },
        )
    client.login("branch", Role.BRANCH_SECRETARY, "branch")
    client.login("parent", Role.COMMITTEE_OFFICIAL, "pc")
    client.login("grandparent", Role.COMMITTEE_OFFICIAL, "wc")
    return client


def _request(client: Client, **changes: Any) -> dict[str, Any]:
    body = {
        "organization_id": client.ids["branch"],
        "occurred_on": "2024-07-01",
        "seats": 3,
        "secretary_seats": 1,
        "deputy_seats": 1,
        "meeting_form": "member_meeting",
        "planned_date": "2024-08-20",
        **changes,
    }
    response = client.post("/elections", body, "branch")
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _step(client: Client, election: str, slug: str, on: str, by: str, **fields: Any) -> Any:
    client.clock.set_day(date.fromisoformat(on))
    return client.post(f"/elections/{election}/steps/{slug}", {"occurred_on": on, **fields}, by)


def _ids(client: Client, *keys: str) -> list[str]:
    return [client.ids[k] for k in keys]


def _ballot(client: Client, votes: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"candidate_id": client.ids[k], "in_favour": v, "against": 8 - v} for k, v in votes.items()
    ]


def _until_list_approved(client: Client) -> str:
    election: str = _request(client)["id"]
    assert (
        _step(
            client, election, "election_request_approved", "2024-07-10", "parent", approved=True
        ).status_code
        == 200
    )
    assert (
        _step(
            client,
            election,
            "candidates_nominated",
            "2024-07-20",
            "branch",
            candidates=_ids(client, "m0", "m1", "m2", "m3"),
        ).status_code
        == 200
    )
    assert (
        _step(
            client, election, "candidate_list_approved", "2024-07-30", "parent", approved=True
        ).status_code
        == 200
    )
    return election


def test_a_complete_election_starts_a_new_term(election_client: Client) -> None:
    branch = f"/organizations/{election_client.ids['branch']}"
    before = election_client.get(branch).json()
    assert before["term"]["ends_on"] == "2024-06-01"
    assert before["overdue"] is True  # E-OVERDUE: ended, no approved election, no extension

    election = _until_list_approved(election_client)
    assert election_client.get(branch).json()["overdue"] is False  # the approved election covers it

    # Round 1: 8 of 9 due voters present (one excluded, abroad); 委员2 misses the threshold with
    # 4 of 8 (not more than half) and 委员3 with 3.
    first = _step(
        election_client,
        election,
        "election_held",
        "2024-08-20",
        "branch",
        round=1,
        due_voters=MEMBERS,
        exclusions=[{"member_id": election_client.ids["m9"], "reason": "出国半年以上"}],
        present=8,
        ballots=_ballot(election_client, {"m0": 7, "m1": 6, "m2": 4, "m3": 3}),
    )
    assert first.status_code == 200, first.text
    assert first.json()["rounds"][0]["elected"] == _ids(election_client, "m0", "m1")
    assert first.json()["open_seats"] == 1
    assert "election_held" in first.json()["next_steps"]

    second = _step(
        election_client,
        election,
        "election_held",
        "2024-08-20",
        "branch",
        round=2,
        due_voters=MEMBERS,
        exclusions=[{"member_id": election_client.ids["m9"], "reason": "出国半年以上"}],
        present=8,
        ballots=_ballot(election_client, {"m2": 6, "m3": 2}),
    )
    assert second.status_code == 200, second.text
    assert second.json()["elected"] == _ids(election_client, "m0", "m1", "m2")

    officers = _step(
        election_client,
        election,
        "officers_elected",
        "2024-08-20",
        "branch",
        secretary_id=election_client.ids["m0"],
        deputy_ids=_ids(election_client, "m1"),
    )
    assert officers.status_code == 200, officers.text
    assert (
        _step(election_client, election, "results_reported", "2024-08-22", "branch").status_code
        == 200
    )
    approved = _step(
        election_client, election, "officers_approved", "2024-09-01", "parent", approved=True
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "completed"
    assert approved.json()["term_started_on"] == "2024-08-20"

    after = election_client.get(branch).json()
    assert after["term"] == {
        "started_on": "2024-08-20",
        "years": 3,
        "extension_months": 0,
        "ends_on": "2027-08-20",
    }
    assert after["overdue"] is False
    assert after["open_election_id"] is None
    history = election_client.get(f"/elections/{election}/history").json()
    assert [e["event"] for e in history] == [
        "election_requested",
        "election_request_approved",
        "candidates_nominated",
        "candidate_list_approved",
        "election_held",
        "election_held",
        "officers_elected",
        "results_reported",
        "officers_approved",
    ]
    assert history[4]["actor"]["organization_id"] == election_client.ids["branch"]


def test_E_4_2_a_list_without_a_20_percent_margin_is_refused(election_client: Client) -> None:
    election = _request(election_client)["id"]
    _step(
        election_client,
        election,
        "election_request_approved",
        "2024-07-10",
        "parent",
        approved=True,
    )
    _step(
        election_client,
        election,
        "candidates_nominated",
        "2024-07-20",
        "branch",
        candidates=_ids(election_client, "m0", "m1", "m2"),
    )
    refused = _step(
        election_client, election, "candidate_list_approved", "2024-07-30", "parent", approved=True
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "E-4.2"


def test_E_5_2_four_fifths_or_fewer_present_is_refused(election_client: Client) -> None:
    election = _until_list_approved(election_client)
    refused = _step(
        election_client,
        election,
        "election_held",
        "2024-08-20",
        "branch",
        round=1,
        due_voters=MEMBERS,
        present=8,
        ballots=_ballot(election_client, {"m0": 8, "m1": 8}),
    )
    assert refused.status_code == 422  # 8 of 10 is exactly four fifths: not more
    assert refused.json()["rule"] == "E-5.2"


@pytest.mark.parametrize(("slug", "rule"), [("election_request_approved", "E-2.1")])
def test_E_2_1_only_the_parent_answers_the_request(
    election_client: Client, slug: str, rule: str
) -> None:
    election = _request(election_client)["id"]
    # The working committee above is refused by the rule itself (422); the branch's secretary
    # may take no parent's decision at all (403, MF-ACCESS).
    for not_parent, status, refusal in (("grandparent", 422, rule), ("branch", 403, "MF-ACCESS")):
        refused = _step(election_client, election, slug, "2024-07-10", not_parent, approved=True)
        assert refused.status_code == status
        assert refused.json()["rule"] == refusal


def test_E_8_1_only_the_parent_approves_the_officers(election_client: Client) -> None:
    election = _until_list_approved(election_client)
    _step(
        election_client,
        election,
        "election_held",
        "2024-08-20",
        "branch",
        round=1,
        due_voters=9,
        present=9,
        ballots=_ballot(election_client, {"m0": 9, "m1": 9, "m2": 9, "m3": 1}),
    )
    _step(
        election_client,
        election,
        "officers_elected",
        "2024-08-20",
        "branch",
        secretary_id=election_client.ids["m0"],
    )
    _step(election_client, election, "results_reported", "2024-08-21", "branch")
    refused = _step(
        election_client, election, "officers_approved", "2024-09-01", "grandparent", approved=True
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "E-8.1"


def test_E_X_1_an_extension_of_more_than_a_year_is_refused(election_client: Client) -> None:
    path = f"/organizations/{election_client.ids['branch']}/term-extension"
    refused = election_client.post(
        path, {"occurred_on": "2024-07-01", "months": 13, "reason": "机构改革"}, "parent"
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "E-X.1"

    granted = election_client.post(
        path, {"occurred_on": "2024-07-01", "months": 6, "reason": "机构改革"}, "parent"
    )
    assert granted.status_code == 200, granted.text
    term = election_client.get(f"/organizations/{election_client.ids['branch']}").json()
    assert term["term"]["ends_on"] == "2024-12-01"
    assert term["overdue"] is False

    by_itself = election_client.post(
        path, {"occurred_on": "2024-07-01", "months": 1, "reason": "x"}, "branch"
    )
    assert (by_itself.status_code, by_itself.json()["rule"]) == (403, "MF-ACCESS")


def _overdue(client: Client, on: str) -> bool:
    client.clock.set_day(date.fromisoformat(on))
    answer: bool = client.get(f"/organizations/{client.ids['branch']}").json()["overdue"]
    return answer


def test_E_OVERDUE_an_approved_request_covers_only_until_its_planned_date(
    election_client: Client,
) -> None:
    """Issue 9 item 7: the approval covered the ended term for ever; now only until 2024-08-20."""
    _until_list_approved(election_client)
    assert _overdue(election_client, "2024-08-20") is False
    assert _overdue(election_client, "2024-08-21") is True  # no ballot by the planned date
    assert _overdue(election_client, "2025-06-01") is True


def test_E_OVERDUE_a_ballot_on_time_keeps_the_organization_covered(
    election_client: Client,
) -> None:
    election = _until_list_approved(election_client)
    held = _step(
        election_client,
        election,
        "election_held",
        "2024-08-20",
        "branch",
        round=1,
        due_voters=MEMBERS,
        present=9,
        ballots=_ballot(election_client, {"m0": 8, "m1": 8, "m2": 8, "m3": 1}),
    )
    assert held.status_code == 200, held.text
    assert _overdue(election_client, "2024-09-15") is False  # the officers are not approved yet


@pytest.mark.settings(policy_election_overdue_grace_days=10)
def test_E_OVERDUE_the_grace_setting_extends_the_cover(election_client: Client) -> None:
    _until_list_approved(election_client)
    assert _overdue(election_client, "2024-08-30") is False
    assert _overdue(election_client, "2024-08-31") is True


def test_MF_NO_TERM_a_working_committee_cannot_request_an_election(
    election_client: Client,
) -> None:
    election_client.created(
        "wc_sub",
        "/organizations",
        {
            "name": "市直机关工委分工委",
            "kind": "working_committee",
            "parent_id": election_client.ids["wc"],
        },
    )
    election_client.login("wc_sub", Role.COMMITTEE_OFFICIAL, "wc_sub")
    body = {
        "organization_id": election_client.ids["wc_sub"],
        "occurred_on": "2024-07-01",
        "seats": 5,
        "secretary_seats": 1,
        "deputy_seats": 1,
        "meeting_form": "member_meeting",
        "planned_date": "2024-08-20",
    }
    refused = election_client.post("/elections", body, "wc_sub")
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["rule"] == "MF-NO-TERM"
    assert problem["source"].startswith("DOMAIN.md §4")
    assert "工委" in problem["detail_zh"]
    assert "working committee" in problem["detail_en"]
    assert (
        election_client.get(f"/organizations/{election_client.ids['wc_sub']}").json()[
            "open_election_id"
        ]
        is None
    )
    assert _request(election_client)["id"]  # the branch below still asks as before


def test_E_4_2_the_secretary_alone_is_elected_from_one_candidate(election_client: Client) -> None:
    """A branch electing only its secretary (no committee) needs no 20 % margin; a committee does
    (test_E_4_2_a_list_without_a_20_percent_margin_is_refused)."""
    election = _request(election_client, seats=1, deputy_seats=0)["id"]
    _step(
        election_client,
        election,
        "election_request_approved",
        "2024-07-10",
        "parent",
        approved=True,
    )
    _step(
        election_client,
        election,
        "candidates_nominated",
        "2024-07-20",
        "branch",
        candidates=_ids(election_client, "m0"),
    )
    approved = _step(
        election_client, election, "candidate_list_approved", "2024-07-30", "parent", approved=True
    )
    assert approved.status_code == 200, approved.text
    held = _step(
        election_client,
        election,
        "election_held",
        "2024-08-20",
        "branch",
        round=1,
        due_voters=MEMBERS,
        present=9,
        ballots=_ballot(election_client, {"m0": 8}),
    )
    assert held.status_code == 200, held.text
    assert held.json()["elected"] == _ids(election_client, "m0")
