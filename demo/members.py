"""The members: full members imported with the tree when the system went live, round the branches,
and probationary members whose relations were transferred in since.

The registry remembers who may vote or vouch in each branch, for the cases and elections to draw
on.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from demo.names import Names
from demo.runner import Move, Runner, Thread
from demo.setting import ADMIN
from demo.tree import Tree
from domain.commands import Entry, RegisterMember
from domain.dates import add_years
from domain.members import MemberStatus


@dataclass
class Registry:
    """Who may serve as contact, introducer or meeting voter, branch by branch (O-2)."""

    with_rights: dict[UUID, list[UUID]] = field(default_factory=dict)
    members: Counter[UUID] = field(default_factory=Counter)  # everyone imported, by branch

    def voters(self, branch_id: UUID) -> list[UUID]:
        return self.with_rights.get(branch_id, [])


@dataclass(frozen=True, slots=True)
class Standing:
    """How an imported member stands: the few without rights are never asked to vote or vouch."""

    rights_suspended: bool = False
    under_party_probation: bool = False

    @property
    def has_rights(self) -> bool:
        return not (self.rights_suspended or self.under_party_probation)


def _standings(count: int) -> list[Standing]:
    disciplined = 1 if count < 100 else 2  # 留党察看
    suspended = max(1, count // 60)
    return (
        [Standing(under_party_probation=True)] * disciplined
        + [Standing(rights_suspended=True)] * suspended
        + [Standing()] * max(0, count - disciplined - suspended)
    )


def _full_members(count: int) -> int:
    """The rest of ``count`` comes later as probationary members transferred in."""
    return count - _probationary_count(count)


def _probationary_count(count: int) -> int:
    return min(count // 2, max(2, count // 30))


def imported(
    branch_id: UUID,
    standing: Standing,
    rng: random.Random,
    names: Names,
    on: date,
    *,
    id_known: bool,
) -> RegisterMember:
    """A full member of many years, imported from the paper registry when the system went live
    on ``on``. O-4: a few old paper records lack the ID number (``id_known``); the registry then
    knows the member by name, birth date and branch."""
    joined = on - timedelta(days=rng.randint(2 * 365, 32 * 365))
    birth = joined - timedelta(days=rng.randint(20 * 365, 34 * 365))
    return RegisterMember(
        branch_id,
        names.new(),
        birth,
        MemberStatus.FULL,
        joined,
        add_years(joined, 1),
        standing.rights_suspended,
        standing.under_party_probation,
        Entry(on, comment="系统上线时导入"),
        names.id_number(birth) if id_known else None,
    )


def import_members(
    runner: Runner,
    tree: Tree,
    rng: random.Random,
    names: Names,
    count: int,
    on: date,
) -> Registry:
    registry = Registry()
    standings = _standings(_full_members(count))
    # Members with rights first, round the branches, so that every branch has voters and vouchers.
    ordered = sorted(standings, key=lambda s: not s.has_rights)
    for index, standing in enumerate(ordered):
        branch = tree.branches[index % len(tree.branches)]
        command = imported(branch.id, standing, rng, names, on, id_known=index % 15 != 14)
        member_id = runner.run(command, ADMIN, on)
        registry.members[branch.id] += 1
        if standing.has_rights:
            registry.with_rights.setdefault(branch.id, []).append(member_id)
    return registry


def transfers_thread(
    tree: Tree, rng: random.Random, names: Names, count: int, today_: date
) -> Thread:
    """Probationary members whose relations were transferred in (组织关系转入) in recent weeks."""
    moves = []
    for _ in range(_probationary_count(count)):
        on = today_ - timedelta(days=rng.randint(7, 90))
        joined = on - timedelta(days=rng.randint(60, 300))
        birth = joined - timedelta(days=rng.randint(22 * 365, 35 * 365))
        branch = rng.choice(tree.branches)
        command = RegisterMember(
            branch.id,
            names.new(),
            birth,
            MemberStatus.PROBATIONARY,
            joined,
            None,
            False,
            False,
            Entry(on, comment="组织关系转入"),
            names.id_number(birth),
        )
        moves.append(Move(on, ADMIN, command))
    return Thread(sorted(moves, key=lambda m: m.recorded_on))
