"""Graceful stop: SIGTERM to ``memberflow serve`` or ``memberflow projections run`` lets the
request or batch in hand finish, then the process says so in its log and exits with 0."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

import demo
from memberflow.bootstrap import build
from memberflow.settings import Settings
from projections.reconcile import reconcile
from tests.support.processes import (
    MEMBERFLOW,
    deployment,
    free_port,
    logged,
    start,
    stopped,
    until,
)

#: how long a stopping process may take: the batch or request in hand, then closing
STOPS_WITHIN = 5.0

pytestmark = pytest.mark.stores("sqlite")


def test_serve_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    url = f"sqlite:///{tmp_path / 'memberflow.db'}"
    server = start([*MEMBERFLOW, "serve", "--port", str(port)], deployment(url, tmp_path), log)
    try:
        until(lambda: _answers(f"http://127.0.0.1:{port}/health"), "the server to answer")
        server.send_signal(signal.SIGTERM)
        assert _exit_code(server, log) == 0
    finally:
        stopped(server)
    assert logged(log, "serve.stopped")
    assert logged(log, "projections.stopped")  # its in-process follower stopped first


def test_projections_run_stops_on_sigterm_after_the_batch_in_hand(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'memberflow.db'}"
    settings = Settings(database_url=url, data_dir=tmp_path)
    memberflow = build(settings)
    try:
        demo.fill(memberflow, members=10, cases=4)  # events the read models have not applied
        log = tmp_path / "projections.log"
        # One event per batch: the backlog is still being applied when SIGTERM comes.
        env = deployment(url, tmp_path, MEMBERFLOW_PROJECTIONS_BATCH_SIZE="1")
        runner = start([*MEMBERFLOW, "projections", "run"], env, log)
        try:
            until(lambda: _applied_any(tmp_path / "memberflow-read.db"), "a first batch")
            runner.send_signal(signal.SIGTERM)
            assert _exit_code(runner, log) == 0
        finally:
            stopped(runner)
        assert logged(log, "projections.stopped")
        assert reconcile(memberflow.read_models).ok  # what it committed is whole
    finally:
        memberflow.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return bool(response.status == 200)
    except OSError:  # not listening yet (URLError is an OSError)
        return False


def _applied_any(read_models: Path) -> bool:
    if not read_models.exists():
        return False
    with closing(sqlite3.connect(read_models, timeout=5)) as connection:
        try:
            row = connection.execute("SELECT MAX(position) FROM rm_tracking").fetchone()
        except sqlite3.OperationalError:  # the table is not made yet
            return False
    return bool(row and row[0])


def _exit_code(process: subprocess.Popen[bytes], log: Path) -> int:
    try:
        return process.wait(timeout=STOPS_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {STOPS_WITHIN} s after SIGTERM: {log.read_text()[-600:]}")
