"""``memberflow audit verify`` and ``memberflow audit checkpoint``: the hash chain of the event logs
(the package adapters/chain/, docs/tamper-evidence.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.chain.checkpoints import (
    Checkpoint,
    CheckpointRefused,
    check_signature,
    make_checkpoint,
    signing_key,
)
from adapters.chain.verification import Report, verify
from cli.session import opened
from domain.audit import AccessAction, AccessScope
from memberflow.event_logs import event_logs
from memberflow.settings import Settings
from services.access import record_cli_access


def _trusted(checkpoint: Path) -> Checkpoint:
    """The checkpoint in the file, refused unless the configured key signed it."""
    signed = Checkpoint.from_json(checkpoint.read_text(encoding="utf-8"))
    check_signature(signed, signing_key(Settings()).public_key())
    return signed


def _show(report: Report, console: Console) -> None:
    table = Table(title="hash chain" + (" and checkpoint" if report.checkpoint else ""))
    for column in ("application", "events", "verified up to", "result"):
        table.add_column(column)
    for app in report.apps:
        if app.ok:
            result = "[green]ok[/green]"
        else:
            result = "\n".join(
                f"[red]{b.kind} at {b.position}[/red] ({b.against}): {b.detail}" for b in app.breaks
            )
        table.add_row(app.app, str(app.events), str(app.head), result)
    console.print(table)
    if report.checkpoint is not None:
        console.print(f"checkpoint of {report.checkpoint.created_at}: signature ok")
    console.print("[green]intact[/green]" if report.ok else "[red]TAMPERED[/red]")


def verify_command(
    checkpoint: Annotated[
        Path | None,
        typer.Option(help="a checkpoint file: also prove the history it signed is unchanged"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Verify the hash chain of every event log; exit 1 at the first break."""
    console = Console()
    try:
        # An untrusted checkpoint is refused before the store is opened.
        signed = _trusted(checkpoint) if checkpoint is not None else None
        # The chain covers the stored (encrypted) bytes: no event key needed (docs/security.md).
        with opened(quiet=True, keyless=True) as memberflow:
            report = verify(event_logs(memberflow), signed)
            scope = AccessScope(
                kind="store", detail=f"checkpoint {checkpoint}" if checkpoint else None
            )
            if memberflow.opens_events:
                record_cli_access(memberflow.bus, AccessAction.VERIFY, scope)
            else:  # another key would write an entry nobody else can read
                typer.echo("not recorded in the access log: no event key", err=True)
    except CheckpointRefused as error:
        console.print(f"[red]checkpoint refused[/red]: {error}")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _show(report, console)
    if not report.ok:
        raise typer.Exit(1)


def checkpoint_command(
    out: Annotated[
        Path | None, typer.Option(help="where to write the checkpoint (default: standard output)")
    ] = None,
) -> None:
    """Sign the head of every verified event log (Ed25519); auditors keep the file outside."""
    with opened(quiet=True) as memberflow:
        report = verify(event_logs(memberflow))
        record_cli_access(memberflow.bus, AccessAction.CHECKPOINT, AccessScope(kind="store"))
    if not report.ok:
        _show(report, Console(stderr=True))
        typer.echo(
            "refused: the chain is broken; a checkpoint would sign tampered history", err=True
        )
        raise typer.Exit(1)
    signed = make_checkpoint(report, signing_key(memberflow.settings))
    if out is None:
        typer.echo(signed.to_json(), nl=False)
    else:
        out.write_text(signed.to_json(), encoding="utf-8")
        positions = ", ".join(f"{a}={p.notification_id}" for a, p in signed.positions.items())
        typer.echo(f"checkpoint written to {out}: {positions}")
