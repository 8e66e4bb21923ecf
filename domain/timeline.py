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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate, DomainEventProtocol

from domain.admission.case import AdmissionCase
from domain.admission.findings import case_findings
from domain.admission.guards import EXCEPTION_RULES, TRANSFER_RULES
from domain.admission.steps import BY_EVENT, CLOSING_RULES, FIRST
from domain.elections.election import Election
from domain.elections.findings import election_findings
from domain.elections.steps import ELECTION_STEP_BY_EVENT, REQUEST_RULES
from domain.findings import Finding, finding_keys
from domain.policy import Policy

Event = DomainEventProtocol[Any]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    event: Event
    rules_checked: tuple[str, ...]  # hard rules the command behind the event checked
    waived: tuple[str, ...]  # the ones an exception let through for it
    raised: tuple[Finding, ...]  # findings first true after this event
    cleared: tuple[Finding, ...]  # findings true before this event and no longer after it


def case_event_rules(event: Event) -> tuple[str, ...]:
    """The hard rules checked by the command that recorded ``event`` on a case."""
    name = type(event).__name__
    if name == "StepRecorded":
        return BY_EVENT[getattr(event, "slug", "")].rules_checked
    if name == "Terminated" and getattr(event, "rule", None):
        return (str(getattr(event, "rule")),)  # noqa: B009 — a step's outcome closed the case
    return {
        "ApplicationSubmitted": FIRST.rules_checked,
        "ExceptionGranted": EXCEPTION_RULES,
        "Withdrawn": CLOSING_RULES,
        "Terminated": CLOSING_RULES,
        "Transferred": TRANSFER_RULES,
        "ProbationExtended": (
            "A-23.3",
            "A-24.4",
        ),  # the meeting resolved it, the committee approved
    }.get(name, ())


def election_event_rules(event: Event) -> tuple[str, ...]:
    """The hard rules checked by the command that recorded ``event`` on an election."""
    if type(event).__name__ == "ElectionRequested":
        return REQUEST_RULES
    step = ELECTION_STEP_BY_EVENT.get(getattr(event, "slug", ""))
    return step.rules_checked if step else ()


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
