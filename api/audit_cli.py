"""``memberflow audit …``: what discipline staff run against the event logs."""

from __future__ import annotations

import typer

audit_cli = typer.Typer(help="audit: verify the hash chain, sign checkpoints, replay, reconcile")
