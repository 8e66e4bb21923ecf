"""The demo data: a realistic setting that shows every stage, outcome and kind of finding."""

from __future__ import annotations

from collections import Counter

from domain.admission import AdmissionCase, CaseStatus
from domain.findings import case_findings
from domain.organizations import Organization, OrgKind
from domain.progress import stage
from services import demo
from services.bootstrap import Memberflow


def _organizations(memberflow: Memberflow, summary: demo.DemoSummary) -> list[Organization]:
    return [memberflow.organizations.organization(i) for i in summary.organization_ids]


def _cases(memberflow: Memberflow, summary: demo.DemoSummary) -> list[AdmissionCase]:
    return [memberflow.membership.case(i) for i in summary.case_ids]


def _positions(memberflow: Memberflow) -> tuple[int | None, int | None]:
    return (
        memberflow.organizations.recorder.max_notification_id(),
        memberflow.membership.recorder.max_notification_id(),
    )


def test_demo_data_shows_every_stage_outcome_and_finding(memberflow: Memberflow) -> None:
    summary = demo.fill(memberflow, members=40, cases=30)

    assert not summary.skipped
    assert len(summary.case_ids) == summary.cases == 30
    organizations = _organizations(memberflow, summary)
    assert {o.kind for o in organizations} == set(OrgKind)
    committees = [o for o in organizations if o.kind is OrgKind.PRIMARY_COMMITTEE]
    assert [o.may_approve_admissions for o in committees].count(False) == 1

    cases = _cases(memberflow, summary)
    assert {stage(c).number for c in cases} == {1, 2, 3, 4, 5}
    assert set(Counter(c.status for c in cases)) == set(CaseStatus)
    policy = memberflow.settings.policy
    kinds = {f.kind for c in cases for f in case_findings(c, policy)}
    assert {"F-LATE", "F-DEADLINE", "F-ORDER", "F-EXC", "F-OFFUNIT"} <= kinds


def test_demo_data_records_most_steps_on_their_business_date(memberflow: Memberflow) -> None:
    summary = demo.fill(memberflow, members=40, cases=30)

    records = [r for c in _cases(memberflow, summary) for r in c.records]
    on_time = [r for r in records if r.recorded_at.date() <= r.occurred_on]
    assert len(on_time) > 0.8 * len(records)


def test_a_second_fill_skips_and_writes_nothing(memberflow: Memberflow) -> None:
    demo.fill(memberflow, members=40, cases=30)
    before = _positions(memberflow)

    again = demo.fill(memberflow, members=40, cases=30)

    assert again.skipped
    assert _positions(memberflow) == before
