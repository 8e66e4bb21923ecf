"""City-scale reads over HTTP while writes run: the inbox, the pipeline dashboard, the findings and
the elections calendar, for the whole city and for one branch.

For each store, on the cached city (``benchmarks.cities``; ``MEMBERFLOW_BENCH_SCALE``, default 1.0),
with ``memberflow serve`` in a subprocess (its in-process projection runner on, as by default):

- writers in the background: ``WRITERS`` threads, each on its own connection, opening admission
  cases in branches drawn at random and recording each one's interview, a command every
  ``WRITE_PAUSE`` seconds at most (their rate and any 5xx are reported);
- one reader meanwhile, the requests interleaved: for the whole city, a committee official of the
  working committee (``/approvals/inbox?org=…&subtree=true``, ``/dashboard/pipeline``,
  ``/findings``, ``/elections/calendar`` of the working committee, pages 1–5 in turn); for one
  branch (the one with the most cases), its secretary (the same of the branch); and ``GET /rules``
  (the token check and a JSON answer without any data) as the baseline of the same run.

``MEMBERFLOW_BENCH_SAMPLES`` (default 200) requests of each kind. Target (issue 11): every
query's p99 under 50 ms. Run:
.venv/bin/python -m benchmarks.reads [--quick] [--store sqlite]
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from dataclasses import dataclass, field
from uuid import UUID

from benchmarks.cities import City, prepared
from benchmarks.report import Figure, Options, Report, main
from benchmarks.serving import (
    Client,
    Latency,
    applicant,
    document,
    latency_figures,
    measure,
    served,
)
from domain.context import Role
from services import tokens
from services.clock import SystemClock, today

TARGET_MS = 50.0
WRITERS = 3
WRITE_PAUSE = 0.1  # seconds between one writer's commands: up to ~30 commands/s in all
PAGES = 5


def scale() -> float:
    return float(os.environ.get("MEMBERFLOW_BENCH_SCALE", "1.0"))


def queries(org: str, *, subtree: bool) -> dict[str, list[str]]:
    """The reads of a dashboard user, by kind: each a list of paths to send in turn."""
    inbox = f"/approvals/inbox?org={org}" + ("&subtree=true" if subtree else "")
    return {
        "inbox": [f"{inbox}&page={p}" for p in range(1, PAGES + 1)],
        "pipeline dashboard": [f"/dashboard/pipeline?org={org}"],
        "findings": [f"/findings?org={org}&page={p}" for p in range(1, PAGES + 1)],
        "elections calendar": [
            f"/elections/calendar?org={org}&page={p}" for p in range(1, PAGES + 1)
        ],
    }


@dataclass
class Writes:
    """What the background writers did."""

    commands: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int) -> None:
        with self.lock:
            self.commands += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def _write(
    port: int, token: str, branches: list[str], stop: threading.Event, writes: Writes
) -> None:
    """Open a case in a branch and record its interview, again and again until ``stop``."""
    client = Client(port, token)
    rng = random.Random()
    day = today(SystemClock()).isoformat()
    try:
        while not stop.is_set():
            status, _, answer = client.post(
                "/admissions",
                {
                    "applicant": applicant(rng),
                    "branch_id": rng.choice(branches),
                    "basis": "work_unit",
                    "occurred_on": day,
                    "documents": [document("application_letter")],
                },
            )
            writes.record(status)
            stop.wait(WRITE_PAUSE)
            if status != 201 or stop.is_set():
                continue
            case_id = json.loads(answer)["id"]
            status, _, _ = client.post(
                f"/admissions/{case_id}/steps/applicant_interviewed",
                {"occurred_on": day, "documents": [document("interview_record")]},
            )
            writes.record(status)
            stop.wait(WRITE_PAUSE)
    finally:
        client.close()


def _requests(city: City, samples: int) -> list[tuple[str, str]]:
    """The requests of the city's official and of the branch's secretary, the kinds interleaved:
    ``samples`` of each kind."""
    kinds = {f"city {k}": v for k, v in queries(city.root, subtree=True).items()}
    kinds |= {f"branch {k}": v for k, v in queries(city.branch, subtree=False).items()}
    kinds["GET /rules"] = ["/rules"]
    return [(kind, paths[i % len(paths)]) for i in range(samples) for kind, paths in kinds.items()]


def over_http(city: City, samples: int) -> tuple[dict[str, Latency], Writes, float]:
    """The latencies by kind, what the writers did, and for how long they wrote."""
    settings = city.settings
    official_token = tokens.issue(
        settings,
        subject="bench-official",
        role=Role.COMMITTEE_OFFICIAL,
        organization_id=UUID(city.root),
    )
    secretary_token = tokens.issue(
        settings,
        subject="bench-secretary",
        role=Role.BRANCH_SECRETARY,
        organization_id=UUID(city.branch),
    )
    writes, stop = Writes(), threading.Event()
    with served(city.env) as service:
        port = service.port
        writers = [
            threading.Thread(
                target=_write, args=(port, official_token, city.branches, stop, writes)
            )
            for _ in range(WRITERS)
        ]
        started = time.perf_counter()
        for writer in writers:
            writer.start()
        official, secretary = Client(port, official_token), Client(port, secretary_token)
        try:
            # One reader: the official's requests on one connection, the secretary's on another.
            found = measure(
                lambda kind: secretary if kind.startswith("branch") else official,
                _requests(city, samples),
            )
        finally:
            stop.set()
            for writer in writers:
                writer.join()
            official.close()
            secretary.close()
        wrote = time.perf_counter() - started
    return found, writes, wrote


def measure_store(store: str, options: Options, report: Report) -> None:
    samples = 3 if options.quick else int(os.environ.get("MEMBERFLOW_BENCH_SAMPLES", "200"))
    with prepared(store, scale=scale(), quick=options.quick) as city:
        found, writes, seconds = over_http(city, samples)
    report.notes.append(
        f"{store}: {city.describe()}; {samples} requests of each kind; "
        f"{WRITERS} writers: {writes.commands} commands in {seconds:.1f} s, answers "
        f"{dict(sorted(writes.statuses.items()))}"
    )
    target = f"p99 < {TARGET_MS:g} ms, writes running"
    latency_figures(report, store, found, target, lambda _: TARGET_MS)
    report.add(
        Figure(
            f"{store}: background writes",
            writes.commands / seconds if seconds else 0.0,
            "commands/s",
            target="no 5xx",
            met=writes.server_errors == 0,
        )
    )


def run(options: Options) -> Report:
    report = Report("reads")
    for store in options.stores:
        measure_store(store, options, report)
    return report


if __name__ == "__main__":
    main(run, __doc__)
