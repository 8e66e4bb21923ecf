"""The demo data: a realistic setting that shows every stage, outcome and kind of finding."""

from __future__ import annotations

from collections import Counter

import demo
from domain.admission.case import AdmissionCase
from domain.admission.findings import case_findings
from domain.admission.progress import stage
from domain.admission.values import CaseStatus
from domain.dates import business_date
from domain.elections.election import Election
from domain.elections.progress import request_approved
from domain.elections.values import ElectionStatus
from domain.organizations import Organization, OrgKind
from memberflow.bootstrap import Memberflow
from services.clock import today
from tests.support.elections import EVERY_STATE, election_state


def _organizations(memberflow: Memberflow, summary: demo.DemoSummary) -> list[Organization]:
    return [memberflow.organizations.organization(i) for i in summary.organization_ids]


def _cases(memberflow: Memberflow, summary: demo.DemoSummary) -> list[AdmissionCase]:
    return [memberflow.membership.case(i) for i in summary.case_ids]


def _elections(memberflow: Memberflow, summary: demo.DemoSummary) -> list[Election]:
    return [memberflow.organizations.election(i) for i in summary.election_ids]


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


def test_demo_data_shows_every_election_state_and_every_kind_of_term(
    memberflow: Memberflow,
) -> None:
    summary = demo.fill(memberflow, members=40, cases=10)
    today_ = today(memberflow.clock)

    elections = _elections(memberflow, summary)
    assert len(elections) == summary.elections
    assert {election_state(e) for e in elections} == EVERY_STATE
    assert Counter(e.status for e in elections) == {
        ElectionStatus.COMPLETED: summary.elections_completed,
        ElectionStatus.OPEN: summary.elections_under_way,
        ElectionStatus.REJECTED: summary.elections_rejected,
    }
    organizations = {o.id: o for o in _organizations(memberflow, summary)}
    for election in elections:  # an open election is the one its organization has under way
        is_open = election.status is ElectionStatus.OPEN
        assert (organizations[election.organization_id].open_election_id == election.id) is is_open
        contexts = [election.requested, *(r.context for r in election.records)]
        assert all(c.occurred_on <= today_ for c in contexts)  # dated in the past
        assert all(business_date(c.recorded_at) == c.occurred_on for c in contexts)

    with_terms = [o for o in organizations.values() if o.kind is not OrgKind.WORKING_COMMITTEE]
    assert all(o.term is not None for o in with_terms)
    overdue = []
    for organization in with_terms:
        open_id = organization.open_election_id
        under_way = memberflow.organizations.election(open_id) if open_id else None
        if organization.overdue_on(today_, request_approved(under_way)):
            overdue.append(organization)
    assert len(overdue) == summary.overdue >= 2
    terms = [o.term for o in with_terms if o.term is not None]
    assert sum(t.ends_on >= today_ for t in terms) > len(terms) / 2  # most terms are current
    extended = [o for o in with_terms if o.term and o.term.extension_months > 0]
    assert extended
    assert not {o.id for o in extended} & {o.id for o in overdue}
    assert all(o.term and o.term.ends_on < today_ for o in overdue)

    completed = [e for e in elections if e.status is ElectionStatus.COMPLETED]
    latest = {}  # an organization's term began with its latest completed election
    for election in sorted(completed, key=lambda e: e.election_day or today_):
        latest[election.organization_id] = election
    for organization_id, election in latest.items():
        term = organizations[organization_id].term
        assert term is not None
        assert term.started_on == election.election_day
    assert any(len(e.rounds) == 2 for e in completed)


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
