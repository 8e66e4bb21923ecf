"""Organizations and the tree they form (DOMAIN.md §1)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.context import Context
from domain.errors import refuse


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
    ) -> None:
        self.name = name
        self.kind = OrgKind(kind)  # a plain string when replayed from JSON
        self.parent_id = parent_id
        self.may_approve_admissions = may_approve_admissions
        self.unit = unit
        self.development_plans: dict[int, int] = {}

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
    ) -> Organization:
        check_place_in_tree(kind, parent)
        check_approval_power(kind, may_approve_admissions)
        return cls(
            name=name,
            kind=kind,
            parent_id=parent.id if parent else None,
            may_approve_admissions=may_approve_admissions,
            unit=unit,
            context=context,
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
        if admissions < 0:
            raise refuse("A-P", f"计划数 {admissions}。", f"A plan of {admissions}.")
        self._set_development_plan(year=year, admissions=admissions, context=context)

    @event("DevelopmentPlanSet")
    def _set_development_plan(self, year: int, admissions: int, context: Context) -> None:
        self.development_plans[year] = admissions


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
