"""Demo data: a city's organs working committee with members, admission cases and term-change
elections at every step.

Everything is written through the command bus, so every hard rule holds and every finding in the
demo comes from the same events an auditor would see. ``fill`` builds it in this order:

- ``tree``: the organization tree as imported when the system went live (``setting`` names it);
- ``members``: the members imported with it, and those transferred in since;
- ``admissions``: admission cases played from the scripts of ``admission_scripts``, and the
  committees' development plans;
- ``elections``: every organization's term-change elections, as ``election_stories`` plans them;
- ``runner``: plays all of it in order of entry, each command on its own business date.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from demo.admissions import case_threads, plans_thread
from demo.election_stories import Planner
from demo.elections import election_threads
from demo.members import import_members, transfers_thread
from demo.names import Names
from demo.runner import DemoClock, Runner, play_all
from demo.summary import DemoSummary, summarize
from demo.tree import build_tree
from domain.dates import add_years
from memberflow.bootstrap import Memberflow
from services.clock import today

__all__ = ["DemoSummary", "fill"]

SEED = 20261121
MIN_MEMBERS = 10  # enough for two members with rights to vouch for every applicant


def fill(memberflow: Memberflow, *, members: int, cases: int) -> DemoSummary:
    """Fill an empty store; a store that already holds organizations is left as it is."""
    if members < MIN_MEMBERS or cases < 0:
        raise ValueError(f"at least {MIN_MEMBERS} members and no negative number of cases")
    if memberflow.organizations.recorder.max_notification_id():
        return DemoSummary(skipped=True)
    real_clock = memberflow.bus.clock
    clock = DemoClock(real_clock)
    memberflow.bus.clock = clock
    try:
        return _fill(Runner(memberflow, clock), today(memberflow.clock), members, cases)
    finally:
        memberflow.bus.clock = real_clock


def _fill(runner: Runner, today_: date, members: int, cases: int) -> DemoSummary:
    rng = random.Random(SEED)
    names = Names(rng)
    # The system went live before the oldest case opened: the tree and the members were imported.
    live_on = add_years(today_, -3) - timedelta(days=60)
    policy = runner.memberflow.bus.policy
    # Elections draw on their own random sequence, so that the rest of the demo stays as it was.
    planner = Planner(today_, live_on, policy, random.Random(SEED + 1))
    tree = build_tree(runner, live_on, planner)
    registry = import_members(runner, tree, rng, names, members, live_on)
    admission_cases = case_threads(tree, registry, rng, names, cases, today_)
    other = [plans_thread(tree, rng, today_), transfers_thread(tree, rng, names, members, today_)]
    term_changes = election_threads(tree, registry, planner)
    play_all(runner, [*other, *admission_cases, *term_changes])
    return summarize(runner, tree, members, admission_cases, term_changes, today_)
