"""How a command opens memberflow: settings, logging, the composition root, and closing it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from memberflow import bootstrap, logging
from memberflow.bootstrap import Memberflow
from memberflow.settings import Settings


def open_memberflow(*, quiet: bool = False, keyless: bool = False) -> Memberflow:
    """Build memberflow from the configured settings; the caller closes it.

    ``quiet`` is for commands whose output is a report: they log warnings only (to standard
    error), so that the log does not bury what they print.
    """
    settings = Settings()
    logging.configure(settings.model_copy(update={"log_level": "WARNING"}) if quiet else settings)
    return bootstrap.build(settings, keyless=keyless)


@contextmanager
def opened(*, quiet: bool = False, keyless: bool = False) -> Iterator[Memberflow]:
    """Memberflow for the length of a command, closed however the command ends. ``keyless``:
    also when the event key does not decrypt the store (a command that reads no event)."""
    memberflow = open_memberflow(quiet=quiet, keyless=keyless)
    try:
        yield memberflow
    finally:
        memberflow.close()
