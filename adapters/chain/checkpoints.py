"""Checkpoints: the verified head of every application's chain, signed with Ed25519, so that
history before a kept checkpoint is proven even against someone who holds the chain key."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from memberflow.settings import Settings

if TYPE_CHECKING:
    from adapters.chain.verification import Report

_FORMAT_VERSION = 1


class CheckpointRefused(ValueError):
    """A checkpoint file that cannot be trusted (bad signature, another key, malformed)."""


@dataclass(frozen=True)
class Position:
    notification_id: int
    link: bytes


@dataclass(frozen=True)
class Checkpoint:
    created_at: str
    positions: dict[str, Position]
    public_key: str
    signature: str = ""

    def signed_part(self) -> dict[str, Any]:
        return {
            "version": _FORMAT_VERSION,
            "created_at": self.created_at,
            "positions": {
                app: {"notification_id": p.notification_id, "link": p.link.hex()}
                for app, p in sorted(self.positions.items())
            },
            "public_key": self.public_key,
        }

    def to_json(self) -> str:
        return json.dumps({**self.signed_part(), "signature": self.signature}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        try:
            return cls._from_data(json.loads(text))
        except CheckpointRefused:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CheckpointRefused(f"not a checkpoint file: {error}") from None

    @classmethod
    def _from_data(cls, data: Any) -> Checkpoint:
        positions = {
            app: Position(int(p["notification_id"]), bytes.fromhex(p["link"]))
            for app, p in data["positions"].items()
        }
        if data.get("version") != _FORMAT_VERSION:
            raise CheckpointRefused("unknown checkpoint version")
        return cls(
            str(data["created_at"]), positions, str(data["public_key"]), str(data["signature"])
        )


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    raw = base64.b64decode(settings.checkpoint_signing_key.get_secret_value())
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def make_checkpoint(
    report: Report, key: Ed25519PrivateKey, now: datetime | None = None
) -> Checkpoint:
    """Sign the heads of a clean report."""
    if not report.ok:
        raise CheckpointRefused("the chain is broken: a checkpoint would sign tampered history")
    unsigned = Checkpoint(
        created_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        positions={a.app: Position(a.head, a.head_link) for a in report.apps},
        public_key=public_key_text(key.public_key()),
    )
    signature = base64.b64encode(key.sign(_canonical(unsigned.signed_part()))).decode()
    return replace(unsigned, signature=signature)


def check_signature(checkpoint: Checkpoint, key: Ed25519PublicKey) -> None:
    """Refuse a checkpoint not signed by ``key`` (the configured key's public half)."""
    if checkpoint.public_key != public_key_text(key):
        raise CheckpointRefused("the checkpoint names another public key than the configured one")
    try:
        key.verify(base64.b64decode(checkpoint.signature), _canonical(checkpoint.signed_part()))
    except (InvalidSignature, ValueError):
        raise CheckpointRefused("the checkpoint's signature does not verify") from None
