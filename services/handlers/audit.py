"""Handler of the access log (issue 5): reading history is itself recorded, as a command."""

from __future__ import annotations

from typing import Any

from domain.audit import Access
from domain.commands import RecordAccess
from services.handlers.unit import Changes, Handler, Unit


def record_access(command: RecordAccess, unit: Unit) -> Changes:
    access = Access.record(
        action=command.action, scope=command.scope, context=unit.context(command.entry)
    )
    return Changes(unit.audit, access.id, (access,))


HANDLERS: tuple[Handler[Any], ...] = (Handler(RecordAccess, record_access),)
