"""Demo data (being written)."""

from __future__ import annotations

from services.bootstrap import Memberflow


def fill(memberflow: Memberflow, *, members: int, cases: int) -> None:
    raise NotImplementedError
