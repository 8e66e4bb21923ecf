"""One inbox item as the event stores tell it: its subject, what it asks, whom it waits for and
what officials did on it.

The item page reads here rather than from the inbox's read model, so that the version it offers
for a decision is the subject's current one, and so that it shows every comment. Whether the
signed-in user may act on it is asked of the API's own access table (``api/access.py``); the
command bus still decides when they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from api.access import ENDPOINTS, readable
from domain.access import where
from domain.admission.case import AdmissionCase
from domain.admission.progress import stage
from domain.admission.steps import Stage
from domain.approvals import (
    ApprovalItem,
    Item,
    ItemKey,
    ItemKind,
    SubjectType,
    addressed,
    find_item,
)
from domain.context import Actor, Context
from domain.elections.election import Election
from domain.organizations import Organization
from memberflow.bootstrap import Memberflow
from services.clock import today

# The API's endpoint of each action on an item: its row in the access table says who may do it.
ACTION_ENDPOINTS = {
    name: ("POST", f"/approvals/{{item}}/{name}")
    for name in ("claim", "assign", "comment", "acknowledge")
}
DECISION_PATHS = {
    SubjectType.CASE: "/admissions/{{case_id}}/steps/{}",
    SubjectType.ELECTION: "/elections/{{election_id}}/steps/{}",
}


@dataclass(frozen=True, slots=True)
class ItemView:
    key: ItemKey
    item: Item
    subject: AdmissionCase | Election
    actions: ApprovalItem | None  # claims, assignments, comments; None before the first
    waits_for: Organization
    place: Organization  # the case's branch, or the organization that elects
    due_on: date
    today: date

    @property
    def is_case(self) -> bool:
        return isinstance(self.subject, AdmissionCase)

    @property
    def is_decision(self) -> bool:
        return self.item.kind is ItemKind.DECISION

    @property
    def is_open(self) -> bool:
        acknowledged = self.actions is not None and self.actions.acknowledged is not None
        return self.item.is_open and not acknowledged

    @property
    def settled_on(self) -> date | None:
        """The business date of the step that decided the item, or of its acknowledgement."""
        if self.item.done is not None:
            return self.item.done.occurred_on
        acknowledged = self.actions.acknowledged if self.actions else None
        return acknowledged.occurred_on if acknowledged else None

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < self.today

    @property
    def version(self) -> int:
        """The subject's version now: a decision sends it as If-Match."""
        return self.subject.version

    @property
    def subject_name(self) -> str:
        if isinstance(self.subject, AdmissionCase):
            return self.subject.applicant.name
        return self.place.name

    @property
    def stage(self) -> Stage | None:
        return stage(self.subject) if isinstance(self.subject, AdmissionCase) else None

    @property
    def comments(self) -> list[tuple[str, Context]]:
        return list(self.actions.comments) if self.actions else []

    def may(self, actor: Actor, action: str) -> bool:
        """Whether the page offers ``action`` ("claim" … or "decide") to ``actor``: the item is
        open, waits for the actor's organization, and the API's access table lets the actor's
        role do the endpoint of that action."""
        if not self.is_open or actor.organization_id != self.waits_for.id:
            return False
        if action == "decide":
            path = DECISION_PATHS[self.key.subject_type].format(self.key.asked)
            endpoint = ("POST", path)
        else:
            endpoint = ACTION_ENDPOINTS[action]
        return where(ENDPOINTS[endpoint], actor.role) is not None


def item_view(memberflow: Memberflow, actor: Actor, text: str) -> ItemView:
    """The item whose key is ``text``; NotFound when there is none, or when its subject lies
    outside the actor's jurisdiction (a record's 404, as ``GET /admissions/{id}`` answers)."""
    key = ItemKey.parse(text)
    subject = _subject(memberflow, key)
    place_id = subject.branch_id if isinstance(subject, AdmissionCase) else subject.organization_id
    readable(memberflow, actor, place_id)
    item = find_item(subject, key)
    organizations = memberflow.organizations
    to, _ = addressed(item, subject, organizations.approving_committee)
    waiting = memberflow.settings.policy.inbox_due_days_for(key.asked)
    return ItemView(
        key=key,
        item=item,
        subject=subject,
        actions=memberflow.approvals.item(str(key)),
        waits_for=organizations.organization(to),
        place=organizations.organization(place_id),
        # As the inbox's read model dates it (projections/inbox.py).
        due_on=item.raised.occurred_on + timedelta(days=waiting),
        today=today(memberflow.clock),
    )


def _subject(memberflow: Memberflow, key: ItemKey) -> AdmissionCase | Election:
    if key.subject_type is SubjectType.CASE:
        return memberflow.membership.case(key.subject_id)
    return memberflow.organizations.election(key.subject_id)
