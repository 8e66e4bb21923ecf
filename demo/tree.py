"""The organization tree as imported when the system went live, and who acts for each part of it.

Each organization is registered with the term it was then serving (its story's, see
``demo.election_stories``). A committee that approves admissions has its own official (O-1); its
branches' cases go to that official, or to the working committee's where the committee may not
approve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from demo.election_stories import Planner, Story
from demo.runner import Runner
from demo.setting import ADMIN, BUREAUS, WORKING_COMMITTEE, WORKING_COMMITTEE_BRANCH, Bureau
from domain.commands import Entry, RegisterOrganization
from domain.context import Actor, Role
from domain.organizations import OrgKind


@dataclass(frozen=True, slots=True)
class Branch:
    id: UUID
    name: str
    unit: str
    secretary: Actor
    official: Actor  # of the approving committee (O-1)


@dataclass(frozen=True, slots=True)
class Node:
    """An organization with a term, the story of its elections, and who acts for it."""

    id: UUID
    name: str
    kind: OrgKind
    parent_id: UUID
    own: Actor  # enters the organization's own election steps
    story: Story


@dataclass
class Tree:
    organization_ids: list[UUID] = field(default_factory=list)
    approving_ids: list[UUID] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    officials: dict[UUID, Actor] = field(default_factory=dict)  # who decides for those below

    def branches_under(self, organization_id: UUID) -> list[UUID]:
        """The branches of an organization's subtree (a branch is its own)."""
        parents = {n.id: n.parent_id for n in self.nodes}
        found = []
        for branch in self.branches:
            ancestor: UUID | None = branch.id
            while ancestor is not None and ancestor != organization_id:
                ancestor = parents.get(ancestor)
            if ancestor is not None:
                found.append(branch.id)
        return found


def acting(actor_id: str, role: Role) -> Callable[[UUID], Actor]:
    """Someone in ``role`` acting for the organization they are given."""
    return lambda organization_id: Actor(id=actor_id, role=role, organization_id=organization_id)


def build_tree(runner: Runner, on: date, planner: Planner) -> Tree:
    """The tree as imported on ``on``, each organization with the term it was then serving."""
    registrar = _Registrar(runner, on, planner)
    root = registrar.organization(
        WORKING_COMMITTEE, OrgKind.WORKING_COMMITTEE, None, WORKING_COMMITTEE
    )
    registrar.tree.approving_ids.append(root)
    registrar.official(root, "demo-official-1")
    registrar.branch(WORKING_COMMITTEE_BRANCH, root, WORKING_COMMITTEE, root)
    for index, bureau in enumerate(BUREAUS, start=1):
        registrar.bureau(index, bureau, root)
    return registrar.tree


@dataclass
class _Registrar:
    """Registers organizations top down and notes who acts for each."""

    runner: Runner
    on: date
    planner: Planner
    tree: Tree = field(default_factory=Tree)

    def organization(
        self,
        name: str,
        kind: OrgKind,
        parent: UUID | None,
        unit: str,
        approves: bool = False,
        own: Callable[[UUID], Actor] | None = None,
    ) -> UUID:
        story = self.planner.story(name, kind)
        started_on = story.term_started_on if story else None
        command = RegisterOrganization(
            name, kind, parent, approves, unit, Entry(self.on), term_started_on=started_on
        )
        organization_id = self.runner.run(command, ADMIN, self.on)
        self.tree.organization_ids.append(organization_id)
        if story and parent and own:
            self.tree.nodes.append(
                Node(organization_id, name, kind, parent, own(organization_id), story)
            )
        return organization_id

    def official(self, organization_id: UUID, actor_id: str) -> None:
        official = acting(actor_id, Role.COMMITTEE_OFFICIAL)(organization_id)
        self.tree.officials[organization_id] = official

    def branch(self, name: str, parent: UUID, unit: str, approver: UUID) -> None:
        secretary = acting(f"demo-secretary-{len(self.tree.branches) + 1}", Role.BRANCH_SECRETARY)
        branch_id = self.organization(name, OrgKind.BRANCH, parent, unit, own=secretary)
        approving = self.tree.officials[approver]
        self.tree.branches.append(Branch(branch_id, name, unit, secretary(branch_id), approving))

    def bureau(self, index: int, bureau: Bureau, root: UUID) -> None:
        """A bureau's committee, its branches, and its general branch with the branches in it."""
        # An empowered committee's official is the one who approves its admissions (O-1).
        actor_id = (
            f"demo-official-{len(self.tree.approving_ids) + 1}"
            if bureau.approves
            else f"demo-committee-official-{index}"
        )
        committee = self.organization(
            f"{bureau.unit}机关党委",
            OrgKind.PRIMARY_COMMITTEE,
            root,
            bureau.unit,
            bureau.approves,
            own=acting(actor_id, Role.COMMITTEE_OFFICIAL),
        )
        self.official(committee, actor_id)
        approver = committee if bureau.approves else root
        if bureau.approves:
            self.tree.approving_ids.append(committee)
        for name in bureau.branches:
            self.branch(f"{bureau.unit}{name}", committee, bureau.unit, approver)
        if bureau.general_branch:
            general = self.organization(
                f"{bureau.unit}{bureau.general_branch}",
                OrgKind.GENERAL_BRANCH,
                committee,
                bureau.unit,
                own=acting(f"demo-general-secretary-{index}", Role.BRANCH_SECRETARY),
            )
            self.official(general, f"demo-general-official-{index}")
            for name in bureau.in_general:
                self.branch(f"{bureau.unit}{name}", general, bureau.unit, approver)
