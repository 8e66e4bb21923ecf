"""Crash of the service: ``memberflow serve`` killed with SIGKILL at a few random moments while
clients send commands with idempotency keys, and started again. Nothing acknowledged is lost,
nothing retried is recorded twice, the chain verifies and the read models reconcile
(benchmarks/crashes.py; ``python -m benchmarks.kill_and_recover`` kills many more times)."""

from __future__ import annotations

from benchmarks.crashes import Plan, drill
from memberflow.settings import Settings

#: Three kill points per store keep the test near a quarter of a minute (each restart costs
#: seconds, and the whole suite has ten minutes); the benchmark kills thirty times per store.
PLAN = Plan(kills=3, clients=3, commands=20)


def test_every_command_is_recorded_exactly_once_across_kills(settings: Settings) -> None:
    run, problems = drill(settings, PLAN)

    assert problems == []
    assert run.kills == PLAN.kills
    assert len(run.acknowledged) == len(run.names) >= PLAN.commands
    assert run.interrupted > 0  # the kills did land while commands were in flight
