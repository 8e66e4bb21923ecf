"""/rules: the rule book as memberflow enforces it, so that clients can show an article."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CurrentActor
from domain.rulebook import RULES, Severity

router = APIRouter(prefix="/rules", tags=["rules"])


class RulePublic(BaseModel):
    id: str
    source: str
    severity: Severity
    zh: str
    en: str


@router.get("", response_model=list[RulePublic])
def list_rules(_: CurrentActor) -> list[RulePublic]:
    return [
        RulePublic(id=r.id, source=r.source, severity=r.severity, zh=r.zh, en=r.en)
        for r in RULES.values()
    ]
