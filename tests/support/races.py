"""Forced races: commands held at their application's writer until all of them have decided."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from memberflow.bootstrap import Memberflow


def make_writers_meet(
    memberflow: Memberflow, monkeypatch: pytest.MonkeyPatch, parties: int, application: str
) -> None:
    """Hold each command of ``application`` at its save until ``parties`` of them have read what
    they change and decided: a race, whatever the load on the machine (all have the same version
    in hand)."""
    barrier = threading.Barrier(parties, timeout=10)
    writer = memberflow.bus.writers[application]
    save = writer.save

    def meet_then_save(*aggregates: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return save(*aggregates, **kwargs)

    monkeypatch.setattr(writer, "save", meet_then_save)
