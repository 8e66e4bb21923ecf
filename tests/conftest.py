"""Fixtures shared by every test: a clock the test controls, and a memberflow on a real store.

``memberflow`` runs each test on the embedded SQLite store and on the real PostgreSQL server, in a
schema of its own. With ``CI=true`` an unreachable PostgreSQL fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import psycopg
import pytest
import structlog
from psycopg import sql

from domain.dates import SHANGHAI
from memberflow.bootstrap import Memberflow, build
from memberflow.settings import Settings
from projections.service import ReadModels
from tests.world import World

POSTGRES_URL = os.environ.get(
    "MEMBERFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


class FixedClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def set_day(self, day: date, at: time = time(10, 0)) -> None:
        self.current = datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture(autouse=True)
def _default_logging() -> Iterator[None]:
    """A command-line test configures logging for its process; the next test starts afresh."""
    yield
    structlog.reset_defaults()


@pytest.fixture
def clock() -> FixedClock:
    fixed = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    fixed.set_day(date(2026, 11, 20))
    return fixed


def postgres_available() -> str | None:
    """None when the server answers, else why not."""
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip()


def require_postgres() -> None:
    problem = postgres_available()
    if problem is None:
        return
    message = f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message + " (start it: pg_ctlcluster $(ls /etc/postgresql) main start)")


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    yield f"{POSTGRES_URL}?schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


def settings_for(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    if store == "sqlite":
        url = f"sqlite:///{tmp_path / 'memberflow.db'}"
    else:
        url = request.getfixturevalue("postgres_schema")
    return Settings(database_url=url, data_dir=tmp_path, db_pool_size=3, db_pool_max_overflow=3)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def settings(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    return settings_for(store, tmp_path, request)


@pytest.fixture
def memberflow(settings: Settings, clock: FixedClock) -> Iterator[Memberflow]:
    built = build(settings, clock)
    yield built
    built.close()


@pytest.fixture
def world(memberflow: Memberflow, clock: FixedClock) -> World:
    return World.create(memberflow, clock)


@pytest.fixture
def read_models(memberflow: Memberflow) -> ReadModels:
    """The read models the composition root built beside ``memberflow``."""
    return memberflow.read_models
