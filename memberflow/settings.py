"""All configuration in one typed place. Every field is read from ``MEMBERFLOW_<NAME>``."""

from __future__ import annotations

import base64
import binascii
from functools import cached_property
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.policy import Policy

DEVELOPMENT_SECRET = "memberflow-development-secret-change-me"
DEVELOPMENT_CHAIN_KEY = "memberflow-development-chain-key-change-me"
# base64 of the 32-byte raw Ed25519 private key sha256("memberflow-development-checkpoint-key")
DEVELOPMENT_CHECKPOINT_SIGNING_KEY = "twSQbw4uZZJCLIDE3PZ2mosHpXSPjeAuGNpJVgF43vI="


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEMBERFLOW_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None,
        description="sqlite:///path/file.db or postgresql://user@host:port/db[?schema=name]; "
        "default: a SQLite file in data_dir",
    )
    db_pool_size: int = Field(default=5, ge=1)
    db_pool_max_overflow: int = Field(default=10, ge=0)
    db_lock_timeout_seconds: int = Field(default=10, ge=1)

    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    token_hours: int = Field(default=12, ge=1)

    chain_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_CHAIN_KEY),
        description="HMAC-SHA256 key of the events' hash chain; the database never holds it",
    )
    checkpoint_signing_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_CHECKPOINT_SIGNING_KEY),
        description="Ed25519 private key signing chain checkpoints: base64 of the 32 raw bytes",
    )

    log_format: Literal["console", "json"] | None = Field(
        default=None, description="default: console in development, json in production"
    )
    log_level: str = "INFO"

    policy_late_entry_days: int = Field(default=30, ge=0)
    policy_activist_min_months: int | None = Field(default=None, ge=0)
    policy_political_review_valid_months: int = Field(default=12, ge=1)
    policy_conversion_meeting_grace_months: int = Field(default=3, ge=0)
    policy_election_request_lead_months: int = Field(default=1, ge=0)
    policy_election_overdue_grace_days: int = Field(default=0, ge=0)
    policy_primary_committee_term_years: int = Field(default=5, ge=1)
    policy_general_branch_term_years: int = Field(default=3, ge=1)
    policy_branch_term_years: int = Field(default=3, ge=1)
    policy_inbox_due_days: int = Field(default=30, ge=1)
    policy_inbox_due_days_by_step: dict[str, int] = Field(
        default_factory=dict, description='JSON, e.g. {"admission_approved": 60}'
    )
    policy_batch_window_days: int = Field(default=30, ge=1)
    policy_batch_max_admissions: int = Field(default=5, ge=1)
    policy_transfer_window_months: int = Field(default=6, ge=0)

    projections_in_process: bool = Field(
        default=True,
        description="follow the logs inside the service (on PostgreSQL a lock elects one)",
    )
    projections_poll_seconds: float = Field(default=0.2, gt=0)
    projections_batch_size: int = Field(
        default=200, ge=1, description="events applied per transaction (one commit per batch)"
    )
    read_wait_seconds: float = Field(
        default=3.0,
        ge=0,
        description="how long a read waits for its read model to reach a position",
    )

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Self:
        if (
            self.environment == "production"
            and self.secret_key.get_secret_value() == DEVELOPMENT_SECRET
        ):
            raise ValueError(
                "set MEMBERFLOW_SECRET_KEY: the development secret is refused in production"
            )
        return self

    @model_validator(mode="after")
    def _check_chain_keys(self) -> Self:
        try:
            raw = base64.b64decode(self.checkpoint_signing_key.get_secret_value(), validate=True)
        except binascii.Error:
            raw = b""
        if len(raw) != 32:
            raise ValueError(
                "MEMBERFLOW_CHECKPOINT_SIGNING_KEY must be base64 of a 32-byte Ed25519 private key"
            )
        if self.environment == "production":
            if self.chain_key.get_secret_value() == DEVELOPMENT_CHAIN_KEY:
                raise ValueError(
                    "set MEMBERFLOW_CHAIN_KEY: the development chain key is refused in production"
                )
            if self.checkpoint_signing_key.get_secret_value() == DEVELOPMENT_CHECKPOINT_SIGNING_KEY:
                raise ValueError(
                    "set MEMBERFLOW_CHECKPOINT_SIGNING_KEY: the development signing key is "
                    "refused in production"
                )
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'memberflow.db'}"

    @property
    def store_kind(self) -> Literal["sqlite", "postgresql", "memory"]:
        url = self.resolved_database_url
        if url.startswith("postgres"):
            return "postgresql"
        return "memory" if url.startswith("memory://") else "sqlite"

    @property
    def resolved_log_format(self) -> Literal["console", "json"]:
        return self.log_format or ("json" if self.environment == "production" else "console")

    @cached_property
    def policy(self) -> Policy:
        return Policy(
            late_entry_days=self.policy_late_entry_days,
            activist_min_months=self.policy_activist_min_months,
            political_review_valid_months=self.policy_political_review_valid_months,
            conversion_meeting_grace_months=self.policy_conversion_meeting_grace_months,
            election_request_lead_months=self.policy_election_request_lead_months,
            election_overdue_grace_days=self.policy_election_overdue_grace_days,
            primary_committee_term_years=self.policy_primary_committee_term_years,
            general_branch_term_years=self.policy_general_branch_term_years,
            branch_term_years=self.policy_branch_term_years,
            inbox_due_days=self.policy_inbox_due_days,
            inbox_due_days_by_step=tuple(sorted(self.policy_inbox_due_days_by_step.items())),
            batch_window_days=self.policy_batch_window_days,
            batch_max_admissions=self.policy_batch_max_admissions,
            transfer_window_months=self.policy_transfer_window_months,
        )
