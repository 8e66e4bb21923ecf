"""Who may open the audit pages, and where they are: discipline staff, the organization
department and the administrator — the roles the access policy lets audit (``Action.AUDIT``), as
``/audit/*`` requires; each page then checks its subject's jurisdiction as its API route does."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import Depends

from api.console.errors import Refused
from api.console.paths import AUDIT
from api.console.session import SignedIn
from domain.access import Action, where
from domain.context import Actor

AUDIT_CASES = f"{AUDIT}/cases"  # AUDIT_CASES/<case id>?as_of=<date>: a case as of a day
AUDIT_REPLAY = f"{AUDIT}/replay"
AUDIT_VERIFY = f"{AUDIT}/verify"
PATHS = {"home": AUDIT, "cases": AUDIT_CASES, "replay": AUDIT_REPLAY, "verify": AUDIT_VERIFY}


def auditor(actor: SignedIn) -> Actor:
    """The signed-in actor, if their role may audit somewhere (403 otherwise, as the API)."""
    if where(Action.AUDIT, actor.role) is None:
        raise Refused(403, "audit.forbidden")
    return actor


Auditor = Annotated[Actor, Depends(auditor)]


def audit_case_page(case_id: UUID, day: date) -> str:
    return f"{AUDIT_CASES}/{case_id}?{urlencode({'as_of': day.isoformat()})}"
