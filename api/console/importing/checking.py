"""Every row of an import checked before anything is written: its columns read (``cells.py``),
its organization found, its body validated by the API's own request model, and its jurisdiction
checked as the command bus will check it.

A good row becomes the command the API's route would send for the same body (the model's
``command``); a bad row becomes its problems, each naming the row's line and the column. An
organization may name as its parent an organization of an earlier row of the same file (the file
is read parents first, as a tree is written down); its id is known once that row is imported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from api.console.importing.cells import CellRefused, value_of
from api.console.importing.columns import COLUMNS, Cell, Column, Kind, column_named
from api.console.importing.registry import registered_ids, wait_for_names
from api.console.importing.sheets import Row, Sheet
from api.routes.members import MemberCreate
from api.routes.organizations import OrganizationCreate
from domain.commands import RegisterMember, RegisterOrganization
from domain.context import Actor
from domain.errors import Forbidden, Violation
from memberflow.bootstrap import Memberflow
from services.authorization import authorize
from services.clock import today

HEADER_LINE = 1
_MODELS: dict[Kind, type[OrganizationCreate] | type[MemberCreate]] = {
    Kind.ORGANIZATIONS: OrganizationCreate,
    Kind.MEMBERS: MemberCreate,
}


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: str  # the column's header as the template writes it
    reason: str  # one of the import's texts (``imports.reason.<reason>``)
    detail: str = ""  # what the reason quotes: a name, a line, the request model's sentence
    violations: tuple[Violation, ...] = ()  # a refusal of the access policy: MF-ACCESS


@dataclass(frozen=True, slots=True)
class Planned:
    """A good row: the command to send, and for an organization under one of an earlier row,
    that row's line (the command's ``parent_id`` is set when that row is imported)."""

    line: int
    name: str
    command: RegisterOrganization | RegisterMember
    parent_line: int | None = None


@dataclass(frozen=True, slots=True)
class Checked:
    planned: tuple[Planned, ...]
    problems: tuple[Problem, ...]

    @property
    def bad_lines(self) -> tuple[int, ...]:
        return tuple(sorted({problem.line for problem in self.problems}))


def check(kind: Kind, sheet: Sheet, memberflow: Memberflow, actor: Actor) -> Checked:
    """Each row of ``sheet`` as a command, or its problems; a header that lacks a required column
    or has one this import does not know is a problem of line 1, and no row is read."""
    columns = COLUMNS[kind]
    placed, problems = _placed(columns, sheet.header)
    if problems:
        return Checked((), tuple(problems))
    wait_for_names(memberflow)
    rows = _Rows(kind, placed, sheet, memberflow, actor)
    planned: list[Planned] = []
    found: list[Problem] = []
    for row in sheet.rows:
        checked = rows.check(row)
        if isinstance(checked, Planned):
            planned.append(checked)
        else:
            found.extend(checked)
    return Checked(tuple(planned), tuple(found))


def _placed(
    columns: tuple[Column, ...], header: tuple[str, ...]
) -> tuple[dict[int, Column], list[Problem]]:
    placed: dict[int, Column] = {}
    problems = []
    for index, text in enumerate(header):
        column = column_named(columns, text)
        if column is None:
            if text:
                problems.append(Problem(HEADER_LINE, text, "unknown_column"))
        elif column in placed.values():
            problems.append(Problem(HEADER_LINE, column.header, "duplicate_column"))
        else:
            placed[index] = column
    for column in columns:
        if column.required and column not in placed.values():
            problems.append(Problem(HEADER_LINE, column.header, "missing_column"))
    return placed, problems


class _Rows:
    """Checks the rows of one file in order, remembering the organizations of the earlier rows."""

    def __init__(
        self,
        kind: Kind,
        placed: dict[int, Column],
        sheet: Sheet,
        memberflow: Memberflow,
        actor: Actor,
    ) -> None:
        self.model = _MODELS[kind]
        self.place = next(c for c in COLUMNS[kind] if c.cell in _PLACES)  # parent, or branch
        self.placed = placed
        self.memberflow = memberflow
        self.actor = actor
        self.day: date = today(memberflow.clock)
        # The lines of each organization's name in the file (only an organizations file has
        # rows a later row may stand under), and the lines found bad so far.
        self.lines_named: dict[str, list[int]] = defaultdict(list)
        if kind is Kind.ORGANIZATIONS:
            for row in sheet.rows:
                self.lines_named[self._text(row, "name")].append(row.line)
        self.bad: set[int] = set()

    def check(self, row: Row) -> Planned | list[Problem]:
        values: dict[str, object] = {}
        problems: list[Problem] = []
        parent_line = None
        for column in self.placed.values():
            text = self._text(row, column.field)
            if not text:
                continue  # left out: the request model's default, or its "required"
            try:
                value = self._value(column, text, row.line)
            except CellRefused as unread:
                problems.append(Problem(row.line, column.header, unread.reason, unread.detail))
                continue
            if isinstance(value, int) and column.cell is Cell.PARENT:
                parent_line = value  # an earlier row: its id is known once it is imported
            else:
                values[column.field] = value
        refused = {problem.column for problem in problems}
        try:
            body = self.model.model_validate(values)
        except ValidationError as error:
            problems += [p for p in self._invalid(row.line, error) if p.column not in refused]
        if problems:
            self.bad.add(row.line)
            return problems
        return self._planned(row, body, parent_line)

    def _planned(
        self, row: Row, body: OrganizationCreate | MemberCreate, parent_line: int | None
    ) -> Planned | list[Problem]:
        command = body.command(self.day)
        if parent_line is None:  # under an earlier row, it lies where that row does
            try:
                memberflow = self.memberflow
                authorize(command, self.actor, memberflow.organizations, memberflow.membership)
            except Forbidden as forbidden:
                self.bad.add(row.line)
                violations = tuple(forbidden.violations)
                return [Problem(row.line, self.place.header, "forbidden", violations=violations)]
        return Planned(row.line, body.name, command, parent_line)

    def _text(self, row: Row, field: str) -> str:
        index = next((i for i, c in self.placed.items() if c.field == field), None)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index].strip()

    def _value(self, column: Column, text: str, line: int) -> object:
        if column.cell in _PLACES:
            return self._organization(column, text, line)
        return value_of(column.cell, text)

    def _organization(self, column: Column, text: str, line: int) -> object:
        """The id of the registered organization ``text`` names, or the line of the earlier row
        that registers it (a parent only)."""
        registered = registered_ids(self.memberflow, text)
        named = self.lines_named.get(text, []) if column.cell is Cell.PARENT else []
        earlier = [at for at in named if at < line]
        if len(registered) + len(earlier) > 1:
            raise CellRefused("ambiguous", text)
        if earlier:
            if earlier[0] in self.bad:
                raise CellRefused("parent_bad", str(earlier[0]))
            return earlier[0]
        if registered:
            return registered[0]
        later = [at for at in named if at > line]
        if later:
            raise CellRefused("parent_later", str(later[0]))
        raise CellRefused("unknown_organization", text)

    def _invalid(self, line: int, error: ValidationError) -> list[Problem]:
        """The request model's refusals, each on its column."""
        problems = []
        for found in error.errors():
            field = str(found["loc"][0]) if found["loc"] else ""
            header = next((c.header for c in self.placed.values() if c.field == field), field)
            if found["type"] == "missing":
                problems.append(Problem(line, header, "required"))
            elif found["type"] == "date_in_future":  # MF-FUTURE-DATE, as the API names it
                day = found.get("ctx", {}).get("day", "")
                problems.append(Problem(line, header, "future", day))
            else:
                problems.append(Problem(line, header, "invalid", found["msg"]))
        return problems


_PLACES = (Cell.PARENT, Cell.ORGANIZATION)
