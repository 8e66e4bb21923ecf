"""``memberflow projections run`` and ``memberflow projections rebuild [NAME]``."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from memberflow import bootstrap, logging
from memberflow.settings import Settings
from projections import rebuild as rebuilding
from projections import service
from projections.registry import ALL_MODELS

projections_cli = typer.Typer(help="the read models: follow the event logs, or rebuild them")


def _memberflow() -> bootstrap.Memberflow:
    settings = Settings()
    logging.configure(settings)
    return bootstrap.build(settings)


@projections_cli.command()
def run(
    poll: Annotated[float, typer.Option(help="seconds between looks at the logs when idle")] = 0.2,
) -> None:
    """Follow the event logs and keep every read model current, until stopped (Ctrl-C, SIGTERM).

    On PostgreSQL any number may run: a database lock elects the one that follows the logs.
    """
    memberflow = _memberflow()
    stop = threading.Event()
    for sign in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sign, lambda *_: stop.set())
    try:
        service.run(memberflow.read_models, stop, poll_seconds=poll)
    finally:
        memberflow.close()


@projections_cli.command("rebuild")
def rebuild_command(
    name: Annotated[str | None, typer.Argument(help="one read model; default: all of them")] = None,
) -> None:
    """Rebuild read models from the first event beside the live ones, then swap them in."""
    names = [model.name for model in ALL_MODELS]
    if name is not None and name not in names:
        raise typer.BadParameter(f"unknown read model {name!r}; one of: {', '.join(names)}")
    memberflow = _memberflow()
    try:
        with Progress() as progress:
            for each in [name] if name else names:
                task = progress.add_task(f"rebuilding {each}", total=None)

                def advance(done: int, total: int, task: TaskID = task) -> None:
                    progress.update(task, completed=done, total=total)

                done = rebuilding.rebuild(memberflow.read_models, each, progress=advance)
                progress.update(task, description=f"rebuilt {each}: {done} events")
    finally:
        memberflow.close()
