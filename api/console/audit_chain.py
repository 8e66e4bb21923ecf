"""The panel 链完整性 of the audit page: the last verification of the hash chain and the last
checkpoint as the access log records them (read as ``GET /audit/log`` reads it), and a
verification run from the page as ``memberflow audit verify`` runs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from adapters.chain.verification import Report, verify
from api.routes.audit import access_page
from domain.audit import Access, AccessAction, AccessScope
from domain.context import Actor
from memberflow.bootstrap import Memberflow
from memberflow.event_logs import event_logs
from projections.access_log import AccessQuery
from projections.service import ReadModels
from services.access import record_access

STORE = AccessScope(kind="store")  # what the command line records a check of the chain on


@dataclass(frozen=True, slots=True)
class Check:
    """Who verified the chain or signed a checkpoint, and when."""

    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class ChainPanel:
    verification: Check | None
    checkpoint: Check | None
    report: Report | None = None  # the verification just run from the page, log by log


def chain_panel(read_models: ReadModels, reader: Actor) -> ChainPanel:
    """The last verification and checkpoint among the entries the reader may see in the log."""
    return ChainPanel(
        _last(read_models, reader, AccessAction.VERIFY),
        _last(read_models, reader, AccessAction.CHECKPOINT),
    )


def verify_now(
    memberflow: Memberflow, read_models: ReadModels, actor: Actor, request_id: str
) -> ChainPanel:
    """Verify every event log's chain as ``memberflow audit verify`` does (over the stored bytes:
    no event key is used) and record it as that command does — ``verify`` on the store — with the
    signed-in actor: the panel with this verification and its report."""
    report = verify(event_logs(memberflow))
    recorded = record_access(memberflow.bus, actor, AccessAction.VERIFY, STORE, request_id).subject
    assert isinstance(recorded, Access)  # the access the command recorded, as it left it
    checkpoint = _last(read_models, actor, AccessAction.CHECKPOINT)
    return ChainPanel(Check(actor, recorded.context.recorded_at), checkpoint, report)


def _last(read_models: ReadModels, reader: Actor, action: AccessAction) -> Check | None:
    _, found, _ = access_page(
        read_models, reader, AccessQuery(action=action.value), offset=0, limit=1
    )
    return Check(found[0].actor, found[0].recorded_at) if found else None
