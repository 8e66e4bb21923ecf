"""What every benchmark hands back: figures, each beside the baseline measured in the same run.

A benchmark module exposes ``run(options) -> Report``; ``python -m benchmarks`` runs them all, and
``python -m benchmarks.<name>`` runs one. Each report is printed as a table and written as JSON
(``benchmarks/results/<name>.json`` unless ``--out`` says otherwise), so that figures can be
compared between runs and machines. Absolute times are noise on shared machines: the ratio to a
baseline of the same run is the figure a target is set on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Options:
    """What every benchmark accepts: ``quick`` runs tiny sizes (a smoke test of the benchmark
    itself, whose figures mean nothing); ``stores`` limits the stores measured."""

    quick: bool = False
    stores: tuple[str, ...] = ("sqlite", "postgresql")
    out: Path = RESULTS


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: str | None = None  # what the value is compared with, measured in the same run
    baseline_value: float | None = None
    target: str | None = None  # the target, in words
    met: bool | None = None  # whether the target is met (None: no target)

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0):
            return None
        assert self.baseline_value is not None
        return self.value / self.baseline_value


@dataclass
class Report:
    benchmark: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def print(self, console: Console | None = None) -> None:
        table = Table(title=self.benchmark)
        for column in ("figure", "value", "baseline", "ratio", "target", "met"):
            table.add_column(column)
        for f in self.figures:
            baseline = f"{f.baseline_value:,.1f} ({f.baseline})" if f.baseline else ""
            ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
            met = {True: "yes", False: "NO", None: ""}[f.met]
            table.add_row(f.name, f"{f.value:,.1f} {f.unit}", baseline, ratio, f.target or "", met)
        (console or Console()).print(table)
        for note in self.notes:
            (console or Console()).print(f"  {note}")

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.benchmark}.json"
        document = {
            "benchmark": self.benchmark,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "figures": [{**asdict(f), "ratio": f.ratio} for f in self.figures],
            "notes": self.notes,
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return path


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def parser(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: does it run at all")
    parser.add_argument(
        "--store", action="append", choices=["sqlite", "postgresql"], help="default: both"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    return parser


def options_from(args: argparse.Namespace) -> Options:
    return Options(
        quick=args.quick, stores=tuple(args.store or ("sqlite", "postgresql")), out=args.out
    )


def main(run: Callable[[Options], Report], description: str | None) -> None:
    """The command line of one benchmark: run, print, write."""
    options = options_from(parser(description).parse_args())
    report = run(options)
    report.print()
    print(f"written to {report.write(options.out)}")
