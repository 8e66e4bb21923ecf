"""Reading history is itself recorded (issue 5): who replayed, verified or viewed what, and when;
and every read of a person's case or registry record (issue 10, ``READ``).

Each read is one ``Access`` aggregate with a fresh id and a single event, ``AccessRecorded``: readers
never write to the same aggregate, so they never conflict, and the audit application's event log
is the access log, in the order the reads were recorded. The actor and the time are the event's
``Context`` (``actor``, ``recorded_at``), as for every other event.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from eventsourcing.domain import Aggregate, event
from pydantic import Field

from domain.context import Context, ValueObject


class AccessAction(StrEnum):
    TIMELINE = "timeline"  # GET /audit/cases|elections/{id}/timeline
    AS_OF = "as_of"  # ?as_of= or ?version= on a case, an election or the findings
    REPLAY = "replay"  # replaying a jurisdiction
    VERIFY = "verify"  # verifying the hash chain
    CHECKPOINT = "checkpoint"  # signing or checking a checkpoint
    RECONCILE = "reconcile"  # reconciling read models with a replay
    READ = "read"  # a person's case or registry record read (GET /admissions/{id}, /members/{id})


class AccessScope(ValueObject):
    """What was looked at. ``kind`` says what ``id`` names; the other fields narrow it."""

    kind: str = Field(
        min_length=1,
        max_length=40,
        description="case, election, findings, organization, log, …",
    )
    id: str | None = Field(
        default=None, max_length=200, description="the case, election or organization id, or log"
    )
    as_of: datetime | None = None
    version: int | None = None
    period_from: date | None = None
    period_to: date | None = None
    detail: str | None = Field(default=None, max_length=2000)


class Access(Aggregate):
    @event("AccessRecorded")
    def __init__(self, action: str, scope: AccessScope, context: Context) -> None:
        self.action = action
        self.scope = scope
        self.context = context

    @classmethod
    def record(cls, *, action: AccessAction, scope: AccessScope, context: Context) -> Access:
        return cls(action=AccessAction(action).value, scope=scope, context=context)
