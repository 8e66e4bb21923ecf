"""Where each read model stands: its position in each log, and the definition that built it.

A follower moves a model's positions (``rm_tracking``) in the transaction that writes its rows.

A release may change a read model's tables, or what it writes into them (issue 11 added the
organizations' ancestors and the pipeline's counters). Rows an older definition wrote would be
wrong, and their positions would say they were current. So each model's definition has a
fingerprint — its tables, its indexes and its ``revision`` — recorded beside its positions
(``rm_definitions``). When the fingerprint found differs, or none is recorded while positions are
(a store from before fingerprints), the model's tables are dropped and its positions forgotten: it
follows its logs again from the first event, as after ``projections rebuild``, while the others
keep theirs.
"""

from __future__ import annotations

import hashlib
import json

import structlog

from projections import failures
from projections.database import Transaction
from projections.model import ReadModel

TRACKING = "rm_tracking"
DEFINITIONS = "rm_definitions"

log = structlog.get_logger("memberflow.projections")


def create_tracking(tx: Transaction) -> None:
    tx.execute(
        f"CREATE TABLE IF NOT EXISTS {TRACKING} (projection TEXT NOT NULL, source TEXT NOT NULL, "
        "position BIGINT NOT NULL, PRIMARY KEY (projection, source))"
    )


def tracked_position(tx: Transaction, projection: str, source: str) -> int:
    row = tx.fetchone(
        f"SELECT position FROM {TRACKING} WHERE projection = ? AND source = ?", (projection, source)
    )
    return int(row[0]) if row else 0


def fingerprint(model: ReadModel) -> str:
    described = json.dumps([model.tables, list(model.indexes), model.revision], sort_keys=True)
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def ensure_current(tx: Transaction, model: ReadModel, projection: str) -> bool:
    """Record the definition of ``model`` (tracked as ``projection``), first starting it over if
    its tables were built by another; whether it was started over. Run before its tables are
    created, in the transaction that creates them."""
    tx.execute(
        f"CREATE TABLE IF NOT EXISTS {DEFINITIONS} "
        "(projection TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)"
    )
    wanted = fingerprint(model)
    found = tx.fetchone(
        f"SELECT fingerprint FROM {DEFINITIONS} WHERE projection = ?", (projection,)
    )
    if found is not None and found[0] == wanted:
        return False
    built = found is not None or (
        tx.fetchone(f"SELECT 1 FROM {TRACKING} WHERE projection = ?", (projection,)) is not None
    )
    if built:
        log.warning(
            "projections.definition_changed",
            projection=projection,
            was=found[0] if found else None,
            now=wanted,
        )
        model.drop(tx)
        tx.execute(f"DELETE FROM {TRACKING} WHERE projection = ?", (projection,))
        failures.clear(tx, projection)
        model.forget()
    tx.execute(
        f"INSERT INTO {DEFINITIONS} (projection, fingerprint) VALUES (?, ?) "
        "ON CONFLICT (projection) DO UPDATE SET fingerprint = excluded.fingerprint",
        (projection, wanted),
    )
    return built
