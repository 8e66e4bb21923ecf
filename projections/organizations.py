"""The organization tree with terms, elections under way and development plans.

It serves subtree queries for every other read model, and the elections calendar. Whether an
organization is overdue (E-OVERDUE) depends on the day, so the table keeps what the question needs
of the election under way — when its request was approved, the meeting day it planned, the day of
its first ballot — and the calendar asks it at read time, as ``ElectionCover.covers`` does.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from domain.elections.election import Election
from domain.elections.progress import cover_of, earliest_covering_plan
from domain.organizations import Organization
from projections.batching import write
from projections.database import Transaction
from projections.model import Event, ReadModel


class OrganizationsModel(ReadModel):
    name = "organizations"
    follows = ("organizations",)
    aggregates = (Organization, Election)
    tables: ClassVar[dict[str, str]] = {
        "organizations": (
            "id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, parent_id TEXT, "
            "unit TEXT, term_started_on TEXT, term_years INTEGER, extension_months INTEGER, "
            "term_ends_on TEXT, election_id TEXT, election_state TEXT, "
            "election_approved INTEGER NOT NULL DEFAULT 0, election_approved_on TEXT, "
            "election_planned_on TEXT, election_first_ballot_on TEXT, position BIGINT NOT NULL"
        ),
        # A plan is a figure an official enters (A-P): kept as its decimal text, so that any
        # number the log holds fits, whatever SQLite's or PostgreSQL's integers hold (issue 10).
        "development_plans": (
            "organization_id TEXT NOT NULL, year INTEGER NOT NULL, admissions TEXT NOT NULL, "
            "PRIMARY KEY (organization_id, year)"
        ),
        # Every organization with each of its ancestors and itself: "in the subtree of A" is one
        # indexed lookup (``subtree_cte``), not a walk down the tree at every query (issue 11).
        "ancestors": (
            "ancestor_id TEXT NOT NULL, organization_id TEXT NOT NULL, "
            "PRIMARY KEY (ancestor_id, organization_id)"
        ),
    }
    indexes = ("organizations (parent_id)",)

    def process(
        self, event: Event, aggregate: Aggregate | None, source: str, tx: Transaction
    ) -> None:
        if isinstance(aggregate, Organization):
            self._organization(aggregate, tx)
        elif isinstance(aggregate, Election):
            self._election(aggregate, tx)

    def _organization(self, org: Organization, tx: Transaction) -> None:
        if org.version == 1:  # registered: the tree never moves, so its ancestry is final
            for ancestor_id in self.sources.organizations.ancestry(org.id):
                write(
                    tx,
                    self.sql(
                        "INSERT INTO {ancestors} (ancestor_id, organization_id) VALUES (?, ?)"
                    ),
                    (str(ancestor_id), str(org.id)),
                )
        term = org.term
        write(
            tx,
            self.sql(
                "INSERT INTO {organizations} (id, name, kind, parent_id, unit, term_started_on, "
                "term_years, extension_months, term_ends_on, election_id, position) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "term_started_on = excluded.term_started_on, term_years = excluded.term_years, "
                "extension_months = excluded.extension_months, term_ends_on = excluded.term_ends_on, "
                "election_id = excluded.election_id, position = excluded.position"
            ),
            (
                str(org.id),
                org.name,
                org.kind.value,
                _text(org.parent_id),
                org.unit,
                _text(term and term.started_on),
                org.term_years,
                term.extension_months if term else None,
                _text(term and term.ends_on),
                _text(org.open_election_id),
                org.version,
            ),
        )
        for year, admissions in org.development_plans.items():
            write(
                tx,
                self.sql(
                    "INSERT INTO {development_plans} (organization_id, year, admissions) "
                    "VALUES (?, ?, ?) ON CONFLICT (organization_id, year) "
                    "DO UPDATE SET admissions = excluded.admissions"
                ),
                (str(org.id), year, str(admissions)),
            )

    def _election(self, election: Election, tx: Transaction) -> None:
        last = election.records[-1].slug if election.records else "election_requested"
        cover = cover_of(election)
        write(
            tx,
            self.sql(
                "UPDATE {organizations} SET election_state = ?, election_approved = ?, "
                "election_approved_on = ?, election_planned_on = ?, election_first_ballot_on = ? "
                "WHERE id = ? AND (election_id = ? OR election_id IS NULL)"
            ),
            (
                last,
                int(cover.approved_on is not None),
                _text(cover.approved_on),
                _text(cover.planned_date),
                _text(cover.first_ballot_on),
                str(election.organization_id),
                str(election.id),
            ),
        )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def subtree_cte(ancestors_table: str) -> str:
    """``subtree(id)``: an organization and everything under it (pass its id as the parameter);
    ``ancestors_table`` is the organizations model's ``ancestors``."""
    return (
        f"WITH subtree(id) AS (SELECT organization_id FROM {ancestors_table} "
        "WHERE ancestor_id = ?) "
    )


CALENDAR_COLUMNS = (
    "o.id, o.name, o.kind, o.parent_id, o.term_started_on, o.term_years, o.extension_months, "
    "o.term_ends_on, o.election_id, o.election_state, o.election_approved, "
    "o.election_planned_on, o.election_first_ballot_on"
)
# E-OVERDUE at read time: the term ended before the day, and the election under way does not cover
# the day (ElectionCover.covers): approved by then, and a ballot held by then or a planned date no
# earlier than the day less the grace. A missing date never matches.
_COVERED = (
    "(o.election_id IS NOT NULL AND COALESCE(o.election_approved_on, '9999-12-31') <= ? "
    "AND (COALESCE(o.election_first_ballot_on, '9999-12-31') <= ? "
    "OR COALESCE(o.election_planned_on, '0000-01-01') >= ?))"
)
_OVERDUE = f"(o.term_ends_on < ? AND NOT {_COVERED})"


def _overdue_params(day: date, grace_days: int) -> list[object]:
    iso = day.isoformat()
    return [iso, iso, iso, earliest_covering_plan(day, grace_days).isoformat()]


def calendar(
    model: OrganizationsModel,
    tx: Transaction,
    *,
    organization_id: str,
    today: date,
    grace_days: int,
    overdue_only: bool,
    order_by: str,
    limit: int,
    offset: int,
) -> tuple[list[tuple[Any, ...]], int]:
    """Every organization under ``organization_id`` with a term, and whether it is overdue on
    ``today`` with the policy's ``grace_days`` (E-OVERDUE)."""
    where = f"o.term_ends_on IS NOT NULL{f' AND {_OVERDUE}' if overdue_only else ''}"
    base = model.sql(
        subtree_cte("{ancestors}")
        + f"SELECT {CALENDAR_COLUMNS}, {_OVERDUE} AS overdue FROM {{organizations}} o "
        f"JOIN subtree s ON s.id = o.id WHERE {where}"
    )
    overdue = _overdue_params(today, grace_days)
    params: list[object] = [organization_id, *overdue, *(overdue if overdue_only else [])]
    rows = tx.fetchall(
        f"{base} ORDER BY {order_by}, o.id LIMIT ? OFFSET ?", (*params, limit, offset)
    )
    count_row = tx.fetchone(f"SELECT COUNT(*) FROM ({base}) counted", params)
    return rows, int(count_row[0]) if count_row else 0
