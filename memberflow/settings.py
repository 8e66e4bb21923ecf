"""All configuration in one typed place. Every field is read from ``MEMBERFLOW_<NAME>``."""

from __future__ import annotations

import base64
import binascii
from functools import cached_property
from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.policy import Policy
from memberflow.secrets import DEVELOPMENT_SECRET, secret_weakness

DEVELOPMENT_CHAIN_KEY = "memberflow-development-chain-key-change-me"
# base64 of the 32-byte raw Ed25519 private key sha256("memberflow-development-checkpoint-key")
DEVELOPMENT_CHECKPOINT_SIGNING_KEY = "twSQbw4uZZJCLIDE3PZ2mosHpXSPjeAuGNpJVgF43vI="
# base64 of the 32-byte AES key sha256("memberflow-development-event-key") (docs/security.md)
DEVELOPMENT_EVENT_KEY = "hS5Wnj/NaamWLfc2q0iceA/mf9c6G/K9pYJIAPPo9ZI="
DEVELOPMENT_IDENTITY_KEY = "memberflow-development-identity-key-change-me"
EVENT_KEY_SIZES = (16, 24, 32)  # AES-128, AES-192, AES-256
MIN_IDENTITY_KEY_BYTES = 32
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


class Settings(BaseSettings):
    # hide_input_in_errors: a refused setting is named, never echoed (secrets, keys, passwords
    # in a database URL); pydantic would otherwise print every input in its error.
    model_config = SettingsConfigDict(
        env_prefix="MEMBERFLOW_", extra="ignore", hide_input_in_errors=True
    )

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
    db_pool_wait_seconds: int = Field(
        default=3,
        ge=1,
        le=60,
        description="PostgreSQL: how long a request waits for a pooled connection, per attempt "
        "(the library makes ten): while the database is away a request answers 503 after about "
        "ten times this",
    )
    read_models_url: str | None = Field(
        default=None,
        description="where the read models are kept (sqlite:///path/file.db or "
        "postgresql://…[?schema=name]); default: beside the events, in a SQLite file of their "
        "own (<events file>-read.db) or in the events' PostgreSQL database and schema",
    )
    read_replica_url: str | None = Field(
        default=None,
        description="a PostgreSQL streaming replica of the read models' database: the API "
        "serves read-model queries from it (schema: the read models' unless ?schema= says); "
        "default: none, they are served from where they are kept",
    )

    secret_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SECRET),
        description="HS256 key of memberflow's own tokens; outside development at least 32 "
        "random bytes, never the development secret",
    )
    token_hours: int = Field(
        default=12, ge=1, description="lifetime of the tokens `memberflow token` issues"
    )
    token_max_hours: int = Field(
        default=24, ge=1, le=168, description="the longest lifetime (exp - iat) of any token"
    )
    token_leeway_seconds: int = Field(
        default=30, ge=0, le=300, description="clock skew allowed on exp, iat and nbf"
    )
    oidc_jwks: str | None = Field(
        default=None,
        description="the OIDC provider's JSON Web Key Set: a file path or an https URL",
    )
    oidc_issuer: str | None = Field(default=None, description="the `iss` of the provider's tokens")
    oidc_audience: str | None = Field(default=None, description="the `aud` they must carry")
    oidc_role_claim: str = Field(default="role", min_length=1)
    oidc_org_claim: str = Field(default="org", min_length=1)
    oidc_member_claim: str = Field(default="member", min_length=1)
    # The console's sign-in with the provider (authorization code with PKCE): all three or none.
    oidc_authorization_endpoint: str | None = Field(
        default=None, description="where the console sends a browser to sign in at the provider"
    )
    oidc_token_endpoint: str | None = Field(
        default=None, description="where the console exchanges the code for an id_token"
    )
    oidc_client_id: str | None = Field(
        default=None, description="the console's client id at the provider"
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        description="the console's client secret (HTTP Basic at the token endpoint); none for a "
        "public client, which PKCE protects",
    )
    oidc_scopes: str = Field(
        default="openid", description="the scopes asked for, separated by spaces; openid among them"
    )
    oidc_redirect_uri: str | None = Field(
        default=None,
        description="the console's callback as registered at the provider; default: "
        "/console/sign-in/oidc/callback on the address the browser used",
    )

    chain_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_CHAIN_KEY),
        description="HMAC-SHA256 key of the events' hash chain; the database never holds it",
    )
    checkpoint_signing_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_CHECKPOINT_SIGNING_KEY),
        description="Ed25519 private key signing chain checkpoints: base64 of the 32 raw bytes",
    )
    event_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_EVENT_KEY),
        description="AES-GCM key encrypting every stored event: base64 of 16, 24 or 32 bytes "
        "(docs/security.md)",
    )
    identity_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_IDENTITY_KEY),
        description="HMAC-SHA256 key of person and member ids (docs/security.md)",
    )

    log_format: Literal["console", "json"] | None = Field(
        default=None, description="default: console in development, json in production"
    )
    log_level: str = "INFO"
    # The field bounds refuse a long name or list by its field (422); this limit only stops a body
    # too large to be parsed safely, well above any request the bounds let through.
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="larger request bodies are refused with 413"
    )

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
    idempotency_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 30,
        description="how long a write's Idempotency-Key is kept: a retry within it is answered "
        "from the first write, never recorded twice",
    )
    read_wait_seconds: float = Field(
        default=3.0,
        ge=0,
        description="how long a read waits for its read model to reach a position",
    )
    projections_retry_initial_seconds: float = Field(
        default=0.5,
        gt=0,
        description="a read model that cannot apply an event tries again after this long, "
        "doubling each attempt",
    )
    projections_retry_max_seconds: float = Field(
        default=60.0, gt=0, description="the longest wait between two attempts"
    )
    metrics_public: bool = Field(
        default=False,
        description="serve /metrics without a token (a scraper on an internal network)",
    )

    @model_validator(mode="after")
    def _check_token_settings(self) -> Self:
        """Refusals name the setting and the rule, never any part of a value."""
        if self.environment != "development":
            refused = secret_weakness(self.secret_key.get_secret_value())
            if refused:
                raise ValueError(f"MEMBERFLOW_SECRET_KEY is refused in production: {refused}")
        if self.token_hours > self.token_max_hours:
            raise ValueError("MEMBERFLOW_TOKEN_HOURS must not exceed MEMBERFLOW_TOKEN_MAX_HOURS")
        if self.oidc_jwks is None:
            if self.oidc_issuer or self.oidc_audience:
                raise ValueError(
                    "MEMBERFLOW_OIDC_ISSUER and MEMBERFLOW_OIDC_AUDIENCE need MEMBERFLOW_OIDC_JWKS"
                )
            return self
        if not (self.oidc_issuer and self.oidc_audience):
            raise ValueError(
                "MEMBERFLOW_OIDC_JWKS needs MEMBERFLOW_OIDC_ISSUER and MEMBERFLOW_OIDC_AUDIENCE"
            )
        scheme = urlsplit(self.oidc_jwks).scheme.lower()
        if scheme == "http" and self.environment == "development":
            return self  # a provider on the developer's own machine
        if scheme not in ("https", "") or (scheme == "" and not Path(self.oidc_jwks).is_file()):
            raise ValueError(
                "MEMBERFLOW_OIDC_JWKS must be an https URL or the path of a readable file"
            )
        return self

    @model_validator(mode="after")
    def _check_oidc_sign_in(self) -> Self:
        """The console's sign-in at the provider: its endpoints and client id come together, with
        the provider's keys that check the id_token; the browser and the console reach the
        endpoints over https (http only on the developer's own machine)."""
        endpoints = {
            "MEMBERFLOW_OIDC_AUTHORIZATION_ENDPOINT": self.oidc_authorization_endpoint,
            "MEMBERFLOW_OIDC_TOKEN_ENDPOINT": self.oidc_token_endpoint,
        }
        required = {**endpoints, "MEMBERFLOW_OIDC_CLIENT_ID": self.oidc_client_id}
        missing = [name for name, value in required.items() if not value]
        if len(missing) == len(required):
            if self.oidc_client_secret or self.oidc_redirect_uri:
                raise ValueError(
                    "MEMBERFLOW_OIDC_CLIENT_SECRET and MEMBERFLOW_OIDC_REDIRECT_URI need "
                    "MEMBERFLOW_OIDC_AUTHORIZATION_ENDPOINT, _TOKEN_ENDPOINT and _CLIENT_ID"
                )
            return self
        if missing:
            raise ValueError(f"the console's OIDC sign-in also needs {', '.join(missing)}")
        if not self.oidc_configured:
            raise ValueError(
                "the console's OIDC sign-in needs MEMBERFLOW_OIDC_JWKS, _ISSUER and _AUDIENCE "
                "to check the provider's id_token"
            )
        if "openid" not in self.oidc_scopes.split():
            raise ValueError("MEMBERFLOW_OIDC_SCOPES must include openid (for the id_token)")
        urls = {**endpoints, "MEMBERFLOW_OIDC_REDIRECT_URI": self.oidc_redirect_uri}
        for name, url in urls.items():
            if url is not None and not self._reachable(url):
                raise ValueError(
                    f"{name} must be an https URL (http only on localhost in development)"
                )
        return self

    def _reachable(self, url: str) -> bool:
        """An https URL, or in development an http one on this machine's loopback."""
        parts = urlsplit(url)
        if not parts.hostname:
            return False
        if parts.scheme == "https":
            return True
        loopback = parts.hostname in LOOPBACK_HOSTS
        return parts.scheme == "http" and loopback and self.environment == "development"

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

    @model_validator(mode="after")
    def _check_personal_data_keys(self) -> Self:
        """The event key is an AES key; neither development key is accepted in production.
        Refusals name the setting, never the value."""
        try:
            raw = base64.b64decode(self.event_key.get_secret_value(), validate=True)
        except binascii.Error:
            raw = b""
        if len(raw) not in EVENT_KEY_SIZES:
            raise ValueError(
                "MEMBERFLOW_EVENT_KEY must be base64 of a 16, 24 or 32-byte AES key "
                "(e.g. `openssl rand -base64 32`)"
            )
        if self.environment == "production":
            if self.event_key.get_secret_value() == DEVELOPMENT_EVENT_KEY:
                raise ValueError(
                    "set MEMBERFLOW_EVENT_KEY: the development event key is refused in production"
                )
            identity_key = self.identity_key.get_secret_value()
            if identity_key == DEVELOPMENT_IDENTITY_KEY:
                raise ValueError(
                    "set MEMBERFLOW_IDENTITY_KEY: the development identity key is refused in "
                    "production"
                )
            if len(identity_key.encode()) < MIN_IDENTITY_KEY_BYTES:
                raise ValueError(
                    f"MEMBERFLOW_IDENTITY_KEY must be at least {MIN_IDENTITY_KEY_BYTES} bytes in "
                    "production (e.g. `openssl rand -hex 32`)"
                )
        return self

    @property
    def oidc_configured(self) -> bool:
        return self.oidc_jwks is not None

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'memberflow.db'}"

    @property
    def store_kind(self) -> Literal["sqlite", "postgresql", "memory"]:
        return _kind(self.resolved_database_url)

    @property
    def resolved_read_models_url(self) -> str:
        """Where the read models live: their own SQLite file beside the events' (the follower
        then never takes the events' writer lock), or the events' PostgreSQL schema."""
        if self.read_models_url:
            return self.read_models_url
        url = self.resolved_database_url
        if self.store_kind != "sqlite":
            return url
        events = Path(url.removeprefix("sqlite:///"))
        return f"sqlite:///{events.with_name(f'{events.stem}-read{events.suffix}')}"

    @model_validator(mode="after")
    def _check_read_databases(self) -> Self:
        if self.read_models_url and _kind(self.read_models_url) == "memory":
            raise ValueError("MEMBERFLOW_READ_MODELS_URL must be a sqlite:/// or postgresql:// URL")
        if self.read_replica_url is None:
            return self
        if _kind(self.read_replica_url) != "postgresql":
            raise ValueError(
                "MEMBERFLOW_READ_REPLICA_URL must be a postgresql:// URL: a streaming replica of "
                "the read models' PostgreSQL database"
            )
        if _kind(self.resolved_read_models_url) != "postgresql":
            raise ValueError(
                "MEMBERFLOW_READ_REPLICA_URL needs the read models on PostgreSQL "
                "(MEMBERFLOW_DATABASE_URL or MEMBERFLOW_READ_MODELS_URL)"
            )
        return self

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


def _kind(url: str) -> Literal["sqlite", "postgresql", "memory"]:
    if url.startswith("postgres"):
        return "postgresql"
    return "memory" if url.startswith("memory://") else "sqlite"
