"""Read models at city scale: catching up from the first event and a full rebuild, beside the raw
read-and-decode rate of the same logs measured in the same run.

For each store, on the cached city (``benchmarks.cities``; ``MEMBERFLOW_BENCH_SCALE``, default 1.0):

- raw read-and-decode (the baseline): every event of the logs the read models follow, read page by
  page through the application's recorder and decoded by its mapper (decrypted, decompressed,
  deserialized) — nothing else;
- catch-up: every read model followed from the first event into an empty read database (a new
  SQLite file, or a new PostgreSQL schema), as ``memberflow projections run`` catches up after a
  stop (``ReadModels.catch_up``: each page of a log read once for all models, ``projections.pack``);
- rebuild: ``memberflow projections rebuild`` of every model in the city's own read database
  (beside the live tables, then swapped in).

A rate counts each event of the logs once, whatever number of models apply it. Targets (issue 11):
catch-up and rebuild at no less than half the raw read-and-decode rate; the city (scale 1.0,
about a million events) rebuilt in under 60 s on PostgreSQL. The read models' lag while users
write is a figure of ``benchmarks.writes`` ("read-model lag").
Run: .venv/bin/python -m benchmarks.projections [--quick] [--store sqlite|postgresql]
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.cities import City, prepared
from benchmarks.command_path import POSTGRES, drop_schema
from benchmarks.report import Figure, Options, Report, main
from memberflow.bootstrap import Memberflow, build
from projections.rebuild import rebuild_all
from projections.service import ReadModels

REBUILD_SECONDS = 60.0  # the city's rebuild on PostgreSQL (issue 11)
RATIO = 0.5  # of the raw read-and-decode rate


def scale() -> float:
    return float(os.environ.get("MEMBERFLOW_BENCH_SCALE", "1.0"))


def followed_events(read_models: ReadModels) -> int:
    """How many events the logs that the read models follow hold."""
    return sum(
        read_models.applications[source].recorder.max_notification_id() or 0
        for source in _followed(read_models)
    )


def _followed(read_models: ReadModels) -> list[str]:
    return sorted({s for follower in read_models.followers.values() for s in follower.sources})


def read_and_decode(read_models: ReadModels) -> tuple[int, float]:
    """(events, seconds): every event of the followed logs read and decoded, in the follower's
    page size."""
    page_size = read_models.settings.projections_batch_size
    events, started = 0, time.perf_counter()
    for source in _followed(read_models):
        application = read_models.applications[source]
        start = 1
        while page := application.recorder.select_notifications(start=start, limit=page_size):
            for notification in page:
                application.mapper.to_domain_event(notification)
            events += len(page)
            start = page[-1].id + 1
    return events, time.perf_counter() - started


@contextmanager
def _empty_read_database(city: City) -> Iterator[Memberflow]:
    """The city's events with read models kept in an empty database of their own."""
    with tempfile.TemporaryDirectory() as directory:
        if city.store == "sqlite":
            url = f"sqlite:///{Path(directory) / 'catch-up.db'}"
        else:
            schema = f"bench_catch_up_{os.getpid()}"
            drop_schema(schema)
            url = f"{POSTGRES}?schema={schema}"
        settings = city.settings.model_copy(update={"read_models_url": url})
        memberflow = build(settings)
        try:
            yield memberflow
        finally:
            memberflow.close()
            if city.store == "postgresql":
                drop_schema(schema)


def catch_up(city: City) -> tuple[int, float]:
    """(events, seconds): every read model followed from the first event, caught up."""
    with _empty_read_database(city) as memberflow:
        read_models = memberflow.read_models
        read_models.ensure_created()
        started = time.perf_counter()
        while read_models.catch_up():
            pass
        seconds = time.perf_counter() - started
        failing = read_models.failing()
        assert not failing, f"the city's read models caught up without failing: {failing}"
        return followed_events(read_models), seconds


def rebuild(city: City) -> tuple[int, float]:
    """(events, seconds): every read model of the city rebuilt and swapped in."""
    memberflow = build(city.settings)
    try:
        read_models = memberflow.read_models
        started = time.perf_counter()
        rebuilt = rebuild_all(read_models, list(read_models.models))
        seconds = time.perf_counter() - started
        assert not rebuilt.failed, f"every read model rebuilt: {rebuilt.failed}"
        return followed_events(read_models), seconds
    finally:
        memberflow.close()


def measure_store(store: str, options: Options, report: Report) -> None:
    with prepared(store, scale=scale(), quick=options.quick) as city:
        memberflow = build(city.settings)
        try:
            events, raw = read_and_decode(memberflow.read_models)
        finally:
            memberflow.close()
        caught_up, catching = catch_up(city)
        rebuilt, rebuilding = rebuild(city)
    report.notes.append(f"{store}: {city.describe()}; the read models follow {events:,} of them")
    baseline = events / raw
    for name, count, seconds in (
        ("catch-up", caught_up, catching),
        ("rebuild", rebuilt, rebuilding),
    ):
        rate = count / seconds
        report.add(
            Figure(
                f"{store}: {name}",
                rate,
                "events/s",
                baseline="raw read-and-decode",
                baseline_value=baseline,
                target=f"≥ {RATIO}× raw read-and-decode",
                met=rate >= RATIO * baseline,
            )
        )
    city_scale = not options.quick and scale() >= 1.0 and store == "postgresql"
    report.add(
        Figure(
            f"{store}: rebuild of every read model",
            rebuilding,
            "s",
            target=f"< {REBUILD_SECONDS:g} s for the city on PostgreSQL" if city_scale else None,
            met=rebuilding < REBUILD_SECONDS if city_scale else None,
        )
    )


def run(options: Options) -> Report:
    report = Report("projections")
    for store in options.stores:
        measure_store(store, options, report)
    return report


if __name__ == "__main__":
    main(run, __doc__)
