"""What the demo wrote, as the command line reports it and the tests check it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from demo.runner import Runner, Thread
from demo.tree import Tree
from domain.elections.progress import election_covers
from domain.elections.values import ElectionStatus
from memberflow.bootstrap import Memberflow


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What a fill wrote, or ``skipped`` where the store already held organizations."""

    skipped: bool
    organizations: int = 0
    members: int = 0
    cases: int = 0
    commands: int = 0
    organization_ids: tuple[UUID, ...] = ()
    case_ids: tuple[UUID, ...] = ()
    elections: int = 0
    elections_completed: int = 0
    elections_under_way: int = 0
    elections_rejected: int = 0  # requests the parent did not approve
    overdue: int = 0  # organizations overdue today (E-OVERDUE)
    election_ids: tuple[UUID, ...] = ()

    def describe(self) -> str:
        if self.skipped:
            return "demo data skipped: the store already holds organizations"
        return (
            f"demo data: {self.organizations} organizations, {self.members} members imported, "
            f"{self.cases} admission cases, {self.elections} term-change elections "
            f"({self.elections_completed} completed, {self.elections_under_way} under way, "
            f"{self.elections_rejected} requests rejected), {self.overdue} organizations overdue "
            f"({self.commands} commands)"
        )


def summarize(
    runner: Runner,
    tree: Tree,
    members: int,
    case_threads: list[Thread],
    election_threads: list[Thread],
    today_: date,
) -> DemoSummary:
    """The summary of a fill, once every thread has been played."""
    election_ids = tuple(t.subject_id for t in election_threads if t.subject_id is not None)
    organizations = runner.memberflow.organizations
    statuses = Counter(organizations.election(i).status for i in election_ids)
    return DemoSummary(
        skipped=False,
        organizations=len(tree.organization_ids),
        members=members,
        cases=len(case_threads),
        commands=runner.commands,
        organization_ids=tuple(tree.organization_ids),
        case_ids=tuple(t.subject_id for t in case_threads if t.subject_id is not None),
        elections=len(election_ids),
        elections_completed=statuses[ElectionStatus.COMPLETED],
        elections_under_way=statuses[ElectionStatus.OPEN],
        elections_rejected=statuses[ElectionStatus.REJECTED],
        overdue=sum(_is_overdue(runner.memberflow, n.id, today_) for n in tree.nodes),
        election_ids=election_ids,
    )


def _is_overdue(memberflow: Memberflow, organization_id: UUID, today_: date) -> bool:
    organization = memberflow.organizations.organization(organization_id)
    open_id = organization.open_election_id
    election = memberflow.organizations.election(open_id) if open_id else None
    grace = memberflow.settings.policy.election_overdue_grace_days
    return organization.overdue_on(today_, election_covers(election, today_, grace))
