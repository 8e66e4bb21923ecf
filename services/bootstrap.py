"""The composition root: settings → store → applications → command bus."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.applications import Approvals, Membership, Organizations
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
    bus: CommandBus
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        self.organizations.close()
        self.membership.close()
        self.approvals.close()


def build(settings: Settings | None = None, clock: Clock | None = None) -> Memberflow:
    settings = settings or Settings()
    clock = clock or SystemClock()
    prepare(settings)
    env = persistence_env(settings)
    organizations = Organizations(env=env)
    membership = Membership(env=env)
    approvals = Approvals(env=env)
    bus = CommandBus(
        organizations=organizations,
        membership=membership,
        approvals=approvals,
        policy=settings.policy,
        clock=clock,
    )
    return Memberflow(settings, organizations, membership, approvals, bus, clock)
