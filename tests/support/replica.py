"""A PostgreSQL primary and its streaming replica, made on this machine for the tests of
``MEMBERFLOW_READ_REPLICA_URL`` (initdb, ``pg_basebackup -R``, ``pg_ctl``), and gone afterwards.

A primary of its own rather than the server on 5432: ``pg_basebackup`` copies a whole cluster, and
the shared test server's is large (its catalogue keeps every test schema ever dropped) and would
need a ``replication`` line in its ``pg_hba.conf``. A fresh pair takes about two seconds and leaves
that server as it is. As root the clusters run as the ``postgres`` user (PostgreSQL refuses root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

TIMEOUT = 30  # seconds for any one step


class ReplicaUnavailable(RuntimeError):
    """The pair cannot be made here; the message says why."""


@dataclass
class Pair:
    directory: Path
    bindir: Path
    run_as: list[str]
    primary_port: int
    replica_port: int

    @property
    def primary_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.primary_port}/postgres"

    @property
    def replica_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.replica_port}/postgres"

    def run(self, tool: str, *args: str) -> None:
        command = [*self.run_as, str(self.bindir / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if done.returncode != 0:
            raise ReplicaUnavailable(f"{tool} failed: {(done.stderr or done.stdout).strip()}")

    def start(self, name: str, port: int) -> None:
        options = f"-p {port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, logged = str(self.directory / name), str(self.directory / f"{name}.log")
        self.run(
            "pg_ctl", "-D", data, "-l", logged, "-w", "-t", str(TIMEOUT), "-o", options, "start"
        )

    @contextmanager
    def replay_paused(self) -> Iterator[None]:
        """The replica stops replaying the primary's log meanwhile (it still receives it)."""
        with psycopg.connect(self.replica_url, autocommit=True) as replica:
            replica.execute("SELECT pg_wal_replay_pause()")
            deadline = time.monotonic() + TIMEOUT
            while replica.execute("SELECT pg_get_wal_replay_pause_state()").fetchone() != (
                "paused",
            ):
                assert time.monotonic() < deadline, "the replica did not pause"
                time.sleep(0.01)
            try:
                yield
            finally:
                replica.execute("SELECT pg_wal_replay_resume()")

    def resume(self) -> None:
        with psycopg.connect(self.replica_url, autocommit=True) as replica:
            replica.execute("SELECT pg_wal_replay_resume()")

    def stop(self) -> None:
        for name in ("replica", "primary"):
            if (self.directory / name / "postmaster.pid").exists():
                data = str(self.directory / name)
                subprocess.run(
                    [
                        *self.run_as,
                        str(self.bindir / "pg_ctl"),
                        "-D",
                        data,
                        "-m",
                        "immediate",
                        "stop",
                    ],
                    capture_output=True,
                    timeout=TIMEOUT,
                    check=False,
                )
        shutil.rmtree(self.directory, ignore_errors=True)


def make_pair() -> Pair:
    """A primary and a replica streaming from it, each on a free port; ReplicaUnavailable if the
    server's programs or a user to run them as are missing, or a step fails."""
    bindir = _bindir()
    run_as = _run_as()
    directory = Path(tempfile.mkdtemp(prefix="memberflow-replica-"))
    if run_as:
        shutil.chown(directory, "postgres", "postgres")
    pair = Pair(directory, bindir, run_as, _free_port(), _free_port())
    try:
        primary, replica = str(directory / "primary"), str(directory / "replica")
        pair.run(
            "initdb",
            "-D",
            primary,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-N",
            "-E",
            "UTF8",
            "--locale=C",
        )
        pair.start("primary", pair.primary_port)
        pair.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres"),
            *("-D", replica, "-R", "-X", "stream", "-c", "fast"),
        )
        pair.start("replica", pair.replica_port)
        _wait_streaming(pair)
    except BaseException:
        pair.stop()
        raise
    return pair


def _bindir() -> Path:
    """Where initdb, pg_ctl and pg_basebackup are: pg_config's bindir, Debian's versioned
    directories (newest first), or the PATH."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(Path(found.stdout.strip()))
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(
        versions, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for candidate in candidates:
        if all((candidate / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return candidate
    raise ReplicaUnavailable(
        "initdb, pg_ctl and pg_basebackup were not found (PostgreSQL's server)"
    )


def _run_as() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as the postgres user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ReplicaUnavailable(
            "running as root, and there is no postgres user to run as"
        ) from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ReplicaUnavailable("running as root, and runuser is missing")
    return [runuser, "-u", "postgres", "--"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_streaming(pair: Pair) -> None:
    deadline = time.monotonic() + TIMEOUT
    with psycopg.connect(pair.primary_url, autocommit=True) as primary:
        while not primary.execute(
            "SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'"
        ).fetchone():
            if time.monotonic() > deadline:
                raise ReplicaUnavailable("the replica did not start streaming from the primary")
            time.sleep(0.05)
