"""Playing the city: every thread's moves in order of entry, made only as they are played, through
the command bus in batches (``demo.city_batch``), with a progress bar on a terminal.

A thread knows the day of its first move before any of its moves is made; afterwards one move
of each thread waits to be played, so that a city of a million events never holds more than its
threads under way in memory.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from demo.city_batch import Batches
from demo.election_stories import Planned, Planner
from demo.elections import ElectionWriter, node_elections
from demo.members import Registry
from demo.runner import DemoClock, Move, Runner
from demo.tree import Tree
from domain.commands import Command
from domain.context import Actor


@dataclass
class Lazy:
    """A thread whose moves are made as they are played."""

    first_on: date
    moves: Iterator[Move]
    kind: str = "other"  # "case", "election" or "other"
    subject_id: UUID | None = None  # the case or election its first move opens


@dataclass
class CityRunner(Runner):
    """The demo's runner, its commands stored in batches and counted on a progress bar."""

    batches: Batches | None = None
    tick: Callable[[], None] = lambda: None

    def run(self, command: Command, actor: Actor, on: date) -> UUID:
        subject_id = super().run(command, actor, on)
        if self.batches is not None:
            self.batches.handled()
        self.tick()
        return subject_id


def election_threads(
    tree: Tree, registry: Registry, planner: Planner, branches_under: dict[UUID, list[UUID]]
) -> list[Lazy]:
    """Each organization's elections, as ``demo.elections.election_threads`` plays them, with
    each subtree's members counted once for all."""

    def start(planned: Planned, writer: ElectionWriter) -> Lazy:
        first_on = planned.dates(planner.lead)[0]
        return Lazy(first_on, writer.moves(planned, planner.lead), "election")

    threads = []
    for node in tree.nodes:
        branches = branches_under[node.id]
        own, extension = node_elections(node, tree, branches, registry, planner, start)
        if extension is not None:
            own[-1].moves = itertools.chain(own[-1].moves, [extension])
        threads += own
    return threads


def play(runner: Runner, threads: list[Lazy]) -> None:
    """The threads' moves in order of entry (a day's moves in the order of their threads)."""
    heap = [(thread.first_on, i) for i, thread in enumerate(threads)]
    heapq.heapify(heap)
    waiting: dict[int, Move] = {}
    while heap:
        on, i = heapq.heappop(heap)
        thread = threads[i]
        move = waiting.pop(i) if i in waiting else next(thread.moves)
        assert move.recorded_on == on, "a thread's first move falls on its first day"
        runner.play(move, thread)
        following = next(thread.moves, None)
        if following is not None:
            waiting[i] = following
            heapq.heappush(heap, (following.recorded_on, i))


@dataclass
class Bar:
    """A progress bar of commands on a terminal (standard error); nothing elsewhere."""

    enabled: bool
    total: int
    progress: Progress | None = field(default=None, init=False)

    def __enter__(self) -> Callable[[], None]:
        console = Console(stderr=True)
        if not (self.enabled and console.is_terminal):
            return lambda: None
        self.progress = Progress(
            TextColumn("city"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("commands"),
            TimeElapsedColumn(),
            console=console,
        )
        self.progress.__enter__()
        task = self.progress.add_task("city", total=self.total)
        progress = self.progress
        return lambda: progress.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)


def fresh_rng(seed: int, *parts: object) -> random.Random:
    """A random sequence of its own for one part of the city, from the city's seed."""
    return random.Random(":".join(map(str, (seed, *parts))))


def expected_commands(members: int, cases: int, organizations: int) -> int:
    """About how many commands a city plays: a progress bar's total (not a promise)."""
    return members + organizations + math.ceil(cases * 17.5) + organizations * 9


__all__ = ["Bar", "CityRunner", "DemoClock", "Lazy", "election_threads", "fresh_rng", "play"]
