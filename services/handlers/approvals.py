"""Handlers of the approval inbox's commands (DOMAIN.md §5): claim, assign, comment, acknowledge.

They decide on the event stores alone, never on a read model: the key names the subject, the
subject's events say whether the item exists and is still open, and the organization tree says who
it waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.admission.case import AdmissionCase
from domain.approvals import (
    ApprovalItem,
    Item,
    ItemKey,
    SubjectType,
    addressed,
    check_handler,
    check_open,
    find_item,
)
from domain.commands import AcknowledgeItem, AssignItem, ClaimItem, CommentItem, Entry
from domain.context import Context
from domain.elections.election import Election
from domain.errors import Conflict, NotFound
from services.applications import Approvals
from services.handlers.unit import Changes, Handler, Unit, dated_context


@dataclass(frozen=True, slots=True)
class _Open:
    """An item that may be acted on, its record of actions, and the context of this action."""

    item: Item
    record: ApprovalItem
    approvals: Approvals
    context: Context

    def changes(self) -> Changes:
        return Changes(self.approvals, self.record.id, (self.record,))


def _open_item(item_key: str, entry: Entry, unit: Unit) -> _Open:
    key = ItemKey.parse(item_key)
    subject = _subject(key, unit)
    item = find_item(subject, key)
    context = dated_context(entry, unit)
    organization_id, _ = addressed(item, subject, unit.organizations.approving_committee)
    check_handler(organization_id, context)
    check_open(item)
    text = str(key)
    record = unit.approvals.item(text) or ApprovalItem(
        item_key=text, kind=item.kind.value, context=context
    )
    if record.acknowledged is not None:
        raise Conflict(f"approval item {text} is already acknowledged")
    return _Open(item, record, unit.approvals, context)


def _subject(key: ItemKey, unit: Unit) -> AdmissionCase | Election:
    if key.subject_type is SubjectType.CASE:
        found: AdmissionCase | Election | None = unit.membership.find(AdmissionCase, key.subject_id)
    else:
        found = unit.organizations.find(Election, key.subject_id)
    if found is None:
        raise NotFound(key.subject_type.value, key.subject_id)
    return found


def claim_item(command: ClaimItem, unit: Unit) -> Changes:
    opened = _open_item(command.item_key, command.entry, unit)
    opened.record.claim(opened.context)
    return opened.changes()


def assign_item(command: AssignItem, unit: Unit) -> Changes:
    opened = _open_item(command.item_key, command.entry, unit)
    opened.record.assign(command.to, opened.context)
    return opened.changes()


def comment_item(command: CommentItem, unit: Unit) -> Changes:
    opened = _open_item(command.item_key, command.entry, unit)
    opened.record.comment(command.text, opened.context)
    return opened.changes()


def acknowledge_item(command: AcknowledgeItem, unit: Unit) -> Changes:
    opened = _open_item(command.item_key, command.entry, unit)
    opened.record.acknowledge(opened.context)  # only a filing is acknowledged
    return opened.changes()


HANDLERS: tuple[Handler[Any], ...] = (
    Handler(ClaimItem, claim_item),
    Handler(AssignItem, assign_item),
    Handler(CommentItem, comment_item),
    Handler(AcknowledgeItem, acknowledge_item),
)
