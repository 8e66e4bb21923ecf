"""The rules each step checks, derived from the step's record: what the timeline shows per event
(tests/http/test_audit_timeline.py)."""

from __future__ import annotations

from domain.admission.steps import BY_SLUG, STEPS
from domain.elections.steps import ELECTION_STEPS
from domain.rulebook import RULES


def test_every_rule_a_step_names_is_in_the_rule_book() -> None:
    named = {rule for step in STEPS for rule in (*step.rules_checked, *step.waivable_rules)}
    named |= {rule for step in ELECTION_STEPS for rule in step.rules_checked}
    assert named <= set(RULES)


def test_the_rules_of_a_step_name_its_order_authority_and_own_rules() -> None:
    assert BY_SLUG["admission_approved"].rules_checked == (
        "MF-CASE-CLOSED",
        "MF-FUTURE-DATE",
        "A-17.1",
        "MF-STEP-REPEATED",
        "A-16.1",
        "A-15.3",
        "A-T.2",
        "A-17.2",
    )
    assert BY_SLUG["application_submitted"].rules_checked == ("MF-FUTURE-DATE", "A-1.1", "A-1.2")
    target = BY_SLUG["development_target_designated"]
    assert set(target.waivable_rules) <= set(target.rules_checked)
