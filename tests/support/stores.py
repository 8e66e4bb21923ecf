"""The stores a test can run on, and the PostgreSQL server behind one of them."""

from __future__ import annotations

import os

import psycopg
import pytest

POSTGRES_URL = os.environ.get(
    "MEMBERFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REAL_STORES = ("sqlite", "postgres")  # what ``make test`` runs every store-parametrised test on
STORES = (*REAL_STORES, "memory")  # memory: eventsourcing's in-memory store, the fast tier


def postgres_available() -> str | None:
    """None when the server answers, else why not."""
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip()


def require_postgres() -> None:
    """Skip without the server; with ``CI=true`` fail instead, so that CI never skips it silently."""
    problem = postgres_available()
    if problem is None:
        return
    message = f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message + " (start it: pg_ctlcluster $(ls /etc/postgresql) main start)")
