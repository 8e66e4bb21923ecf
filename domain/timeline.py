"""The timeline of a case or an election: every event, the hard rules its command checked, and the
findings it raised (issue 5). A pure fold of the stored events.

A finding is *raised* by the event after which it is first among the subject's findings
(``case_findings`` or ``election_findings`` of the state right after that event). So F-ORDER, which
names the earlier step whose date is out of order, is raised by the later step that revealed it;
F-EXC by ``exception_granted``. A finding that the next event no longer yields is *cleared* there.
Findings are told apart by their key: kind, rule, the version they name, and a number among equals
— the same key as the rows of the findings read model, so a changed wording (an exception that
becomes "used") is the same finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate, DomainEventProtocol

from domain import admission_rules
from domain.admission import REJECTED_SLUG, AdmissionCase
from domain.election_steps import ELECTION_STEPS
from domain.elections import REQUEST_RULES, Election, election_findings, election_rules_checked
from domain.findings import Finding, case_findings
from domain.policy import Policy
from domain.steps import BY_NUMBER, BY_SLUG

Event = DomainEventProtocol[Any]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    event: Event
    rules_checked: tuple[str, ...]  # hard rules the command behind the event checked
    waived: tuple[str, ...]  # the ones an exception let through for it
    raised: tuple[Finding, ...]  # findings first true after this event
    cleared: tuple[Finding, ...]  # findings true before this event and no longer after it


def finding_keys(found: Iterable[Finding]) -> list[tuple[str, Finding]]:
    """Each finding with its key: ``kind:rule:version:n`` (n numbers findings with equal keys)."""
    seen: dict[str, int] = {}
    keyed = []
    for finding in found:
        base = f"{finding.kind}:{finding.rule or '-'}:{finding.version}"
        n = seen[base] = seen.get(base, -1) + 1
        keyed.append((f"{base}:{n}", finding))
    return keyed


def case_event_rules(event: Event) -> tuple[str, ...]:
    """The hard rules checked by the command that recorded ``event`` on a case."""
    name = type(event).__name__
    if name == "StepRecorded":
        slug = getattr(event, "slug", "")
        number = 17 if slug == REJECTED_SLUG else BY_SLUG[slug].number
        return admission_rules.rules_checked(BY_NUMBER[number])
    if name == "Terminated" and getattr(event, "rule", None):
        return (str(getattr(event, "rule")),)  # noqa: B009 — a step's outcome closed the case
    return {
        "ApplicationSubmitted": admission_rules.SUBMISSION_RULES,
        "ExceptionGranted": admission_rules.EXCEPTION_RULES,
        "Withdrawn": admission_rules.CLOSING_RULES,
        "Terminated": admission_rules.CLOSING_RULES,
        "Transferred": admission_rules.TRANSFER_RULES,
        "ProbationExtended": ("A-23.3",),  # the conversion meeting's outcome
    }.get(name, ())


def election_event_rules(event: Event) -> tuple[str, ...]:
    """The hard rules checked by the command that recorded ``event`` on an election."""
    if type(event).__name__ == "ElectionRequested":
        return REQUEST_RULES
    slug = getattr(event, "slug", None)
    step = next((s for s in ELECTION_STEPS if slug in (s.slug, s.rejected_slug)), None)
    return election_rules_checked(step) if step else ()


def case_timeline(events: Sequence[Event], policy: Policy) -> list[TimelineEntry]:
    def findings(aggregate: Aggregate) -> list[Finding]:
        assert isinstance(aggregate, AdmissionCase)
        return case_findings(aggregate, policy)

    return _fold(events, findings, case_event_rules)


def election_timeline(events: Sequence[Event], policy: Policy) -> list[TimelineEntry]:
    def findings(aggregate: Aggregate) -> list[Finding]:
        assert isinstance(aggregate, Election)
        return election_findings(aggregate, policy)

    return _fold(events, findings, election_event_rules)


def _fold(
    events: Sequence[Event],
    findings: Callable[[Aggregate], list[Finding]],
    rules: Callable[[Event], tuple[str, ...]],
) -> list[TimelineEntry]:
    aggregate: Aggregate | None = None
    before: dict[str, Finding] = {}
    entries = []
    for event in events:
        aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
        assert aggregate is not None
        after = dict(finding_keys(findings(aggregate)))
        entries.append(
            TimelineEntry(
                event=event,
                rules_checked=rules(event),
                waived=tuple(getattr(event, "waived", ()) or ()),
                raised=tuple(f for key, f in after.items() if key not in before),
                cleared=tuple(f for key, f in before.items() if key not in after),
            )
        )
        before = after
    return entries
