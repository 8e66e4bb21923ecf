"""/health: answers without a token, for load balancers and operators."""

from __future__ import annotations

from importlib.metadata import version

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import MemberflowDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    store: str
    version: str
    position: int | None


@router.get("/health", response_model=Health)
def health(memberflow: MemberflowDep) -> Health:
    try:
        position = memberflow.membership.recorder.max_notification_id()
        state = "ok"
    except Exception:
        position, state = None, "store_unavailable"
    return Health(
        status=state,
        store=memberflow.settings.store_kind,
        version=version("memberflow"),
        position=position,
    )
