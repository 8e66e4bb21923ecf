"""The dashboard's five figures of an organization's subtree, read as the API reads them.

- people per stage, admissions per year against the plan, overdue approvals: the pipeline, as
  ``GET /dashboard/pipeline`` answers it (``pipeline_of``, with its access check and its wait for
  ``?after=``);
- findings by kind: the findings read model counted by ``count_by_kind``, the subtree's findings as
  ``GET /findings?org=`` lists them;
- elections due and overdue: the terms of ``GET /elections/calendar?org=`` (``calendar_rows``).

Each figure is a small table in the reader's language: its title, a header, and rows of a name and
its values. The page draws it as a chart and a table, and the download writes the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from api.console.i18n import STRINGS, Language
from api.console.words import stage_name
from api.reads import PageParams, caught_up
from api.routes.calendar import calendar_rows
from api.routes.dashboard import pipeline_of
from domain.admission.steps import STAGES
from domain.bounds import PER_PAGE_MAX
from domain.context import Actor
from domain.dates import add_months
from domain.organizations import Organization
from memberflow.bootstrap import Memberflow
from projections.findings import FindingsModel
from projections.findings_query import FindingsQuery, count_by_kind
from projections.organizations import OrganizationsModel
from projections.service import ReadModels

DUE_MONTHS = 6  # a term that ends within this many months is due for its election


@dataclass(frozen=True, slots=True)
class Figure:
    slug: str  # its address: DASHBOARD/<slug>.xlsx
    title: str
    header: tuple[str, ...]  # the rows' name, then each series
    rows: tuple[tuple[str, tuple[int, ...]], ...]

    @property
    def table(self) -> list[tuple[str | int, ...]]:
        """The rows as the table and the workbook show them: the name, then the values."""
        return [(label, *values) for label, values in self.rows]

    def summary(self, language: Language) -> str:
        """The figure in one sentence, for a screen reader (各阶段人数：入党申请人 在途人数 1；…)."""
        t = STRINGS[language]
        told = t["dashboard.separator"].join(
            f"{label} "
            + t["dashboard.and"].join(
                f"{name} {value}" for name, value in zip(self.header[1:], values, strict=True)
            )
            for label, values in self.rows
            if any(values)
        )
        return f"{self.title}{t['colon']}{told or t['dashboard.empty']}"


@dataclass(frozen=True, slots=True)
class Dashboard:
    organization: Organization
    as_of: date
    figures: tuple[Figure, ...]

    def figure(self, slug: str) -> Figure | None:
        return next((figure for figure in self.figures if figure.slug == slug), None)


def read_dashboard(
    memberflow: Memberflow,
    read_models: ReadModels,
    actor: Actor,
    org: UUID,
    *,
    after: str | None,
    language: Language,
) -> Dashboard:
    """The figures of ``org``'s subtree: 404 (NotFound) for an unknown organization, 403
    (Forbidden) outside ``actor``'s jurisdiction, ReadModelBehind if ``after`` is not reached."""
    pipeline = pipeline_of(memberflow, read_models, actor, org, after)  # checks the access
    t = STRINGS[language]
    stages = [(stage_name(STAGES[s.number], language), (s.open,)) for s in pipeline.stages]
    admissions = [(str(y.year), (y.admitted, y.planned)) for y in pipeline.admissions]
    overdue_items = [(t["dashboard.overdue.row"], (pipeline.overdue_items,))]
    findings = [
        (t.get(f"dashboard.kind.{kind}", kind), (count,))
        for kind, count in _findings(memberflow, read_models, org, after)
    ]
    due, overdue = _elections(memberflow, read_models, actor, org, after, pipeline.as_of)
    elections = [
        (t["dashboard.elections.due"], (due,)),
        (t["dashboard.elections.overdue"], (overdue,)),
    ]
    figures = (
        _figure(t, "stages", ("open",), stages),
        _figure(t, "admissions", ("admitted", "planned"), admissions),
        _figure(t, "overdue", ("items",), overdue_items),
        _figure(t, "findings", ("count",), findings),
        _figure(t, "elections", ("organizations",), elections),
    )
    return Dashboard(memberflow.organizations.organization(org), pipeline.as_of, figures)


def _figure(
    t: dict[str, str],
    slug: str,
    series: tuple[str, ...],
    rows: Sequence[tuple[str, tuple[int, ...]]],
) -> Figure:
    """A figure named by the texts ``dashboard.<slug>``, ``….label`` and ``….<series>``."""
    prefix = f"dashboard.{slug}"
    header = (t[f"{prefix}.label"], *(t[f"{prefix}.{name}"] for name in series))
    return Figure(slug, t[prefix], header, tuple(rows))


def _findings(
    memberflow: Memberflow, read_models: ReadModels, org: UUID, after: str | None
) -> list[tuple[str, int]]:
    """The subtree's findings by kind, read as ``GET /findings?org=`` reads them (the access is
    checked by the pipeline's read, for the same organization)."""
    names = [FindingsModel.name, OrganizationsModel.name]
    caught_up(read_models, after, names, memberflow.settings.read_wait_seconds)
    model = read_models.model(FindingsModel.name)
    assert isinstance(model, FindingsModel)
    ancestors = read_models.model(OrganizationsModel.name).names["ancestors"]
    with read_models.query() as tx:
        return count_by_kind(model, ancestors, tx, FindingsQuery(organization_id=org))


def _elections(
    memberflow: Memberflow,
    read_models: ReadModels,
    actor: Actor,
    org: UUID,
    after: str | None,
    day: date,
) -> tuple[int, int]:
    """How many terms of the subtree are due (ending within ``DUE_MONTHS`` of ``day``, or ended
    with an election under way that covers them) and how many are overdue (E-OVERDUE).

    The calendar lists the terms by their end, as ``GET /elections/calendar?sort=term_ends_on``
    pages them: the first term that ends after the horizon ends the reading."""
    horizon = add_months(day, DUE_MONTHS)
    due = overdue = 0
    page = 1
    while True:
        paging = PageParams(page=page, per_page=PER_PAGE_MAX, sort="term_ends_on", after=after)
        rows, count, _ = calendar_rows(memberflow, read_models, actor, paging, org=org)
        for row in rows:
            if row.term_ends_on > horizon:
                return due, overdue
            overdue += row.overdue
            due += not row.overdue
        if page * PER_PAGE_MAX >= count:
            return due, overdue
        page += 1
