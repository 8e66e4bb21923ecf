"""memberflow as an operator runs it: its commands in processes of their own, started from the
repository with the environment of a deployment, each logging JSON lines into a file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tests.support import REPOSITORY

Process = subprocess.Popen[bytes]


def deployment(url: str, data_dir: Path, **more: str) -> dict[str, str]:
    """The environment of a memberflow on the store at ``url``: JSON logs, and small pools, since
    several processes share the test's PostgreSQL server with the rest of the suite."""
    return {
        **os.environ,
        "MEMBERFLOW_DATABASE_URL": url,
        "MEMBERFLOW_DATA_DIR": str(data_dir),
        "MEMBERFLOW_LOG_FORMAT": "json",
        "MEMBERFLOW_DB_POOL_SIZE": "1",
        "MEMBERFLOW_DB_POOL_MAX_OVERFLOW": "2",
        **more,
    }


#: the ``memberflow`` command, as ``python`` arguments
MEMBERFLOW = ("-c", "from cli.main import main; main()")


def start(arguments: Sequence[str], env: Mapping[str, str], log: Path) -> Process:
    """``python <arguments>`` (``MEMBERFLOW`` and its own), its output into ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, *arguments],
            cwd=REPOSITORY,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def logged(log: Path, event: str) -> list[dict[str, object]]:
    """The JSON log lines of ``event`` the process wrote so far."""
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    return [entry for entry in map(json.loads, lines) if entry.get("event") == event]


def until(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stopped(process: Process) -> None:
    """Make sure the process is gone (a test that failed half-way leaves none behind)."""
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
