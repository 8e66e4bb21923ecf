"""Backups of the event store while the service runs, and the copy back (docs/OPERATIONS.md).

The embedded store is copied with SQLite's online backup API, page by page, inside one read
transaction on the live file: the copy is the store as it stood when the backup began, and the
service's writers go on meanwhile (WAL). PostgreSQL is dumped by ``pg_dump`` (adapters/pg_dump.py).

Only the events are copied: the read models are derived from them and rebuilt after a restore,
so that a copy can never hold a read model ahead of its events.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from adapters.chain.links import chain_table_name

#: ``progress(done, total)``: pages of the SQLite file copied so far, of all its pages.
Advance = Callable[[int, int], None]
PAGES_PER_STEP = 1024  # 4 MiB of 4 KiB pages between two looks at the progress bar


@dataclass(frozen=True)
class Backup:
    """A verified copy: where it is, how large, what checked it, and the last notification id of
    each event log in it."""

    path: Path
    size: int
    check: str
    positions: dict[str, int]


class BackupRefused(RuntimeError):
    """A backup or restore that would overwrite something, or a copy that does not check."""


def refuse_existing(out: Path, *, force: bool) -> None:
    if out.exists() and not force:
        raise BackupRefused(f"{out} exists: choose another file, or --force to overwrite it")


def partial(out: Path) -> Path:
    """Where a copy is written before it is verified and renamed, so that a failed backup never
    leaves a half file under the name asked for."""
    return out.with_name(f"{out.name}.partial")


def back_up_sqlite(live: Path, out: Path, progress: Advance) -> Backup:
    """Copy the events file ``live`` to ``out`` while the service writes to it, then check it."""
    if not live.is_file():
        raise BackupRefused(f"no store at {live}")
    writing = partial(out)
    writing.unlink(missing_ok=True)
    source = closing(sqlite3.connect(live, isolation_level=None))
    with source as live_file, closing(sqlite3.connect(writing)) as copy:
        # One read transaction around every step: without it each commit of the service
        # restarts the copy from its first page, and a busy service never lets it finish.
        live_file.execute("BEGIN")
        live_file.execute("SELECT COUNT(*) FROM sqlite_master")  # the snapshot starts here
        live_file.backup(copy, pages=PAGES_PER_STEP, progress=_pages(progress))
        live_file.execute("COMMIT")
    positions = verify_sqlite(writing)
    os.replace(writing, out)
    return Backup(out, out.stat().st_size, "PRAGMA quick_check: ok", positions)


def restore_sqlite(backup: Path, target: Path, progress: Advance) -> dict[str, int]:
    """Copy a checked backup into the events file ``target`` (the service stopped) through
    SQLite, which also replaces what the target's write-ahead log holds; its positions."""
    positions = verify_sqlite(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(backup)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy, pages=PAGES_PER_STEP, progress=_pages(progress))
    return positions


def verify_sqlite(path: Path) -> dict[str, int]:
    """The event logs' positions in a copy that opens and passes ``PRAGMA quick_check``."""
    if not path.is_file():
        raise BackupRefused(f"{path} is no file")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
            (check,) = copy.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise BackupRefused(f"{path} fails PRAGMA quick_check: {check}")
            return sqlite_positions(copy)
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{path} is no SQLite store: {error}") from None


def sqlite_positions(connection: sqlite3.Connection) -> dict[str, int]:
    """Each event log's last notification id: every ``<app>_events`` table with its chain."""
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    return {t.removesuffix("_events"): _last(connection, t) for t in sorted(event_tables(tables))}


def _last(connection: sqlite3.Connection, events_table: str) -> int:
    (last,) = connection.execute(f"SELECT MAX(rowid) FROM {events_table}").fetchone()
    return int(last or 0)


def event_tables(tables: set[str]) -> set[str]:
    """The event logs among a store's tables: an ``<app>_events`` table beside its chain."""
    return {t for t in tables if t.endswith("_events") and chain_table_name(t) in tables}


def has_events(path: Path) -> bool:
    """Whether the SQLite file holds any event (a fresh store holds none, or is no file yet)."""
    if not path.exists():
        return False
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as store:
        return any(sqlite_positions(store).values())


def _pages(progress: Advance) -> Callable[[int, int, int], None]:
    return lambda _status, remaining, total: progress(total - remaining, total)
