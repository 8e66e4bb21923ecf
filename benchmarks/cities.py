"""The data the read and audit benchmarks run on: a city, generated once and kept between runs.

``prepared(store, scale=…)`` opens the city of that scale on that store, generating it first if the
cache does not hold it: ``demo.city.generate`` (at scale 1.0 about 4,600 organizations, 60,000
members and a million events). The read models are caught up before anything is measured.

The cache: a directory per city under ``$MEMBERFLOW_BENCH_CACHE`` (default
``~/.cache/memberflow-benchmarks``) holding the SQLite files, and a fixed PostgreSQL schema
(``bench_city_<scale>``) whose description sits in that directory; a description without its
schema is generated again. What the benchmarks write (a few hundred events a run) stays in the
cached city. ``--quick`` generates a tiny city in a temporary directory and keeps nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg
import structlog

import demo
from benchmarks.command_path import POSTGRES, drop_schema
from demo.city import generate as generate_city
from memberflow.bootstrap import Memberflow, build
from memberflow.settings import Settings

SAMPLES = 200  # cases and elections drawn for the per-subject requests


@dataclass(frozen=True)
class City:
    """A generated city, and what the benchmarks ask about it."""

    store: str
    label: str
    scale: float
    env: dict[str, str]  # the MEMBERFLOW_* settings that open it
    root: str  # the working committee: the whole city
    branch: str  # the branch with the most cases
    branches: list[str]  # branches drawn at random, where the benchmarks' writes go
    cases: list[tuple[str, str]]  # (case id, a day in its history) drawn at random
    elections: list[str]
    organizations: int
    heads: dict[str, int]  # each log's last position after generation
    generator: str
    generated_seconds: float

    @property
    def settings(self) -> Settings:
        return Settings(
            database_url=self.env["MEMBERFLOW_DATABASE_URL"],
            data_dir=Path(self.env.get("MEMBERFLOW_DATA_DIR", "data")),
        )

    @property
    def events(self) -> int:
        return sum(self.heads.values())

    def describe(self) -> str:
        what = (
            "the small demo (quick)"
            if self.label == "quick"
            else (f"{self.generator} at scale {self.scale:g}")
        )
        return f"{what}: {self.organizations:,} organizations, {self.events:,} events"


def cache_root() -> Path:
    found = os.environ.get("MEMBERFLOW_BENCH_CACHE")
    return Path(found) if found else Path.home() / ".cache" / "memberflow-benchmarks"


@contextmanager
def prepared(store: str, *, scale: float, quick: bool) -> Iterator[City]:
    """The city of ``scale`` on ``store`` (``sqlite`` or ``postgresql``), cached unless quick."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    label = "quick" if quick else f"city_{scale:g}".replace(".", "_")  # a schema's name, too
    with contextlib.ExitStack() as stack:
        if quick:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        else:
            directory = cache_root() / f"{store}-{label}"
            directory.mkdir(parents=True, exist_ok=True)
        schema = f"bench_{label}" if not quick else f"bench_quick_{os.getpid()}"
        if store == "sqlite":
            env = {
                "MEMBERFLOW_DATABASE_URL": f"sqlite:///{directory / 'memberflow.db'}",
                "MEMBERFLOW_DATA_DIR": str(directory),
            }
        else:
            env = {"MEMBERFLOW_DATABASE_URL": f"{POSTGRES}?schema={schema}"}
            if quick:
                stack.callback(drop_schema, schema)
        described = directory / "city.json"
        city = _described(described, store, env)
        if city is None:
            if store == "postgresql":
                drop_schema(schema)  # half a city, from a run that stopped
            else:
                for stale in directory.glob("*.db*"):
                    stale.unlink()
            city = _generate(store, label, env, scale, quick=quick)
            described.write_text(json.dumps(asdict(city), indent=1))
        yield city


def _described(path: Path, store: str, env: dict[str, str]) -> City | None:
    if not path.exists():
        return None
    city = City(**json.loads(path.read_text()))
    if city.env != env:
        return None
    if store == "postgresql" and not _schema_exists(
        Settings(database_url=env["MEMBERFLOW_DATABASE_URL"])
    ):
        return None
    return city


def _schema_exists(settings: Settings) -> bool:
    schema = settings.resolved_database_url.split("schema=")[1]
    with psycopg.connect(POSTGRES) as db:
        row = db.execute(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (schema,)
        ).fetchone()
    return row is not None


def _generate(store: str, label: str, env: dict[str, str], scale: float, *, quick: bool) -> City:
    settings = Settings(
        database_url=env["MEMBERFLOW_DATABASE_URL"],
        data_dir=Path(env.get("MEMBERFLOW_DATA_DIR", "data")),
    )
    kind = "demo" if quick else "city"
    started = time.perf_counter()
    memberflow = build(settings)
    try:
        if quick:  # the small demo's tree with a handful of people: a smoke test, in a second
            demo.fill(memberflow, members=demo.MIN_MEMBERS, cases=4)
        else:
            generate_city(memberflow, scale=scale, seed=1, progress=scale >= 0.1)
        while memberflow.read_models.catch_up():
            pass
        generated = time.perf_counter() - started
        return _describe(memberflow, store, label, scale, env, kind, generated)
    finally:
        memberflow.close()


def _describe(
    memberflow: Memberflow,
    store: str,
    label: str,
    scale: float,
    env: dict[str, str],
    kind: str,
    seconds: float,
) -> City:
    """What the benchmarks ask about, found in the read models of the new city."""
    read_models = memberflow.read_models
    organizations = read_models.model("organizations").names["organizations"]
    pipeline = read_models.model("pipeline").names
    rng = random.Random(1)
    with read_models.database.transaction(write=False) as tx:
        roots = tx.fetchall(
            f"SELECT id FROM {organizations} WHERE kind = 'working_committee' "
            "ORDER BY parent_id IS NOT NULL, position"
        )
        counted = tx.fetchone(f"SELECT COUNT(*) FROM {organizations}")
        busiest = tx.fetchone(
            f"SELECT branch_id FROM {pipeline['pipeline_cases']} "
            "GROUP BY branch_id ORDER BY COUNT(*) DESC, branch_id LIMIT 1"
        )
        case_ids = [
            row[0]
            for row in tx.fetchall(
                f"SELECT case_id FROM {pipeline['pipeline_cases']} ORDER BY case_id"
            )
        ]
        drawn = rng.sample(case_ids, min(SAMPLES, len(case_ids)))
        cases = []
        for case_id in drawn:
            days = [
                row[0]
                for row in tx.fetchall(
                    f"SELECT occurred_on FROM {pipeline['pipeline_steps']} WHERE case_id = ? "
                    "ORDER BY version",
                    (case_id,),
                )
            ]
            cases.append((case_id, days[len(days) // 2]))
        branch_ids = [
            row[0]
            for row in tx.fetchall(
                f"SELECT id FROM {organizations} WHERE kind = 'branch' ORDER BY id"
            )
        ]
        election_ids = [
            row[0]
            for row in tx.fetchall(
                f"SELECT election_id FROM {organizations} WHERE election_id IS NOT NULL ORDER BY id"
            )
        ]
    heads = {
        name: application.recorder.max_notification_id() or 0
        for name, application in read_models.applications.items()
    }
    assert roots, "the city has a working committee"
    assert busiest, "the city has cases"
    return City(
        store=store,
        label=label,
        scale=scale,
        env=env,
        root=roots[0][0],
        branch=busiest[0],
        branches=rng.sample(branch_ids, min(50, len(branch_ids))),
        cases=cases,
        elections=rng.sample(election_ids, min(SAMPLES, len(election_ids))),
        organizations=int(counted[0]) if counted else 0,
        heads=heads,
        generator=kind,
        generated_seconds=round(seconds, 1),
    )
