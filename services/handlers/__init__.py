"""Command handlers: one function per command, one module per area, and the one registry.

A handler reads what it needs, lets the domain decide, and returns the aggregates it changed as
``Changes``; it never saves and never calls the bus. The command bus (services/bus.py) looks the
handler up here, runs it and saves its changes in one atomic write.
"""

from __future__ import annotations

from typing import Any

from domain.commands import Command
from services.handlers import admissions, approvals, audit, elections, members, organizations
from services.handlers.unit import Changes, Handler, Unit

_AREAS = (organizations, members, admissions, elections, approvals, audit)
HANDLERS: dict[type[Any], Handler[Any]] = {
    handler.command: handler for area in _AREAS for handler in area.HANDLERS
}


def handle(command: Command, unit: Unit) -> Changes:
    """Run the handler of ``command``'s type."""
    return HANDLERS[type(command)].handle(command, unit)
