"""Errors the domain raises. The API translates them to problem+json once, at its boundary."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.rulebook import Rule, rule


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken hard rule, with what was wrong in this instance.

    ``final``: no exception reaches it, even where its rule may be waived (A-17.2 beyond six
    months). ``advisory``: it refuses nothing, but an exception granted for its rule is used by it
    and recorded as waived (A-17.2 within six months: the exception is the special reason).
    """

    rule: Rule
    detail_zh: str
    detail_en: str
    final: bool = False
    advisory: bool = False

    @classmethod
    def of(
        cls,
        rule_id: str,
        zh: str = "",
        en: str = "",
        *,
        final: bool = False,
        advisory: bool = False,
    ) -> Violation:
        found = rule(rule_id)
        return cls(found, _join(found.zh, zh), _join(found.en, en), final, advisory)


def _join(sentence: str, detail: str) -> str:
    return f"{sentence} {detail}".strip()


class DomainError(Exception):
    pass


class RulesBroken(DomainError):
    """A command broke one or more hard rules; nothing was recorded."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{v.rule.id}: {v.detail_en}" for v in violations))

    @property
    def first(self) -> Violation:
        return self.violations[0]


def refuse(rule_id: str, zh: str = "", en: str = "") -> RulesBroken:
    return RulesBroken([Violation.of(rule_id, zh, en)])


class NotFound(DomainError):
    def __init__(self, kind: str, identifier: UUID | str) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"{kind} {identifier} not found")


class Conflict(DomainError):
    """Another writer changed the same aggregate first; the command was not recorded."""


class Forbidden(RulesBroken):
    """MF-ACCESS: the actor's role may not do this, or not outside its jurisdiction
    (domain/access.py). Nothing was recorded; the API answers 403, not 422."""

    def __init__(self, detail_zh: str, detail_en: str) -> None:
        super().__init__([Violation.of("MF-ACCESS", detail_zh, detail_en)])
