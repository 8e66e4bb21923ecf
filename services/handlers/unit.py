"""What every handler works with (``Unit``), what it hands back (``Changes``), and how a command
type is paired with its handler (``Handler``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.commands import Entry
from domain.context import Context
from domain.errors import RulesBroken
from domain.identity import Identities
from domain.policy import Policy
from domain.workflow import check_date
from services.applications import (
    Approvals,
    AuditLog,
    MemberflowApplication,
    Membership,
    Organizations,
)

C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class Unit:
    """What a handler works with: the applications to read from, the policy, today, and the
    context each event of this command carries."""

    organizations: Organizations
    membership: Membership
    policy: Policy
    today: date
    context: Callable[[Entry], Context]
    approvals: Approvals  # the approval inbox's actions (DOMAIN.md §5)
    audit: AuditLog  # who read history
    identities: Identities  # keyed person and member ids (domain/identity.py)


@dataclass(frozen=True, slots=True)
class Changes:
    """Aggregates a handler changed, all in one application, to be saved together."""

    application: MemberflowApplication
    subject_id: UUID
    aggregates: tuple[Aggregate, ...]


@dataclass(frozen=True, slots=True)
class Handler(Generic[C]):
    """One command type and the function that handles it; mypy checks that they match."""

    command: type[C]
    handle: Callable[[C, Unit], Changes]


def dated_context(entry: Entry, unit: Unit) -> Context:
    """The context of a command whose aggregate has no date rules of its own."""
    context = unit.context(entry)
    if violations := check_date(context, unit.today):
        raise RulesBroken(violations)
    return context
