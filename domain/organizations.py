"""Organizations and the tree they form (DOMAIN.md §1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.bounds import COUNT_MAX, YEAR_MAX, YEAR_MIN
from domain.context import Context
from domain.dates import add_months, add_years
from domain.errors import refuse
from domain.policy import Policy


class OrgKind(StrEnum):
    WORKING_COMMITTEE = "working_committee"  # 机关工委
    PRIMARY_COMMITTEE = "primary_committee"  # 基层党委
    GENERAL_BRANCH = "general_branch"  # 党总支
    BRANCH = "branch"  # 党支部


# Which kinds may stand directly above each kind (None: the root of a tree).
ALLOWED_PARENTS: dict[OrgKind, set[OrgKind | None]] = {
    OrgKind.WORKING_COMMITTEE: {None, OrgKind.WORKING_COMMITTEE},
    OrgKind.PRIMARY_COMMITTEE: {OrgKind.WORKING_COMMITTEE, OrgKind.PRIMARY_COMMITTEE},
    OrgKind.GENERAL_BRANCH: {OrgKind.WORKING_COMMITTEE, OrgKind.PRIMARY_COMMITTEE},
    OrgKind.BRANCH: {OrgKind.WORKING_COMMITTEE, OrgKind.PRIMARY_COMMITTEE, OrgKind.GENERAL_BRANCH},
}


@dataclass(frozen=True, slots=True)
class Term:
    """A committee's term of office (任期): it starts on the election day (DOMAIN.md §4)."""

    started_on: date
    years: int
    extension_months: int = 0  # E-X.1: positive delays the next election, negative advances it

    @property
    def ends_on(self) -> date:
        return add_months(add_years(self.started_on, self.years), self.extension_months)


def term_years(kind: OrgKind, policy: Policy) -> int | None:
    """The length of a term by kind; a working committee's term is not kept here."""
    return {
        OrgKind.PRIMARY_COMMITTEE: policy.primary_committee_term_years,
        OrgKind.GENERAL_BRANCH: policy.general_branch_term_years,
        OrgKind.BRANCH: policy.branch_term_years,
    }.get(kind)


class Organization(Aggregate):
    @event("Registered")
    def __init__(
        self,
        name: str,
        kind: OrgKind,
        parent_id: UUID | None,
        may_approve_admissions: bool,
        unit: str | None,
        context: Context,
        term_years: int | None = None,
        term_started_on: date | None = None,
    ) -> None:
        self.name = name
        self.kind = OrgKind(kind)  # a plain string when replayed from JSON
        self.parent_id = parent_id
        self.may_approve_admissions = may_approve_admissions
        self.unit = unit
        self.development_plans: dict[int, int] = {}
        self.term_years = term_years
        self.term = Term(term_started_on, term_years) if term_started_on and term_years else None
        self.open_election_id: UUID | None = None

    @classmethod
    def register(
        cls,
        *,
        name: str,
        kind: OrgKind,
        parent: Organization | None,
        may_approve_admissions: bool,
        unit: str | None,
        context: Context,
        policy: Policy,
        term_started_on: date | None = None,
        years: int | None = None,
    ) -> Organization:
        check_place_in_tree(kind, parent)
        check_approval_power(kind, may_approve_admissions)
        length = years or term_years(kind, policy)
        if term_started_on is not None and term_started_on > context.occurred_on:
            raise refuse(
                "MF-FUTURE-DATE",
                f"任期开始于 {term_started_on}。",
                f"A term starting {term_started_on}.",
            )
        if term_started_on is not None and length is None:
            raise refuse(
                "E-8.2", "工委的任期不在此登记。", "A working committee's term is not kept here."
            )
        return cls(
            name=name,
            kind=kind,
            parent_id=parent.id if parent else None,
            may_approve_admissions=may_approve_admissions,
            unit=unit,
            context=context,
            term_years=length,
            term_started_on=term_started_on,
        )

    @property
    def approves_admissions(self) -> bool:
        """O-1: a working committee always may; a primary committee when empowered."""
        if self.kind is OrgKind.WORKING_COMMITTEE:
            return True
        return self.kind is OrgKind.PRIMARY_COMMITTEE and self.may_approve_admissions

    def set_development_plan(self, *, year: int, admissions: int, context: Context) -> None:
        """A-P: an approving committee plans how many it will admit in a year."""
        if not self.approves_admissions:
            raise refuse(
                "A-P", f"{self.name} 不是审批党委。", f"{self.name} is not an approving committee."
            )
        # Bounded here too, whatever the entry point: a read model keeps it in an integer column.
        if not 0 <= admissions <= COUNT_MAX:
            raise refuse("A-P", f"计划数 {admissions}。", f"A plan of {admissions}.")
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise refuse("A-P", f"计划年度 {year}。", f"A plan for the year {year}.")
        self._set_development_plan(year=year, admissions=admissions, context=context)

    @event("DevelopmentPlanSet")
    def _set_development_plan(self, year: int, admissions: int, context: Context) -> None:
        self.development_plans[year] = admissions

    # Terms and elections (DOMAIN.md §4).

    def overdue_on(self, day: date, covered_by_election: bool) -> bool:
        """E-OVERDUE: the term, with its extensions (E-X.1), ended before ``day`` and the election
        under way does not cover ``day`` (``domain.elections.progress.election_covers``: an approved
        request until its planned date plus the policy's grace, or a ballot held by then)."""
        return self.term is not None and self.term.ends_on < day and not covered_by_election

    def extend_term(self, *, months: int, reason: str, context: Context) -> None:
        """E-X.1: the parent delays (months > 0) or advances (months < 0) the next election."""
        if context.actor.organization_id is None or context.actor.organization_id != self.parent_id:
            raise refuse(
                "E-X.1", "须由上级党组织批准。", "Only the parent organization approves it."
            )
        if self.term is None:
            raise refuse(
                "E-X.1", f"{self.name} 没有登记任期。", f"{self.name} has no term on record."
            )
        total = self.term.extension_months + months
        if months == 0 or abs(total) > 12:
            raise refuse("E-X.1", f"累计调整 {total} 个月。", f"{total} months in all.")
        if not reason.strip():
            raise refuse("E-X.1", "须写明理由。", "A reason is required.")
        self._extend_term(months=months, reason=reason.strip(), context=context)

    @event("TermExtended")
    def _extend_term(self, months: int, reason: str, context: Context) -> None:
        assert self.term is not None
        self.term = replace(self.term, extension_months=self.term.extension_months + months)

    def open_election(self, *, election_id: UUID, context: Context) -> None:
        """E-1.2: one election under way per organization."""
        if self.open_election_id is not None:
            raise refuse(
                "E-1.2",
                f"在办的换届：{self.open_election_id}。",
                f"Election {self.open_election_id} is under way.",
            )
        self._open_election(election_id=election_id, context=context)

    @event("ElectionOpened")
    def _open_election(self, election_id: UUID, context: Context) -> None:
        self.open_election_id = election_id

    @event("ElectionClosed")
    def close_election(self, election_id: UUID, context: Context) -> None:
        """The request was rejected: the organization may ask again."""
        self.open_election_id = None

    @event("TermStarted")
    def start_term(self, started_on: date, election_id: UUID, context: Context) -> None:
        """E-8.2: the approval of the officers starts the new term, from the election day."""
        years = self.term_years or 0
        self.term = Term(started_on, years)
        self.open_election_id = None


def check_place_in_tree(kind: OrgKind, parent: Organization | None) -> None:
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        raise refuse(
            "MF-ORG-TREE",
            f"{kind.value} 不能设在 {parent_kind or '（无上级）'} 之下。",
            f"A {kind.value} cannot stand under {parent_kind or 'no parent'}.",
        )


def check_approval_power(kind: OrgKind, may_approve_admissions: bool) -> None:
    if may_approve_admissions and kind in (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH):
        raise refuse(
            "O-1",
            "党总支和党支部没有审批预备党员的权限。",
            "A general branch or a branch never approves admissions.",
        )


def approving_committee(lineage: Sequence[Organization]) -> Organization:
    """O-1: the approving committee of the first organization of ``lineage``.

    ``lineage`` runs from a branch up to the root of its tree. The answer is the nearest ancestor
    that approves admissions: an empowered primary committee, else the working committee.
    """
    for ancestor in lineage[1:]:
        if ancestor.approves_admissions:
            return ancestor
    raise refuse("O-1", "该组织之上没有审批党委。", "No approving committee stands above it.")
