"""The command bus: the one place where commands are handled, logged and saved.

Every write of memberflow passes through ``CommandBus.handle``: it builds the event context from
the actor and the clock, runs the command's handler, saves what the handler changed in a single
atomic write, and logs the outcome with the rule id on refusal. A command sent with an
idempotency key (services/idempotency.py) that was recorded before is not run again: its stored
outcome is the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

import structlog
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.commands import Command, Entry, TakeElectionStep, TakeStep
from domain.context import Actor, Context
from domain.errors import Conflict, Forbidden, NotFound, RulesBroken
from domain.identity import Identities
from domain.policy import Policy
from services.applications import Approvals, AuditLog, Membership, Organizations
from services.authorization import authorize
from services.clock import Clock, today
from services.committer import Committer, committers
from services.handlers import handle
from services.handlers.unit import Unit
from services.idempotency import REQUESTED, Idempotency, Keys, Recorded

log = structlog.get_logger("memberflow.commands")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command produced: the aggregate it was about, its version, and where in which
    application's event log its last event landed; ``subject`` is that aggregate as the command
    left it, so that an answer needs not read it again."""

    subject_id: UUID
    version: int
    log: str
    position: int
    subject: Aggregate | None = field(default=None, compare=False, repr=False)


class CommandBus:
    def __init__(
        self,
        *,
        organizations: Organizations,
        membership: Membership,
        approvals: Approvals,
        audit: AuditLog,
        policy: Policy,
        clock: Clock,
        identities: Identities,
        writers: Mapping[str, Committer] | None = None,
        keys_kept_hours: int = 24,
    ) -> None:
        self.organizations = organizations
        self.membership = membership
        self.approvals = approvals
        self.policy = policy
        self.clock = clock
        self.audit = audit
        self.identities = identities  # keyed person and member ids (domain/identity.py)
        # One writer per application saves the commands arriving together (services/committer.py).
        self.writers = writers or committers(
            (organizations, membership, approvals, audit), one_writer=False
        )
        self.keys = Keys((organizations, membership, approvals, audit), clock, keys_kept_hours)

    def close(self) -> None:
        """Save the commands that wait for a writer, then stop the writers."""
        for writer in self.writers.values():
            writer.close()

    def handle(self, command: Command, *, actor: Actor, request_id: str) -> Outcome:
        bound = log.bind(
            command=type(command).__name__,
            actor=actor.id,
            role=actor.role.value,
            **_subject(command),
        )
        requested = REQUESTED.get()
        idempotency = requested.take() if requested else None
        if idempotency and idempotency.recorded:  # found when the request came
            bound.info("command.repeated", outcome="repeated", key=idempotency.key)
            return _repeated(idempotency, idempotency.recorded)
        try:
            outcome = self._handle(command, actor, request_id, idempotency)
        except Forbidden as forbidden:  # refused before the handler read anything
            bound.warning(
                "command.forbidden", outcome="forbidden", reason=forbidden.first.detail_en
            )
            raise
        except RulesBroken as refused:
            bound.info(
                "command.refused",
                outcome="refused",
                rule=refused.first.rule.id,
                rules=[v.rule.id for v in refused.violations],
            )
            raise
        except (Conflict, NotFound) as failed:
            bound.info("command.failed", outcome=type(failed).__name__.lower(), error=str(failed))
            raise
        bound.info(
            "command.recorded",
            outcome="recorded",
            subject_id=str(outcome.subject_id),
            version=outcome.version,
            log=outcome.log,
            position=outcome.position,
        )
        return outcome

    def _handle(
        self, command: Command, actor: Actor, request_id: str, idempotency: Idempotency | None
    ) -> Outcome:
        authorize(command, actor, self.organizations, self.membership)  # domain/access.py
        now = self.clock.now()

        def context(entry: Entry) -> Context:
            return Context(
                occurred_on=entry.occurred_on,
                recorded_at=now,
                actor=actor,
                request_id=request_id,
                comment=entry.comment,
                documents=entry.documents,
            )

        unit = Unit(
            self.organizations,
            self.membership,
            self.policy,
            today(self.clock),
            context,
            self.approvals,
            audit=self.audit,
            identities=self.identities,
        )
        changes = handle(command, unit)
        subject = next(a for a in changes.aggregates if a.id == changes.subject_id)
        key = self.keys.row(idempotency, subject.id, subject.version) if idempotency else None
        try:
            recordings = self.writers[changes.application.name].save(
                *changes.aggregates, remember=key
            )
        except IntegrityError:
            # Another request with the same key may have been first: then its outcome is ours.
            recorded = self.keys.find(idempotency) if idempotency else None
            if idempotency and recorded:
                return _repeated(idempotency, recorded)
            raise Conflict(
                f"{changes.subject_id} was changed by another writer; try again"
            ) from None
        if idempotency:
            idempotency.log = changes.application.name
        return Outcome(
            changes.subject_id,
            subject.version,
            changes.application.name,
            recordings[-1].notification.id,
            subject,
        )


def _repeated(idempotency: Idempotency, recorded: Recorded) -> Outcome:
    """The outcome of the command recorded under the key (its subject as it left it is for the
    caller to read at that version)."""
    idempotency.log = recorded.log
    row = recorded.row
    return Outcome(recorded.subject_id, row.version, recorded.log, row.position)


def _subject(command: Command) -> dict[str, str]:
    fields = {}
    for name in ("case_id", "election_id", "organization_id", "item_key"):
        if value := getattr(command, name, None):
            fields[name] = str(value)
    if isinstance(command, TakeStep | TakeElectionStep):
        fields["step"] = command.slug
    return fields
