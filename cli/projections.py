"""``memberflow projections run`` and ``memberflow projections rebuild [NAME]``."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from cli import read_models
from cli.session import opened
from projections import rebuild as rebuilding
from projections import service
from projections.follower import EventFailed

projections_cli = typer.Typer(help="the read models: follow the event logs, or rebuild them")


@projections_cli.command()
def run(
    poll: Annotated[float, typer.Option(help="seconds between looks at the logs when idle")] = 0.2,
) -> None:
    """Follow the event logs and keep every read model current, until stopped (Ctrl-C, SIGTERM).

    On PostgreSQL any number may run: a database lock elects the one that follows the logs.
    """
    with opened() as memberflow:
        stop = threading.Event()
        for sign in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sign, lambda *_: stop.set())
        service.run(memberflow.read_models, stop, poll_seconds=poll)


@projections_cli.command()
def rebuild(name: read_models.ReadModelName = None) -> None:
    """Rebuild read models from the first event beside the live ones, then swap them in.

    One that cannot apply an event keeps its live tables and is named with the event's log and
    position; the others are rebuilt all the same, and the command exits 1.
    """
    chosen = read_models.chosen(name)
    failed: list[EventFailed] = []
    with opened() as memberflow, Progress() as progress:
        for each in chosen:
            task = progress.add_task(f"rebuilding {each}", total=None)

            def advance(done: int, total: int, task: TaskID = task) -> None:
                progress.update(task, completed=done, total=total)

            try:
                done = rebuilding.rebuild(memberflow.read_models, each, progress=advance)
            except EventFailed as stopped:
                failed.append(stopped)
                progress.update(
                    task, description=f"not rebuilt {each}: {stopped.source}:{stopped.position}"
                )
                continue
            progress.update(task, description=f"rebuilt {each}: {done} events")
    for each_failure in failed:
        typer.echo(f"{each_failure}; its live tables are unchanged", err=True)
    if failed:
        raise typer.Exit(1)
