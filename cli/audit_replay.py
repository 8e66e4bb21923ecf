"""``memberflow audit replay`` and ``memberflow audit reconcile`` (registered on ``audit_cli``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from cli import read_models
from cli.session import opened
from domain.audit import AccessAction, AccessScope
from domain.dates import business_date
from domain.errors import NotFound
from projections.reconcile import Reconciliation, reconcile
from services.access import record_cli_access
from services.replay.jurisdiction import replay
from services.replay.rendering import write_files


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} takes a date as YYYY-MM-DD, not {value!r}") from None


def replay_command(
    org: Annotated[UUID, typer.Option(help="the organization whose subtree is replayed")],
    from_: Annotated[
        str | None,
        typer.Option("--from", help="YYYY-MM-DD: subjects with an event on or after this date"),
    ] = None,
    to: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD: subjects with an event on or before this date")
    ] = None,
    out: Annotated[Path, typer.Option(help="where the report files are written")] = Path("."),
) -> None:
    """Replay every case and election under an organization from the event logs alone, and write
    replay-<org>-<date>.json and .html."""
    start, end = _day(from_, "--from"), _day(to, "--to")
    if start and end and start > end:
        raise typer.BadParameter("--from is after --to")
    with opened(quiet=True) as memberflow:
        scope = AccessScope(kind="organization", id=str(org), period_from=start, period_to=end)
        record_cli_access(memberflow.bus, AccessAction.REPLAY, scope)
        with Progress() as progress:
            tasks: dict[str, TaskID] = {
                "scan": progress.add_task("reading the logs", total=None),
                "rebuild": progress.add_task("rebuilding cases and elections", total=None),
            }

            def advance(phase: str, done: int, total: int) -> None:
                progress.update(tasks[phase], completed=done, total=total)

            try:
                report = replay(
                    memberflow.organizations,
                    memberflow.membership,
                    memberflow.settings.policy,
                    org,
                    start,
                    end,
                    progress=advance,
                )
            except NotFound:
                raise typer.BadParameter(f"no organization {org}") from None
        json_path, html_path = write_files(report, out, business_date(memberflow.clock.now()))
    totals = ", ".join(f"{kind} {count}" for kind, count in report.totals.items()) or "none"
    typer.echo(
        f"{len(report.cases)} cases, {len(report.elections)} elections, "
        f"{report.exceptions_total} exceptions; findings: {totals}"
    )
    typer.echo(f"wrote {json_path}")
    typer.echo(f"wrote {html_path}")


def reconcile_command(name: read_models.ReadModelName = None) -> None:
    """Rebuild every read model from the event logs into scratch tables and compare it with the
    live one; list every difference and exit 1 if there is any."""
    chosen = read_models.chosen(name)
    console = Console(width=200)
    with opened(quiet=True) as memberflow:
        scope = AccessScope(kind="read_models", id=name)
        record_cli_access(memberflow.bus, AccessAction.RECONCILE, scope)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("re-deriving", total=None)

            def advance(model: str, done: int, total: int) -> None:
                progress.update(
                    task, description=f"re-deriving {model}", completed=done, total=total
                )

            result = reconcile(memberflow.read_models, chosen, progress=advance)
    _show(result, console)
    if not result.ok:
        raise typer.Exit(1)


def _show(result: Reconciliation, console: Console) -> None:
    """One line a read model, then a table of every row that differs, if any does."""
    for model in result.models:
        where = ", ".join(f"{log} {position}" for log, position in model.positions.items())
        state = "same" if model.ok else "DIFFERENT"
        console.print(f"{model.name}: {state} ({model.rows} live rows at {where})")
    if result.ok:
        return
    table = Table(title="read models that differ from the events")
    for column in ("read model", "table", "only in", "key", "row"):
        table.add_column(column)
    for model in result.models:
        for difference in model.differences:
            for side, rows in (
                ("live", difference.only_live),
                ("rebuild", difference.only_rebuilt),
            ):
                for row in rows:
                    table.add_row(
                        model.name,
                        difference.table,
                        side,
                        ", ".join(f"{k}={v}" for k, v in difference.keyed(row).items()),
                        ", ".join(f"{c}={v}" for c, v in zip(difference.columns, row, strict=True)),
                    )
    console.print(table)
