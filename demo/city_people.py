"""The city's people: the members imported when the system went live, branch by branch, and names
and citizen ID numbers enough for a city (never the same twice)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from demo.members import Registry, Standing, imported
from demo.names import Names
from demo.runner import Runner
from demo.setting import ADMIN
from demo.tree import Tree
from domain.identity import compose

#: 区 codes of the city's people: a thousand, so that (area, sequence) never repeats below a
#: million people whatever their birth dates.
AREAS = tuple(f"37{code:04d}" for code in range(1001, 2001))
DISCIPLINED, SUSPENDED = 0.003, 0.015  # 留党察看; rights suspended (O-2)


class CityNames(Names):
    """``demo.names.Names`` with ID numbers unique in a city of up to a million people."""

    def id_number(self, birth_date: date) -> str:
        serial = next(self._serials)
        rounds, area = divmod(serial, len(AREAS))
        return compose(AREAS[area], birth_date, rounds % 1000)


def _standing(rng: random.Random) -> Standing:
    draw = rng.random()
    if draw < DISCIPLINED:
        return Standing(under_party_probation=True)
    return Standing(rights_suspended=draw < DISCIPLINED + SUSPENDED)


def import_city_members(
    runner: Runner,
    tree: Tree,
    sizes: list[int],
    rng: random.Random,
    names: Names,
    on: date,
    tick: Callable[[], None] = lambda: None,
) -> Registry:
    """Each branch's members (``sizes``, in the order of ``tree.branches``) as imported on ``on``;
    a few old paper records lack the ID number (O-4)."""
    registry = Registry()
    serial = 0
    for branch, size in zip(tree.branches, sizes, strict=True):
        for _ in range(size):
            serial += 1
            standing = _standing(rng)
            command = imported(branch.id, standing, rng, names, on, id_known=serial % 15 != 0)
            member_id = runner.run(command, ADMIN, on)
            tick()
            registry.members[branch.id] += 1
            if standing.has_rights:
                registry.with_rights.setdefault(branch.id, []).append(member_id)
    return registry
