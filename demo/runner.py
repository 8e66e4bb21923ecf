"""How the demo enters its commands through the command bus: the imports at once, everything else
as threads of moves (one per case, per election, the plans, the transfers) played in order of entry.

While it runs, the bus records with a clock the demo sets to each entry's date, so that
``recorded_at`` matches ``occurred_on`` except where a late entry (F-LATE) is intended.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol
from uuid import UUID

from rich.console import Console
from rich.progress import Progress

from domain.commands import Command, RequestElection, SubmitApplication
from domain.context import Actor
from domain.dates import SHANGHAI
from memberflow.bootstrap import Memberflow
from services.clock import Clock, today


class DemoClock:
    """Stands on the day the demo sets, at 10:00 in Shanghai, but never after the real now."""

    def __init__(self, real: Clock) -> None:
        self.real = real
        self.day = today(real)

    def set_day(self, day: date) -> None:
        self.day = day

    def now(self) -> datetime:
        moment = datetime.combine(self.day, time(10, 0), tzinfo=SHANGHAI).astimezone(UTC)
        return min(moment, self.real.now())


@dataclass(frozen=True, slots=True)
class Move:
    """One command of a thread, entered on ``recorded_on``; case commands get the case id."""

    recorded_on: date
    actor: Actor
    command: Command | Callable[[UUID], Command]


@dataclass
class Thread:
    moves: list[Move]
    is_case: bool = False
    is_election: bool = False
    subject_id: UUID | None = None  # the case or the election its first move opens


class Opened(Protocol):
    """A thread whose first move opens the case or election its next moves are about."""

    subject_id: UUID | None


@dataclass
class Runner:
    memberflow: Memberflow
    clock: DemoClock
    commands: int = 0

    def run(self, command: Command, actor: Actor, on: date) -> UUID:
        self.clock.set_day(on)
        self.commands += 1
        outcome = self.memberflow.bus.handle(
            command, actor=actor, request_id=f"demo-{self.commands}"
        )
        return outcome.subject_id

    def play(self, move: Move, thread: Opened) -> None:
        if callable(move.command):
            assert thread.subject_id is not None, "a thread's first move opens its subject"
            command = move.command(thread.subject_id)
        else:
            command = move.command
        subject_id = self.run(command, move.actor, move.recorded_on)
        if isinstance(command, SubmitApplication | RequestElection):
            thread.subject_id = subject_id


def chronological(threads: list[Thread]) -> Iterator[tuple[Move, Thread, bool]]:
    """Every thread's moves in order of entry, so that the event log reads like the years did.

    Yields each move with its thread and whether it is the thread's last move."""
    heap = [(t.moves[0].recorded_on, i, 0) for i, t in enumerate(threads) if t.moves]
    heapq.heapify(heap)
    while heap:
        _, i, position = heapq.heappop(heap)
        thread = threads[i]
        last = position + 1 == len(thread.moves)
        if not last:
            heapq.heappush(heap, (thread.moves[position + 1].recorded_on, i, position + 1))
        yield thread.moves[position], thread, last


def play_all(runner: Runner, threads: list[Thread]) -> None:
    """Plays the threads in order of entry, counting finished cases and elections on a terminal."""
    console = Console(stderr=True)
    cases = sum(t.is_case for t in threads)
    elections = sum(t.is_election for t in threads)
    with Progress(console=console, disable=not console.is_terminal) as progress:
        case_task = progress.add_task("admission cases", total=cases)
        election_task = progress.add_task("elections", total=elections)
        for move, thread, last in chronological(threads):
            runner.play(move, thread)
            if last and thread.is_case:
                progress.advance(case_task)
            if last and thread.is_election:
                progress.advance(election_task)
