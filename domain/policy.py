"""Numbers that come from local practice (DOMAIN.md: policies), with the rule book's defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Policy:
    late_entry_days: int = 30  # F-LATE
    activist_min_months: int | None = None  # off by default
    political_review_valid_months: int = 12  # → F-STALE
    conversion_meeting_grace_months: int = 3  # → F-DEADLINE
