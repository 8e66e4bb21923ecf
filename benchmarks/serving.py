"""The service over real HTTP for the read and audit benchmarks: ``memberflow serve`` in a
subprocess on a free port, plain keep-alive clients, latencies and their percentiles.

A client is ``http.client`` on one kept-alive connection, so that what is timed is the service
and the loopback, not a client library; the time of a request runs from sending it to having
read the whole answer.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any

from benchmarks.report import Figure, Report
from domain.identity import compose

SERVE = "from cli.main import main; main()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Served:
    """The service under test: where it listens, and its process (for its CPU time)."""

    port: int
    pid: int


@contextmanager
def served(
    env: dict[str, str], *, workers: int = 1, runner: bool = False, ready_seconds: float = 120.0
) -> Iterator[Served]:
    """``memberflow serve`` on ``env`` (``MEMBERFLOW_*`` settings) until the block ends, with
    ``workers`` processes; with ``runner`` the read models are followed by ``memberflow
    projections run`` beside it, else by the service's in-process follower, as by default.

    The service logs JSON at INFO as in production, into a temporary file (a pipe nobody reads
    fills up) that is shown if it fails to start. Both stop on SIGTERM at the block's end."""
    port = free_port()
    environment = {
        **os.environ,
        "MEMBERFLOW_LOG_FORMAT": "json",
        **env,
        "MEMBERFLOW_PROJECTIONS_IN_PROCESS": "false" if runner else "true",
    }
    command = [sys.executable, "-c", SERVE, "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    with ExitStack() as stack:
        errors = stack.enter_context(tempfile.TemporaryFile())
        if runner:
            runs = [sys.executable, "-c", SERVE, "projections", "run"]
            stack.enter_context(_process(runs, environment, subprocess.DEVNULL))
        process = stack.enter_context(_process(command, environment, errors))
        _wait_ready(process, port, ready_seconds, errors)
        yield Served(port, process.pid)


@contextmanager
def _process(
    command: list[str], env: dict[str, str], errors: IO[bytes] | int
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(
    process: subprocess.Popen[bytes], port: int, seconds: float, errors: IO[bytes]
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            error = errors.read().decode(errors="replace")
            raise RuntimeError(f"memberflow serve stopped ({process.returncode}): {error[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
        except OSError:
            time.sleep(0.1)
            continue
        status, _, _ = Client(port, "").get("/health")
        if status in (200, 503):  # up; 503 only says a read model is behind
            return
    raise RuntimeError(f"memberflow serve did not answer on port {port} within {seconds} s")


class LagWatch:
    """Asks ``/health`` every ``every`` seconds while a load runs: the largest lag, in seconds,
    that any read model showed (the age of the oldest event it had not applied yet)."""

    def __init__(self, port: int, every: float = 0.2) -> None:
        self.client = Client(port, "")
        self.every = every
        self.largest = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> LagWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.client.close()

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            status, _, answer = self.client.get("/health")
            if status in (200, 503):
                lags = [p["lag_seconds"] for p in json.loads(answer).get("projections", [])]
                self.largest = max([self.largest, *lags])
                self.samples += 1


def applicant(rng: random.Random) -> dict[str, str]:
    """A new person: an ID number drawn at random (O-4), so that no run meets a case of an
    earlier one in the same store (A-X)."""
    born = date(1980, 1, 1) + timedelta(days=rng.randrange(9000))
    number = compose(f"{rng.randrange(110000, 660000)}", born, rng.randrange(1000))
    return {
        "name": f"申请人{rng.randrange(10**6)}",
        "birth_date": born.isoformat(),
        "id_number": number,
    }


def document(kind: str) -> dict[str, str]:
    return {"kind": kind, "file_name": f"{kind}.pdf", "sha256": uuid.uuid4().hex * 2}


class Client:
    """One kept-alive connection with one bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, float, bytes]:
        """(status, seconds, answer) of one request."""
        sent = {**self.headers, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=data, headers=sent)
                response = self.connection.getresponse()
                answer = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()  # the server closed a kept-alive connection: once more
                if attempt == 2:
                    raise
                continue
            return response.status, time.perf_counter() - started, answer
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, float, bytes]:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> tuple[int, float, bytes]:
        return self.request("POST", path, body)

    def close(self) -> None:
        self.connection.close()


@dataclass(frozen=True)
class Latency:
    """Latencies of one kind of request, in milliseconds."""

    count: int
    p50: float
    p99: float
    slowest: float
    failed: int  # answers other than 2xx
    statuses: dict[int, int]


def percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted values (p99 of 200 samples: the second slowest)."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n q / 100)
    return ordered[int(rank) - 1]


def measure(
    client: Client | Callable[[str], Client],
    requests: Iterable[tuple[str, str]],
    *,
    warmup: int = 3,
) -> dict[str, Latency]:
    """Send each ``(kind, path)`` in turn, after ``warmup`` untimed requests of each kind:
    the latencies by kind. Interleave the kinds so that each meets the same conditions.
    ``client``: one client, or the client of each kind."""
    client_of = client if callable(client) else (lambda _: client)
    requests = list(requests)
    seen: dict[str, int] = {}
    for kind, path in requests:
        if seen.get(kind, 0) < warmup:
            seen[kind] = seen.get(kind, 0) + 1
            client_of(kind).get(path)
    times: dict[str, list[float]] = {}
    statuses: dict[str, dict[int, int]] = {}
    for kind, path in requests:
        status, seconds, _ = client_of(kind).get(path)
        times.setdefault(kind, []).append(seconds * 1000)
        counted = statuses.setdefault(kind, {})
        counted[status] = counted.get(status, 0) + 1
    return {kind: latency(times[kind], statuses[kind]) for kind in times}


def latency(times: list[float], statuses: dict[int, int]) -> Latency:
    ordered = sorted(times)
    return Latency(
        count=len(ordered),
        p50=percentile(ordered, 50),
        p99=percentile(ordered, 99),
        slowest=ordered[-1] if ordered else 0.0,
        failed=sum(n for status, n in statuses.items() if not 200 <= status < 300),
        statuses=statuses,
    )


def latency_figures(
    report: Report,
    store: str,
    found: dict[str, Latency],
    target: str,
    targeted: Callable[[str], float | None],
) -> None:
    """p50 and p99 of each kind of request beside ``GET /rules`` (the token check and a JSON
    answer without any data) of the same run; a p99 is judged against ``targeted(kind)``
    milliseconds (None: no target), and an answer other than 2xx fails it."""
    rules = found.pop("GET /rules")
    for kind, latency in found.items():
        goal = targeted(kind)
        for name, value, floor in (
            ("p50", latency.p50, rules.p50),
            ("p99", latency.p99, rules.p99),
        ):
            judged = name == "p99" and goal is not None
            report.add(
                Figure(
                    f"{store}: {kind} {name}",
                    value,
                    "ms",
                    baseline=f"GET /rules {name}",
                    baseline_value=floor,
                    target=target if judged else None,
                    met=(value < (goal or 0) and latency.failed == 0) if judged else None,
                )
            )
        if latency.failed:
            report.notes.append(f"{store}: {kind}: answers {latency.statuses}")
