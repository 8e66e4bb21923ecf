"""Every benchmark runs in its quick mode on SQLite, so that none of them rots: their figures
mean nothing here, and no target is asserted (the benchmarks print whether targets are met)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.report import Options


def test_the_write_benchmark_runs(tmp_path: Path) -> None:
    from benchmarks import writes

    report = writes.run(Options(quick=True, stores=("sqlite",), out=tmp_path))

    names = [figure.name for figure in report.figures]
    assert "sqlite: library single-save" in names
    assert "sqlite, 4 clients: 5xx" in names
    assert "sqlite, 4 clients: read-model lag" in names
    assert report.write(tmp_path).exists()


def test_the_audit_benchmark_runs(tmp_path: Path) -> None:
    from benchmarks import audit

    report = audit.run(Options(quick=True, stores=("sqlite",), out=tmp_path))

    names = [figure.name for figure in report.figures]
    assert "sqlite: case timeline p99" in names
    assert "sqlite: case as of p99" in names
    assert "sqlite: chain verification" in names
    assert all(figure.value > 0 for figure in report.figures)
    assert not [note for note in report.notes if "answers" in note]  # every request answered 2xx


def test_the_read_benchmark_runs(tmp_path: Path) -> None:
    from benchmarks import reads

    report = reads.run(Options(quick=True, stores=("sqlite",), out=tmp_path))

    names = [figure.name for figure in report.figures]
    for scope in ("city", "branch"):
        for query in ("inbox", "pipeline dashboard", "findings", "elections calendar"):
            assert f"sqlite: {scope} {query} p99" in names
    assert next(f for f in report.figures if f.name == "sqlite: background writes").met
    assert not [note for note in report.notes if ": answers" in note]  # every read answered 2xx


def test_the_projection_benchmark_runs(tmp_path: Path) -> None:
    from benchmarks import projections

    report = projections.run(Options(quick=True, stores=("sqlite",), out=tmp_path))

    rates = {figure.name: figure for figure in report.figures}
    for name in ("sqlite: catch-up", "sqlite: rebuild"):
        assert rates[name].value > 0
        assert (rates[name].baseline_value or 0) > 0
    assert rates["sqlite: rebuild of every read model"].value > 0
