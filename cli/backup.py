"""``memberflow backup --out FILE`` while the service runs, and ``memberflow restore --from FILE``
into a stopped one (adapters/backup.py, adapters/pg_dump.py; docs/OPERATIONS.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from adapters.backup import (
    Advance,
    Backup,
    BackupRefused,
    back_up_sqlite,
    has_events,
    refuse_existing,
    restore_sqlite,
)
from adapters.pg_dump import back_up_postgres, restore_postgres
from adapters.store import WrongEventKey
from cli import read_models
from cli.session import opened
from memberflow import logging
from memberflow.settings import Settings
from projections.rebuild import rebuild_all

Force = Annotated[bool, typer.Option("--force", help="overwrite what is there")]


def backup_command(
    out: Annotated[Path, typer.Option(help="the file to write the backup to")],
    force: Force = False,
) -> None:
    """Copy the event store while the service runs: SQLite's online backup of the events file,
    or pg_dump -Fc of the PostgreSQL schema. The copy is checked before it takes the name
    --out; the read models are not copied (a restore rebuilds them)."""
    settings = _settings()
    try:
        refuse_existing(out, force=force)
        if settings.store_kind == "sqlite":
            with _progress("copying pages") as advance:
                backup = back_up_sqlite(_events_file(settings), out, advance)
        else:
            with Console(stderr=True).status("pg_dump …"):
                backup = back_up_postgres(settings.resolved_database_url, out)
    except BackupRefused as refused:
        typer.echo(f"refused: {refused}", err=True)
        raise typer.Exit(1) from None
    _report(backup)


def restore_command(
    source: Annotated[Path, typer.Option("--from", help="a file that memberflow backup wrote")],
    force: Force = False,
) -> None:
    """Copy a backup into the configured store, with the service and the projection runner
    stopped, then rebuild every read model from its events. On PostgreSQL: a fresh database
    (its schema the dump's); on SQLite --force replaces a store that holds events."""
    settings = _settings()
    try:
        if settings.store_kind == "sqlite":
            target = _events_file(settings)
            if has_events(target) and not force:
                raise BackupRefused(f"{target} holds events: --force to replace them")
            with _progress("restoring pages") as advance:
                restore_sqlite(source, target, advance)
        else:
            with Console(stderr=True).status("pg_restore …"):
                restore_postgres(source, settings.resolved_database_url)
    except BackupRefused as refused:
        typer.echo(f"refused: {refused}", err=True)
        raise typer.Exit(1) from None
    _rebuild_read_models()
    typer.echo("restored; now: memberflow audit verify, then memberflow audit reconcile")


def _settings() -> Settings:
    settings = Settings()
    logging.configure(settings.model_copy(update={"log_level": "WARNING"}))
    if settings.store_kind == "memory":
        raise typer.BadParameter("the in-memory store keeps nothing to back up or restore")
    return settings


def _events_file(settings: Settings) -> Path:
    return Path(settings.resolved_database_url.removeprefix("sqlite:///"))


@contextmanager
def _progress(description: str) -> Iterator[Advance]:
    """A progress bar for copies of large files, told ``(done, total)`` pages."""
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def _rebuild_read_models() -> None:
    """Rebuild every read model from the restored events: their positions start again from the
    first event, so none can stand ahead of the copy (a follower would skip what comes next)."""
    names = read_models.chosen(None)
    try:
        with opened(quiet=True) as memberflow:
            rebuilt = rebuild_all(memberflow.read_models, names)
    except WrongEventKey as wrong:  # the copy is in place; its read models wait for the key
        typer.echo(f"restored, but not rebuilt: {wrong}", err=True)
        raise typer.Exit(1) from None
    for name, count in rebuilt.done.items():
        if name not in rebuilt.failed:
            typer.echo(f"rebuilt {name}: {count} events")
    for failure in rebuilt.failed.values():
        typer.echo(f"{failure}; memberflow projections rebuild to try again", err=True)
    if rebuilt.failed:
        raise typer.Exit(1)


def _report(backup: Backup) -> None:
    positions = ", ".join(f"{log}={position}" for log, position in backup.positions.items())
    typer.echo(f"backup written to {backup.path}: {backup.size:,} bytes ({backup.check})")
    typer.echo(f"event logs: {positions or 'empty'}")
