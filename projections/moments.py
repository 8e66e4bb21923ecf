"""Times as read models keep them: text that compares in the order of the instants it names."""

from __future__ import annotations

from datetime import UTC, datetime


def moment(value: datetime | str) -> str:
    """UTC, to the microsecond, so that text compares in order (an ISO string is read first)."""
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.astimezone(UTC).isoformat(timespec="microseconds")
