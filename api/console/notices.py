"""Why the console did not record what a form asked, shown on the page itself: never a JSON error.

A refusal of the domain shows every broken rule as the API's problem+json carries it: its id, its
article and its sentence in the reader's language. A conflict (the subject moved since the page
was shown) says 已被他人处理; a field the request's model refuses is named by its label, and a
business date after today is MF-FUTURE-DATE, as the API's problem+json names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from domain.errors import Conflict, Forbidden, RulesBroken, Violation


@dataclass(frozen=True, slots=True)
class Notice:
    status: int  # the page's status, as the API would answer the same refusal
    message: str  # one of the console's strings (i18n.py)
    violations: tuple[Violation, ...] = ()
    fields: tuple[str, ...] = ()  # the names of the fields refused

    @property
    def stale(self) -> bool:
        """The subject moved since the page was shown: no form is offered on its old facts."""
        return self.message == CONFLICT


CONFLICT = "conflict"  # 已被他人处理 (i18n.py)
COMMENT_REQUIRED = Notice(422, "comment_required", fields=("comment",))


def notice_of(error: RulesBroken | Conflict | ValidationError) -> Notice:
    if isinstance(error, Forbidden):  # MF-ACCESS: 403, as the API answers it
        return Notice(403, "forbidden", tuple(error.violations))
    if isinstance(error, RulesBroken):
        return Notice(422, "rule_broken", tuple(error.violations))
    if isinstance(error, Conflict):
        return Notice(409, CONFLICT)
    problems = error.errors()
    if problems and problems[0]["type"] == "date_in_future":  # MF-FUTURE-DATE, as the API says
        day = problems[0].get("ctx", {}).get("day", "")
        violation = Violation.of("MF-FUTURE-DATE", f"{day}。", f"{day}.")
        return Notice(422, "rule_broken", (violation,), fields=(_field(problems[0]),))
    names = (_field(problem) for problem in problems)
    return Notice(422, "invalid", fields=tuple(dict.fromkeys(names)))


def _field(problem: ErrorDetails) -> str:
    return str(problem["loc"][0]) if problem["loc"] else ""
