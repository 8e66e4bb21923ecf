"""Crashes on purpose: ``memberflow serve`` killed with SIGKILL at random moments while clients send
commands with idempotency keys, started again each time, and the store examined afterwards.

The harness of ``tests/operations/test_kill_and_recover.py`` (a few kill points on each store) and
of ``benchmarks/kill_and_recover.py`` (many). A command is the registration of an organization
with a name of its own under one root, so that its effect can be counted exactly in the log. Each
client retries a command with the same ``Idempotency-Key`` until it is answered 2xx: a lost
connection or a 503 means the service is down or coming back. Afterwards:

- every acknowledged command, sent once more with its key, is answered as the first time: the
  key outlived every crash;
- every command is in the organizations' log exactly once, at the id and position of its answer;
- the hash chain verifies, and every read model reconciles with the logs.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx2 as httpx
from eventsourcing.utils import get_topic

from adapters.chain.verification import verify
from benchmarks.serving import SERVE, _wait_ready, free_port
from domain.commands import Entry, RegisterOrganization
from domain.context import Actor, Role
from domain.organizations import Organization, OrgKind
from memberflow.bootstrap import build
from memberflow.event_logs import event_logs
from memberflow.settings import Settings
from projections.reconcile import reconcile
from services.applications import Organizations
from services.tokens import issue

#: Where the service runs, as an operator's would: the repository.
REPOSITORY = Path(__file__).resolve().parents[1]
ADMIN = Actor(id="crash-drill", role=Role.ADMIN)
#: Answers that say the service is down or not ready yet: send the same command again.
RETRY_STATUSES = {502, 503, 504}


@dataclass(frozen=True)
class Plan:
    """How hard to shake the service: ``kills`` SIGKILLs, each after a pause drawn from ``gap``
    seconds of traffic since the service came back; ``clients`` threads send commands all along,
    at least ``commands`` of them in all."""

    kills: int = 5
    clients: int = 4
    commands: int = 40
    gap: tuple[float, float] = (0.2, 1.5)
    seed: int | None = None


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the JSON answer
    replayed: bool  # the ``Idempotent-Replayed`` header said so


@dataclass
class Run:
    """What the clients saw."""

    root: UUID
    names: dict[str, str] = field(default_factory=dict)  # key → the organization's name
    acknowledged: dict[str, Answer] = field(default_factory=dict)  # key → its first 2xx answer
    refused: dict[str, Answer] = field(default_factory=dict)  # key → a 4xx: the drill's bug
    attempts: int = 0
    interrupted: int = 0  # attempts lost to a kill: a broken connection or a 503
    kills: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    aborted: threading.Event = field(default_factory=threading.Event)  # the killer failed


class Service:
    """``memberflow serve`` on one port that can be killed and started again."""

    def __init__(self, settings: Settings, ready_seconds: float = 120.0) -> None:
        self.port = free_port()
        self.ready_seconds = ready_seconds
        self.env = {
            **os.environ,
            "MEMBERFLOW_DATABASE_URL": settings.resolved_database_url,
            "MEMBERFLOW_DATA_DIR": str(settings.data_dir),
            "MEMBERFLOW_LOG_FORMAT": "json",
            "MEMBERFLOW_LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the service and wait until it answers."""
        command = [sys.executable, "-c", SERVE, "serve", "--port", str(self.port)]
        # Its log, shown if it fails to start; the process keeps the file open after that.
        with tempfile.TemporaryFile() as errors:
            self.process = subprocess.Popen(
                command,
                cwd=REPOSITORY,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
            _wait_ready(self.process, self.port, self.ready_seconds, errors)

    def kill(self) -> None:
        """SIGKILL: no request finishes, no transaction commits, nothing is flushed."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM, as an operator stops it; SIGKILL if it does not stop in time."""
        self._end(signal.SIGTERM)

    def _end(self, how: signal.Signals) -> None:
        if self.process is None:
            return
        self.process.send_signal(how)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> Service:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def prepare(settings: Settings) -> UUID:
    """A fresh store with the root organization every command registers under: its id."""
    memberflow = build(settings)
    try:
        command = RegisterOrganization(
            "演练工委", OrgKind.WORKING_COMMITTEE, None, False, None, Entry(date.today())
        )
        return memberflow.bus.handle(command, actor=ADMIN, request_id="crash-drill").subject_id
    finally:
        memberflow.close()


def drill(settings: Settings, plan: Plan) -> tuple[Run, list[str]]:
    """Prepare the store, send commands while killing the service, and examine the store: what
    the clients saw, and every problem found (none: nothing was lost or recorded twice)."""
    run = Run(prepare(settings))
    token = issue(settings, subject=ADMIN.id, role=Role.ADMIN, organization_id=None)
    with Service(settings) as service:
        started = time.monotonic()
        _shake(service, run, token, plan)
        run.seconds = time.monotonic() - started
        problems = _replayed(service.url, token, run)
    return run, problems + examine(settings, run)


def _shake(service: Service, run: Run, token: str, plan: Plan) -> None:
    """The clients send commands while the killer kills; both end together."""
    rng = random.Random(plan.seed)
    killing = threading.Event()
    killing.set()
    numbers = itertools.count()
    clients = [
        threading.Thread(target=_client, args=(service.url, token, run, numbers, killing, plan))
        for _ in range(plan.clients)
    ]
    for client in clients:
        client.start()
    try:
        for _ in range(plan.kills):
            time.sleep(rng.uniform(*plan.gap))
            service.kill()
            run.kills += 1
            service.start()
    except BaseException:
        run.aborted.set()  # a service that did not come back: the clients stop retrying
        raise
    finally:
        killing.clear()
        for client in clients:
            client.join()


def _client(
    url: str,
    token: str,
    run: Run,
    numbers: itertools.count[int],
    killing: threading.Event,
    plan: Plan,
) -> None:
    """Take new commands while the killer kills or too few were sent; each until answered."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        while killing.is_set() or len(run.names) < plan.commands:
            with run.lock:
                number = next(numbers)
                key = f"drill-{run.root}-{number}"
                run.names[key] = f"演练党委{number:05d}"
            _send(http, run, key)


def body(run: Run, key: str) -> dict[str, Any]:
    return {"name": run.names[key], "kind": "primary_committee", "parent_id": str(run.root)}


def _send(http: httpx.Client, run: Run, key: str) -> None:
    """The command of ``key`` until the service answers it, with the same key every time."""
    while not run.aborted.is_set():
        with run.lock:
            run.attempts += 1
        answer = _post(http, run, key)
        if answer is None or answer.status in RETRY_STATUSES:
            with run.lock:
                run.interrupted += 1
            time.sleep(0.05)  # the service is down or coming back
            continue
        with run.lock:
            (run.acknowledged if answer.status < 300 else run.refused)[key] = answer
        return


def _post(http: httpx.Client, run: Run, key: str) -> Answer | None:
    """The answer, or None when the connection broke or could not be made."""
    try:
        response = http.post(
            "/organizations", json=body(run, key), headers={"Idempotency-Key": key}
        )
    except httpx.TransportError:
        return None
    replayed = response.headers.get("Idempotent-Replayed") == "true"
    content = response.json() if response.content else None
    return Answer(response.status_code, content, replayed)


def _replayed(url: str, token: str, run: Run) -> list[str]:
    """Every acknowledged command once more with its key: its first answer again. The header
    ``Idempotent-Replayed`` is not required: an answer not yet kept beside its key (the service
    keeps it after sending it, and may die in between) is made again from the stored outcome."""
    problems = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        for key, first in run.acknowledged.items():
            again = _post(http, run, key)
            if again is None or (again.status, again.body) != (first.status, first.body):
                problems.append(f"{key}: answered {first} first, then {again}")
    return problems


def examine(settings: Settings, run: Run) -> list[str]:
    """What the store holds after the drill: each command's organization exactly once, where its
    answer said; an intact hash chain; read models equal to a rebuild from the logs."""
    memberflow = build(settings)
    try:
        problems = _counted(_registered(memberflow.organizations), run)
        chain = verify(event_logs(memberflow))
        problems += [f"hash chain of {a.app}: {a.breaks}" for a in chain.apps if not a.ok]
        reconciled = reconcile(memberflow.read_models)
        problems += [f"read model {m.name} differs" for m in reconciled.models if not m.ok]
        return problems
    finally:
        memberflow.close()


def _registered(organizations: Organizations) -> dict[str, list[tuple[UUID, int]]]:
    """Every organization registered in the log: its name → (id, position) of each registration."""
    topic = f"{get_topic(Organization)}.Registered"
    found: dict[str, list[tuple[UUID, int]]] = {}
    start = 1
    while notifications := organizations.recorder.select_notifications(start, 500, topics=[topic]):
        for notification in notifications:
            event = organizations.mapper.to_domain_event(notification)
            name = vars(event)["name"]  # the field of this one kind of event
            found.setdefault(name, []).append((event.originator_id, notification.id))
        start = notifications[-1].id + 1
    return found


def _counted(registered: dict[str, list[tuple[UUID, int]]], run: Run) -> list[str]:
    problems = [f"{key}: refused {answer}" for key, answer in run.refused.items()]
    for key, name in run.names.items():
        stored = registered.get(name, [])
        answer = run.acknowledged.get(key)
        if len(stored) != 1:
            problems.append(f"{key}: {name} registered {len(stored)} times")
        elif answer and stored[0] != (UUID(answer.body["id"]), answer.body["position"]):
            problems.append(f"{key}: answered {answer.body}, stored at {stored[0]}")
    sent = set(run.names.values())
    strays = [name for name in registered if name.startswith("演练党委") and name not in sent]
    return problems + [f"{name}: registered, never sent" for name in strays]
