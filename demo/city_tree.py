"""The city's organization tree: departments of every size under the working committee, each
with its organs' primary committee (机关党委) or general branch (机关党总支); a large department's
institutions with committees or general branches of their own; the branches with their members;
and the story of every organization's elections.

``plan_tree`` decides all of it from the plan and the random sequence, before anything is written;
``register_tree`` enters it through the command bus when the system went live.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from demo.city_setting import (
    WORKING_COMMITTEE,
    WORKING_COMMITTEE_BRANCH,
    CityPlan,
    chinese,
    department_name,
    institution_patterns,
)
from demo.election_stories import SCRIPTS, Planner
from demo.runner import Runner
from demo.setting import ADMIN
from demo.tree import Branch, Node, Tree
from domain.commands import Entry, RegisterOrganization
from domain.context import Actor, Role
from domain.organizations import OrgKind

P, G, B = OrgKind.PRIMARY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH
#: Stories told at least once in every city, by the kind of organization that tells them, so that
#: every state of an election shows (and overdue and current terms, an extension).
SPECIAL_PLOTS: tuple[tuple[OrgKind, str], ...] = (
    (P, "second_round"),
    (P, "requested"),
    (P, "overdue"),
    (P, "current"),
    (G, "officers_rejected"),
    (G, "reported"),
    *((B, plot) for plot in ("completed_in_two_rounds", "overdue", "list_rejected")),
    *((B, plot) for plot in ("request_approved", "nominated", "deferred", "list_approved")),
    *((B, plot) for plot in ("seats_filled", "officers_elected", "resubmitted")),
)
#: The stories of all others, weighted: most renewed their term since the system went live.
UNDER_WAY = tuple(plot for plot in SCRIPTS if plot not in ("completed", "completed_in_two_rounds"))
PLOT_WEIGHTS: dict[OrgKind, dict[str, float]] = {
    kind: {
        "completed": 0.62 if kind is not P else 0.40,
        "current": 0.0 if kind is not P else 0.30,
        "completed_in_two_rounds": 0.02,
        "overdue": 0.04,
        **dict.fromkeys(
            UNDER_WAY, 0.30 / len(UNDER_WAY) if kind is not P else 0.22 / len(UNDER_WAY)
        ),
    }
    for kind in (P, G, B)
}
#: An organization that tells a special story has at least this many members.
MIN_VOTERS = {P: 12, G: 8, B: 4}


@dataclass
class OrgSpec:
    """One organization of the plan; ``parent`` is the index of its parent in the plan."""

    name: str
    kind: OrgKind
    parent: int | None
    unit: str
    approves: bool = False
    members: int = 0  # a branch's members, imported when the system went live
    plot: str | None = None  # its elections' story (demo.election_stories.SCRIPTS)
    children: list[int] = field(default_factory=list)


def plan_tree(plan: CityPlan, rng: random.Random) -> list[OrgSpec]:
    """The whole tree, parents before children, with members and stories."""
    specs = [
        OrgSpec(WORKING_COMMITTEE, OrgKind.WORKING_COMMITTEE, None, WORKING_COMMITTEE, True),
    ]
    _add(specs, OrgSpec(WORKING_COMMITTEE_BRANCH, B, 0, WORKING_COMMITTEE))
    for index, size in enumerate(_shares(plan.organizations - 2, plan.departments, 3, 1.2, rng)):
        _department(specs, index, size, rng)
    branches = [i for i, spec in enumerate(specs) if spec.kind is B]
    for i, size in zip(branches, _shares(plan.members, len(branches), 3, 0.7, rng), strict=True):
        specs[i].members = size
    _plots(specs, rng)
    return specs


def _shares(total: int, count: int, least: int, spread: float, rng: random.Random) -> list[int]:
    """``total`` split into ``count`` parts of at least ``least``, log-normally uneven."""
    weights = [rng.lognormvariate(0, spread) for _ in range(count)]
    scale = (total - least * count) / sum(weights)
    parts = [least + int(w * scale) for w in weights]
    for i in sorted(range(count), key=lambda i: -weights[i])[: total - sum(parts)]:
        parts[i] += 1  # the remainder, to the largest
    return parts


def _add(specs: list[OrgSpec], spec: OrgSpec) -> int:
    specs.append(spec)
    if spec.parent is not None:
        specs[spec.parent].children.append(len(specs) - 1)
    return len(specs) - 1


def _department(specs: list[OrgSpec], index: int, size: int, rng: random.Random) -> None:
    """A department of ``size`` organizations: a small one's organs form a general branch; a larger
    one's a primary committee, with general branches and its institutions' organizations."""
    name = department_name(index)
    if size <= 5 and index >= 4:  # the first four are large enough for a committee
        top = _add(specs, OrgSpec(f"{name}机关党总支", G, 0, name))
        _branches(specs, top, name, f"{name}机关", size - 1)
        return
    approves = size >= 12 or rng.random() < 0.6
    top = _add(specs, OrgSpec(f"{name}机关党委", P, 0, name, approves))
    rest = size - 1
    if rest >= 20:
        patterns = institution_patterns(name)
        budget = round(rest * 0.75)
        for k, part in enumerate(_shares(budget, rest // 18, 3, 0.6, rng)):
            pattern = patterns[k % len(patterns)]
            _institution(
                specs, top, name + pattern.format(chinese(k // len(patterns) + 1)), part, rng
            )
        rest -= budget
    _grouped(specs, top, name, f"{name}机关", rest, rng)


def _institution(
    specs: list[OrgSpec], parent: int, name: str, size: int, rng: random.Random
) -> None:
    if size < 10:
        general = _add(specs, OrgSpec(f"{name}党总支", G, parent, name))
        _branches(specs, general, name, name, size - 1)
        return
    committee = _add(specs, OrgSpec(f"{name}党委", P, parent, name, rng.random() < 0.8))
    _grouped(specs, committee, name, name, size - 1, rng)


def _grouped(
    specs: list[OrgSpec], parent: int, unit: str, prefix: str, count: int, rng: random.Random
) -> None:
    """``count`` organizations under ``parent``: from eight on, some in general branches."""
    number = 0
    while count >= 8:
        size = min(count - 3, rng.randint(4, 7))
        number += 1
        general = _add(specs, OrgSpec(f"{prefix}第{chinese(number)}党总支", G, parent, unit))
        _branches(specs, general, unit, f"{prefix}第{chinese(number)}党总支", size - 1)
        count -= size
        if rng.random() < 0.5:
            break
    _branches(specs, parent, unit, prefix, count)


def _branches(specs: list[OrgSpec], parent: int, unit: str, prefix: str, count: int) -> None:
    for k in range(1, count + 1):
        name = f"{prefix}党支部" if count == 1 else f"{prefix}第{chinese(k)}党支部"
        if count >= 4 and k == count:
            name = f"{prefix}离退休干部党支部"
        _add(specs, OrgSpec(name, B, parent, unit))


def subtree_members(specs: list[OrgSpec]) -> list[int]:
    """Each organization's members, its branches' together (children come after parents)."""
    totals = [spec.members for spec in specs]
    for i in range(len(specs) - 1, 0, -1):
        parent = specs[i].parent
        assert parent is not None
        totals[parent] += totals[i]
    return totals


def _plots(specs: list[OrgSpec], rng: random.Random) -> None:
    totals = subtree_members(specs)
    for kind, plot in SPECIAL_PLOTS:
        free = [i for i, spec in enumerate(specs[1:], start=1) if spec.plot is None]
        enough = [i for i in free if totals[i] >= MIN_VOTERS[specs[i].kind]]
        # Of its kind where the city has one large enough, else of any kind (a small city).
        candidates = [i for i in enough if specs[i].kind is kind] or enough
        assert candidates, f"too small a city for an organization that is {plot}"
        specs[rng.choice(candidates)].plot = plot
    for spec in specs[1:]:
        if spec.plot is None:
            weights = PLOT_WEIGHTS[spec.kind]
            spec.plot = rng.choices(list(weights), list(weights.values()))[0]


def approving(specs: list[OrgSpec], index: int) -> int:
    """O-1: the nearest organization above ``index`` that approves admissions."""
    parent = specs[index].parent
    while parent is not None and not specs[parent].approves:
        parent = specs[parent].parent
    assert parent is not None, "the working committee approves"
    return parent


def official(index: int, organization_id: UUID) -> Actor:
    return Actor(
        id=f"city-official-{index}", role=Role.COMMITTEE_OFFICIAL, organization_id=organization_id
    )


def secretary(index: int, organization_id: UUID) -> Actor:
    return Actor(
        id=f"city-secretary-{index}", role=Role.BRANCH_SECRETARY, organization_id=organization_id
    )


def register_tree(
    runner: Runner,
    specs: list[OrgSpec],
    planner: Planner,
    on: date,
    tick: Callable[[], None] = lambda: None,
) -> tuple[Tree, list[UUID]]:
    """Enter the tree as the administrator imported it on ``on``; the tree and every spec's id."""
    tree = Tree()
    ids: list[UUID] = []
    for index, spec in enumerate(specs):
        story = planner.story(spec.name, spec.kind)
        parent_id = ids[spec.parent] if spec.parent is not None else None
        command = RegisterOrganization(
            spec.name,
            spec.kind,
            parent_id,
            spec.approves,
            spec.unit,
            Entry(on),
            term_started_on=story.term_started_on if story else None,
        )
        organization_id = runner.run(command, ADMIN, on)
        tick()
        ids.append(organization_id)
        tree.organization_ids.append(organization_id)
        if spec.kind is not B:
            tree.officials[organization_id] = official(index, organization_id)
        if spec.approves:
            tree.approving_ids.append(organization_id)
        own = (secretary if spec.kind is B else official)(index, organization_id)
        if story and parent_id:
            tree.nodes.append(Node(organization_id, spec.name, spec.kind, parent_id, own, story))
        if spec.kind is B:
            approver = tree.officials[ids[approving(specs, index)]]
            tree.branches.append(Branch(organization_id, spec.name, spec.unit, own, approver))
    return tree, ids


def walk(specs: list[OrgSpec], index: int) -> Iterator[int]:
    """``index`` and every organization under it."""
    yield index
    for child in specs[index].children:
        yield from walk(specs, child)
