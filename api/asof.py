"""``?as_of=`` and ``?version=`` (issue 5): a case, an election or the findings as the system knew
them then. Anyone who may read may ask; every such read is recorded in the access log."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Annotated, Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from fastapi import HTTPException, Query
from pydantic import AfterValidator, BeforeValidator

from domain.audit import AccessAction, AccessScope
from domain.bounds import VERSION_MAX, Within
from domain.context import Actor
from domain.dates import SHANGHAI
from memberflow.bootstrap import Memberflow
from services.access import record_access
from services.applications import MemberflowApplication
from services.as_of import state_at

A = TypeVar("A", bound=Aggregate)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _end_of_day(value: Any) -> Any:
    """A bare date means the end of that day in Asia/Shanghai: everything recorded that day."""
    if isinstance(value, str) and _DATE_ONLY.match(value):
        return datetime.combine(datetime.fromisoformat(value).date(), time.max, tzinfo=SHANGHAI)
    return value


def _start_of_day(value: Any) -> Any:
    if isinstance(value, str) and _DATE_ONLY.match(value):
        return datetime.combine(datetime.fromisoformat(value).date(), time.min, tzinfo=SHANGHAI)
    return value


def _zoned(value: datetime | None) -> datetime | None:
    """A timestamp without an offset is read in Asia/Shanghai, the service's business zone."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=SHANGHAI)
    return value


AsOf = Annotated[
    datetime | None,
    BeforeValidator(_end_of_day),
    AfterValidator(_zoned),
    Within,
    Query(
        description="the state as the system knew it at this time (by recorded_at): an ISO "
        "timestamp (no offset: Asia/Shanghai) or a date (the end of that day)"
    ),
]
Since = Annotated[
    datetime | None,
    BeforeValidator(_start_of_day),
    AfterValidator(_zoned),
    Within,
    Query(alias="from", description="recorded at or after (a date: from the start of that day)"),
]
Until = Annotated[
    datetime | None,
    BeforeValidator(_end_of_day),
    AfterValidator(_zoned),
    Within,
    Query(description="recorded at or before (a date: to the end of that day)"),
]
Version = Annotated[
    int | None,
    Query(
        ge=1, le=VERSION_MAX, description="the state after this many events (404 beyond the last)"
    ),
]


def viewed_at(
    memberflow: Memberflow,
    application: MemberflowApplication,
    cls: type[A],
    aggregate_id: UUID,
    what: str,
    *,
    kind: str,
    as_of: datetime | None,
    version: int | None,
    actor: Actor,
    request_id: str,
    current: A | None = None,
) -> A:
    """The aggregate now (``current``, when the caller has read it already), or as of a time or
    version — and then the read is recorded."""
    if as_of is not None and version is not None:
        raise HTTPException(422, "give as_of or version, not both")
    if as_of is None and version is None:
        return current if current is not None else application.get_as(cls, aggregate_id, what)
    found = state_at(application, cls, aggregate_id, what, as_of=as_of, version=version)
    scope = AccessScope(kind=kind, id=str(aggregate_id), as_of=as_of, version=version)
    record_access(memberflow.bus, actor, AccessAction.AS_OF, scope, request_id)
    return found
