"""A case as it stood at the end of a day, for discipline staff: its status, stage, the steps done
by then, its timeline up to then and the findings known then — nothing recorded later.

Read as the API reads it: the timeline of ``GET /audit/cases/{id}/timeline``
(``case_timeline_of``: the jurisdiction for Action.AUDIT, the view recorded) and the case of
``GET /admissions/{id}?as_of=<date>`` (``viewed_at``: the as-of read recorded), both in the
access log, as the two API calls would leave them. The timeline's entries up to the case's
version then are exactly those the timeline of the events known then would have: each entry is
derived from the events before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from pydantic import TypeAdapter

from api.admissions import CasePublic, case_public
from api.asof import AsOf, viewed_at
from api.console.case import Row
from api.console.errors import Refused
from api.routes.audit import case_timeline_of
from domain.admission.case import AdmissionCase
from domain.context import Actor
from domain.errors import NotFound
from memberflow.bootstrap import Memberflow
from services.clock import today

_END_OF_DAY: TypeAdapter[datetime | None] = TypeAdapter(AsOf)  # the API's reading of ?as_of=


@dataclass(frozen=True, slots=True)
class CaseAsOf:
    case: CasePublic  # as the system knew it at the end of ``day``
    day: date
    rows: list[Row]  # the timeline up to then
    later: int  # the events recorded after that day, not shown


def asked_case(text: str) -> UUID:
    """The case id of the address; a refusal page (422) for anything else."""
    try:
        return UUID(text)
    except ValueError:
        raise Refused(422, "audit.bad_case_id") from None


def asked_end_of_day(memberflow: Memberflow, text: str) -> datetime:
    """The end of the day of ``?as_of=YYYY-MM-DD`` (Asia/Shanghai), as the API reads it: a
    refusal page (422) for anything else, or for a day after today (nothing is known of it)."""
    try:
        day = date.fromisoformat(text)
        as_of = _END_OF_DAY.validate_python(text)
    except ValueError:  # not a date, or one outside the dates the API reads (ValidationError)
        raise Refused(422, "audit.bad_date") from None
    if day > today(memberflow.clock):
        raise Refused(422, "audit.future_date")
    assert as_of is not None
    return as_of


def case_as_of(
    memberflow: Memberflow, actor: Actor, case_id: UUID, as_of: datetime, request_id: str
) -> CaseAsOf:
    """The case as the system knew it at ``as_of``; Refused 404 when there is none within the
    actor's jurisdiction, or none yet then."""
    try:
        timeline = case_timeline_of(memberflow, actor, case_id, request_id)
    except NotFound:
        raise Refused(404, "case_not_found") from None
    try:
        case = viewed_at(
            memberflow,
            memberflow.membership,
            AdmissionCase,
            case_id,
            "admission case",
            kind="case",
            as_of=as_of,
            version=None,
            actor=actor,
            request_id=request_id,
        )
    except NotFound:
        raise Refused(404, "audit.not_yet") from None
    rows = [Row(e, e.waived, e.findings) for e in timeline.events if e.version <= case.version]
    summary = case_public(case, memberflow, actor)
    return CaseAsOf(summary, as_of.date(), rows, len(timeline.events) - len(rows))
