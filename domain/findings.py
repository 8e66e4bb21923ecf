"""A finding (DOMAIN.md §3): a soft rule that a case or an election broke, derived from its events.

The findings of each workflow are computed in ``domain/admission/findings.py`` and
``domain/elections/findings.py``; both give this one shape, and the read models, the audit timeline
and the replay report show it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # F-…
    rule: str | None  # the A-… or E-… rule behind it, if any
    step: str  # slug of the event that raised it
    version: int  # position of that event in its case or election
    occurred_on: date
    recorded_at: datetime
    detail_zh: str
    detail_en: str


def finding_keys(found: Iterable[Finding]) -> list[tuple[str, Finding]]:
    """Each finding with its key: ``kind:rule:version:n`` (n numbers findings with equal keys).

    The key tells findings apart across rebuilds: a changed wording (an exception that becomes
    "used") is still the same finding."""
    seen: dict[str, int] = {}
    keyed = []
    for finding in found:
        base = f"{finding.kind}:{finding.rule or '-'}:{finding.version}"
        n = seen[base] = seen.get(base, -1) + 1
        keyed.append((f"{base}:{n}", finding))
    return keyed
