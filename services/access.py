"""Recording that someone read history (issue 5): a timeline, an as-of state, a replay, a check.

Every such read goes through the command bus as a ``RecordAccess`` command, like every other
write; the time is the service clock's, like every event's ``recorded_at``.
"""

from __future__ import annotations

import getpass
import uuid

from domain.audit import AccessAction, AccessScope
from domain.commands import Entry, RecordAccess
from domain.context import Actor, Role
from services.bus import CommandBus, Outcome
from services.clock import today


def record_access(
    bus: CommandBus, actor: Actor, action: AccessAction | str, scope: AccessScope, request_id: str
) -> Outcome:
    """Record that ``actor`` read history: ``action`` (timeline, as_of, replay, verify, checkpoint,
    reconcile) on ``scope``."""
    command = RecordAccess(AccessAction(action), scope, Entry(today(bus.clock)))
    return bus.handle(command, actor=actor, request_id=request_id)


def record_cli_access(bus: CommandBus, action: AccessAction, scope: AccessScope) -> None:
    """Record an audit command run from the command line. It runs with the store's own
    credentials, so the access log names the operating-system user, as an administrator."""
    operator = Actor(id=f"cli:{getpass.getuser()}", role=Role.ADMIN)
    record_access(bus, operator, action, scope, f"cli-{uuid.uuid4().hex}")
