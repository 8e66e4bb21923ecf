"""Every shared fixture: a clock the test controls, a memberflow on a store, its read models, a
``World`` that drives the command bus, and a ``Client`` of the HTTP API.

A test that asks for a store runs once per store chosen with ``--store`` (repeatable): by default
on SQLite and on PostgreSQL, each test in a schema of its own, which is what ``make test`` runs.
With ``CI=true`` an unreachable PostgreSQL fails the test instead of skipping it.
``--store memory`` is the fast tier (``make test-fast``): eventsourcing's in-memory store, on which
the rule tests of ``tests/rules`` run in seconds. The other tests check what a real store does
(its hash chain, its locks, a log that outlives the process) and run on SQLite and PostgreSQL only;
a ``stores`` mark narrows the stores of a test further.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest
import structlog
import uvicorn
from psycopg import sql

from adapters.store import MEMORY_URL
from api.app import create_app
from domain.context import Role
from memberflow.bootstrap import Memberflow, build
from memberflow.settings import Settings
from projections.service import ReadModels
from tests.support.client import Client, client_for
from tests.support.clock import FixedClock
from tests.support.stores import POSTGRES_URL, REAL_STORES, STORES, require_postgres
from tests.support.world import World

FAST_TIER = Path(__file__).parent / "rules"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        action="append",
        choices=STORES,
        help="run the store-parametrised tests on this store (repeatable; default: "
        "sqlite and postgres; memory runs the rule tests of tests/rules only)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that asks for a store runs once on each chosen store that it can run on."""
    if "store" not in metafunc.fixturenames:
        return
    chosen: Sequence[str] = metafunc.config.getoption("store") or REAL_STORES
    runs_on = _stores_of(metafunc.definition)
    params = [_store_param(kind) for kind in chosen if kind in runs_on]
    if not params:
        skip = pytest.mark.skip(reason=f"runs on {' and '.join(runs_on)} only")
        params = [pytest.param(kind, marks=skip) for kind in chosen]
    metafunc.parametrize("store", params, indirect=True)


def _stores_of(test: pytest.Function) -> Sequence[str]:
    """The stores a test can run on: its ``stores`` mark, else every store in the fast tier and
    the real ones elsewhere."""
    mark = test.get_closest_marker("stores")
    if mark:
        kinds: tuple[str, ...] = mark.args
        return kinds
    return STORES if test.path.is_relative_to(FAST_TIER) else REAL_STORES


def _store_param(kind: str) -> object:
    return pytest.param(kind, marks=pytest.mark.postgres) if kind == "postgres" else kind


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


@pytest.fixture
def store(request: pytest.FixtureRequest) -> str:
    """The kind of store the test runs on, as ``pytest_generate_tests`` chose it."""
    kind: str = request.param
    return kind


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """The URL of a PostgreSQL schema of the test's own, dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    yield f"{POSTGRES_URL}?schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


@pytest.fixture
def settings(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """The settings of the test's store; a ``settings`` mark changes fields as a deployment
    would, e.g. ``@pytest.mark.settings(policy_activist_min_months=6)``."""
    mark = request.node.get_closest_marker("settings")
    return Settings(
        database_url=_database_url(store, tmp_path, request),
        data_dir=tmp_path,
        db_pool_size=3,
        db_pool_max_overflow=3,
        **(mark.kwargs if mark else {}),
    )


def _database_url(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if store == "postgres":
        url: str = request.getfixturevalue("postgres_schema")
        return url
    return MEMORY_URL if store == "memory" else f"sqlite:///{tmp_path / 'memberflow.db'}"


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


@pytest.fixture
def server(memberflow: Memberflow) -> Iterator[str]:
    """The service in a real uvicorn server on a loopback port, for clients on threads of their
    own: its base URL."""
    config = uvicorn.Config(create_app(memberflow), host="127.0.0.1", port=0, log_config=None)
    live = uvicorn.Server(config)
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    while not live.started:
        threading.Event().wait(0.01)
    host, port = live.servers[0].sockets[0].getsockname()[:2]
    yield f"http://{host}:{port}"
    live.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def client(memberflow: Memberflow, clock: FixedClock) -> Client:
    """A client of the HTTP API on the setting of ``Client.setting``, with a token for every
    role the HTTP tests act in."""
    client = client_for(memberflow, clock)
    client.setting()
    client.login("official2", Role.COMMITTEE_OFFICIAL, "pc")
    client.login("wc_official", Role.COMMITTEE_OFFICIAL, "wc")
    client.login("inspector", Role.DISCIPLINE_INSPECTOR, "wc")
    client.login("department", Role.ORG_DEPARTMENT, "wc")
    return client
