"""Run every benchmark: ``python -m benchmarks [--quick] [--store sqlite] [--out DIR]``.

Each prints its table and writes ``<out>/<name>.json``; docs/PERFORMANCE.md explains the figures.
"""

from __future__ import annotations

import importlib

from benchmarks.report import options_from, parser

#: The benchmarks, in the order they run; each is a module of this package with ``run(options)``.
BENCHMARKS = ["command_path", "writes", "projections", "audit", "reads", "kill_and_recover", "load"]


def main() -> None:
    options = options_from(parser(__doc__).parse_args())
    for name in BENCHMARKS:
        report = importlib.import_module(f"benchmarks.{name}").run(options)
        report.print()
        print(f"written to {report.write(options.out)}")


if __name__ == "__main__":
    main()
