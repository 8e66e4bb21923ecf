"""Personal data (issue 10, docs/security.md): events encrypted at rest, the hash chain verified
without the event key, keyed person and member ids, key rotation by copy, and refusals and logs
that carry ids, never names, birth dates or ID numbers."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_DNS, NAMESPACE_OID, NAMESPACE_URL, UUID, uuid5

import psycopg
import pytest
import structlog
from eventsourcing.cryptography import AESCipher
from psycopg import sql
from pydantic import SecretStr
from typer.testing import CliRunner

from adapters.chain.recorders import chained
from adapters.chain.verification import verify
from adapters.store import WrongEventKey, postgres_schema
from cli.main import cli
from domain.admission.values import Applicant
from domain.commands import ChangeStanding, Entry
from domain.errors import Conflict, RulesBroken
from domain.identity import Identities
from domain.standing import StandingChange as C
from memberflow.bootstrap import Memberflow, build
from memberflow.settings import Settings
from projections.access_log import accesses
from tests.support.clock import FixedClock
from tests.support.identity import id_number
from tests.support.stores import POSTGRES_URL
from tests.support.world import World

BORN = date(1998, 5, 1)
APPLICANT, MEMBER = "明文申请人", "明文党员"
APPLICANT_NUMBER, MEMBER_NUMBER = id_number(BORN, 931), id_number(date(1980, 2, 3), 932)
SECRETS = (APPLICANT, MEMBER, APPLICANT_NUMBER, MEMBER_NUMBER)


@contextmanager
def raw_connection(settings: Settings, url: str | None = None) -> Iterator[Any]:
    """The store's database (or the one at ``url``) through its own client, as an operator
    would open it."""
    url = url or settings.resolved_database_url
    if not url.startswith("postgres"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            yield connection
        return
    with psycopg.connect(url.split("?")[0]) as connection:
        connection.execute(
            sql.SQL("SET search_path TO {}").format(sql.Identifier(postgres_schema(url)))
        )
        yield connection


def raw_tables(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store: events, chains and read models (on SQLite, in a
    file of their own)."""
    urls = dict.fromkeys((settings.resolved_database_url, settings.resolved_read_models_url))
    return {name: rows for url in urls for name, rows in _raw_tables(settings, url).items()}


def _raw_tables(settings: Settings, url: str) -> dict[str, list[tuple[Any, ...]]]:
    with raw_connection(settings, url) as connection:
        if not url.startswith("postgres"):
            listed = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            listed = "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            listed += f"'{postgres_schema(url)}'"
        names = [name for (name,) in connection.execute(listed).fetchall()]
        return {
            name: list(connection.execute(f"SELECT * FROM {name}").fetchall()) for name in names
        }


def raw_states(settings: Settings) -> dict[str, list[bytes]]:
    """The ``state`` column of every ``*_events`` table, selected directly."""
    with raw_connection(settings) as connection:
        return {
            table: [bytes(state) for (state,) in connection.execute(f"SELECT state FROM {table}")]
            for table in raw_tables(settings)
            if table.endswith("_events")
        }


def holds(value: Any, secret: str) -> bool:
    if isinstance(value, bytes | bytearray | memoryview):
        return secret.encode() in bytes(value)
    return secret in str(value)


@pytest.fixture
def written(world: World, memberflow: Memberflow) -> UUID:
    """A case admitted to the registry (step 18) and a member imported with an ID number."""
    case_id = world.case_before(19, name=APPLICANT, birth_date=BORN, id_number=APPLICANT_NUMBER)
    world.member("plain", MEMBER, date(1980, 2, 3), id_number=MEMBER_NUMBER)
    memberflow.read_models.catch_up()
    return case_id


def test_raw_rows_hold_no_name_and_no_id_number(
    written: UUID, world: World, settings: Settings
) -> None:
    states = raw_states(settings)
    assert {"organizations_events", "membership_events", "approvals_events"} <= set(states)
    assert len(states["membership_events"]) > 20
    for table, rows in states.items():
        for state in rows:
            for secret in SECRETS:
                assert secret.encode() not in state, (table, secret)
            assert b'"name"' not in state, table
            assert b"birth_date" not in state, table
    # Read models keep names where dashboards need them, never an ID number.
    tables = raw_tables(settings)
    assert {"rm_pipeline_cases", "rm_tracking"} <= set(tables)
    for table, table_rows in tables.items():
        for row in table_rows:
            for number in (APPLICANT_NUMBER, MEMBER_NUMBER):
                assert not any(holds(value, number) for value in row), (table, number)
    # … and the service reads it all back.
    assert world.case(written).applicant.id_number == APPLICANT_NUMBER
    member = world.memberflow.membership.member(world.member_id_of(written))
    assert (member.name, member.id_number) == (APPLICANT, APPLICANT_NUMBER)


@pytest.fixture
def second_schema() -> Iterator[str]:
    """Another PostgreSQL schema of the test's own, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    yield f"{POSTGRES_URL}?schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


def other_key(settings: Settings) -> Settings:
    return settings.model_copy(update={"event_key": SecretStr(AESCipher.create_key(32))})


def test_the_chain_verifies_without_the_event_key(
    written: UUID, memberflow: Memberflow, settings: Settings, clock: FixedClock
) -> None:
    logs = (memberflow.organizations, memberflow.membership, memberflow.approvals)
    assert verify(chained(app.recorder for app in logs)).ok

    with pytest.raises(WrongEventKey, match="MEMBERFLOW_EVENT_KEY"):
        build(other_key(settings), clock)  # it would write events nobody else could read
    keyless = build(other_key(settings), clock, keyless=True)
    try:
        assert not keyless.opens_events
        apps = (keyless.organizations, keyless.membership, keyless.approvals, keyless.audit)
        report = verify(chained(app.recorder for app in apps))
        assert report.ok
        assert {a.app: a.events for a in report.apps}["membership"] > 20
    finally:
        keyless.close()


def test_audit_verify_runs_with_another_event_key_and_records_nothing(
    written: UUID,
    memberflow: Memberflow,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MEMBERFLOW_EVENT_KEY", AESCipher.create_key(16))

    result = CliRunner().invoke(cli, ["audit", "verify", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True
    assert "not recorded" in result.stderr
    assert [a.action for a in accesses(memberflow.audit)] == []  # every entry still decrypts


# Keyed ids.

WHO = Applicant(name="张三", birth_date=BORN, id_number=APPLICANT_NUMBER)
# How ids were derived before issue 10: uuid5 of the number under a published namespace.
OLD_NAMESPACES = (
    UUID("0b7f3f5a-3c1e-4f0e-b1f4-5a9e3d2c7b21"),  # persons
    UUID("6f1d3c1e-8f0b-4a77-9a51-2d3c0b1e7a10"),  # members
    NAMESPACE_DNS,
    NAMESPACE_OID,
    NAMESPACE_URL,
)


def test_person_and_member_ids_are_keyed() -> None:
    key, other = Identities(b"k" * 32), Identities(b"K" * 32)
    renamed = WHO.model_copy(update={"name": "张 三"})

    assert key.person_id(WHO) == key.person_id(renamed)  # the same number: the same person
    assert key.member_id(WHO) == key.member_id(renamed)
    assert key.person_id(WHO) != other.person_id(WHO)  # another key: another id
    assert key.member_id(WHO) != other.member_id(WHO)
    assert key.person_id(WHO) != key.member_id(WHO)
    guessed = {
        uuid5(namespace, text)
        for namespace in OLD_NAMESPACES
        for text in (APPLICANT_NUMBER, f"id|{APPLICANT_NUMBER}", f"张三|{BORN.isoformat()}")
    }
    assert not {key.person_id(WHO), key.member_id(WHO)} & guessed
    assert key.person_id(WHO).version == 8
    assert "k" * 32 not in repr(key)


def test_the_store_keys_ids_with_the_configured_identity_key(
    written: UUID, world: World, settings: Settings
) -> None:
    configured = Identities(settings.identity_key.get_secret_value().encode())
    case = world.case(written)
    assert case.person_id == configured.person_id(case.applicant)
    assert (
        world.memberflow.membership.member(configured.member_id(case.applicant)).name == APPLICANT
    )


# Key rotation: a copy of the store under a new key.


def test_rekey_copies_the_store_under_a_new_key(
    written: UUID,
    memberflow: Memberflow,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    clock: FixedClock,
) -> None:
    new_url = (
        f"sqlite:///{tmp_path / 'rekeyed.db'}"
        if settings.store_kind == "sqlite"
        else request.getfixturevalue("second_schema")
    )
    new_key = AESCipher.create_key(32)
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", new_url)
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MEMBERFLOW_EVENT_KEY", new_key)
    monkeypatch.setenv("MEMBERFLOW_OLD_EVENT_KEY", settings.event_key.get_secret_value())
    runner = CliRunner()

    result = runner.invoke(cli, ["store", "rekey", "--from", settings.resolved_database_url])

    assert result.exit_code == 0, result.output
    rekeyed = settings.model_copy(update={"database_url": new_url, "event_key": SecretStr(new_key)})
    copy = build(rekeyed, clock)
    try:
        case, original = copy.membership.case(written), memberflow.membership.case(written)
        assert (case.version, case.applicant) == (original.version, original.applicant)
        logs = (copy.organizations, copy.membership, copy.approvals, copy.audit)
        assert verify(chained(app.recorder for app in logs)).ok
    finally:
        copy.close()
    for rows in raw_states(rekeyed).values():
        assert not any(APPLICANT_NUMBER.encode() in state for state in rows)
    with pytest.raises(WrongEventKey):
        build(settings.model_copy(update={"database_url": new_url}), clock)  # not the old key

    again = runner.invoke(cli, ["store", "rekey", "--from", settings.resolved_database_url])
    assert again.exit_code == 1
    assert "not empty" in again.stderr


# Refusals and logs carry ids.


def texts(error: RulesBroken) -> str:
    return " ".join(f"{v.detail_zh} {v.detail_en}" for v in error.violations)


def test_refusals_and_their_logs_carry_ids_not_names_or_birth_dates(
    written: UUID, world: World
) -> None:
    member_id = world.member_id_of(written)
    with structlog.testing.capture_logs() as logs:
        with pytest.raises(RulesBroken) as member_already:  # A-X: already a member
            world.submit(name=APPLICANT, birth_date=BORN, id_number=APPLICANT_NUMBER)
        open_number = id_number(BORN, 933)
        world.submit(name="在办者", birth_date=BORN, id_number=open_number)
        with pytest.raises(RulesBroken) as open_case:  # A-X: an open case
            world.submit(name="在办者", birth_date=BORN, id_number=open_number)
        with pytest.raises(Conflict) as registered:  # 409: registered again
            world.member("again", MEMBER, date(1980, 2, 3), id_number=MEMBER_NUMBER)
        world.clock.set_day(date(2025, 8, 1))
        convert = ChangeStanding(member_id, C.PROBATION_ENDED, "决定", Entry(date(2025, 7, 20)))
        with pytest.raises(RulesBroken) as standing:  # O-3: the case converts
            world.run(convert, "admin")

    assert str(member_id) in texts(member_already.value)
    assert "已是党员" in texts(member_already.value)
    assert "open case" in texts(open_case.value)
    assert str(world.ids["plain"]) in str(registered.value)
    assert str(member_id) in texts(standing.value)
    said = " ".join(
        [
            texts(member_already.value),
            texts(open_case.value),
            str(registered.value),
            texts(standing.value),
            json.dumps(logs, default=str, ensure_ascii=False),
        ]
    )
    assert len(logs) >= 4
    for secret in (*SECRETS, "在办者", open_number, BORN.isoformat(), "1980-02-03"):
        assert secret not in said, secret


def test_production_refuses_the_development_event_and_identity_keys() -> None:
    production = {
        "environment": "production",
        "secret_key": "0123456789abcdef" * 2,
        "chain_key": "k" * 32,
        "checkpoint_signing_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "event_key": AESCipher.create_key(24),
        "identity_key": "i" * 32,
    }
    assert (
        Settings.model_validate(production).event_key.get_secret_value() == production["event_key"]
    )
    for field, value, refused in (
        ("event_key", None, "MEMBERFLOW_EVENT_KEY"),
        ("identity_key", None, "MEMBERFLOW_IDENTITY_KEY"),
        ("identity_key", "short", "at least 32 bytes"),
    ):
        given = {k: v for k, v in production.items() if k != field or value is not None}
        if value is not None:
            given[field] = value
        with pytest.raises(ValueError, match=refused) as error:
            Settings.model_validate(given)
        assert production["event_key"] not in str(error.value)
    for wrong in ("bm90IGEga2V5", "not base64!", AESCipher.create_key(16)[:-4]):
        with pytest.raises(ValueError, match="16, 24 or 32-byte") as error:
            Settings(event_key=wrong)
        assert wrong not in str(error.value)
