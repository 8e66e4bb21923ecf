"""What discipline staff wait for at city scale: timelines, as-of reads, replay, chain verification.

For each store, on the cached city (``benchmarks.cities``; ``MEMBERFLOW_BENCH_SCALE``, default 1.0):

- over real HTTP (``memberflow serve`` in a subprocess, one kept-alive client, a discipline
  inspector of the working committee): the timeline of cases and elections drawn at random
  (``/audit/cases/{id}/timeline``), as-of reads of a case (``/admissions/{id}?as_of=``) and of an
  organization (``/findings?org=…&as_of=``, the busiest branch and the whole city), and the replay
  of the busiest branch (``/audit/replay``) — p50 and p99, beside ``GET /rules`` (the same token
  check and JSON answer without any data) measured in the same run;
- in process: ``memberflow audit verify`` (``adapters.chain.verification.verify``) over every log,
  beside raw HMAC-SHA256 over the same rows: each stored event's bytes read the same way, one
  HMAC each (verification needs a digest and a link per event, and reads the chain table too).

Every audit read is itself recorded (``RecordAccess``): the figures include that write.
Run: .venv/bin/python -m benchmarks.audit [--quick] [--store sqlite]
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from psycopg.rows import tuple_row

from adapters.chain.recorders import ChainedPostgresRecorder, ChainedRecorder, chained
from adapters.chain.verification import verify
from benchmarks.cities import City, prepared
from benchmarks.report import Figure, Options, Report, main
from benchmarks.serving import Client, Latency, latency_figures, measure, served
from domain.context import Role
from memberflow.bootstrap import build
from services import tokens

TARGET_MS = 20.0
PAGE = 2000


def scale() -> float:
    return float(os.environ.get("MEMBERFLOW_BENCH_SCALE", "1.0"))


def _requests(city: City, samples: int, replays: int) -> list[tuple[str, str]]:
    """The requests of one run, the kinds interleaved."""
    cases = city.cases[:samples]
    elections = city.elections[:samples]
    rows: list[list[tuple[str, str]]] = [
        [("GET /rules", "/rules")] * samples,
        [("case timeline", f"/audit/cases/{c}/timeline") for c, _ in cases],
        [("election timeline", f"/audit/elections/{e}/timeline") for e in elections],
        [("case as of", f"/admissions/{c}?as_of={day}") for c, day in cases],
        [("branch findings as of", f"/findings?org={city.branch}&as_of={day}") for _, day in cases],
        [("city findings as of", f"/findings?org={city.root}&as_of={day}") for _, day in cases],
    ]
    interleaved = [request for group in zip(*rows, strict=False) for request in group]
    interleaved += [("branch replay", f"/audit/replay?org={city.branch}")] * replays
    return interleaved


def over_http(city: City, samples: int, replays: int) -> dict[str, Latency]:
    settings = city.settings
    token = tokens.issue(
        settings,
        subject="bench-inspector",
        role=Role.DISCIPLINE_INSPECTOR,
        organization_id=UUID(city.root),
    )
    with served(city.env) as service:
        client = Client(service.port, token)
        try:
            return measure(client, _requests(city, samples, replays), warmup=2)
        finally:
            client.close()


def verification(city: City) -> tuple[int, float, float]:
    """(events, seconds to verify every log, seconds of raw HMAC-SHA256 over the same rows)."""
    memberflow = build(city.settings, keyless=True)
    try:
        apps = [
            memberflow.organizations,
            memberflow.membership,
            memberflow.approvals,
            memberflow.audit,
        ]
        recorders = list(chained(app.recorder for app in apps))
        key = recorders[0].chain_key
        started = time.perf_counter()
        events = sum(_hmac_all(recorder, key) for recorder in recorders)
        raw = time.perf_counter() - started
        started = time.perf_counter()
        report = verify(recorders)
        verified = time.perf_counter() - started
        assert report.ok, "the cached city's chain is intact"
        assert events == sum(app.events for app in report.apps)
        return events, verified, raw
    finally:
        memberflow.close()


def _hmac_all(recorder: ChainedRecorder, key: bytes) -> int:
    """HMAC-SHA256 of each stored event's bytes (id, version, topic, state), read page by page."""
    count = 0
    for rows in _pages(recorder):
        for originator_id, version, topic, state in rows:
            message = str(originator_id).encode() + str(version).encode() + topic.encode() + state
            hmac.digest(key, message, "sha256")
        count += len(rows)
    return count


def _pages(recorder: ChainedRecorder) -> Iterator[list[Any]]:
    table = recorder.events_table_name
    if isinstance(recorder, ChainedPostgresRecorder):
        query = (
            "SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {recorder.datastore.schema}.{table} WHERE notification_id > %s "
            "ORDER BY notification_id LIMIT %s"
        )
        with (
            recorder.datastore.get_connection() as connection,
            connection.cursor(row_factory=tuple_row) as cursor,
        ):
            yield from _paged(lambda after: cursor.execute(query, (after, PAGE)).fetchall())
        return
    query = (
        "SELECT rowid, originator_id, originator_version, topic, state "
        f"FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?"
    )
    with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]

        def page(after: int) -> list[Any]:
            cursor.execute(query, (after, PAGE))
            return list(cursor.fetchall())

        yield from _paged(page)


def _paged(page: Any) -> Iterator[list[Any]]:
    after = 0
    while True:
        rows = [tuple(row) for row in page(after)]
        if rows:
            yield [row[1:] for row in rows]
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def measure_store(store: str, options: Options, report: Report) -> None:
    samples, replays = (4, 1) if options.quick else (200, 5)
    with prepared(store, scale=scale(), quick=options.quick) as city:
        report.notes.append(
            f"{store}: {city.describe()}; {samples} requests of each kind, {replays} replays"
        )
        found = over_http(city, samples, replays)
        events, verified, raw = verification(city)
    target = f"p99 < {TARGET_MS:g} ms"
    latency_figures(
        report, store, found, target, lambda kind: None if "replay" in kind else TARGET_MS
    )
    report.add(
        Figure(
            f"{store}: chain verification",
            events / verified,
            "events/s",
            baseline="raw HMAC-SHA256 over the same rows",
            baseline_value=events / raw,
            target="≥ 0.5× raw HMAC-SHA256",
            met=(raw / verified) >= 0.5,
        )
    )


def run(options: Options) -> Report:
    report = Report("audit")
    for store in options.stores:
        measure_store(store, options, report)
    return report


if __name__ == "__main__":
    main(run, __doc__)
