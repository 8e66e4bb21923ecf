"""An aggregate's stored events as the history endpoints show them."""

from __future__ import annotations

import re
from typing import Any

from eventsourcing.domain import DomainEventProtocol
from pydantic import BaseModel

from api.schemas import EventOut
from domain.context import Context
from domain.identity import masked

# Event classes whose names read differently in DOMAIN.md's vocabulary.
_EVENT_NAMES = {
    "Withdrawn": "case_withdrawn",
    "Terminated": "case_terminated",
}
ID_NUMBER = "id_number"  # the field of the citizen ID number, wherever a fact holds one (O-4)
_BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic", "context"}


def event_name(event: DomainEventProtocol[Any]) -> str:
    slug = getattr(event, "slug", None)
    if isinstance(slug, str):
        return slug
    name = type(event).__name__
    return _EVENT_NAMES.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def event_out(event: DomainEventProtocol[Any], reveal: bool = False) -> EventOut:
    """The event as the history endpoints show it; a citizen ID number among its facts in full
    only when ``reveal`` (``domain.identity.sees_id_number``), else masked (docs/security.md)."""
    context: Context = getattr(event, "context")  # noqa: B009 — every memberflow event has one
    facts = {
        name: _plain(value)
        for name, value in vars(event).items()
        if name not in _BASE_FIELDS and name != "slug"
    }
    if not reveal:
        facts = _masked(facts)
    return EventOut(
        version=event.originator_version,
        event=event_name(event),
        occurred_on=context.occurred_on,
        recorded_at=context.recorded_at,
        actor=context.actor,
        request_id=context.request_id,
        comment=context.comment,
        documents=list(context.documents),
        facts=facts,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _masked(value: Any) -> Any:
    """``value`` with every ``id_number`` in it masked."""
    if isinstance(value, dict):
        return {
            k: masked(v) if k == ID_NUMBER and isinstance(v, str) else _masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def history_out(events: list[DomainEventProtocol[Any]], reveal: bool = False) -> list[EventOut]:
    return [event_out(event, reveal) for event in events]
