"""``memberflow audit …``: what discipline staff run against the event logs."""

from __future__ import annotations

import typer

from cli.audit_chain import checkpoint_command, verify_command
from cli.audit_replay import reconcile_command, replay_command

audit_cli = typer.Typer(help="audit: verify the hash chain, sign checkpoints, replay, reconcile")

# Replay of a jurisdiction and re-derivation of the read models (docs/replay-and-reconcile.md).
audit_cli.command("replay")(replay_command)
audit_cli.command("reconcile")(reconcile_command)

# The hash chain of the event logs and its signed checkpoints (docs/tamper-evidence.md).
audit_cli.command("verify")(verify_command)
audit_cli.command("checkpoint")(checkpoint_command)
