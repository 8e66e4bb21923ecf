"""The election page over HTTP: the steps in order with their dates and who took them, the
candidates and their standing, each ballot with the quorum (E-5.2) and majority (E-5.3) the
domain compares and whom it counted elected, the term, the history or the audit timeline, the
link from the inbox item, and the API's 404 outside the jurisdiction."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from domain.approvals import election_items
from domain.elections.details import Decision, Officers
from domain.workflow import StepDetails
from projections.service import ReadModels
from tests.console.elections_world import budget_branch, first_round, requested, step
from tests.console.reading import Element, page_of
from tests.console.signing import sign_in_as, token_for
from tests.support.world import World

pytestmark = pytest.mark.stores("sqlite")


@pytest.fixture
def voted(world: World) -> UUID:
    """预算处党支部's election after its first round, which left one seat open."""
    budget_branch(world)
    election, _ = first_round(world)
    return election


def _page(console: TestClient, election: UUID) -> Element:
    answer = console.get(f"/console/elections/{election}")
    assert answer.status_code == 200, answer.text
    return page_of(answer)


def test_the_steps_in_order_with_their_dates_and_who(
    console: TestClient, world: World, voted: UUID
) -> None:
    sign_in_as(console, world, "official")

    page = _page(console, voted)

    assert page.one("election-title").text == "换届选举：预算处党支部"
    assert page.one("parent").text == "市财政局机关党委"
    assert page.one("election-status").text == "进行中"
    assert page.one("seats").text == "委员3名，其中书记1名、副书记1名"
    track = {s.attrs["data-step"]: s for s in page.marked("track-step")}
    assert list(track) == [
        "election_requested",
        "election_request_approved",
        "candidates_nominated",
        "candidate_list_approved",
        "election_held",
        "officers_elected",
        "results_reported",
        "officers_approved",
    ]
    states = {slug: s.attrs["data-state"] for slug, s in track.items()}
    assert [states[s] for s in track] == ["done"] * 5 + ["next", "later", "later"]
    approved = track["election_request_approved"]
    assert approved.text.startswith("2. 上级批复 （已完成）")
    assert approved.one("step-date").text == "2024年7月10日"
    assert approved.one("step-actor").text == "official（党委（工委）工作人员）"
    assert track["election_requested"].one("step-actor").text.startswith("budget")
    # The seat left open: another ballot, or the officers from those elected (E-5.4).
    assert [n.text for n in page.marked("next-step")] == ["党员大会选举", "选举书记、副书记"]


def test_candidates_with_their_standing_and_the_list_they_need(
    console: TestClient, world: World, voted: UUID
) -> None:
    sign_in_as(console, world, "official")

    page = _page(console, voted)

    candidates = page.marked("candidate")
    assert [c.one("candidate-name").text for c in candidates] == [f"委员{i}" for i in range(4)]
    assert {c.one("candidate-standing").text for c in candidates} == {
        "正式党员，享有表决权、选举权和被选举权"
    }
    assert [c.one("candidate-elected").text for c in candidates] == [
        "当选",
        "当选",
        "未当选",
        "未当选",
    ]
    needed = page.one("candidates-needed").text
    assert needed.startswith("E-4.2（选举条例 Art. 13）")
    assert needed.endswith("应选3名，候选人4名，至少须4名。 符合")


def test_a_ballot_shows_quorum_and_majority_as_the_domain_computes_them(
    console: TestClient, world: World, voted: UUID
) -> None:
    sign_in_as(console, world, "official")

    [ballot] = _page(console, voted).marked("round")

    quorum = ballot.one("quorum").text
    assert "E-5.2" in quorum
    assert "应到会10人，经批准不计1人，应到会有选举权9人；实到8人。" in quorum
    assert "即多于7.2人" in quorum  # 9 × 4/5
    assert ballot.one("quorum-met").text == "符合"
    assert "E-5.3" in ballot.one("majority").text
    assert "即多于4票" in ballot.one("majority").text  # half of the 8 present
    lines = ballot.marked("ballot-line")
    assert [(x.one("line-candidate").text, x.one("in-favour").text) for x in lines] == [
        ("委员0", "7"),
        ("委员1", "6"),
        ("委员2", "4"),
        ("委员3", "3"),
    ]
    assert [x.one("reaches").text for x in lines] == ["是", "是", "否", "否"]
    assert [x.one("line-elected").text for x in lines] == ["当选", "当选", "未当选", "未当选"]
    assert (
        _page(console, voted)
        .one("seats-filled")
        .text.endswith("应选3名，已当选2名，尚缺1名（E-5.4）。")
    )


def test_the_figures_are_the_apis(console: TestClient, world: World, voted: UUID) -> None:
    sign_in_as(console, world, "official")
    bearer = {"Authorization": f"Bearer {token_for(world, 'official')}"}
    api = console.get(f"/elections/{voted}", headers=bearer).json()

    [ballot] = _page(console, voted).marked("round")

    names = {str(world.ids[f"w{i}"]): f"委员{i}" for i in range(4)}
    elected = [x.one("line-candidate").text for x in ballot.marked("ballot-line")][:2]
    assert elected == [names[member] for member in api["rounds"][0]["elected"]]
    assert f"应到会有选举权{api['rounds'][0]['voters_due']}人" in ballot.one("quorum").text


def test_a_completed_election_shows_the_new_term_and_its_officers(
    console: TestClient, world: World, voted: UUID
) -> None:
    officers = Officers(secretary_id=world.ids["w0"], deputy_ids=(world.ids["w1"],))
    step(world, voted, "officers_elected", officers, date(2024, 8, 20))
    step(world, voted, "results_reported", StepDetails(), date(2024, 8, 22))
    step(world, voted, "officers_approved", Decision(approved=True), date(2024, 9, 1))
    sign_in_as(console, world, "official")

    page = _page(console, voted)

    assert page.one("election-status").text == "已完成，新一届任期开始"
    assert page.one("term-started").text == "2024年8月20日"
    assert page.one("term-years").text == "3年"
    assert page.one("term-ends").text == "2027年8月20日"
    assert page.one("new-term").text == "2024年8月20日"
    offices = [c.one("candidate-office").text for c in page.marked("candidate")]
    assert offices == ["书记", "副书记", "—", "—"]
    assert {s.attrs["data-state"] for s in page.marked("track-step")} == {"done"}


def test_the_history_for_officials_and_the_audit_timeline_for_discipline_staff(
    console: TestClient, world: World, voted: UUID
) -> None:
    sign_in_as(console, world, "official")
    history = console.get(f"/console/elections/{voted}")
    assert "<h2>办理记录</h2>" in history.text
    events = page_of(history).marked("timeline-event")
    assert [e.one("event-step").text for e in events] == [
        "换届请示",
        "上级批复",
        "候选人初步人选",
        "预备人选报上级审查同意",
        "党员大会选举",
    ]

    console.cookies.clear()
    sign_in_as(console, world, "inspector")
    timeline = console.get(f"/console/elections/{voted}")
    assert "<h2>时间线</h2>" in timeline.text
    assert len(page_of(timeline).marked("timeline-event")) == 5


def test_a_refused_step_is_marked_in_words(console: TestClient, world: World) -> None:
    budget_branch(world)
    election = requested(world)
    step(world, election, "election_request_approved", Decision(approved=False), date(2024, 7, 5))
    sign_in_as(console, world, "official")

    page = _page(console, election)

    assert page.one("election-status").text == "上级未同意"
    [refused] = page.marked("step-refused")
    assert refused.text == "不同意"
    assert page.marked("timeline-event")[-1].one("event-step").text == "上级批复（不同意）"
    assert page.marked("next-step") == []


def test_the_page_in_english(console: TestClient, world: World, voted: UUID) -> None:
    sign_in_as(console, world, "official")
    console.cookies.set("lang", "en", path="/console")

    [ballot] = _page(console, voted).marked("round")

    assert "More than four fifths of the voters due must be present: more than 7.2." in (
        ballot.one("quorum").text
    )
    assert ballot.one("quorum-met").text == "met"


def test_outside_the_jurisdiction_or_unknown_is_404_as_the_api(
    console: TestClient, world: World, voted: UUID
) -> None:
    sign_in_as(console, world, "secretary2")  # 市档案馆第一党支部: another subtree

    outside = console.get(f"/console/elections/{voted}")
    unknown = console.get(f"/console/elections/{uuid4()}")

    bearer = {"Authorization": f"Bearer {token_for(world, 'secretary2')}"}
    assert console.get(f"/elections/{voted}", headers=bearer).status_code == 404
    for answer in (outside, unknown):
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("text/html")
        assert "没有这次换届选举" in page_of(answer).one("refused").text


def test_the_inbox_item_of_an_election_leads_to_its_page(
    console: TestClient, world: World, read_models: ReadModels
) -> None:
    budget_branch(world)
    election = requested(world)
    read_models.catch_up()
    sign_in_as(console, world, "official")

    [item_of] = election_items(world.memberflow.organizations.election(election))
    key = str(item_of.key)
    item = page_of(console.get(f"/console/items/{key}"))

    link = item.one("open-election")
    assert link.attrs["href"] == f"/console/elections/{election}"
    assert _page(console, election).one("election-title").text == "换届选举：预算处党支部"
