"""Database restart: PostgreSQL goes away under a running service and comes back.

While it is away, requests answer 503 with a problem body within the pool's timeout and
``/health`` says ``store_unavailable``; once it is back, writes succeed again without restarting
memberflow (the pools replace their dead connections) and the follower of the read models
resumes. Every write acknowledged before and after is recorded, once.

It stops the machine's PostgreSQL (``pg_ctlcluster``) for a few seconds, and starts it again
whatever happens; ``make test`` runs it alone, after every other test (``restarts_database``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.context import Role
from memberflow.bootstrap import build
from memberflow.settings import Settings
from services import tokens
from tests.support.processes import (
    MEMBERFLOW,
    deployment,
    free_port,
    logged,
    start,
    stopped,
    until,
)
from tests.support.stores import postgres_available

pytestmark = [pytest.mark.stores("postgres"), pytest.mark.postgres, pytest.mark.restarts_database]


def test_the_service_answers_503_while_postgresql_is_away_and_recovers_by_itself(
    postgres_schema: str, tmp_path: Path
) -> None:
    cluster = _cluster()
    port = free_port()
    # A short wait for a pooled connection: the outage is answered in seconds, not half a minute.
    env = deployment(
        postgres_schema,
        tmp_path,
        MEMBERFLOW_PROJECTIONS_IN_PROCESS="false",
        MEMBERFLOW_DB_POOL_WAIT_SECONDS="1",
    )
    server = start([*MEMBERFLOW, "serve", "--port", str(port)], env, tmp_path / "serve.log")
    follower = start([*MEMBERFLOW, "projections", "run"], env, tmp_path / "follower.log")
    api = Api(f"http://127.0.0.1:{port}")
    acknowledged: list[str] = []
    try:
        until(lambda: api.health()[0] == 200, "the service to answer")
        acknowledged += [api.create_organization(f"工委{n}") for n in range(3)]

        _pg_ctl(cluster, "stop")
        try:  # together, to keep the outage short: each waits out the pool's attempts
            with ThreadPoolExecutor(3) as each:
                write = each.submit(api.post, "/organizations", _organization("停机期间"))
                read = each.submit(api.get, f"/elections/calendar?org={acknowledged[0]}")
                health = each.submit(api.health)
            for status, body in (write.result(), read.result()):
                assert status == 503, body
                assert body["status"] == 503  # problem+json, not a 500
            assert health.result()[0] == 503
            assert health.result()[1]["status"] == "store_unavailable"
        finally:
            _pg_ctl(cluster, "start")

        until(lambda: postgres_available() is None, "PostgreSQL to be back")
        until(lambda: api.try_create(acknowledged, "恢复后"), "a write to succeed again")
        acknowledged += [api.create_organization(f"党委{n}") for n in range(3)]
        until(lambda: _caught_up(api), "the read models to catch up")
        assert [server.poll(), follower.poll()] == [None, None]  # never restarted
    finally:
        _pg_ctl(cluster, "start")
        for process in (server, follower):
            stopped(process)
    assert not logged(tmp_path / "serve.log", "http.unexpected")
    # The follower lost its lock with the restart, and stood for election again.
    assert len(logged(tmp_path / "follower.log", "projections.leader")) == 2
    _recorded_once(postgres_schema, acknowledged)


class Api:
    """An admin's client of the service over real HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        token = tokens.issue(Settings(), subject="admin", role=Role.ADMIN, organization_id=None)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def health(self) -> tuple[int, dict[str, Any]]:
        try:
            return self._send(urllib.request.Request(f"{self.base}/health"))
        except OSError:  # not listening yet
            return 0, {}

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        return self._send(urllib.request.Request(self.base + path, headers=self.headers))

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data, self.headers, method="POST")
        return self._send(request)

    def create_organization(self, name: str) -> str:
        status, body = self.post("/organizations", _organization(name))
        assert status == 201, body
        return str(body["id"])

    def try_create(self, acknowledged: list[str], name: str) -> bool:
        """One write; True once it is acknowledged (kept in ``acknowledged``), False on a 503."""
        status, body = self.post("/organizations", _organization(name))
        assert status in (201, 503), body
        if status == 201:
            acknowledged.append(str(body["id"]))
        return status == 201

    def _send(self, request: urllib.request.Request) -> tuple[int, dict[str, Any]]:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as answered:
            return answered.code, json.loads(answered.read())


def _organization(name: str) -> dict[str, Any]:
    return {"name": name, "kind": "working_committee"}


def _caught_up(api: Api) -> bool:
    status, health = api.health()
    return status == 200 and all(p["lag_events"] == 0 for p in health["projections"])


def _recorded_once(url: str, acknowledged: list[str]) -> None:
    """Each acknowledged organization is in the log, with one creation event."""
    memberflow = build(Settings(database_url=url))
    try:
        created = [
            item.originator_id
            for item in memberflow.organizations.recorder.select_notifications(start=1, limit=1000)
            if item.originator_version == 1
        ]
    finally:
        memberflow.close()
    assert len(created) == len(set(created))
    assert {UUID(each) for each in acknowledged} <= set(created)


def _cluster() -> str:
    """The version of the machine's PostgreSQL cluster ``main``; skips where it is not ours."""
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("pg_ctlcluster is needed to restart PostgreSQL")
        pytest.skip("PostgreSQL is not a local cluster this test can restart")
    return sorted(os.listdir("/etc/postgresql"))[-1]


def _pg_ctl(cluster: str, action: str) -> None:
    """Stop (fast: open connections are cut, as in a crash or a failover) or start the cluster;
    starting a running cluster does nothing."""
    running = postgres_available() is None
    if (action == "start") == running:
        return
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", action]
    subprocess.run([*command, *(["-m", "fast"] if action == "stop" else [])], check=True)
