"""The open admission cases of an organization and everything under it, a page at a time, as the
pipeline read model lists them (``pipeline_cases``: each case's branch and whether it is open).

Only the list comes from the read model, which may lag behind the events: what a case needs next
is read from the case itself (``reminders.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from projections.organizations import OrganizationsModel, subtree_cte
from projections.pipeline import PipelineModel
from projections.service import ReadModels

MODELS = (PipelineModel.name, OrganizationsModel.name)  # what the list is read from


@dataclass(frozen=True, slots=True)
class OpenCases:
    ids: list[UUID]  # this page's, the longest open first
    count: int  # in all pages


def open_cases(
    read_models: ReadModels, *, organization_id: UUID, limit: int, offset: int
) -> OpenCases:
    """The open cases whose branch is ``organization_id`` or under it, in the order of their
    applications (the oldest have waited longest), ``limit`` of them from ``offset``."""
    pipeline = read_models.model(PipelineModel.name)
    ancestors = read_models.model(OrganizationsModel.name).names["ancestors"]
    within = subtree_cte(ancestors)
    cases = pipeline.sql(
        "FROM {pipeline_cases} WHERE open = 1 AND branch_id IN (SELECT id FROM subtree)"
    )
    root = str(organization_id)
    with read_models.query() as tx:
        counted = tx.fetchone(f"{within}SELECT COUNT(*) {cases}", (root,))
        rows = tx.fetchall(
            f"{within}SELECT case_id {cases} ORDER BY applied_on, case_id LIMIT ? OFFSET ?",
            (root, limit, offset),
        )
    return OpenCases([UUID(row[0]) for row in rows], int(counted[0]) if counted else 0)
