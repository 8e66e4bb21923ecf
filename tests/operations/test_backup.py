"""Backup and restore (issue 13), on both stores: ``memberflow backup`` taken while a writer keeps
recording, ``memberflow restore`` into a fresh store, where the chain verifies, the read models
are rebuilt and reconcile, and every event acknowledged before the backup began is found."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import ApplicationRecorder
from psycopg import sql
from typer.testing import CliRunner

from adapters import backup as backup_module
from adapters.backup import back_up_sqlite
from adapters.chain.verification import verify
from adapters.store import postgres_schema
from cli.main import cli
from memberflow.bootstrap import Memberflow, build
from memberflow.event_logs import event_logs
from memberflow.settings import Settings
from projections.reconcile import reconcile
from tests.support.clock import FixedClock
from tests.support.stores import POSTGRES_URL
from tests.support.world import World


class Writer:
    """A secretary submitting applications, one after another, until stopped: the ids of those
    the bus acknowledged, in order."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.acknowledged: list[UUID] = []
        self.started = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._write)

    def _write(self) -> None:
        while not self.stop.is_set():
            self.acknowledged.append(self.world.submit())
            self.started.set()

    def __enter__(self) -> Writer:
        self.thread.start()
        self.started.wait(timeout=10)
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


def invoke(settings: Settings, *arguments: str) -> str:
    """``memberflow`` on the store of ``settings``; its output, after checking it exited 0."""
    env = {
        "MEMBERFLOW_DATABASE_URL": settings.resolved_database_url,
        "MEMBERFLOW_DATA_DIR": str(settings.data_dir),
    }
    result = CliRunner().invoke(cli, list(arguments), env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def fresh(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """The settings of a fresh, empty store to restore into: another SQLite file, or another
    PostgreSQL database (the dump's schema in it), dropped afterwards."""
    if settings.store_kind == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path / 'restored' / 'memberflow.db'}")
        return
    database = f"mf_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{database}"
    try:
        schema = postgres_schema(settings.resolved_database_url)
        yield Settings(database_url=f"{url}?schema={schema}", db_pool_size=2)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            drop = "DROP DATABASE IF EXISTS {} WITH (FORCE)"
            connection.execute(sql.SQL(drop).format(sql.Identifier(database)))


def test_a_backup_taken_while_writing_restores_into_a_fresh_store(
    world: World,
    memberflow: Memberflow,
    settings: Settings,
    fresh: Settings,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    for number in (5, 12, 25):
        world.case_before(number)
    backup = tmp_path / "memberflow.backup"
    with Writer(world) as writer:
        before = list(writer.acknowledged)
        heads = _heads(memberflow)
        reported = invoke(settings, "backup", "--out", str(backup))
    assert "backup written to" in reported

    assert "rebuilt pipeline" in invoke(fresh, "restore", "--from", str(backup))
    copy = build(fresh, clock)
    try:
        assert verify(event_logs(copy)).ok
        positions = _heads(copy)
        assert all(positions[log] >= head for log, head in heads.items())
        assert f"membership={positions['membership']}" in reported  # the copy's own positions
        for case_id in before:
            assert copy.membership.repository.get(case_id).id == case_id
        assert reconcile(copy.read_models).ok
        # The restored store goes on: new events follow the copy's, in its chain.
        World(copy, clock, world.ids, world.actors, world.names).submit()
        assert _heads(copy)["membership"] > positions["membership"]
        assert verify(event_logs(copy)).ok
    finally:
        copy.close()


@pytest.mark.stores("sqlite")
def test_the_service_writes_on_while_a_backup_copies_the_file(
    world: World,
    memberflow: Memberflow,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page a step: between two steps the writer commits, and the copy neither waits for it
    nor starts again; it holds the store as it stood when it began."""
    monkeypatch.setattr(backup_module, "PAGES_PER_STEP", 1)
    events = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    with Writer(world) as writer:
        heads = _heads(memberflow)
        during: list[int] = []

        def one_more_write(done: int, total: int) -> None:
            if not during:  # first step: wait for the writer to commit once more
                seen = len(writer.acknowledged)
                for _ in range(10_000):  # a guard against a writer that died: 10 s at most
                    if len(writer.acknowledged) > seen:
                        during.append(_heads(memberflow)["membership"])
                        return
                    writer.stop.wait(0.001)

        copied = back_up_sqlite(events, tmp_path / "copy.db", one_more_write)
    assert during
    assert copied.positions["membership"] >= heads["membership"]
    assert copied.positions["membership"] < during[0]  # written during the copy: not in it
    assert copied.check == "PRAGMA quick_check: ok"


@pytest.mark.stores("sqlite")
def test_a_backup_never_overwrites_a_file_unless_forced(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    backup = tmp_path / "memberflow.backup"
    backup.write_text("an older backup")
    env = {"MEMBERFLOW_DATABASE_URL": settings.resolved_database_url}

    refused = CliRunner().invoke(cli, ["backup", "--out", str(backup)], env=env)

    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert backup.read_text() == "an older backup"
    invoke(settings, "backup", "--out", str(backup), "--force")
    assert backup.stat().st_size > len("an older backup")


@pytest.mark.stores("sqlite")
def test_a_restore_never_replaces_recorded_events_unless_forced(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    backup = tmp_path / "memberflow.backup"
    invoke(settings, "backup", "--out", str(backup))
    env = {"MEMBERFLOW_DATABASE_URL": settings.resolved_database_url}

    refused = CliRunner().invoke(cli, ["restore", "--from", str(backup)], env=env)

    assert refused.exit_code == 1
    assert "holds events" in refused.output


def _heads(memberflow: Memberflow) -> dict[str, int]:
    """Each event log's last notification id."""
    apps = (memberflow.organizations, memberflow.membership, memberflow.approvals, memberflow.audit)
    heads = {}
    for app in apps:
        assert isinstance(app.recorder, ApplicationRecorder)
        heads[app.name] = app.recorder.max_notification_id() or 0
    return heads
