"""/rules: the rule book as memberflow enforces it, so that clients can show an article."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, TypeAdapter

from api.access import Authorized
from domain.rulebook import RULES, Severity

router = APIRouter(prefix="/rules", tags=["rules"])


class RulePublic(BaseModel):
    id: str
    source: str
    severity: Severity
    zh: str
    en: str
    waivable: bool = Field(
        description="an exception of the approving committee may let a step through it (DOMAIN.md §0)"
    )


# The rule book changes only with a release: its answer is serialized once, as FastAPI would
# serialize the response model, and sent as it is (issue 11).
_ANSWER = TypeAdapter(list[RulePublic]).dump_json(
    [
        RulePublic(
            id=r.id, source=r.source, severity=r.severity, zh=r.zh, en=r.en, waivable=r.waivable
        )
        for r in RULES.values()
    ]
)


@router.get("", response_model=list[RulePublic])
async def list_rules(_: Authorized) -> Response:
    return Response(_ANSWER, media_type="application/json")
