"""The approval inbox (DOMAIN.md §5): items appear with the step before them, are claimed, commented
and decided or acknowledged, and disappear; over HTTP, on both stores, and rebuilt from scratch."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.approvals import ApprovalItem, ItemKey, case_items, election_items
from domain.commands import (
    AcknowledgeItem,
    AssignItem,
    ClaimItem,
    CommentItem,
    Entry,
    RequestElection,
    TakeElectionStep,
    WithdrawCase,
)
from domain.elections.details import Decision, ElectionRequest
from domain.errors import Conflict, NotFound, RulesBroken
from projections.follower import Follower
from projections.inbox import InboxModel
from projections.model import Sources
from projections.service import ReadModels
from tests.support.client import Client, document_json
from tests.support.world import CLEAN_PATH, World, path_between

CASE_UNTIL_REVIEW = CLEAN_PATH[:11]  # steps 2 … 11
REVIEW = CLEAN_PATH[11]  # step 12, branch_committee_reviewed: asks the committee for step 13
PRE_REVIEW = CLEAN_PATH[12]


def _case(client: Client, name: str, plan: tuple[Any, ...], on: date = date(2023, 3, 1)) -> str:
    response = client.apply(name, on)
    assert response.status_code == 201, response.text
    case_id: str = response.json()["id"]
    for planned in plan:
        step = client.step(case_id, planned)
        assert step.status_code == 200, step.text
    return case_id


def _inbox(client: Client, org: str, query: str = "", by: str = "official") -> dict[str, Any]:
    response = client.get(f"/approvals/inbox?org={client.ids[org]}&{query}", by)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def _rows(page: dict[str, Any], asked: str) -> list[dict[str, Any]]:
    return [row for row in page["data"] if row["asked"] == asked]


def _act(client: Client, key: str, action: str, by: str, **body: Any) -> Any:
    return client.post(f"/approvals/{key}/{action}", body, by)


def test_an_item_appears_is_claimed_decided_and_disappears(client: Client) -> None:
    case_id = _case(client, "张三", CASE_UNTIL_REVIEW)
    reviewed = client.step(case_id, REVIEW)
    assert reviewed.status_code == 200, reviewed.text
    review_version = reviewed.json()["version"]
    with client.http:
        page = _inbox(client, "pc", f"after=membership:{reviewed.json()['position']}")
        assert page["positions"]["membership"] >= reviewed.json()["position"]
        [row] = _rows(page, "pre_review_passed")
        assert row["item"] == f"{case_id}:pre_review_passed:{review_version}"
        assert row["kind"] == "decision"
        assert row["subject_type"] == "case"
        assert row["subject_id"] == case_id
        assert row["subject_name"] == "张三"
        assert row["trigger"] == "branch_committee_reviewed"
        assert row["organization_id"] == client.ids["pc"]
        assert row["from_organization_id"] == client.ids["branch"]
        assert (row["waiting_since"], row["due_on"]) == ("2024-06-20", "2024-07-20")
        assert row["overdue"] is False  # the clock stands on the review's day
        assert row["subject_version"] == review_version
        assert row["decide"] == f"/admissions/{case_id}/steps/pre_review_passed"
        assert row["claimed_by"] is None
        assert row["comments"] == 0
        key = row["item"]

        client.clock.set_day(date(2024, 6, 21))
        claimed = _act(client, key, "claim", "official", occurred_on="2024-06-21")
        assert claimed.status_code == 200, claimed.text
        assert claimed.json()["log"] == "approvals"
        again = _act(client, key, "claim", "official2", occurred_on="2024-06-21")
        assert again.status_code == 409, again.text
        commented = _act(client, key, "comment", "official2", text="材料齐全，建议通过")
        assert commented.status_code == 200, commented.text
        after = f"approvals:{commented.json()['position']}"
        [row] = _rows(
            _inbox(client, "pc", f"after={after}&asked=pre_review_passed"), "pre_review_passed"
        )
        assert (row["claimed_by"], row["comments"]) == ("official", 1)
        assert row["last_comment"] == "材料齐全，建议通过"

        version = str(row["subject_version"])
        client.clock.set_day(PRE_REVIEW.on)
        body = {"occurred_on": "2024-07-01", "documents": [document_json("pre_review_notice")]}
        path = f"/admissions/{case_id}/steps/pre_review_passed"
        decided = client.post(path, body, "official", **{"If-Match": version})
        assert decided.status_code == 200, decided.text
        second = client.post(
            f"/admissions/{case_id}/steps/pre_review_passed",
            body,
            "official2",
            **{"If-Match": version},
        )
        assert second.status_code == 409, second.text

        after = f"membership:{decided.json()['position']}"
        assert _rows(_inbox(client, "pc", f"after={after}"), "pre_review_passed") == []
        [done] = _rows(_inbox(client, "pc", "status=done"), "pre_review_passed")
        assert (done["status"], done["done_by"], done["done_on"]) == (
            "done",
            "pre_review_passed",
            "2024-07-01",
        )
        late = _act(client, key, "comment", "official", text="补充意见")
        assert late.status_code == 409, late.text
        assert "already decided" in late.json()["detail"]


def test_filings_are_acknowledged_level_by_level(client: Client) -> None:
    case_id = _case(client, "李四", CLEAN_PATH[:17])  # up to admission_approved (17)
    filed = client.step(case_id, CLEAN_PATH[17])  # admission_filed, by the approving committee
    assert filed.status_code == 200, filed.text
    with client.http:
        after = f"after=membership:{filed.json()['position']}"
        page = _inbox(client, "pc", after)
        asked = sorted(row["asked"] for row in page["data"])
        assert asked == ["activist_filed", "development_target_filed"]  # the decisions are done
        [activist] = _rows(page, "activist_filed")
        assert activist["kind"] == "filing"
        assert activist["waiting_since"] == "2023-04-15"
        assert activist["overdue"] is True  # the clock stands on 2024-08-25
        assert activist["decide"] == f"/approvals/{activist['item']}/acknowledge"

        # 18 goes one level further up (逐级): to the working committee, from the committee.
        [admission] = _rows(_inbox(client, "wc", after, "wc_official"), "admission_filed")
        assert admission["from_organization_id"] == client.ids["pc"]
        assert _rows(page, "admission_filed") == []
        wrong = _act(client, admission["item"], "acknowledge", "official")
        assert wrong.status_code == 422, wrong.text
        assert wrong.json()["rule"] == "MF-INBOX"
        assert wrong.json()["source"] == "DOMAIN.md §5"

        received = _act(client, activist["item"], "acknowledge", "official", comment="已备案")
        assert received.status_code == 200, received.text
        twice = _act(client, activist["item"], "acknowledge", "official2")
        assert twice.status_code == 409, twice.text
        page = _inbox(client, "pc", f"after=approvals:{received.json()['position']}")
        assert [row["asked"] for row in page["data"]] == ["development_target_filed"]
        [done] = _rows(_inbox(client, "pc", "status=done"), "activist_filed")
        assert (done["done_by"], done["done_on"]) == ("acknowledged", "2024-08-25")

        # A decision is answered by its step, never acknowledged.
        [decided] = _rows(_inbox(client, "pc", "status=done"), "admission_approved")
        assert _act(client, decided["item"], "acknowledge", "official").status_code == 409


def test_refusals_name_the_rule_or_the_missing_item(client: Client) -> None:
    case_id = _case(client, "王五", CLEAN_PATH[:11])
    reviewed = client.step(case_id, REVIEW)
    key = f"{case_id}:pre_review_passed:{reviewed.json()['version']}"
    by_branch = _act(client, key, "claim", "secretary")  # a secretary handles no inbox
    assert by_branch.status_code == 403
    assert by_branch.json()["rule"] == "MF-ACCESS"
    by_wc = _act(client, key, "claim", "wc_official")
    assert by_wc.status_code == 422
    assert by_wc.json()["rule"] == "MF-INBOX"
    acknowledged = _act(client, key, "acknowledge", "official")
    assert acknowledged.status_code == 422
    assert acknowledged.json()["rule"] == "MF-INBOX"
    for missing in (
        "not-a-key",
        f"{case_id}:pre_review_passed:3",  # step 3 raises no such item
        f"{case_id}:pre_review_passed:99",
        f"{case_id}:materials_archived:{reviewed.json()['version']}",
        f"{UUID(int=7)}:pre_review_passed:1",
    ):
        response = _act(client, missing, "claim", "official")
        assert response.status_code == 404, (missing, response.text)
    future = _act(client, key, "claim", "official", occurred_on="2099-01-01")
    assert future.json()["rule"] == "MF-FUTURE-DATE"
    # An assignment hands the item over: the assignee may then claim it.
    assert _act(client, key, "claim", "official").status_code == 200
    assert _act(client, key, "assign", "official", to="official2").status_code == 200
    assert _act(client, key, "claim", "official2").status_code == 200
    assert _act(client, key, "claim", "official").status_code == 409


def test_election_items_wait_for_the_parent_and_subtrees_list_them(client: Client) -> None:
    client.clock.set_day(date(2024, 7, 1))
    body = {
        "organization_id": client.ids["branch"],
        "occurred_on": "2024-07-01",
        "seats": 3,
        "secretary_seats": 1,
        "deputy_seats": 1,
        "meeting_form": "member_meeting",
        "planned_date": "2024-08-20",
    }
    requested = client.post("/elections", body, "secretary")
    assert requested.status_code == 201, requested.text
    election = requested.json()["id"]
    with client.http:
        after = f"after=organizations:{requested.json()['position']}"
        [row] = _inbox(client, "pc", after)["data"]
        assert row["item"] == f"{election}:election_request_approved:1"
        assert (row["subject_type"], row["subject_name"]) == ("election", "市财政局第一党支部")
        assert row["from_organization_id"] == client.ids["branch"]
        assert row["decide"] == f"/elections/{election}/steps/election_request_approved"
        assert _inbox(client, "wc", after, "wc_official")["data"] == []
        whole = _inbox(client, "wc", f"{after}&subtree=true", "wc_official")
        assert [r["item"] for r in whole["data"]] == [row["item"]]
        assert "organizations" in whole["positions"]

        client.clock.set_day(date(2024, 7, 5))
        decided = client.post(
            f"/elections/{election}/steps/election_request_approved",
            {"occurred_on": "2024-07-05", "approved": True},
            "official",
            **{"If-Match": str(row["subject_version"])},
        )
        assert decided.status_code == 200, decided.text
        page = _inbox(
            client,
            "wc",
            f"after=organizations:{decided.json()['position']}&subtree=true",
            "wc_official",
        )
        assert page["data"] == []


def test_pages_and_sorting(client: Client) -> None:
    filed_on = [date(2023, 4, 15), date(2023, 4, 20), date(2023, 4, 18)]
    position = 0
    for number, day in enumerate(filed_on):
        applied = date(2023, 3, 1 + number)
        case_id = _case(client, f"申请人{number}", CLEAN_PATH[:2], applied)
        filed = client.step(case_id, CLEAN_PATH[2], on=day)
        assert filed.status_code == 200, filed.text
        position = filed.json()["position"]
    with client.http:
        query = f"after=membership:{position}&sort=waiting_since&order=desc&per_page=2"
        first = _inbox(client, "pc", query)
        second = _inbox(client, "pc", f"{query}&page=2")
    assert first["count"] == 3
    assert (first["page"], first["per_page"]) == (1, 2)
    days = [r["waiting_since"] for r in first["data"] + second["data"]]
    assert days == ["2023-04-20", "2023-04-18", "2023-04-15"]
    assert len(second["data"]) == 1


# Rebuilding gives the same rows as following the logs live.


def test_a_rebuild_equals_the_live_inbox(world: World, read_models: ReadModels) -> None:
    read_models.catch_up()

    def run(command: Any, by: str) -> None:
        world.run(command, by)
        read_models.catch_up()

    def key(case_id: UUID, asked: str) -> str:
        return str(next(i.key for i in case_items(world.case(case_id)) if i.key.asked == asked))

    day = Entry(date(2024, 9, 1))
    approved = world.case_before(13)
    world.clock.set_day(date(2024, 6, 22))
    read_models.catch_up()
    pre_review = key(approved, "pre_review_passed")
    run(ClaimItem(pre_review, Entry(date(2024, 6, 21))), "official")
    run(CommentItem(pre_review, "同意", Entry(date(2024, 6, 22))), "official")
    run(AcknowledgeItem(key(approved, "activist_filed"), Entry(date(2024, 6, 22))), "official")
    for planned in path_between(13, 19):
        world.step(approved, planned.slug, on=planned.on, by=planned.by, **planned.fields)
        read_models.catch_up()
    filed = key(approved, "admission_filed")
    world.clock.set_day(date(2024, 9, 1))
    run(AssignItem(filed, "wc_colleague", day), "wc_official")
    run(AcknowledgeItem(filed, day), "wc_official")

    withdrawn = world.case_before(9, name="撤回者")
    world.clock.set_day(date(2024, 9, 1))
    read_models.catch_up()
    run(ClaimItem(key(withdrawn, "development_target_filed"), day), "official")
    run(WithdrawCase(withdrawn, "本人申请撤回", day), "secretary")

    request = ElectionRequest(
        seats=3,
        secretary_seats=1,
        deputy_seats=1,
        meeting_form="member_meeting",
        planned_date=date(2024, 10, 20),
    )
    election = world.run(RequestElection(world.ids["branch"], request, day), "secretary")
    read_models.catch_up()
    [asked] = election_items(world.memberflow.organizations.election(election.subject_id))
    run(ClaimItem(str(asked.key), day), "official")
    decision = TakeElectionStep(
        election.subject_id, "election_request_approved", Decision(approved=False), day
    )
    run(decision, "official")

    live = read_models.model(InboxModel.name)
    sources = Sources(read_models.applications, world.memberflow.settings.policy)
    fresh = InboxModel(sources, suffix="_rebuild")
    follower = Follower(fresh, read_models.database, read_models.applications, "inbox_rebuild")
    follower.create()
    assert follower.catch_up() > 0
    with read_models.database.transaction() as tx:
        for table in InboxModel.tables:
            query = "SELECT * FROM {} ORDER BY item_key"
            live_rows = tx.fetchall(query.format(live.names[table]))
            assert live_rows == tx.fetchall(query.format(fresh.names[table]))
            assert live_rows, table
        statuses: dict[str, str] = dict(
            tx.fetchall(
                f"SELECT asked || '@' || subject_id, status FROM {live.names['inbox_items']}"
            )
        )
    assert statuses[f"development_target_filed@{withdrawn}"] == "done"  # the case closed
    assert statuses[f"election_request_approved@{election.subject_id}"] == "done"
    assert statuses[f"admission_filed@{approved}"] == "open"  # acknowledged: in inbox_actions


def test_the_handler_decides_without_a_read_model(world: World) -> None:
    """Claims are decided on the event stores: a deterministic id makes two claims meet."""
    case_id = world.case_before(13)
    [item] = [i for i in case_items(world.case(case_id)) if i.key.asked == "pre_review_passed"]
    key = str(item.key)
    assert ItemKey.parse(key) == item.key
    world.clock.set_day(date(2024, 6, 21))
    written = world.run(ClaimItem(key, Entry(date(2024, 6, 21))), "official")
    assert written.subject_id == ApprovalItem.create_id(key)
    assert written.log == "approvals"
    stored = world.memberflow.approvals.item(key)
    assert stored is not None
    assert stored.claimed_by == "official"
    with pytest.raises(RulesBroken):
        world.run(ClaimItem(key, Entry(date(2024, 6, 21))), "secretary")
    with pytest.raises(NotFound):
        world.run(ClaimItem(f"{case_id}:pre_review_passed:2", Entry(date(2024, 6, 21))), "official")
    world.step(case_id, "pre_review_passed")
    with pytest.raises(Conflict):
        world.run(CommentItem(key, "迟到的意见", Entry(date(2024, 7, 1))), "official")
