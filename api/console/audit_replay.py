"""The replay of a jurisdiction inside the console: the report of ``GET /audit/replay``
(``jurisdiction_report``: the same access check, the replay recorded), shown with the console's
own template — the API's HTML page carries inline styles, which the console's policy refuses.

The period selects the cases and elections with an event in it, each reported whole; it bounds
the report's length, and its time (every log under the organization is walked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pydantic import TypeAdapter

from api.console.errors import Refused
from api.routes.audit_replay import jurisdiction_report
from domain.bounds import PlausibleDate
from domain.context import Actor
from domain.errors import Forbidden, NotFound
from memberflow.bootstrap import Memberflow
from services.replay import Report

_DAY: TypeAdapter[date] = TypeAdapter(PlausibleDate)  # the range the API's period accepts


@dataclass(frozen=True, slots=True)
class Period:
    """The organization and the period asked for: ``?org=&from=&to=``, either end open."""

    org: UUID
    from_: date | None
    to: date | None

    @classmethod
    def of(cls, *, org: str, from_: str, to: str) -> Period:
        """The address's values; a refusal page (422) for an id or a date it cannot be."""
        try:
            period = cls(UUID(org), _day(from_), _day(to))
        except ValueError:
            raise Refused(422, "audit.bad_period") from None
        if period.from_ and period.to and period.from_ > period.to:
            raise Refused(422, "audit.from_after_to")
        return period


def _day(text: str) -> date | None:
    return _DAY.validate_python(text) if text else None


def replay_report(memberflow: Memberflow, actor: Actor, period: Period, request_id: str) -> Report:
    """The report; Refused 404 for an unknown organization, 403 outside the jurisdiction."""
    try:
        return jurisdiction_report(
            memberflow, actor, period.org, period.from_, period.to, request_id
        )
    except NotFound:
        raise Refused(404, "audit.no_organization") from None
    except Forbidden:
        raise Refused(403, "audit.outside") from None
