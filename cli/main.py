"""The ``memberflow`` command: serve, token, demo-data, and the projections and audit groups."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer
import uvicorn

import demo
from api.app import create_app
from cli.audit import audit_cli
from cli.projections import projections_cli
from cli.session import open_memberflow, opened
from cli.store import store_cli
from domain.context import Role
from memberflow.settings import Settings
from services import tokens

cli = typer.Typer(help="memberflow: 发展党员与换届选举工作流", no_args_is_help=True)
cli.add_typer(projections_cli, name="projections")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(store_cli, name="store")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
) -> None:
    """Run the HTTP service on the configured store."""
    app = create_app(open_memberflow())  # the app closes memberflow when it stops
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


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
    members: Annotated[int, typer.Option(help="how many members to register")] = 300,
    cases: Annotated[int, typer.Option(help="how many admission cases to open")] = 60,
) -> None:
    """Fill the configured store with a small realistic setting (skipped if it is not empty)."""
    with opened(quiet=True) as memberflow:
        try:
            summary = demo.fill(memberflow, members=members, cases=cases)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    typer.echo(summary.describe())


def main() -> None:
    cli()
