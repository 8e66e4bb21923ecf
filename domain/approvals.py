"""The approval inbox (DOMAIN.md §5): items that wait for an organization, and what is done on them.

An item is a decision (steps 13, 17, 24; E-2, E-4, E-8) or a filing to acknowledge (steps 4, 8, 18).
It is identified by a key ``<subject_id>:<asked>:<trigger_version>``: the case or election, the step
that decides or is acknowledged, and the version of the subject's event that made it appear. Items
are a pure function of their subject's events (``case_items``, ``election_items``); what officials
do on an item — claim, assign, comment, acknowledge — is recorded on an ``ApprovalItem`` whose id
is derived from the key, so that two officials acting at once on one item meet in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.admission.case import AdmissionCase
from domain.admission.details import ConversionMeeting
from domain.admission.steps import STEPS
from domain.admission.values import CaseStatus
from domain.context import Context
from domain.elections.election import Election
from domain.elections.steps import ELECTION_STEPS
from domain.errors import Conflict, NotFound, refuse
from domain.organizations import Organization
from domain.workflow import Addressee

ITEM_NAMESPACE = UUID("3d0c6b9e-5f7a-4e21-9c8d-1a2b3c4d5e6f")


class ItemKind(StrEnum):
    DECISION = "decision"
    FILING = "filing"


class SubjectType(StrEnum):
    CASE = "case"
    ELECTION = "election"


# What the step records declare: what makes a decision item appear (the step before it) → the
# step that decides it; and the filings with who acknowledges them.
CASE_DECISIONS = {step.asked_after: step for step in STEPS if step.asked_after}
CASE_FILINGS = {step.slug: step.files_to for step in STEPS if step.files_to}
ELECTION_DECISIONS = {step.asked_after: step for step in ELECTION_STEPS if step.asked_after}
CASE_ASKED = frozenset(step.slug for step in CASE_DECISIONS.values()) | frozenset(CASE_FILINGS)
ELECTION_ASKED = frozenset(step.slug for step in ELECTION_DECISIONS.values())
ASKED = CASE_ASKED | ELECTION_ASKED
_CLOSED = (CaseStatus.WITHDRAWN, CaseStatus.TERMINATED, CaseStatus.REJECTED)


@dataclass(frozen=True, slots=True)
class ItemKey:
    subject_id: UUID
    asked: str
    trigger_version: int

    def __str__(self) -> str:
        return f"{self.subject_id}:{self.asked}:{self.trigger_version}"

    @property
    def subject_type(self) -> SubjectType:
        return SubjectType.CASE if self.asked in CASE_ASKED else SubjectType.ELECTION

    @classmethod
    def parse(cls, text: str) -> ItemKey:
        """The key of an item; NotFound when it cannot be one."""
        parts = text.split(":")
        try:
            subject_id, asked, version = UUID(parts[0]), parts[1], int(parts[2])
        except (ValueError, IndexError):
            raise NotFound("approval item", text) from None
        if len(parts) != 3 or asked not in ASKED or version < 1 or str(version) != parts[2]:
            raise NotFound("approval item", text)
        return cls(subject_id, asked, version)


@dataclass(frozen=True, slots=True)
class Item:
    """One item as its subject's events define it."""

    key: ItemKey
    kind: ItemKind
    trigger: str  # the slug of the event that made it appear
    addressee: Addressee
    raised: Context  # the trigger event's context: waiting since its business date
    done: Context | None  # the event that decided it, or closed the case; None while open
    done_by: str | None  # that event's slug

    @property
    def is_open(self) -> bool:
        return self.done is None


def case_items(case: AdmissionCase) -> list[Item]:
    """Every item a case has raised, open or done, in the order they appeared."""
    items = []
    for record in case.records:
        if record.slug in CASE_DECISIONS and _raises(record.details):
            asked = CASE_DECISIONS[record.slug].slug
            decision = next(
                (r for r in case.records if r.version > record.version and r.step == asked), None
            )
            kind, addressee = ItemKind.DECISION, Addressee.APPROVING_COMMITTEE
            done = (decision.context, decision.slug) if decision else None
        elif record.slug in CASE_FILINGS:
            asked, kind, addressee, done = (
                record.slug,
                ItemKind.FILING,
                CASE_FILINGS[record.slug],
                None,
            )
        else:
            continue
        if done is None and case.status in _CLOSED and case.closing is not None:
            done = (case.closing[1], _closing_slug(case.status))
        elif done is None and case.status is CaseStatus.REJECTED:
            rejection = next(r for r in case.records if r.is_rejection)
            done = (rejection.context, rejection.slug)
        items.append(
            Item(
                ItemKey(case.id, asked, record.version),
                kind,
                record.slug,
                addressee,
                record.context,
                done[0] if done else None,
                done[1] if done else None,
            )
        )
    return items


def _raises(details: object) -> bool:
    """A conversion meeting asks for approval only when it passed; whatever it resolved (convert,
    extend, cancel) takes effect only when the committee approves it (A-24.4)."""
    if isinstance(details, ConversionMeeting):
        return details.passed
    return True


def _closing_slug(status: CaseStatus) -> str:
    return {CaseStatus.WITHDRAWN: "case_withdrawn", CaseStatus.TERMINATED: "case_terminated"}.get(
        status, status.value
    )


def election_items(election: Election) -> list[Item]:
    """Every decision an election has asked of its parent, open or done."""
    triggers = [("election_requested", 1, election.requested)] + [
        (r.slug, r.version, r.context) for r in election.records
    ]
    items = []
    for slug, version, context in triggers:
        if slug not in ELECTION_DECISIONS:
            continue
        asked = ELECTION_DECISIONS[slug].slug
        decision = next(
            (r for r in election.records if r.version > version and r.step == asked), None
        )
        items.append(
            Item(
                ItemKey(election.id, asked, version),
                ItemKind.DECISION,
                slug,
                Addressee.ELECTION_PARENT,
                context,
                decision.context if decision else None,
                decision.slug if decision else None,
            )
        )
    return items


def items_of(subject: AdmissionCase | Election) -> list[Item]:
    return case_items(subject) if isinstance(subject, AdmissionCase) else election_items(subject)


def find_item(subject: AdmissionCase | Election, key: ItemKey) -> Item:
    """The item ``key`` names; NotFound when the event at its version raised no such item."""
    found = next((item for item in items_of(subject) if item.key == key), None)
    if found is None:
        raise NotFound("approval item", str(key))
    return found


def addressed(
    item: Item,
    subject: AdmissionCase | Election,
    approving_committee: Callable[[UUID], Organization],
) -> tuple[UUID, UUID]:
    """(the organization that must act, the organization the item comes from).

    A case's items go to the approving committee of its branch (O-1), the admission's filing (18)
    one level further up (逐级); an election's go to its parent (E-2.1, E-4.1, E-8.1).
    """
    if isinstance(subject, Election):
        return subject.parent_id, subject.organization_id
    committee = approving_committee(subject.branch_id)
    if item.addressee is Addressee.ABOVE_APPROVING_COMMITTEE:
        return committee.parent_id or committee.id, committee.id
    return committee.id, subject.branch_id


def check_handler(organization_id: UUID, context: Context) -> None:
    """MF-INBOX: an item is handled by the organization it waits for."""
    if context.actor.organization_id != organization_id:
        raise refuse(
            "MF-INBOX",
            f"该事项由组织 {organization_id} 办理。",
            f"The item waits for organization {organization_id}.",
        )


def check_open(item: Item) -> None:
    if item.is_open:
        return
    what = "already acknowledged" if item.kind is ItemKind.FILING else "already decided"
    if item.done_by in ("case_withdrawn", "case_terminated"):
        what = f"closed: {item.done_by}"
    raise Conflict(f"approval item {item.key} is {what} ({item.done_by})")


class ApprovalItem(Aggregate):
    """What officials did on one inbox item. Created by the first action on it."""

    @staticmethod
    def create_id(item_key: str) -> UUID:
        return uuid5(ITEM_NAMESPACE, item_key)

    @event("Opened")
    def __init__(self, item_key: str, kind: str, context: Context) -> None:
        self.item_key = item_key
        self.kind = kind
        self.claimed_by: str | None = None
        self.assigned_to: str | None = None
        self.comments: list[tuple[str, Context]] = []
        self.acknowledged: Context | None = None

    def claim(self, context: Context) -> None:
        """One official holds the item; another may take it only when it is assigned to them."""
        me = context.actor.id
        if self.claimed_by not in (None, me) and self.assigned_to != me:
            raise Conflict(f"approval item {self.item_key} is claimed by {self.claimed_by}")
        self._claim(by=me, context=context)

    @event("Claimed")
    def _claim(self, by: str, context: Context) -> None:
        self.claimed_by = by

    def assign(self, to: str, context: Context) -> None:
        to = to.strip()
        if not to:
            raise refuse("MF-INBOX", "须指明承办人。", "Name the colleague to assign it to.")
        self._assign(to=to, by=context.actor.id, context=context)

    @event("Assigned")
    def _assign(self, to: str, by: str, context: Context) -> None:
        self.assigned_to = to

    def comment(self, text: str, context: Context) -> None:
        text = text.strip()
        if not text:
            raise refuse("MF-INBOX", "意见不能为空。", "A comment needs some text.")
        self._comment(text=text, context=context)

    @event("Commented")
    def _comment(self, text: str, context: Context) -> None:
        self.comments.append((text, context))

    def acknowledge(self, context: Context) -> None:
        if self.kind != ItemKind.FILING:
            raise refuse(
                "MF-INBOX",
                "请示事项以批复办结，不能仅签收。",
                "A decision is answered by its step; only a filing is acknowledged.",
            )
        if self.acknowledged is not None:
            raise Conflict(f"approval item {self.item_key} is already acknowledged")
        self._acknowledge(context=context)

    @event("Acknowledged")
    def _acknowledge(self, context: Context) -> None:
        self.acknowledged = context
