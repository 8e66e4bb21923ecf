"""Backups of a PostgreSQL store with ``pg_dump -Fc``, and the copy back with ``pg_restore``.

The dump is taken in a snapshot that memberflow exports and reads the event logs' positions in,
so the positions it reports are exactly the dump's. It holds the store's schema — events, hash
chains, idempotency keys — without the read models (tables ``rm_*``), which are rebuilt after a
restore. The password, if the URL has one, goes to the tools in ``PGPASSWORD``, never on their
command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from adapters.backup import Backup, BackupRefused, event_tables, partial
from adapters.store import postgres_schema
from projections.database import PREFIX


def back_up_postgres(url: str, out: Path) -> Backup:
    """Dump the store's schema at ``url`` into ``out`` (custom format), then list it back."""
    if shutil.which("pg_dump") is None:
        raise BackupRefused(f"pg_dump is not on PATH; run it where it is: {dump_command(url, out)}")
    schema = postgres_schema(url)
    writing = partial(out)
    writing.unlink(missing_ok=True)
    with psycopg.connect(url.split("?")[0], connect_timeout=5) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        row = connection.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        positions = postgres_positions(connection, schema)
        # pg_dump joins the snapshot, which lives as long as this transaction.
        _run(
            "pg_dump",
            url,
            "--format=custom",
            f"--file={writing}",
            f"--schema={_pattern(schema)}",
            f"--exclude-table={_pattern(schema)}.{PREFIX}*",
            f"--snapshot={row[0]}",
        )
    entries = archived_tables(writing, schema)
    os.replace(writing, out)
    check = f"pg_restore --list: {len(entries)} tables of schema {schema}"
    return Backup(out, out.stat().st_size, check, positions)


def restore_postgres(backup: Path, url: str) -> None:
    """Restore a dump into the database at ``url``, whose schema (the dump's) holds no event."""
    schema = postgres_schema(url)
    archived_tables(backup, schema)
    with psycopg.connect(url.split("?")[0], connect_timeout=5) as connection:
        if any(postgres_positions(connection, schema).values()):
            raise BackupRefused(f"schema {schema} already holds events: restore into a fresh one")
    # --clean --if-exists: a fresh database has its empty public schema, which the dump creates.
    _run("pg_restore", url, "--clean", "--if-exists", "--exit-on-error", "--no-owner", str(backup))


def archived_tables(archive: Path, schema: str) -> list[str]:
    """The tables a custom-format dump of ``schema`` holds; BackupRefused if it is unreadable
    or of another schema (pg_restore cannot rename one)."""
    listed = _tool("pg_restore", "--list", str(archive))
    rows = [line.split() for line in listed.splitlines() if not line.startswith(";")]
    schemas = {row[5] for row in rows if row[3:4] == ["SCHEMA"]}
    if schemas != {schema}:
        raise BackupRefused(f"{archive} is a dump of schema {', '.join(schemas)}, not {schema}")
    return [row[5] for row in rows if row[3:5] == ["TABLE", schema]]


def postgres_positions(connection: psycopg.Connection[Any], schema: str) -> dict[str, int]:
    """Each event log's last notification id in ``schema``, as the connection sees it."""
    listed = "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
    tables = {name for (name,) in connection.execute(listed, (schema,)).fetchall()}
    positions: dict[str, int] = {}
    for table in sorted(event_tables({str(t) for t in tables})):
        query = sql.SQL("SELECT MAX(notification_id) FROM {}").format(sql.Identifier(schema, table))
        row = connection.execute(query).fetchone()
        positions[table.removesuffix("_events")] = int(row[0] or 0) if row else 0
    return positions


def dump_command(url: str, out: Path) -> str:
    """The ``pg_dump`` line an operator runs where memberflow cannot (no password in it)."""
    schema = postgres_schema(url)
    return (
        f"pg_dump --format=custom --file={out} '--schema={_pattern(schema)}' "
        f"'--exclude-table={_pattern(schema)}.{PREFIX}*' '{_address(url)[0]}'"
    )


def _pattern(schema: str) -> str:
    """A schema name as pg_dump's patterns read it: quoted, so taken literally."""
    return '"' + schema.replace('"', '""') + '"'


def _run(tool: str, url: str, *arguments: str) -> None:
    address, password = _address(url)
    _tool(tool, f"--dbname={address}", *arguments, password=password)


def _tool(tool: str, *arguments: str, password: str | None = None) -> str:
    """Run a PostgreSQL client tool; BackupRefused with its own message when it fails."""
    path = shutil.which(tool)
    if path is None:
        raise BackupRefused(f"{tool} is not on PATH (Debian: apt-get install postgresql-client)")
    env = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
    if password:
        env["PGPASSWORD"] = password
    done = subprocess.run([path, *arguments], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupRefused(f"{tool} failed: {done.stderr.strip()}")
    return done.stdout


def _address(url: str) -> tuple[str, str | None]:
    """The URL without its password and ``?schema=`` (which libpq refuses), and the password."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0] + "@" if len(netloc) == 2 else ""
    address = urlunsplit((parts.scheme, user + netloc[-1], parts.path, "", ""))
    return address, unquote(parts.password) if parts.password else None
