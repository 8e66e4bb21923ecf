"""The one place where events are stored: the eventsourcing persistence each application uses.

A database URL from the settings becomes eventsourcing's environment. Each application keeps its
events in a table named after it, on SQLite as on PostgreSQL, so that applications can share one
SQLite file and, on PostgreSQL, writers of one application never wait on another's table lock.
``memory://`` keeps them in the process instead, for the fast tier of the tests (``make test-fast``).

Every stored event is encrypted (AES-GCM, eventsourcing's cipher, with ``MEMBERFLOW_EVENT_KEY``):
the database holds no name, birth date or ID number in the clear. The hash chain covers the stored
(encrypted) bytes, so it verifies without the event key (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import (
    ApplicationRecorder,
    Cipher,
    InfrastructureFactory,
    MapperDeserialisationError,
)
from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from eventsourcing.utils import Environment, resolve_topic
from psycopg import sql

from adapters.chain.links import CHAIN_KEY_ENV
from adapters.chain.recorders import ChainedPostgresRecorder, ChainedSQLiteRecorder
from memberflow.settings import Settings

MEMORY_URL = "memory://"
#: eventsourcing's AES-GCM cipher on the ``cryptography`` package (memberflow already depends on
#: it); ``eventsourcing.cipher:AESCipher`` is the same cipher on pycryptodome, with the same format.
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
#: how long a new PostgreSQL connection, or one from the read models' pool, is waited for: while
#: the database is away a request answers 503 after this rather than hang (docs/OPERATIONS.md)
CONNECT_TIMEOUT_SECONDS = 5


class SQLiteStoreFactory(SQLiteFactory):
    """eventsourcing's SQLite factory, with one events table (and its hash chain,
    adapters/chain/) per application."""

    def application_recorder(self) -> ApplicationRecorder:
        return _created(self, ChainedSQLiteRecorder(self.datastore, **_chain(self)))


class PostgresStoreFactory(PostgresFactory):
    """eventsourcing's PostgreSQL factory (tables ``<app>_events`` in the schema), whose events
    are linked into the hash chain ``<app>_chain`` in the same transaction (adapters/chain/)."""

    def application_recorder(self) -> ApplicationRecorder:
        return _created(self, ChainedPostgresRecorder(self.datastore, **_chain(self)))


class _Chain(TypedDict):
    """What a chained recorder is told of its application."""

    events_table_name: str
    app_name: str
    chain_key: bytes


def _chain(factory: InfrastructureFactory[Any]) -> _Chain:
    """The application's events table ``<app>_events`` and the key of the chain beside it."""
    key = factory.env.get(CHAIN_KEY_ENV)
    if not key:
        raise ValueError(f"the store needs {CHAIN_KEY_ENV} in its environment (the chain key)")
    name = factory.env.name
    return _Chain(events_table_name=f"{name.lower()}_events", app_name=name, chain_key=key.encode())


def _created(
    factory: SQLiteStoreFactory | PostgresStoreFactory,
    recorder: ChainedSQLiteRecorder | ChainedPostgresRecorder,
) -> ApplicationRecorder:
    """The recorder, its tables created unless the environment says not to (CREATE_TABLE)."""
    if factory.env_create_table():
        recorder.create_table()
    return recorder


def persistence_env(settings: Settings) -> dict[str, str]:
    if settings.store_kind == "memory":
        # eventsourcing's in-memory (POPO) recorders: one per application object, gone with it,
        # and without the hash chain, which is a property of a real store (adapters/chain/).
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    url = settings.resolved_database_url
    env = (
        _sqlite_env(url, settings)
        if settings.store_kind == "sqlite"
        else _postgres_env(url, settings)
    )
    return {
        **env,
        CHAIN_KEY_ENV: settings.chain_key.get_secret_value(),
        **cipher_env(settings.event_key.get_secret_value()),
    }


def cipher_env(event_key: str) -> dict[str, str]:
    """The environment of eventsourcing's cipher with this key (base64 of 16, 24 or 32 bytes).
    No compression: compressing before encrypting would let an event's stored length depend on
    how much of its content repeats (docs/security.md)."""
    return {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": event_key}


class WrongEventKey(RuntimeError):
    """The configured event key does not decrypt the stored events. The message names the
    setting, never a key."""

    def __init__(self) -> None:
        super().__init__(
            "MEMBERFLOW_EVENT_KEY does not decrypt the stored events: set the key this store was "
            "written with (docs/security.md, key rotation)"
        )


def opens_events(applications: Iterable[Application[Any]]) -> bool:
    """Whether the configured event key decrypts the latest stored event of every application
    (an application without events: yes). A service started with another key would write events
    that the rest of the store's readers cannot decrypt."""
    for application in applications:
        recorder = application.recorder
        assert isinstance(recorder, ApplicationRecorder)
        last = recorder.max_notification_id()
        if not last:
            continue
        for notification in recorder.select_notifications(start=last, limit=1):
            try:
                application.mapper.to_domain_event(notification)
            except MapperDeserialisationError:
                return False
    return True


def event_cipher(event_key: str) -> Cipher:
    """The cipher of the stored events under this key, as the store makes it."""
    env = Environment(env=cipher_env(event_key))
    cipher: Cipher = resolve_topic(CIPHER_TOPIC)(env)
    return cipher


def _sqlite_env(url: str, settings: Settings) -> dict[str, str]:
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": f"{__name__}:SQLiteStoreFactory",
        "SQLITE_DBNAME": str(path),
        "SQLITE_LOCK_TIMEOUT": str(settings.db_lock_timeout_seconds),
    }


def _postgres_env(url: str, settings: Settings) -> dict[str, str]:
    # POSTGRES_ENABLE_DB_FUNCTIONS stays off: it drops the table lock that keeps notification
    # ids in commit order, and followers of the log would then skip events.
    parts = urlsplit(url)
    return {
        "PERSISTENCE_MODULE": f"{__name__}:PostgresStoreFactory",
        "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": postgres_schema(url),
        "POSTGRES_POOL_SIZE": str(settings.db_pool_size),
        "POSTGRES_MAX_OVERFLOW": str(settings.db_pool_max_overflow),
        "POSTGRES_LOCK_TIMEOUT": str(settings.db_lock_timeout_seconds),
        # How long a request waits for a pooled connection, per attempt: the library makes ten
        # (0.2 s apart), so while the database is away a request answers 503 after some 30 s by
        # default; much less would refuse connections a busy machine is slow to open.
        "POSTGRES_CONNECT_TIMEOUT": str(settings.db_pool_wait_seconds),
        # A pooled connection is checked before use: after a database restart the pool holds
        # dead connections, and each would otherwise fail one request before being replaced.
        "POSTGRES_PRE_PING": "y",
    }


def postgres_schema(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("schema", ["public"])[0]


@contextmanager
def prepared(settings: Settings) -> Iterator[None]:
    """Create what the store needs before the applications open it (the PostgreSQL schema), and
    hold the schema's lock while they create their tables in it (``schema_lock``)."""
    if settings.store_kind != "postgresql":
        # SQLite creates a table under the file's write lock, which a second process waits for
        # (the lock timeout); CREATE TABLE IF NOT EXISTS then finds it made.
        yield
        return
    url = settings.resolved_database_url
    schema = postgres_schema(url)
    with schema_lock(url, schema) as connection:
        create_schema(connection, schema)
        yield


@contextmanager
def schema_lock(url: str, schema: str) -> Iterator[psycopg.Connection[Any]]:
    """A session holding memberflow's advisory lock on ``schema`` until the block ends, so that
    processes starting at once create its tables one after another. PostgreSQL's ``CREATE …
    IF NOT EXISTS`` is not safe against a concurrent creation: the second one fails on the
    catalog ("duplicate key value violates unique constraint pg_type_typname_nsp_index",
    "tuple concurrently updated") instead of finding the table made (issue 13)."""
    with psycopg.connect(
        url.split("?")[0], autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
    ) as connection:
        key = f"memberflow-schema:{schema}"
        connection.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
        yield connection  # closing the session releases the lock, however the block ends


def create_schema(connection: psycopg.Connection[Any], schema: str) -> None:
    connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
