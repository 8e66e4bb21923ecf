"""``memberflow store rekey``: rotate the event key by copying the store (docs/security.md)."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from eventsourcing.application import Application
from pydantic import SecretStr

from adapters.rekey import Copied, RekeyRefused, rekey
from adapters.store import WrongEventKey, event_cipher
from memberflow import bootstrap, logging
from memberflow.settings import Settings

store_cli = typer.Typer(help="store: rotate the event key")

OLD_KEY_ENV = "MEMBERFLOW_OLD_EVENT_KEY"


def rekey_command(
    source: Annotated[
        str, typer.Option("--from", help="the database URL of the store written with the old key")
    ],
) -> None:
    """Copy every event of the store at --from (decrypted with MEMBERFLOW_OLD_EVENT_KEY) into the
    configured, empty store (encrypted with MEMBERFLOW_EVENT_KEY). Keys come from the environment
    only, never from the command line."""
    settings = Settings()
    logging.configure(settings.model_copy(update={"log_level": "WARNING"}))
    old_key = os.environ.get(OLD_KEY_ENV)
    if not old_key:
        raise typer.BadParameter(
            f"set {OLD_KEY_ENV} to the key the store at --from was written with"
        )
    if source == settings.resolved_database_url:
        raise typer.BadParameter("--from names the configured store: copy into another one")
    try:
        event_cipher(old_key)
    except ValueError:  # binascii.Error too
        raise typer.BadParameter(f"{OLD_KEY_ENV} is no base64 AES key") from None
    old = settings.model_copy(update={"database_url": source, "event_key": SecretStr(old_key)})
    try:
        copied = _copy(old, settings)
    except (RekeyRefused, WrongEventKey) as refused:
        typer.echo(f"refused: {refused}", err=True)
        raise typer.Exit(1) from None
    for app in copied:
        typer.echo(f"{app.app}: {app.events} events copied")
    typer.echo(
        "done: verify the copy (memberflow audit verify), sign a checkpoint, then retire the old key"
    )


def _copy(old: Settings, new: Settings) -> list[Copied]:
    """Both stores opened (the old one with its key: WrongEventKey if it is not), copied, closed."""
    source = bootstrap.build(old)
    try:
        target = bootstrap.build(new)
        try:
            return rekey([(a, b) for a, b in zip(_logs(source), _logs(target), strict=True)])
        finally:
            target.close()
    finally:
        source.close()


def _logs(memberflow: bootstrap.Memberflow) -> list[Application[Any]]:
    return [memberflow.organizations, memberflow.membership, memberflow.approvals, memberflow.audit]


store_cli.command("rekey")(rekey_command)
