"""Helpers the tests share: a clock, the stores, a ``World`` driving the bus, an HTTP ``Client``."""

from pathlib import Path

# Where a test's subprocesses run, as an operator's would: the repository, not ``tests/``, whose
# ``http`` package would hide the standard library's from them.
REPOSITORY = Path(__file__).resolve().parents[2]
