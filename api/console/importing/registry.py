"""The registered organizations a cell names: by id, or by exact name from the organizations read
model (a name may be borne by several organizations — 第一党支部 under many committees — so the
caller decides what more than one means)."""

from __future__ import annotations

from uuid import UUID

from memberflow.bootstrap import Memberflow
from projections.organizations import OrganizationsModel


def as_id(text: str) -> UUID | None:
    """``text`` as an organization's id, if it is written as one."""
    try:
        return UUID(text)
    except ValueError:
        return None


def registered_ids(memberflow: Memberflow, text: str) -> list[UUID]:
    """The registered organizations ``text`` names: the one of that id, or those of that name."""
    wanted = as_id(text)
    if wanted is not None:
        return [wanted] if memberflow.organizations.registered(wanted) else []
    model = memberflow.read_models.model(OrganizationsModel.name)
    with memberflow.read_models.query() as tx:
        rows = tx.fetchall(model.sql("SELECT id FROM {organizations} WHERE name = ?"), (text,))
    return [UUID(str(row[0])) for row in rows]


def wait_for_names(memberflow: Memberflow) -> None:
    """Wait, boundedly (``MEMBERFLOW_READ_WAIT_SECONDS``), until the organizations read model has
    every organization registered so far, so that a roster can name the branches an import of
    the tree registered a moment ago. Should it still be behind, a name not yet there is
    reported as unknown and the file can be sent again."""
    organizations = memberflow.organizations
    position = organizations.recorder.max_notification_id() or 0
    memberflow.read_models.wait_for(
        organizations.name,
        position,
        [OrganizationsModel.name],
        memberflow.settings.read_wait_seconds,
    )
