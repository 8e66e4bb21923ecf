"""The 潮州 池湖村 pattern (DOMAIN.md §3), replayed over HTTP.

Activists were made targets after less than a year of cultivation, and political reviews were
filed after the branch meeting had already admitted. The first is refused outright (A-7.1); the
second cannot be prevented, because the paper is real but late, so it is recorded and shows as
F-ORDER for every auditor.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.support.client import Client
from tests.support.world import CLEAN_PATH, Planned, path_between


def _planned(slug: str) -> Planned:
    return next(p for p in CLEAN_PATH if p.slug == slug)


def test_a_target_designated_within_a_year_is_refused_with_A_7_1(client: Client) -> None:
    case_id = client.apply("池某").json()["id"]
    for response in client.walk(case_id, path_between(2, 7)):
        assert response.status_code == 200, response.text

    # Designated activist on 2023-04-10; a target on 2024-03-01 is eleven months later.
    early = client.step(
        case_id, replace(_planned("development_target_designated"), on=date(2024, 3, 5))
    )

    assert early.status_code == 422
    assert early.json()["rule"] == "A-7.1"
    assert early.json()["source"] == "细则 Art. 13"


def test_a_political_review_dated_after_the_branch_meeting_raises_F_ORDER(
    client: Client,
) -> None:
    case_id = client.apply("池某乙").json()["id"]
    backdated = {  # the meeting and what led to it happened before the review was concluded
        "training_completed": date(2024, 5, 10),
        "branch_committee_reviewed": date(2024, 5, 15),
        "pre_review_passed": date(2024, 5, 20),
        "application_form_completed": date(2024, 5, 25),
        "branch_meeting_admitted": date(2024, 5, 30),
    }
    review_on = date(2024, 6, 20)  # 政审材料补交: filed three weeks after the meeting
    for planned in path_between(2, 16):
        if planned.slug == "political_review_concluded":
            response = client.step(case_id, replace(planned, on=review_on))
        elif planned.slug in backdated:  # entered after the review, with the meeting's dates
            response = client.step(
                case_id, replace(planned, on=backdated[planned.slug]), recorded_on=date(2024, 6, 21)
            )
        else:
            response = client.step(case_id, planned)
        assert response.status_code == 200, response.text

    findings = client.get(f"/admissions/{case_id}").json()["findings"]
    order = [f for f in findings if f["kind"] == "F-ORDER"]
    assert [f["step"] for f in order] == ["political_review_concluded"]
    assert "branch_meeting_admitted (2024-05-30)" in order[0]["detail_en"]
