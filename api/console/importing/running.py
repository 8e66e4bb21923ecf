"""Sending the checked rows through the command bus, in the file's order, as the signed-in user:
the same commands, rules and events as the API's POST /organizations and POST /members.

The first row the bus refuses (a rule of the domain, such as MF-ORG-TREE or O-3, or a member
already registered) stops the import there: the rows before it stay imported (each is an event
of its own, as through the API), the rows after it are not sent. Going on would import the
children of a refused organization nowhere, and stopping leaves one clear place to resume from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from api.console.importing.checking import Planned
from domain.commands import RegisterOrganization
from domain.context import Actor
from domain.errors import Conflict, RulesBroken
from services.bus import CommandBus


@dataclass(frozen=True, slots=True)
class Imported:
    line: int
    name: str
    id: UUID
    position: int  # in the log the row's event was written to, for reading one's own writes


@dataclass(frozen=True, slots=True)
class Stopped:
    line: int
    refusal: RulesBroken | Conflict


@dataclass(frozen=True, slots=True)
class Report:
    imported: tuple[Imported, ...]
    stopped: Stopped | None = None
    not_sent: tuple[int, ...] = ()  # the lines after the refused one


def run(planned: tuple[Planned, ...], *, bus: CommandBus, actor: Actor, request_id: str) -> Report:
    ids: dict[int, UUID] = {}  # the organization registered by each line so far
    imported: list[Imported] = []
    for index, row in enumerate(planned):
        command = row.command
        if row.parent_line is not None and isinstance(command, RegisterOrganization):
            command = replace(command, parent_id=ids[row.parent_line])
        try:
            outcome = bus.handle(command, actor=actor, request_id=request_id)
        except (RulesBroken, Conflict) as refusal:
            rest = tuple(later.line for later in planned[index + 1 :])
            return Report(tuple(imported), Stopped(row.line, refusal), rest)
        ids[row.line] = outcome.subject_id
        imported.append(Imported(row.line, row.name, outcome.subject_id, outcome.position))
    return Report(tuple(imported))
