"""The approval inbox (DOMAIN.md §5): every item waiting for an organization's decision or receipt.

Two tables, so that the rows do not depend on the order in which the three logs are processed:
``inbox_items`` comes from the subjects (admission cases in the membership log, elections in the
organizations log), ``inbox_actions`` from the approvals log (claims, assignments, comments,
acknowledgements). Pages join them. Whether an item is acknowledged is also kept on its row, so
that "open" is a condition on one table (a city's lists and counts need no join): an item takes it
from its actions when written, and an acknowledgement sets it on the item when there is one —
whichever comes last leaves it right.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.admission.case import AdmissionCase
from domain.approvals import ApprovalItem, Item, addressed, items_of
from domain.elections.election import Election
from domain.organizations import Organization
from projections.batching import write
from projections.database import Transaction
from projections.model import Event, ReadModel, Sources
from projections.organizations import subtree_cte

ITEM_COLUMNS = (
    "item_key, kind, subject_type, subject_id, subject_name, asked, trig, organization_id, "
    "from_organization_id, waiting_since, recorded_at, due_on, trigger_version, subject_version, "
    "status, done_by, done_on, done_at, acknowledged"
)


REMEMBERED = 50_000  # items whose last row the model remembers
# Waiting for someone: not done, and not a filing acknowledged (``OPEN``, of a row called ``i``).
OPEN_ROW = "status = 'open' AND acknowledged = 0"


class InboxModel(ReadModel):
    name = "inbox"
    follows = ("membership", "organizations", "approvals")
    aggregates = (AdmissionCase, Election, ApprovalItem)
    tables: ClassVar[dict[str, str]] = {
        "inbox_items": (
            "item_key TEXT PRIMARY KEY, kind TEXT NOT NULL, subject_type TEXT NOT NULL, "
            "subject_id TEXT NOT NULL, subject_name TEXT NOT NULL, asked TEXT NOT NULL, "
            "trig TEXT NOT NULL, organization_id TEXT NOT NULL, "
            "from_organization_id TEXT NOT NULL, waiting_since TEXT NOT NULL, "
            "recorded_at TEXT NOT NULL, due_on TEXT NOT NULL, trigger_version INTEGER NOT NULL, "
            "subject_version INTEGER NOT NULL, status TEXT NOT NULL, done_by TEXT, done_on TEXT, "
            "done_at TEXT, acknowledged INTEGER NOT NULL"
        ),
        "inbox_actions": (
            "item_key TEXT PRIMARY KEY, claimed_by TEXT, assigned_to TEXT, "
            "comments INTEGER NOT NULL DEFAULT 0, last_comment TEXT, "
            "acknowledged INTEGER NOT NULL DEFAULT 0, acknowledged_on TEXT, version INTEGER NOT NULL"
        ),
    }
    # Lists, counts and the dashboard's overdue items read an index alone: the open items of a
    # city (a partial index, in the order a page lists them: its first pages end early), or of one
    # organization, open or done. A page then reads only its twenty rows.
    indexes = (
        "inbox_items (organization_id, status, acknowledged, due_on, waiting_since, item_key, "
        "from_organization_id)",
        "inbox_items (subject_id)",
        "inbox_items (waiting_since, item_key, organization_id, due_on, from_organization_id) "
        f"WHERE {OPEN_ROW}",
    )

    def process(
        self, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        if isinstance(aggregate, AdmissionCase | Election):
            for item in items_of(aggregate):
                self._item(item, aggregate, tx)
        elif isinstance(aggregate, ApprovalItem):
            self._actions(aggregate, tx)

    def _item(self, item: Item, subject: AdmissionCase | Election, tx: Transaction) -> None:
        done = item.done
        state = (
            "open" if item.is_open else "done",
            item.done_by,
            done.occurred_on.isoformat() if done else None,
            done.recorded_at.isoformat() if done else None,
        )
        key = str(item.key)
        if done is not None and self._written.get(key) == state:
            # Written done already: writing it again after each event of its subject changes
            # nothing (a done item keeps its organizations and its subject's version).
            return
        self._written[key] = state
        if len(self._written) > REMEMBERED:
            self._written.popitem(last=False)
        to, sender = addressed(item, subject, self._approving_committee)
        raised = item.raised.occurred_on
        due = raised + timedelta(days=self.sources.policy.inbox_due_days_for(item.key.asked))
        # Who must act follows the case (a transfer may move it) while the item is open; a done
        # item stays with the organization that handled it.
        keep = "CASE WHEN {{inbox_items}}.status = 'open' THEN excluded.{0} ELSE {{inbox_items}}.{0} END"
        row = (
            key,
            item.kind.value,
            item.key.subject_type.value,
            str(item.key.subject_id),
            self._subject_name(subject),
            item.key.asked,
            item.trigger,
            str(to),
            str(sender),
            raised.isoformat(),
            item.raised.recorded_at.isoformat(),
            due.isoformat(),
            item.key.trigger_version,
            subject.version,
            *state,
            key,
        )
        write(
            tx,
            self.sql(
                f"INSERT INTO {{inbox_items}} ({ITEM_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "COALESCE((SELECT a.acknowledged FROM {inbox_actions} a WHERE a.item_key = ?), 0)) "
                "ON CONFLICT (item_key) DO UPDATE SET "
                f"organization_id = {keep.format('organization_id')}, "
                f"from_organization_id = {keep.format('from_organization_id')}, "
                f"subject_version = {keep.format('subject_version')}, "
                "status = excluded.status, done_by = excluded.done_by, "
                "done_on = excluded.done_on, done_at = excluded.done_at"
            ),
            row,
        )

    def _actions(self, record: ApprovalItem, tx: Transaction) -> None:
        last = record.comments[-1][0] if record.comments else None
        acknowledged = record.acknowledged
        write(
            tx,
            self.sql(
                "INSERT INTO {inbox_actions} (item_key, claimed_by, assigned_to, comments, "
                "last_comment, acknowledged, acknowledged_on, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_key) DO UPDATE SET "
                "claimed_by = excluded.claimed_by, assigned_to = excluded.assigned_to, "
                "comments = excluded.comments, last_comment = excluded.last_comment, "
                "acknowledged = excluded.acknowledged, "
                "acknowledged_on = excluded.acknowledged_on, version = excluded.version"
            ),
            (
                record.item_key,
                record.claimed_by,
                record.assigned_to,
                len(record.comments),
                last,
                int(acknowledged is not None),
                acknowledged.occurred_on.isoformat() if acknowledged else None,
                record.version,
            ),
        )
        write(
            tx,
            self.sql("UPDATE {inbox_items} SET acknowledged = ? WHERE item_key = ?"),
            (int(acknowledged is not None), record.item_key),
        )

    # Lookups in the organizations' event store. The tree never moves, and neither an
    # organization's name nor its power to approve changes, so what was found once stays true.

    def __init__(self, sources: Sources, suffix: str = "") -> None:
        super().__init__(sources, suffix)
        self._committees: dict[UUID, Organization] = {}
        self._names: dict[UUID, str] = {}
        # Whether and how recent items were last written done (``forget`` after a rollback).
        self._written: OrderedDict[str, tuple[str | None, ...]] = OrderedDict()

    def forget(self) -> None:
        self._written.clear()

    def _approving_committee(self, branch_id: UUID) -> Organization:
        if branch_id not in self._committees:
            found = self.sources.organizations.approving_committee(branch_id)
            self._committees[branch_id] = found
        return self._committees[branch_id]

    def _subject_name(self, subject: AdmissionCase | Election) -> str:
        if isinstance(subject, AdmissionCase):
            return subject.applicant.name
        if subject.organization_id not in self._names:
            organization = self.sources.organizations.organization(subject.organization_id)
            self._names[subject.organization_id] = organization.name
        return self._names[subject.organization_id]


OPEN = "(i.status = 'open' AND i.acknowledged = 0)"  # OPEN_ROW of the row called ``i``

ROW_COLUMNS = (
    "i.item_key, i.kind, i.subject_type, i.subject_id, i.subject_name, i.asked, i.trig, "
    "i.organization_id, i.from_organization_id, i.waiting_since, i.due_on, "
    f"CASE WHEN {OPEN} THEN 'open' ELSE 'done' END AS status, "
    f"CASE WHEN {OPEN} AND i.due_on < ? THEN 1 ELSE 0 END AS overdue, "
    "CASE WHEN i.status = 'done' THEN i.done_by WHEN i.acknowledged = 1 THEN 'acknowledged' "
    "ELSE NULL END AS done_by, "
    "CASE WHEN i.status = 'done' THEN i.done_on ELSE a.acknowledged_on END AS done_on, "
    "a.claimed_by, a.assigned_to, COALESCE(a.comments, 0), a.last_comment, "
    "i.trigger_version, i.subject_version"
)


def inbox(
    model: InboxModel,
    tx: Transaction,
    *,
    organization_id: str,
    ancestors_table: str | None,
    status: str | None,
    asked: str | None,
    today: str,
    order_by: str,
    limit: int,
    offset: int,
) -> tuple[list[tuple[Any, ...]], int]:
    """The items waiting for ``organization_id`` — or, given the organizations model's table, for
    any organization of its subtree — with what was done on them."""
    within: list[object] = []  # the subtree's parameter, first in the statement
    if ancestors_table is None:
        prefix, where = "", "i.organization_id = ?"
        where_params: list[object] = [organization_id]
    else:
        prefix, where = (
            subtree_cte(ancestors_table),
            "i.organization_id IN (SELECT id FROM subtree)",
        )
        within.append(organization_id)
        where_params = []
    if status == "open":
        where += f" AND {OPEN}"
    elif status == "done":
        where += f" AND NOT {OPEN}"
    if asked:
        where += " AND i.asked = ?"
        where_params.append(asked)
    # The page's keys first, sorted from the index, then its rows with what was done on them.
    rows = tx.fetchall(
        model.sql(
            f"{prefix + ', ' if prefix else 'WITH '}page AS (SELECT i.item_key FROM {{inbox_items}} i "
            f"WHERE {where} ORDER BY {order_by}, i.item_key LIMIT ? OFFSET ?) "
            f"SELECT {ROW_COLUMNS} FROM page p JOIN {{inbox_items}} i ON i.item_key = p.item_key "
            f"LEFT JOIN {{inbox_actions}} a ON a.item_key = i.item_key "
            f"ORDER BY {order_by}, i.item_key"
        ),
        (*within, *where_params, limit, offset, today),
    )
    # Counted on the items alone: whether one is open is a condition on its row.
    count_row = tx.fetchone(
        model.sql(f"{prefix}SELECT COUNT(*) FROM {{inbox_items}} i WHERE {where}"),
        (*within, *where_params),
    )
    return rows, int(count_row[0]) if count_row else 0
