"""Settings, the store's configuration, logging and the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import structlog
from pydantic import ValidationError
from typer.testing import CliRunner

from adapters.store import persistence_env
from cli.main import cli
from domain.commands import Entry, TakeStep
from domain.context import Role
from domain.errors import RulesBroken
from domain.workflow import StepDetails
from memberflow import logging as memberflow_logging
from memberflow.settings import Settings
from services.tokens import actor_from
from tests.support.world import World


def production_settings() -> Settings:
    """Every secret set, as production requires (the chain keys: docs/tamper-evidence.md; the
    event and identity keys: docs/security.md)."""
    return Settings(
        environment="production",
        secret_key="0123456789abcdef" * 2,
        chain_key="c" * 32,
        checkpoint_signing_key="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        event_key="ZXZlbnQta2V5LWZvci10ZXN0cy0zMi1ieXRlcy0hISE=",  # docs/security.md
        identity_key="i" * 32,
    )


def test_the_embedded_store_is_the_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    env = persistence_env(settings)
    assert settings.store_kind == "sqlite"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "memberflow.db")


def test_a_postgres_url_becomes_the_pool_and_schema_settings() -> None:
    settings = Settings(
        database_url="postgresql://app:s%40cret@db.local:6543/party?schema=city", db_pool_size=7
    )
    env = persistence_env(settings)
    assert env["PERSISTENCE_MODULE"] == "adapters.store:PostgresStoreFactory"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == (
        "db.local",
        "6543",
        "party",
    )
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("app", "s@cret")
    assert env["POSTGRES_SCHEMA"] == "city"
    assert env["POSTGRES_POOL_SIZE"] == "7"
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in env


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="MEMBERFLOW_SECRET_KEY"):
        Settings(environment="production")
    assert production_settings().resolved_log_format == "json"


def test_settings_come_from_memberflow_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMBERFLOW_POLICY_LATE_ENTRY_DAYS", "45")
    monkeypatch.setenv("MEMBERFLOW_POLICY_ACTIVIST_MIN_MONTHS", "6")
    policy = Settings().policy
    assert (policy.late_entry_days, policy.activist_min_months) == (45, 6)


def test_every_command_is_logged_with_case_step_actor_and_outcome(world: World) -> None:
    case_id = world.submit()
    with structlog.testing.capture_logs() as logs:
        world.step(case_id, "applicant_interviewed")
        with pytest.raises(RulesBroken):
            world.step(case_id, "applicant_interviewed")

    recorded, refused = (e for e in logs if e["event"].startswith("command."))
    assert recorded["outcome"] == "recorded"
    assert (recorded["case_id"], recorded["step"], recorded["actor"]) == (
        str(case_id),
        "applicant_interviewed",
        "secretary",
    )
    assert refused["outcome"] == "refused"
    assert refused["rule"] == "MF-STEP-REPEATED"


def test_production_logs_are_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    memberflow_logging.configure(production_settings())
    try:
        structlog.get_logger("test").info("command.recorded", case_id="c1", rule=None)
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    finally:
        structlog.reset_defaults()
    assert line["event"] == "command.recorded"
    assert line["case_id"] == "c1"
    assert line["level"] == "info"
    assert "timestamp" in line


def test_memberflow_token_prints_a_token_the_api_accepts() -> None:
    org = "7f70f7d8-d61e-42bb-94f7-b52cce7f0bd6"
    result = CliRunner().invoke(
        cli, ["token", "--sub", "zhang", "--role", "committee_official", "--org", org]
    )
    assert result.exit_code == 0, result.output
    actor = actor_from(Settings(), result.output.strip())
    assert (actor.id, actor.role, str(actor.organization_id)) == (
        "zhang",
        Role.COMMITTEE_OFFICIAL,
        org,
    )


def test_only_an_admin_token_may_carry_no_organization() -> None:
    refused = CliRunner().invoke(cli, ["token", "--sub", "li", "--role", "branch_secretary"])
    assert refused.exit_code != 0
    assert "organization" in refused.output
    admitted = CliRunner().invoke(cli, ["token", "--sub", "root", "--role", "admin"])
    assert admitted.exit_code == 0


def test_demo_data_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path))
    first = CliRunner().invoke(cli, ["demo-data", "--members", "30", "--cases", "12"])
    again = CliRunner().invoke(cli, ["demo-data"])
    assert first.exit_code == 0, first.output
    assert "12 admission cases" in first.output
    assert "skipped" in again.output
    assert (tmp_path / "memberflow.db").exists()


def test_a_step_can_be_written_without_any_http(world: World) -> None:
    """The command bus is usable on its own: the API is only one of its entrypoints."""
    case_id = world.submit()
    world.clock.set_day(date(2023, 3, 10))
    outcome = world.run(
        TakeStep(case_id, "applicant_interviewed", StepDetails(), Entry(date(2023, 3, 10))),
        "secretary",
    )
    assert (outcome.log, outcome.version) == ("membership", 2)
