"""``memberflow projections run`` and ``memberflow projections rebuild [NAME]``."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.progress import Progress

from cli import read_models
from cli.session import opened
from projections import rebuild as rebuilding
from projections import service

projections_cli = typer.Typer(help="the read models: follow the event logs, or rebuild them")


@projections_cli.command()
def run(
    poll: Annotated[float, typer.Option(help="seconds between looks at the logs when idle")] = 0.2,
) -> None:
    """Follow the event logs and keep every read model current, until stopped (Ctrl-C, SIGTERM).

    On PostgreSQL any number may run: a database lock elects the one that follows the logs.
    """
    stop = threading.Event()
    for sign in (signal.SIGINT, signal.SIGTERM):  # the batch in hand commits, then it stops
        signal.signal(sign, lambda *_: stop.set())
    with opened() as memberflow:
        service.run(memberflow.read_models, stop, poll_seconds=poll)


@projections_cli.command()
def rebuild(name: read_models.ReadModelName = None) -> None:
    """Rebuild read models from the first event beside the live ones, then swap them in.

    Read together, each log once for all of them. One that cannot apply an event keeps its live
    tables and is named with the event's log and position; the others are rebuilt all the same,
    and the command exits 1.
    """
    chosen = read_models.chosen(name)
    with opened() as memberflow, Progress() as progress:
        task = progress.add_task(f"rebuilding {', '.join(chosen)}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        rebuilt = rebuilding.rebuild_all(memberflow.read_models, chosen, progress=advance)
        progress.update(task, description=f"rebuilt {', '.join(rebuilt.done)}")
    for each, count in rebuilt.done.items():
        if each not in rebuilt.failed:
            typer.echo(f"rebuilt {each}: {count} events")
    for each_failure in rebuilt.failed.values():
        typer.echo(f"{each_failure}; its live tables are unchanged", err=True)
    if rebuilt.failed:
        raise typer.Exit(1)
