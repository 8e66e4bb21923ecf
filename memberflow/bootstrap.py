"""The composition root: settings → store → applications → command bus → read models.

``build`` is the one place where memberflow is put together. The HTTP service, the command line,
the benchmarks and the tests all get their applications and read models from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.store import WrongEventKey, opens_events, persistence_env, prepared
from domain.identity import Identities
from memberflow.settings import Settings
from projections.registry import ALL_MODELS
from projections.service import ReadModels
from services.access import AccessRecorder
from services.applications import Approvals, AuditLog, Membership, Organizations
from services.bus import CommandBus
from services.clock import Clock, SystemClock
from services.committer import committers


@dataclass
class Memberflow:
    """Everything a request or a command-line call needs, built once per process."""

    settings: Settings
    organizations: Organizations
    membership: Membership
    approvals: Approvals
    audit: AuditLog  # who read history
    bus: CommandBus
    read_models: ReadModels
    reads: AccessRecorder  # reads of a person's case or registry record, batched (issue 10)
    clock: Clock = field(default_factory=SystemClock)
    opens_events: bool = True  # False: built ``keyless`` with another event key; read-only

    def close(self) -> None:
        self.reads.close()  # first: it writes through the bus
        self.bus.close()  # saves what waits for a writer
        self.read_models.close()
        self.organizations.close()
        self.membership.close()
        self.approvals.close()
        self.audit.close()


def build(
    settings: Settings | None = None, clock: Clock | None = None, *, keyless: bool = False
) -> Memberflow:
    """Memberflow on the configured store. WrongEventKey when MEMBERFLOW_EVENT_KEY does not
    decrypt the stored events, unless ``keyless`` (``memberflow audit verify``: the hash chain
    needs no event key; ``opens_events`` is then False and nothing may be written)."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    env = persistence_env(settings)
    with prepared(settings):  # one process at a time creates the tables
        organizations = Organizations(env=env)
        membership = Membership(env=env)
        approvals = Approvals(env=env)
        # The access log is written once per audit read: one pooled connection kept open, more
        # on demand (PostgreSQL; SQLite ignores it), so that it does not hold connections it
        # rarely uses.
        audit = AuditLog(env={**env, "POSTGRES_POOL_SIZE": "1"})
    opens = opens_events((organizations, membership, approvals, audit))  # docs/security.md
    if not opens and not keyless:
        for application in (organizations, membership, approvals, audit):
            application.close()
        raise WrongEventKey
    bus = CommandBus(
        organizations=organizations,
        membership=membership,
        approvals=approvals,
        policy=settings.policy,
        clock=clock,
        audit=audit,
        identities=Identities(settings.identity_key.get_secret_value().encode()),
        # One writer per application; on SQLite they take turns, the file has one writer.
        writers=committers(
            (organizations, membership, approvals, audit),
            one_writer=settings.store_kind == "sqlite",
        ),
        keys_kept_hours=settings.idempotency_hours,
    )
    applications = {app.name: app for app in (organizations, membership, approvals, audit)}
    read_models = ReadModels(settings, applications, ALL_MODELS)
    reads = AccessRecorder(bus)
    return Memberflow(
        settings,
        organizations,
        membership,
        approvals,
        audit,
        bus,
        read_models,
        reads,
        clock,
        opens_events=opens,
    )
