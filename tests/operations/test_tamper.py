"""Tamper evidence (issue 5): the hash chain and its signed checkpoints, on both stores.

Each test edits the store the way an operator with database access would: direct SQL on the
membership events table (and, for the key-holding attacker, on the chain table), then verifies.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from eventsourcing.cryptography import AESCipher
from psycopg import sql
from typer.testing import CliRunner

from adapters.chain.checkpoints import (
    Checkpoint,
    CheckpointRefused,
    check_signature,
    make_checkpoint,
    signing_key,
)
from adapters.chain.links import event_digest, genesis, next_link
from adapters.chain.recorders import ChainedRecorder, chained
from adapters.chain.verification import Break, verify
from adapters.store import event_cipher, postgres_schema
from cli.main import cli
from memberflow.bootstrap import Memberflow, build
from memberflow.settings import Settings
from projections.access_log import accesses
from tests.support.world import World


class RawStore:
    """Direct SQL on one application's tables, as an operator would type it."""

    def __init__(self, settings: Settings, recorder: ChainedRecorder) -> None:
        self.settings = settings
        self.events = recorder.events_table_name
        self.chain = recorder.chain_table_name
        self.sqlite = settings.store_kind == "sqlite"
        self.nid = "rowid" if self.sqlite else "notification_id"

    @contextmanager
    def connect(self) -> Iterator[Any]:
        url = self.settings.resolved_database_url
        if self.sqlite:
            connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            try:
                connection.execute("BEGIN")
                yield connection
                connection.execute("COMMIT")
            finally:
                connection.close()
        else:
            with psycopg.connect(url.split("?")[0]) as postgres:
                postgres.execute(
                    sql.SQL("SET search_path TO {}").format(sql.Identifier(postgres_schema(url)))
                )
                yield postgres

    def run(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect() as connection:
            return self._run(connection, statement, params)

    def _run(self, connection: Any, statement: str, params: tuple[Any, ...]) -> list[Any]:
        if self.sqlite:
            statement = statement.replace("%s", "?")
        cursor = connection.execute(statement.format(events=self.events, nid=self.nid), params)
        return list(cursor.fetchall()) if cursor.description else []

    def row(self, n: int) -> tuple[Any, ...]:
        [found] = self.run(
            "SELECT originator_id, originator_version, topic, state FROM {events} WHERE {nid} = %s",
            n,
        )
        return tuple(found)

    def set_state(self, n: int, state: bytes) -> None:
        self.run("UPDATE {events} SET state = %s WHERE {nid} = %s", state, n)

    def plain(self, n: int) -> bytes:
        """The event's JSON, decrypted with the event key (docs/security.md)."""
        return event_cipher(self.settings.event_key.get_secret_value()).decrypt(
            bytes(self.row(n)[3])
        )

    def set_plain(self, n: int, plain: bytes) -> None:
        """What an attacker who holds the event key (not the chain key) does: edit the JSON and
        encrypt it again."""
        self.set_state(n, event_cipher(self.settings.event_key.get_secret_value()).encrypt(plain))

    def delete(self, n: int) -> None:
        self.run("DELETE FROM {events} WHERE {nid} = %s", n)

    def swap(self, a: int, b: int) -> None:
        """Exchange the contents of two positions (each row goes to the other's id)."""
        row_a, row_b = self.row(a), self.row(b)
        with self.connect() as connection:
            self._run(connection, "DELETE FROM {events} WHERE {nid} IN (%s, %s)", (a, b))
            for n, row in ((a, row_b), (b, row_a)):
                self._run(
                    connection,
                    "INSERT INTO {events} ({nid}, originator_id, originator_version, topic, state) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    (n, *row),
                )

    def forge(self, like: int) -> int:
        """Insert a plausible event (a copy of another with a new version) at a new position."""
        originator_id, version, topic, state = self.row(like)
        self.run(
            "INSERT INTO {events} (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s)",
            originator_id,
            version + 1000,
            topic,
            state,
        )
        [(n,)] = self.run("SELECT MAX({nid}) FROM {events}")
        return int(n)

    def rewrite_chain(self, key: bytes, app: str) -> None:
        """What an attacker who holds the chain key does after an edit: recompute every link."""
        rows = self.run(
            "SELECT {nid}, originator_id, originator_version, topic, state FROM {events} "
            "ORDER BY {nid}"
        )
        with self.connect() as connection:
            self._run(connection, f"DELETE FROM {self.chain}", ())
            link = genesis(key, app)
            for n, originator_id, version, topic, state in rows:
                digest = event_digest(originator_id, version, topic, bytes(state))
                link = next_link(key, link, n, digest)
                self._run(
                    connection, f"INSERT INTO {self.chain} VALUES (%s, %s, %s)", (n, digest, link)
                )

    def positions(self) -> list[int]:
        return [int(n) for (n,) in self.run("SELECT {nid} FROM {events} ORDER BY {nid}")]


def recorders(memberflow: Memberflow) -> list[ChainedRecorder]:
    apps = (memberflow.organizations, memberflow.membership, memberflow.approvals)
    return list(chained(app.recorder for app in apps))


def membership(memberflow: Memberflow) -> ChainedRecorder:
    [recorder] = chained([memberflow.membership.recorder])
    return recorder


def first_break(memberflow: Memberflow, checkpoint: Checkpoint | None = None) -> Break:
    report = verify(recorders(memberflow), checkpoint)
    assert not report.ok
    broken = [a for a in report.apps if not a.ok]
    assert [a.app for a in broken] == ["membership"]
    return broken[0].breaks[0]


@pytest.fixture
def raw(memberflow: Memberflow, settings: Settings, world: World) -> RawStore:
    """A store with two cases on their way, and direct SQL on its membership tables."""
    for _ in range(2):
        world.case_before(6)
    return RawStore(settings, membership(memberflow))


def middle(raw: RawStore) -> int:
    positions = raw.positions()
    return positions[len(positions) // 2]


def test_a_clean_store_verifies(memberflow: Memberflow, raw: RawStore) -> None:
    report = verify(recorders(memberflow))
    assert report.ok
    assert {a.app: a.head for a in report.apps}["membership"] == raw.positions()[-1]


def test_one_changed_byte_of_a_payload_is_found_at_its_position(
    memberflow: Memberflow, raw: RawStore
) -> None:
    n = middle(raw)
    state = bytearray(raw.row(n)[3])
    state[len(state) // 2] ^= 0x01
    raw.set_state(n, bytes(state))
    found = first_break(memberflow)
    assert (found.position, found.kind) == (n, "changed")


@pytest.mark.parametrize(
    ("before", "after"),
    [(b'"id":"secretary"', b'"id":"official"'), (b'"request_id":"test"', b'"request_id":"t3st"')],
)
def test_a_changed_metadata_field_is_found_at_its_position(
    memberflow: Memberflow, raw: RawStore, before: bytes, after: bytes
) -> None:
    n = next(p for p in reversed(raw.positions()) if before in raw.plain(p))
    raw.set_plain(n, raw.plain(n).replace(before, after))
    found = first_break(memberflow)
    assert (found.position, found.kind) == (n, "changed")


@pytest.mark.stores("sqlite")  # PostgreSQL's bytea holds bytes only
def test_a_payload_stored_as_text_is_a_change(memberflow: Memberflow, raw: RawStore) -> None:
    """SQLite keeps whatever type is written: the sqlite3 shell's replace() turns a BLOB into TEXT."""
    n = middle(raw)
    raw.run("UPDATE {events} SET state = CAST(state AS TEXT) WHERE {nid} = %s", n)
    found = first_break(memberflow)
    assert (found.position, found.kind) == (n, "changed")


def test_a_deleted_event_is_found_at_its_position(memberflow: Memberflow, raw: RawStore) -> None:
    n = middle(raw)
    raw.delete(n)
    found = first_break(memberflow)
    assert (found.position, found.kind) == (n, "deleted")


def test_a_forged_event_is_found_at_its_new_position(memberflow: Memberflow, raw: RawStore) -> None:
    n = raw.forge(like=middle(raw))
    assert n == raw.positions()[-1]
    found = first_break(memberflow)
    assert (found.position, found.kind) == (n, "inserted")


def test_two_swapped_events_are_found_at_the_lower_position(
    memberflow: Memberflow, raw: RawStore
) -> None:
    positions = raw.positions()
    a, b = positions[3], positions[-3]
    raw.swap(a, b)
    assert raw.positions() == positions
    found = first_break(memberflow)
    assert (found.position, found.kind) == (a, "reordered")
    assert str(b) in found.detail


def test_an_earlier_checkpoint_proves_a_change_even_when_the_chain_was_recomputed_with_the_key(
    memberflow: Memberflow, raw: RawStore, settings: Settings, world: World
) -> None:
    signed = make_checkpoint(verify(recorders(memberflow)), signing_key(settings))
    checkpoint = Checkpoint.from_json(signed.to_json())
    check_signature(checkpoint, signing_key(settings).public_key())
    head = checkpoint.positions["membership"].notification_id
    world.case_before(3)  # history goes on after the checkpoint

    n = middle(raw)
    assert n < head
    assert b'"id":"secretary"' in raw.plain(n)
    raw.set_plain(n, raw.plain(n).replace(b'"id":"secretary"', b'"id":"official"'))
    raw.rewrite_chain(settings.chain_key.get_secret_value().encode(), "membership")

    assert verify(recorders(memberflow)).ok  # the key holder's chain is consistent
    report = verify(recorders(memberflow), checkpoint)
    found = first_break(memberflow, checkpoint)
    assert (found.position, found.kind, found.against) == (head, "changed", "checkpoint")
    assert [a.app for a in report.apps if a.ok] == ["organizations", "approvals"]


def test_a_checkpoint_proves_that_the_newest_events_were_cut_off(
    memberflow: Memberflow, raw: RawStore, settings: Settings
) -> None:
    checkpoint = make_checkpoint(verify(recorders(memberflow)), signing_key(settings))
    head = checkpoint.positions["membership"].notification_id
    raw.delete(head)
    raw.run(f"DELETE FROM {raw.chain} WHERE notification_id = %s", head)

    assert verify(recorders(memberflow)).ok  # the tail alone cannot tell (docs)
    found = first_break(memberflow, checkpoint)
    assert (found.position, found.kind, found.against) == (head, "deleted", "checkpoint")


def test_a_forged_checkpoint_is_refused(memberflow: Memberflow, settings: Settings) -> None:
    key = signing_key(settings)
    signed = make_checkpoint(verify(recorders(memberflow)), key)
    data = json.loads(signed.to_json())
    data["positions"]["membership"]["notification_id"] -= 1
    with pytest.raises(CheckpointRefused, match="signature"):
        check_signature(Checkpoint.from_json(json.dumps(data)), key.public_key())

    other = make_checkpoint(verify(recorders(memberflow)), Ed25519PrivateKey.generate())
    with pytest.raises(CheckpointRefused, match="another public key"):
        check_signature(other, key.public_key())
    with pytest.raises(CheckpointRefused, match="not a checkpoint"):
        Checkpoint.from_json("{}")


def test_a_checkpoint_of_another_store_is_refused(
    memberflow: Memberflow, settings: Settings
) -> None:
    signed = make_checkpoint(verify(recorders(memberflow)), signing_key(settings))
    with pytest.raises(CheckpointRefused, match="unknown logs"):
        verify(recorders(memberflow)[:1], signed)


def test_a_broken_chain_is_not_signed(memberflow: Memberflow, raw: RawStore) -> None:
    raw.delete(middle(raw))
    with pytest.raises(CheckpointRefused, match="broken"):
        make_checkpoint(verify(recorders(memberflow)), Ed25519PrivateKey.generate())


def test_the_audit_commands_exit_0_on_an_intact_store_and_1_on_a_tampered_one(
    raw: RawStore, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    file = tmp_path / "checkpoint.json"

    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
    signed = runner.invoke(cli, ["audit", "checkpoint", "--out", str(file)])
    assert signed.exit_code == 0, signed.output
    assert runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)]).exit_code == 0
    audited = build(settings)  # reading history is itself recorded
    try:
        actions = [access.action for access in accesses(audited.audit)]
    finally:
        audited.close()
    assert actions == ["verify", "checkpoint", "verify"]

    n = middle(raw)
    raw.delete(n)
    result = runner.invoke(cli, ["audit", "verify", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["apps"]["membership"]["breaks"][0] == {
        "position": n,
        "kind": "deleted",
        "detail": "the chain links an event that is no longer stored",
        "against": "chain",
    }
    assert runner.invoke(cli, ["audit", "checkpoint"]).exit_code == 1

    forged = json.loads(file.read_text())
    forged["created_at"] = "2020-01-01T00:00:00+00:00"
    file.write_text(json.dumps(forged))
    refused = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)])
    assert refused.exit_code == 1
    assert "checkpoint refused" in refused.output


def test_production_refuses_the_development_chain_keys() -> None:
    signing = base64.b64encode(
        Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    ).decode()
    with pytest.raises(ValueError, match="MEMBERFLOW_CHAIN_KEY"):
        Settings(
            environment="production",
            secret_key="0123456789abcdef" * 2,
            checkpoint_signing_key=signing,
        )
    with pytest.raises(ValueError, match="MEMBERFLOW_CHECKPOINT_SIGNING_KEY"):
        Settings(environment="production", secret_key="0123456789abcdef" * 2, chain_key="k" * 32)
    with pytest.raises(ValueError, match="32-byte"):
        Settings(checkpoint_signing_key="bm90IGEga2V5")
    assert Settings(
        environment="production",
        secret_key="0123456789abcdef" * 2,
        chain_key="k" * 32,
        checkpoint_signing_key=signing,
        event_key=AESCipher.create_key(32),  # docs/security.md
        identity_key="i" * 32,
    ).environment == ("production")
