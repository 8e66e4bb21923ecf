"""The composition root: settings → store → applications → command bus → read models.

``build`` is the one place where memberflow is put together. The HTTP service, the command line,
the benchmarks and the tests all get their applications and read models from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.store import persistence_env, prepare
from memberflow.settings import Settings
from projections.registry import ALL_MODELS
from projections.service import ReadModels
from services.applications import Approvals, AuditLog, Membership, Organizations
from services.bus import CommandBus
from services.clock import Clock, SystemClock


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
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        self.read_models.close()
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
    applications = {app.name: app for app in (organizations, membership, approvals, audit)}
    read_models = ReadModels(settings, applications, ALL_MODELS)
    return Memberflow(
        settings, organizations, membership, approvals, audit, bus, read_models, clock
    )
