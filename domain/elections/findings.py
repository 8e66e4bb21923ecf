"""Findings of an election (DOMAIN.md §3, §4), derived from its events alone."""

from __future__ import annotations

from domain.dates import add_months
from domain.elections.election import Election
from domain.findings import Finding
from domain.policy import Policy


def election_findings(election: Election, policy: Policy) -> list[Finding]:
    """E-1.3: the request comes at least the policy's months before the planned meeting."""
    requested = election.requested
    planned = election.request.planned_date
    if planned >= add_months(requested.occurred_on, policy.election_request_lead_months):
        return []
    return [
        Finding(
            "F-DEADLINE",
            "E-1.3",
            "election_requested",
            1,
            requested.occurred_on,
            requested.recorded_at,
            f"请示于 {requested.occurred_on}，拟于 {planned} 召开，不足规定时间。",
            f"Requested {requested.occurred_on} for a meeting on {planned}: too short a notice.",
        )
    ]
