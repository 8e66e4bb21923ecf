"""``replay``: the report of every case and election under an organization with an event in the
period, from the event logs alone (see ``services.replay`` for what is listed and why)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import count
from uuid import UUID

from domain.admission.case import AdmissionCase
from domain.elections.election import Election
from domain.errors import NotFound
from domain.policy import Policy
from services.applications import Membership, Organizations
from services.replay import CaseReport, ElectionReport, OrgRef, Report
from services.replay.logs import Period, originators, rebuild
from services.replay.subjects import branches, case_report, election_report

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: phase ``scan`` counts notifications read, ``rebuild`` the
cases and elections rebuilt."""


class _Subtree:
    """The organizations under the root, and their names: each looked up once per replay."""

    def __init__(self, organizations: Organizations, root_id: UUID) -> None:
        self.organizations = organizations
        self.root_id = root_id
        self.names: dict[UUID, OrgRef] = {}
        self.under: dict[UUID, bool] = {}

    def ref(self, org_id: UUID) -> OrgRef:
        if org_id not in self.names:
            name = self.organizations.organization(org_id).name
            self.names[org_id] = OrgRef(id=org_id, name=name)
        return self.names[org_id]

    def holds(self, org_id: UUID) -> bool:
        if org_id not in self.under:
            try:
                ancestry = self.organizations.ancestry(org_id)
            except NotFound:
                ancestry = ()
            self.under[org_id] = self.root_id in ancestry
        return self.under[org_id]

    def may_hold(self, places: set[UUID] | None) -> bool:
        """Whether a subject whose events name these places may lie in the subtree (None: not
        known without rebuilding it)."""
        return places is None or any(self.holds(place) for place in places)


def replay(
    organizations: Organizations,
    membership: Membership,
    policy: Policy,
    organization_id: UUID,
    from_: date | None = None,
    to: date | None = None,
    progress: Progress | None = None,
) -> Report:
    """The report of every case and election under ``organization_id`` with an event in the
    period. NotFound if the organization does not exist."""
    root = organizations.organization(organization_id)
    subtree, period = _Subtree(organizations, organization_id), Period(from_, to)
    heads = {
        app.name: app.recorder.max_notification_id() or 0 for app in (membership, organizations)
    }
    tell = progress or (lambda phase, done, total: None)
    scanned = 0

    def scanning(read: int) -> None:
        nonlocal scanned
        scanned += read
        tell("scan", scanned, sum(heads.values()))

    # Only the subjects whose events name a place in the subtree can lie in it: the others are
    # not rebuilt (issue 11: a branch of a city is replayed without folding the whole city).
    named = originators(membership, AdmissionCase, heads[membership.name], scanning)
    case_ids = [i for i, places in named.items() if subtree.may_hold(places)]
    named = originators(organizations, Election, heads[organizations.name], scanning)
    election_ids = [i for i, places in named.items() if subtree.may_hold(places)]
    done, subjects = count(1), len(case_ids) + len(election_ids)

    def rebuilt() -> None:
        tell("rebuild", next(done), subjects)

    cases = _cases(membership, case_ids, subtree, policy, period, rebuilt)
    elections = _elections(organizations, election_ids, subtree, policy, period, rebuilt)
    found = [c.findings for c in cases] + [e.findings for e in elections]
    totals = Counter(f.kind for findings in found for f in findings)
    return Report(
        organization=OrgRef(id=root.id, name=root.name),
        from_=from_,
        to=to,
        generated_at=datetime.now(tz=UTC),
        positions=heads,
        cases=cases,
        elections=elections,
        totals=dict(sorted(totals.items())),
        exceptions_total=sum(len(c.exceptions) for c in cases),
    )


def _cases(
    membership: Membership,
    case_ids: list[UUID],
    subtree: _Subtree,
    policy: Policy,
    period: Period,
    rebuilt: Callable[[], None],
) -> list[CaseReport]:
    """The cases with an event in the period that have ever belonged to a branch of the subtree."""
    reports: list[CaseReport] = []
    for case_id in case_ids:
        case, contexts = rebuild(membership, case_id)
        rebuilt()
        if not isinstance(case, AdmissionCase) or not period.touches(contexts):
            continue
        belonged = branches(case)
        if any(subtree.holds(b) for b in belonged):
            reports.append(case_report(case, belonged, subtree.ref, policy, period))
    return sorted(reports, key=lambda c: (c.steps[0].occurred_on, c.applicant, str(c.id)))


def _elections(
    organizations: Organizations,
    election_ids: list[UUID],
    subtree: _Subtree,
    policy: Policy,
    period: Period,
    rebuilt: Callable[[], None],
) -> list[ElectionReport]:
    """The elections with an event in the period, of an organization in the subtree."""
    reports: list[ElectionReport] = []
    for election_id in election_ids:
        election, contexts = rebuild(organizations, election_id)
        rebuilt()
        if not isinstance(election, Election) or not period.touches(contexts):
            continue
        if subtree.holds(election.organization_id):
            reports.append(election_report(election, subtree.ref, policy, period))
    return sorted(reports, key=lambda e: (e.steps[0].occurred_on, e.organization.name, str(e.id)))
