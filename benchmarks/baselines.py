"""Baselines measured in the same run as a figure: what the library and the database do alone.

- ``library_rate``: the eventsourcing library's sequential single-save rate (one new aggregate of
  one event per save, one transaction each), on the library's own recorders;
- ``postgres_commit_rate``: PostgreSQL's single-row commit rate (``INSERT`` then ``COMMIT``).
"""

from __future__ import annotations

import os
import time
import uuid

import psycopg
from psycopg import sql

from benchmarks.command_path import POSTGRES, Counter, Raw


def library_rate(env: dict[str, str], seconds: float) -> float:
    """The library's sequential single-save rate: saves per second."""
    app = Raw(env=env)
    try:
        app.save(Counter())  # tables created, connections open
        saves = 0
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            app.save(Counter())
            saves += 1
        return saves / elapsed
    finally:
        app.close()


def postgres_commit_rate(url: str, seconds: float) -> float:
    """PostgreSQL's single-row commit rate: ``INSERT`` then ``COMMIT``, one row at a time."""
    table = sql.Identifier(f"bench_commits_{uuid.uuid4().hex[:8]}")
    with psycopg.connect(url) as db:
        db.execute(sql.SQL("CREATE TABLE {} (id bigint, payload bytea)").format(table))
        db.commit()
        try:
            insert = sql.SQL("INSERT INTO {} VALUES (%s, %s)").format(table)
            payload = os.urandom(200)
            commits = 0
            started = time.perf_counter()
            while (elapsed := time.perf_counter() - started) < seconds:
                db.execute(insert, (commits, payload))
                db.commit()
                commits += 1
            return commits / elapsed
        finally:
            db.execute(sql.SQL("DROP TABLE {}").format(table))
            db.commit()


def library_postgres_env(schema: str) -> dict[str, str]:
    """The library's PostgreSQL environment, in ``schema`` (created here)."""
    with psycopg.connect(POSTGRES, autocommit=True) as db:
        db.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": "test",
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
        "POSTGRES_SCHEMA": schema,
    }
