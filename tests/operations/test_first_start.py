"""Concurrent first start: processes that open a fresh store at the same moment all come up.

PostgreSQL's ``CREATE … IF NOT EXISTS`` fails when another session creates the same table at
once; memberflow creates its tables under an advisory lock (``adapters.store.schema_lock``).
SQLite creates them under the file's write lock. Each process here builds memberflow and creates
its read models' tables, released together once all of them have imported memberflow.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg

from memberflow.settings import Settings
from tests.support.processes import deployment, start, stopped, until
from tests.support.stores import POSTGRES_URL

PROCESSES = 3
OPENS_THE_STORE = """
import pathlib, sys, time
from memberflow.bootstrap import build
pathlib.Path(sys.argv[1]).touch()  # imported: ready
while not pathlib.Path(sys.argv[2]).exists():
    time.sleep(0.002)
memberflow = build()
memberflow.read_models.ensure_created()
memberflow.close()
"""
#: tables that each process would create, of the events and of the read models
SOME_TABLES = {"organizations_events", "membership_chain", "audit_events", "rm_tracking"}


def test_processes_that_open_a_fresh_store_at_once_all_come_up(
    store: str, settings: Settings, tmp_path: Path
) -> None:
    url = settings.resolved_database_url  # a fresh SQLite file, or a fresh PostgreSQL schema
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(PROCESSES)]
    logs = [tmp_path / f"process-{n}.log" for n in range(PROCESSES)]
    # Small pools: the processes share the server with the other tests' (max_connections).
    env = deployment(
        url, tmp_path, MEMBERFLOW_DB_POOL_SIZE="1", MEMBERFLOW_DB_POOL_MAX_OVERFLOW="1"
    )
    processes = [
        start(["-c", OPENS_THE_STORE, str(flag), str(go)], env, log)
        for flag, log in zip(ready, logs, strict=True)
    ]
    try:
        until(lambda: all(flag.exists() for flag in ready), "every process to import memberflow")
        go.touch()
        codes = [process.wait(timeout=120) for process in processes]
    finally:
        for process in processes:
            stopped(process)
    failed = {
        log.name: log.read_text()[-600:] for log, code in zip(logs, codes, strict=True) if code != 0
    }
    assert not failed
    assert _tables(store, url, tmp_path) >= SOME_TABLES


def _tables(store: str, url: str, data_dir: Path) -> set[str]:
    if store == "sqlite":
        names: set[str] = set()
        for file in ("memberflow.db", "memberflow-read.db"):
            with closing(sqlite3.connect(data_dir / file)) as connection:
                listed = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                names |= {name for (name,) in listed}
        return names
    schema = url.partition("?schema=")[2]
    with psycopg.connect(POSTGRES_URL) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {name for (name,) in rows}
