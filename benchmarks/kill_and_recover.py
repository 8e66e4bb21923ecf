"""The long crash drill: ``memberflow serve`` killed with SIGKILL many times while clients send
commands with idempotency keys, on SQLite and PostgreSQL (benchmarks/crashes.py says what is
checked afterwards; tests/operations/test_kill_and_recover.py runs a few kill points in CI).

Per store it prints the kills, the commands sent and acknowledged, the attempts a kill cut off,
the problems found (the target: none) and the commands acknowledged per second, restarts included.
Run: .venv/bin/python -m benchmarks.kill_and_recover [--quick] [--store sqlite|postgresql]
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import structlog

from benchmarks.command_path import POSTGRES, drop_schema
from benchmarks.crashes import Plan, drill
from benchmarks.report import Figure, Options, Report, main
from memberflow.settings import Settings

PLAN = Plan(kills=30, clients=8, commands=300)
QUICK_PLAN = Plan(kills=2, clients=2, commands=10)
#: Problems listed in the notes of a store, at most.
SHOWN = 10


@contextlib.contextmanager
def _settings(kind: str) -> Iterator[Settings]:
    """A fresh store of ``kind``, removed afterwards."""
    with tempfile.TemporaryDirectory() as directory:
        if kind == "sqlite":
            yield Settings(
                database_url=f"sqlite:///{directory}/memberflow.db", data_dir=Path(directory)
            )
            return
        schema = f"crash_{uuid.uuid4().hex[:8]}"
        try:
            yield Settings(database_url=f"{POSTGRES}?schema={schema}", data_dir=Path(directory))
        finally:
            drop_schema(schema)


def run(options: Options) -> Report:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    plan = QUICK_PLAN if options.quick else PLAN
    report = Report("kill_and_recover")
    for kind in options.stores:
        with _settings(kind) as settings:
            drilled, problems = drill(settings, plan)
        report.add(Figure(f"{kind}: kills (SIGKILL)", drilled.kills, "kills"))
        report.add(Figure(f"{kind}: commands sent", len(drilled.names), "commands"))
        report.add(Figure(f"{kind}: acknowledged", len(drilled.acknowledged), "commands"))
        report.add(Figure(f"{kind}: attempts cut off by a kill", drilled.interrupted, "attempts"))
        report.add(
            Figure(
                f"{kind}: acknowledged per second, restarts included",
                len(drilled.acknowledged) / drilled.seconds,
                "commands/s",
            )
        )
        report.add(
            Figure(f"{kind}: problems", len(problems), "problems", target="none", met=not problems)
        )
        report.notes += [f"{kind}: {problem}" for problem in problems[:SHOWN]]
    report.notes.append(
        f"{plan.clients} clients, {plan.kills} kills each after {plan.gap[0]:g}–{plan.gap[1]:g} s "
        "of traffic; each command registers an organization with its own Idempotency-Key"
    )
    return report


if __name__ == "__main__":
    main(run, __doc__)
