"""Running the read models: lag at /health and /metrics, the rebuild command, and two follower
processes on PostgreSQL of which a database lock lets only one follow the logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import cli
from domain.context import Role
from memberflow.bootstrap import build
from memberflow.settings import Settings
from projections.registry import ALL_MODELS
from projections.service import ReadModels
from tests.support import REPOSITORY
from tests.support.client import client_for
from tests.support.clock import FixedClock
from tests.support.world import CLEAN_PATH, World


def test_health_and_metrics_show_how_far_behind_each_read_model_is(
    world: World, clock: FixedClock, read_models: ReadModels
) -> None:
    client = client_for(world.memberflow, clock)
    behind = client.http.get("/health").json()["projections"]
    assert {(p["projection"], p["source"]) for p in behind} >= {
        (m.name, source) for m in ALL_MODELS for source in m.follows
    }
    membership = next(p for p in behind if p["projection"] == "pipeline")
    assert membership["lag_events"] == membership["head"] > 0
    assert membership["lag_seconds"] >= 0

    read_models.catch_up()
    assert all(p["lag_events"] == 0 for p in client.http.get("/health").json()["projections"])
    client.login("admin", Role.ADMIN)  # /metrics needs a token (issue 10)
    metrics = client.get("/metrics").text
    assert (
        'memberflow_projection_lag_events{projection="pipeline",source="membership"} 0.0' in metrics
    )
    assert "memberflow_projection_lag_seconds" in metrics


def test_the_rebuild_command_rebuilds_every_read_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path))
    assert CliRunner().invoke(cli, ["demo-data", "--members", "20", "--cases", "8"]).exit_code == 0

    result = CliRunner().invoke(cli, ["projections", "rebuild"])
    assert result.exit_code == 0, result.output
    for model in ALL_MODELS:
        assert f"rebuilt {model.name}" in result.output
    unknown = CliRunner().invoke(cli, ["projections", "rebuild", "nonsense"])
    assert unknown.exit_code != 0


def _runner(url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MEMBERFLOW_DATABASE_URL": url,
        "MEMBERFLOW_LOG_FORMAT": "json",
        "MEMBERFLOW_PROJECTIONS_BATCH_SIZE": "5",
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from cli.main import main; main()",
                "projections",
                "run",
                "--poll",
                "0.05",
            ],
            cwd=REPOSITORY,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _events(log: Path, name: str) -> list[dict[str, object]]:
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    return [entry for entry in map(json.loads, lines) if entry.get("event") == name]


def _until(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_two_runners_on_postgres_one_follows_then_the_other_takes_over(
    postgres_schema: str, clock: FixedClock, tmp_path: Path
) -> None:
    memberflow = build(Settings(database_url=postgres_schema), clock)
    world = World.create(memberflow, clock)
    read_models = memberflow.read_models
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    runners = [_runner(postgres_schema, logs[0])]
    try:
        _until(lambda: _events(logs[0], "projections.leader"))
        runners.append(_runner(postgres_schema, logs[1]))
        case_id = world.submit(name="甲")
        world.follow(case_id, CLEAN_PATH[:10])
        _until(lambda: all(lag.events == 0 for lag in read_models.lag()))
        time.sleep(1.0)
        assert not _events(logs[1], "projections.leader")  # the lock keeps the second one waiting

        runners[0].send_signal(signal.SIGTERM)
        assert runners[0].wait(timeout=30) == 0
        _until(lambda: _events(logs[1], "projections.leader"))
        world.follow(case_id, CLEAN_PATH[10:16])
        _until(lambda: all(lag.events == 0 for lag in read_models.lag()))
    finally:
        for runner in runners:
            runner.terminate()
            runner.wait(timeout=30)
    for failed in ("projections.batch_failed", "projections.event_failed"):
        assert not any(_events(log, failed) for log in logs)
    rows = _all_rows(read_models)
    from projections.rebuild import rebuild

    for model in ALL_MODELS:
        rebuild(read_models, model.name)
    assert _all_rows(read_models) == rows
    read_models.close()
    memberflow.close()


def _all_rows(read_models: ReadModels) -> dict[str, list[tuple[object, ...]]]:
    with read_models.database.transaction(write=False) as tx:
        return {
            table: sorted(tx.fetchall(f"SELECT * FROM {table}"), key=repr)
            for model in read_models.models.values()
            for table in model.names.values()
        }
