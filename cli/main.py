"""The ``memberflow`` command: serve, token, demo-data, and the projections and audit groups."""

from __future__ import annotations

import signal
from typing import Annotated, Any
from uuid import UUID

import structlog
import typer
import uvicorn
from fastapi import FastAPI

import demo
from api.app import create_app
from cli.audit import audit_cli
from cli.backup import backup_command, restore_command
from cli.projections import projections_cli
from cli.session import open_memberflow, opened
from cli.store import store_cli
from demo import city
from demo.city import CityPlan
from domain.context import Role
from memberflow.settings import Settings
from services import tokens

log = structlog.get_logger("memberflow")

cli = typer.Typer(help="memberflow: 发展党员与换届选举工作流", no_args_is_help=True)
cli.add_typer(projections_cli, name="projections")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(store_cli, name="store")
cli.command("backup")(backup_command)
cli.command("restore")(restore_command)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="server processes (more than one: PostgreSQL only)")
    ] = 1,
) -> None:
    """Run the HTTP service on the configured store, until stopped (Ctrl-C, SIGTERM): requests
    in hand are answered, for at most ``GRACE_SECONDS``, then memberflow closes."""
    if workers == 1:
        app = create_app(open_memberflow())  # the app closes memberflow when it stops
        _run(app, host=host, port=port)
        return
    if (kind := Settings().store_kind) != "postgresql":
        raise typer.BadParameter(_ONE_PROCESS[kind], param_hint="--workers")
    # Each worker process builds its own memberflow from the settings (``service``).
    _run("cli.main:service", factory=True, workers=workers, host=host, port=port)


#: how long a stopping server waits for the requests in hand: a write commits in milliseconds, a
#: request still running after this is cut off (its client retries with its Idempotency-Key)
GRACE_SECONDS = 10


def _run(app: FastAPI | str, **options: Any) -> None:
    """uvicorn until SIGTERM or SIGINT; memberflow logs itself, so uvicorn's logs are off."""
    for sign in (signal.SIGINT, signal.SIGTERM):
        # uvicorn stops on either, then raises it again for the handler found before it: this
        # one, so that a stop asked for ends with status 0 rather than killed by the signal.
        signal.signal(sign, lambda *_: None)
    uvicorn.run(
        app, log_config=None, access_log=False, timeout_graceful_shutdown=GRACE_SECONDS, **options
    )
    log.info("serve.stopped", port=options["port"])


_ONE_PROCESS = {
    "sqlite": "the embedded SQLite store serves from one process (SQLite has one writer, and one "
    "process saves the commands arriving together in one transaction); for more processes set "
    "MEMBERFLOW_DATABASE_URL to PostgreSQL",
    "memory": "the in-memory store lives in one process",
}


def service() -> FastAPI:
    """The HTTP service on the configured store: what each ``serve --workers`` process runs."""
    return create_app(open_memberflow())


@cli.command()
def token(
    sub: Annotated[str, typer.Option(help="the user's id")],
    role: Annotated[Role, typer.Option(help="the user's role")],
    org: Annotated[
        UUID | None, typer.Option(help="the user's organization (not for admin)")
    ] = None,
    member: Annotated[UUID | None, typer.Option(help="the user's own member record")] = None,
    hours: Annotated[
        int | None,
        typer.Option(help="lifetime (default MEMBERFLOW_TOKEN_HOURS, at most …_TOKEN_MAX_HOURS)"),
    ] = None,
) -> None:
    """Print an HS256 bearer token signed with the configured secret (MEMBERFLOW_SECRET_KEY)."""
    try:
        token = tokens.issue(
            Settings(), subject=sub, role=role, organization_id=org, member_id=member, hours=hours
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(token)


@cli.command("demo-data")
def demo_data(
    members: Annotated[
        int | None, typer.Option(help="how many members to register (demo; default 300)")
    ] = None,
    cases: Annotated[
        int | None, typer.Option(help="how many admission cases to open (demo; default 60)")
    ] = None,
    scale: Annotated[
        str,
        typer.Option(
            help="demo: a small setting; city: a city like the seeds' (about a million events, "
            "minutes; docs/PERFORMANCE.md); a number: that share of the city (0.01)"
        ),
    ] = "demo",
    seed: Annotated[int, typer.Option(help="the city's random seed")] = 1,
) -> None:
    """Fill the configured store: a small realistic setting (skipped if the store is not empty),
    or a city at scale (only into an empty store)."""
    if scale == "demo":
        with opened(quiet=True) as memberflow:
            try:
                summary = demo.fill(memberflow, members=members or 300, cases=cases or 60)
            except ValueError as error:
                raise typer.BadParameter(str(error)) from None
        typer.echo(summary.describe())
        return
    if members is not None or cases is not None:
        raise typer.BadParameter("a city's size is its --scale", param_hint="--members/--cases")
    try:
        share = 1.0 if scale == "city" else float(scale)
        CityPlan.at(share)
    except ValueError:
        raise typer.BadParameter("demo, city or a positive number", param_hint="--scale") from None
    with opened(quiet=True) as memberflow:
        try:
            typer.echo(city.generate(memberflow, scale=share, seed=seed).describe())
        except city.StoreNotEmpty as refused:
            typer.echo(str(refused), err=True)
            raise typer.Exit(1) from None


def main() -> None:
    cli()
