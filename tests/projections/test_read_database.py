"""Where the read models live (issue 11): on the embedded store a SQLite file of their own, so that
the follower and the requests never wait on one writer lock; a store whose read models an earlier
release kept in the events file rebuilds them into their own file; elsewhere, where the settings say.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from memberflow.bootstrap import Memberflow, build
from memberflow.settings import Settings
from projections.database import PostgresDatabase, SQLiteDatabase, open_replica
from projections.service import ReadModels
from tests.support.clock import FixedClock
from tests.support.stores import POSTGRES_URL
from tests.support.world import CLEAN_PATH, World

Tables = dict[str, list[tuple[Any, ...]]]


def sqlite_tables(path: Path, prefix: str = "rm_") -> Tables:
    with closing(sqlite3.connect(path)) as connection:
        listed = "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 3) = ?"
        names = [name for (name,) in connection.execute(listed, (prefix,))]
        return {
            name: sorted(connection.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            for name in names
        }


def test_the_read_models_have_a_sqlite_file_of_their_own() -> None:
    settings = Settings(database_url="sqlite:///srv/memberflow/events.db")
    assert settings.resolved_read_models_url == "sqlite:///srv/memberflow/events-read.db"
    assert Settings(data_dir=Path("d")).resolved_read_models_url == "sqlite:///d/memberflow-read.db"
    chosen = Settings(data_dir=Path("d"), read_models_url="sqlite:///elsewhere/read.db")
    assert chosen.resolved_read_models_url == "sqlite:///elsewhere/read.db"
    postgres = "postgresql://u@h:5432/db?schema=city"
    assert Settings(database_url=postgres).resolved_read_models_url == postgres


def test_a_replica_is_a_postgresql_replica_of_read_models_on_postgresql() -> None:
    postgres = "postgresql://u@primary:5432/db?schema=city"
    with pytest.raises(ValueError, match="MEMBERFLOW_READ_REPLICA_URL must be a postgresql"):
        Settings(database_url=postgres, read_replica_url="sqlite:///copy.db")
    with pytest.raises(ValueError, match="needs the read models on PostgreSQL"):
        Settings(read_replica_url="postgresql://u@replica:5432/db")
    with pytest.raises(ValueError, match="MEMBERFLOW_READ_MODELS_URL must be"):
        Settings(read_models_url="memory://")
    # The replica serves the read models' schema unless its URL names one.
    same = open_replica(Settings(database_url=postgres, read_replica_url="postgresql://u@r/db"))
    assert same is not None
    assert (same.schema, same.url, same.replica) == (
        "city",
        "postgresql://u@r/db",
        True,
    )
    named = open_replica(
        Settings(database_url=postgres, read_replica_url="postgresql://u@r/db?schema=copy")
    )
    assert named is not None
    assert named.schema == "copy"
    assert open_replica(Settings(database_url=postgres)) is None


@pytest.mark.stores("sqlite")
def test_the_events_file_holds_no_read_model_and_the_read_file_every_one(
    world: World, read_models: ReadModels, settings: Settings
) -> None:
    world.follow(world.submit(), CLEAN_PATH[:5])
    assert read_models.catch_up() > 0
    events = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    assert isinstance(read_models.database, SQLiteDatabase)
    assert read_models.database.path == events.with_name("memberflow-read.db")
    assert sqlite_tables(events) == {}
    kept = sqlite_tables(read_models.database.path)
    assert {"rm_tracking", "rm_failures", "rm_pipeline_cases", "rm_findings"} <= set(kept)
    assert kept["rm_pipeline_cases"]


@pytest.mark.stores("sqlite")
@pytest.mark.settings(db_lock_timeout_seconds=1)
def test_the_follower_and_the_requests_never_wait_on_each_other(
    world: World, read_models: ReadModels, settings: Settings
) -> None:
    """The in-process follower writes only the read models' file and requests only the events'
    file, so that neither ever waits on the other's writer lock (issue 11: 503s at 8 clients)."""
    assert isinstance(read_models.database, SQLiteDatabase)
    read_models.catch_up()
    events = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    with holding_the_writer_lock(read_models.database.path):  # a follower's long batch
        case_id = world.submit()
        world.follow(case_id, CLEAN_PATH[:3])
    with holding_the_writer_lock(events):  # a request's write
        assert read_models.catch_up() > 0
    assert read_models.catch_up() == 0


@contextmanager
def holding_the_writer_lock(path: Path) -> Iterator[None]:
    """Another connection holds the file's writer lock (BEGIN IMMEDIATE) meanwhile."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with closing(sqlite3.connect(path, isolation_level=None)) as connection:
            connection.execute("BEGIN IMMEDIATE")
            taken.set()
            release.wait(30)
            connection.execute("ROLLBACK")

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        release.set()
        holder.join()


@pytest.mark.stores("sqlite")
def test_read_models_an_earlier_release_kept_in_the_events_file_are_rebuilt_in_their_own(
    settings: Settings, clock: FixedClock
) -> None:
    """Before issue 11 the read models lived in the events file: on the first start of this
    release they are rebuilt from the first event into their own file (its positions start at
    0), and their tables in the events file are dropped. Kept there on purpose
    (``MEMBERFLOW_READ_MODELS_URL`` naming the events file), they stay."""
    events = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    earlier = settings.model_copy(update={"read_models_url": settings.resolved_database_url})
    with built(earlier, clock) as memberflow:
        world = World.create(memberflow, clock)
        world.follow(world.submit(), CLEAN_PATH[:8])
        world.follow(world.submit(), CLEAN_PATH[:3])
        assert memberflow.read_models.catch_up() > 0
    before = sqlite_tables(events)
    assert {"rm_tracking", "rm_pipeline_cases", "rm_inbox_items"} <= set(before)
    with built(earlier, clock) as memberflow:  # the events file named on purpose: kept
        assert memberflow.read_models.catch_up() == 0
    assert sqlite_tables(events) == before
    read_file = events.with_name("memberflow-read.db")
    assert not read_file.exists()

    with built(settings, clock) as memberflow:
        assert memberflow.read_models.served_positions("pipeline") == {"membership": 0}
        assert memberflow.read_models.catch_up() > 0
        head = memberflow.membership.recorder.max_notification_id()
        assert memberflow.read_models.served_positions("pipeline") == {"membership": head}
    assert sqlite_tables(events) == {}
    assert sqlite_tables(read_file) == before


@contextmanager
def built(settings: Settings, clock: FixedClock) -> Iterator[Memberflow]:
    memberflow = build(settings, clock)
    try:
        yield memberflow
    finally:
        memberflow.close()


@pytest.mark.stores("postgres")
def test_read_models_in_a_postgresql_schema_of_their_own(
    settings: Settings, clock: FixedClock
) -> None:
    schema = f"t_{uuid.uuid4().hex[:16]}_read"
    chosen = settings.model_copy(update={"read_models_url": f"{POSTGRES_URL}?schema={schema}"})
    try:
        with built(chosen, clock) as memberflow:
            world = World.create(memberflow, clock)
            world.follow(world.submit(), CLEAN_PATH[:5])
            read_models = memberflow.read_models
            assert read_models.catch_up() > 0
            assert isinstance(read_models.database, PostgresDatabase)
            assert read_models.database.schema == schema
            with read_models.query() as tx:
                assert tx.fetchall("SELECT case_id FROM rm_pipeline_cases")
        assert postgres_tables(schema) >= {"rm_tracking", "rm_pipeline_cases"}
        events_schema = settings.resolved_database_url.partition("schema=")[2]
        tables = postgres_tables(events_schema)
        assert "membership_events" in tables
        assert not [table for table in tables if table.startswith("rm_")]
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            )


def postgres_tables(schema: str) -> set[str]:
    with psycopg.connect(POSTGRES_URL) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {name for (name,) in rows}


@pytest.mark.stores("postgres")
def test_postgresql_plans_every_read_for_its_own_parameters(read_models: ReadModels) -> None:
    """A statement run again is never planned once for all subtrees (psycopg prepares it after
    five runs): a generic plan guessed a handful of organizations where a city has thousands."""
    with read_models.query() as tx, read_models.database.transaction() as writing:
        assert tx.fetchone("SHOW plan_cache_mode") == ("force_custom_plan",)
        assert writing.fetchone("SHOW plan_cache_mode") == ("force_custom_plan",)
