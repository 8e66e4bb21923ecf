"""A read model that cannot apply an event: what is kept of the failure, and when to try again.

A follower whose model raises on an event stops right before it (the batch rolls back; the
position stays where it was) and tries again after a back-off that doubles from
``projections_retry_initial_seconds`` up to ``projections_retry_max_seconds``. The other read models
keep following. Until the model gets past the event, ``rm_failures`` holds one row for it: the
event's log and position, the error's type and a message stripped of anything that may be
personal data, since when, how many attempts, and when the next one is due. Every process reads
it (``/health``, ``/metrics``, reads with ``?after=``), whichever process follows the logs.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from datetime import datetime

from projections.database import Row, Transaction
from projections.moments import moment

FAILURES = "rm_failures"
_COLUMNS = "projection, log, position, error_type, error, since, attempts, retry_at"
_MESSAGE_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a read model stopped: the event it cannot apply (``log`` and ``position``; None when
    the batch failed outside any one event, e.g. the database), the error, and the attempts."""

    projection: str
    log: str | None
    position: int | None
    error_type: str
    error: str  # the first line of the message, without quoted values, long numbers or non-ASCII
    since: datetime
    attempts: int
    retry_at: datetime

    @property
    def at(self) -> str:
        return f"{self.log}:{self.position}" if self.log and self.position else "no single event"

    def same_event(self, other: Failure) -> bool:
        return (self.log, self.position) == (other.log, other.position)


def create_failures(tx: Transaction) -> None:
    tx.execute(
        f"CREATE TABLE IF NOT EXISTS {FAILURES} (projection TEXT PRIMARY KEY, log TEXT, "
        "position BIGINT, error_type TEXT NOT NULL, error TEXT NOT NULL, since TEXT NOT NULL, "
        "attempts INTEGER NOT NULL, retry_at TEXT NOT NULL)"
    )


def failures(tx: Transaction) -> list[Failure]:
    return [
        _from_row(row)
        for row in tx.fetchall(f"SELECT {_COLUMNS} FROM {FAILURES} ORDER BY projection")
    ]


def record(tx: Transaction, failure: Failure) -> None:
    clear(tx, failure.projection)
    tx.execute(
        f"INSERT INTO {FAILURES} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            failure.projection,
            failure.log,
            failure.position,
            failure.error_type,
            failure.error,
            moment(failure.since),
            failure.attempts,
            moment(failure.retry_at),
        ),
    )


def clear(tx: Transaction, projection: str) -> None:
    tx.execute(f"DELETE FROM {FAILURES} WHERE projection = ?", (projection,))


def _from_row(row: Row) -> Failure:
    name, log, position, error_type, error, since, attempts, retry_at = row
    return Failure(
        projection=name,
        log=log,
        position=None if position is None else int(position),
        error_type=error_type,
        error=error,
        since=datetime.fromisoformat(since),
        attempts=int(attempts),
        retry_at=datetime.fromisoformat(retry_at),
    )


def backoff(attempts: int, initial: float, maximum: float) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: doubling, bounded."""
    return min(initial * 2.0 ** min(attempts - 1, 64), maximum)


def message(error: BaseException) -> str:
    """What an error says, safe to show without a token: its first line (a database's DETAIL line
    quotes the row), quoted values, runs of digits (ID numbers) and anything beyond printable
    ASCII (names, units) replaced by an ellipsis, at most 200 characters."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else ""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"\d{5,}[0-9Xx]*", "…", text)
    text = re.sub(r"[^\x20-\x7e…]+", "…", text)
    text = re.sub(r"…+", "…", text)
    return text[:_MESSAGE_LENGTH] or type(error).__name__


def where(error: BaseException, frames: int = 3) -> list[str]:
    """The innermost frames of an error's traceback, as ``file:line function`` — where to look,
    without the message or any value."""
    found = traceback.extract_tb(error.__traceback__)[-frames:]
    return [f"{_short(frame.filename)}:{frame.lineno} {frame.name}" for frame in found]


def _short(filename: str) -> str:
    return "/".join(filename.split("/")[-2:])
