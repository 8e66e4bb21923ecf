"""The composition root: settings → store → applications → command bus."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.applications import Approvals, AuditLog, Membership, Organizations
from services.bus import CommandBus
from services.clock import Clock, SystemClock
from services.settings import Settings
from services.store import persistence_env, prepare


@dataclass
class Memberflow:
    """Everything a request or a command-line call needs, built once per process."""

    settings: Settings
    organizations: Organizations
    membership: Membership
    approvals: Approvals
    audit: AuditLog  # who read history
    bus: CommandBus
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        self.organizations.close()
        self.membership.close()
        self.approvals.close()
        self.audit.close()


def build(settings: Settings | None = None, clock: Clock | None = None) -> Memberflow:
    settings = settings or Settings()
    clock = clock or SystemClock()
    prepare(settings)
    env = persistence_env(settings)
    organizations = Organizations(env=env)
    membership = Membership(env=env)
    approvals = Approvals(env=env)
    # The access log is written once per audit read: one pooled connection kept open, more on
    # demand (PostgreSQL; SQLite ignores it), so that it does not hold connections it rarely uses.
    audit = AuditLog(env={**env, "POSTGRES_POOL_SIZE": "1"})
    bus = CommandBus(
        organizations=organizations,
        membership=membership,
        approvals=approvals,
        policy=settings.policy,
        clock=clock,
        audit=audit,
    )
    return Memberflow(settings, organizations, membership, approvals, audit, bus, clock)
