"""Inbox items of the World's cases, by what they ask."""

from __future__ import annotations

from uuid import UUID

from domain.approvals import case_items
from tests.support.world import World


def item_key(world: World, case_id: UUID, asked: str) -> str:
    """The key of the case's item asking ``asked`` (``pre_review_passed``, ``activist_filed`` …)."""
    return str(next(i.key for i in case_items(world.case(case_id)) if i.key.asked == asked))
