"""What every command on an admission case is checked against before a step's own rules: an open
case, a business date not in the future, the authority of the one who takes it (O-1), repetition
and order (DOMAIN.md §2); and the exception path (§0).

The step's record (``steps.py``) says which of these apply to it and how; this module runs them
in that order. What no exception can waive is raised; the rest is returned, so that an exception
granted for one named rule can let exactly that rule through.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.admission.steps import BY_NUMBER, CLOSING_RULES, Step
from domain.admission.values import Applicant, Basis, Facts
from domain.context import Context, Role
from domain.dates import age_on
from domain.errors import RulesBroken, Violation
from domain.rulebook import RULES, Severity
from domain.workflow import StepDetails, check_date

if TYPE_CHECKING:
    from domain.admission.case import AdmissionCase

V = Violation.of

# The hard rules the commands other than steps check, for audit views (the timeline).
TRANSFER_RULES: tuple[str, ...] = (*CLOSING_RULES, "A-T")
EXCEPTION_RULES: tuple[str, ...] = (*CLOSING_RULES, "O-1", "MF-EXCEPTION")


def check_submission(
    applicant: Applicant, basis: str, context: Context, today: date
) -> list[Violation]:
    """The first step's rules: age (A-1.1) and the basis of the application (A-1.2)."""
    found = check_date(context, today)
    age = age_on(applicant.birth_date, context.occurred_on)
    if age < 18:
        found.append(V("A-1.1", f"申请人当日 {age} 岁。", f"The applicant is {age} on that day."))
    if basis not in set(Basis):
        found.append(V("A-1.2", f"依据 “{basis}” 无效。", f"'{basis}' is not a basis."))
    return found


def check_closing(case: AdmissionCase, context: Context, today: date) -> None:
    """Withdrawal, termination and transfer: an open case and a date not in the future."""
    found = _open(case) + check_date(context, today)
    if found:
        raise RulesBroken(found)


def _open(case: AdmissionCase) -> list[Violation]:
    if case.is_open:
        return []
    return [
        V("MF-CASE-CLOSED", f"案卷状态：{case.status.value}。", f"The case is {case.status.value}.")
    ]


def check_step(
    case: AdmissionCase, step: Step, details: StepDetails, context: Context, facts: Facts
) -> list[Violation]:
    """Raise for what no exception can waive; return the violations an exception may waive."""
    if not isinstance(details, step.details):
        raise TypeError(f"{step.slug} takes {step.details.__name__}")
    blocking = (
        _open(case) + check_date(context, facts.today) + check_authority(step, context, facts)
    )
    blocking += repeat_violations(case, step)
    if blocking:  # never waived: an exception cannot lend authority or change the facts
        raise RulesBroken(blocking)
    own = step.check(case, details, context, facts) if step.check else []
    found = readiness_violations(case, step) + own
    assert {v.rule.id for v in found} <= set(step.rules_checked), (step.slug, found)
    return found


def check_authority(step: Step, context: Context, facts: Facts) -> list[Violation]:
    """O-1: decisions of the approving committee are taken by its committee officials only."""
    if step.authority_rule is None or _is_approving_official(context, facts):
        return []
    return [
        V(
            step.authority_rule,
            "须由审批党委的工作人员（committee_official）办理。",
            "Only a committee_official of the approving committee may take this step.",
        )
    ]


def _is_approving_official(context: Context, facts: Facts) -> bool:
    actor = context.actor
    return (
        actor.role is Role.COMMITTEE_OFFICIAL
        and actor.organization_id == facts.approving_committee_id
    )


def repeat_violations(case: AdmissionCase, step: Step) -> list[Violation]:
    if not case.has(step.slug) or step.again(case, step.slug):
        return []
    return [
        V(
            "MF-STEP-REPEATED",
            f"步骤 {step.number}（{step.zh}）。",
            f"Step {step.number} ({step.slug}).",
        )
    ]


def readiness_violations(case: AdmissionCase, step: Step) -> list[Violation]:
    """What keeps a step from being taken now, whatever its own facts: the steps before it, and
    what its record says must also hold."""
    found = order_violations(case, step)
    if step.ready:
        found += step.ready(case)
    return found


def order_violations(case: AdmissionCase, step: Step) -> list[Violation]:
    missing = sorted(n for n in step.after if not step.prerequisite(case, BY_NUMBER[n].slug))
    if not missing:
        return []
    names_zh = "、".join(f"{n}（{BY_NUMBER[n].zh}）" for n in missing)
    names_en = ", ".join(f"{n} ({BY_NUMBER[n].slug})" for n in missing)
    return [V(step.order_rule, f"尚缺步骤 {names_zh}。", f"Missing step {names_en}.")]


def check_exception(
    case: AdmissionCase, step: Step, rule_id: str, reason: str, context: Context, facts: Facts
) -> list[Violation]:
    """DOMAIN.md §0: the approving committee lets one named step through one named hard rule."""
    found = _open(case) + check_date(context, facts.today)
    if not _is_approving_official(context, facts):
        found.append(
            V(
                "O-1",
                "例外只能由审批党委的工作人员记录。",
                "Only a committee_official of the approving committee records exceptions.",
            )
        )
    if rule_id not in step.waivable_rules:
        why_zh, why_en = _not_waivable(step, rule_id)
        allowed = ", ".join(step.waivable_rules) or "—"
        found.append(
            V(
                "MF-EXCEPTION",
                f"{rule_id} 不能例外：{why_zh}。步骤 {step.slug} 可例外的规则：{allowed}。",
                f"{rule_id} cannot be waived: {why_en}. Rules that may be waived at "
                f"{step.slug}: {allowed}.",
            )
        )
    if not reason.strip():
        found.append(V("MF-EXCEPTION", "须写明理由。", "A reason is required."))
    return found


def _not_waivable(step: Step, rule_id: str) -> tuple[str, str]:
    """Why an exception cannot let ``step`` through ``rule_id`` (DOMAIN.md §0)."""
    found = RULES.get(rule_id)
    if found is None:
        return "没有这条规则", "there is no such rule"
    if rule_id == step.order_rule:
        return (
            "步骤须按顺序记录，纸质材料内容上的偏差使用可例外的规则",
            "a step is recorded in order; a paper record's deviations use the waivable rules",
        )
    if found.severity is Severity.SOFT:
        return "软性规则从不拒绝记录，无可例外", "a soft rule never refuses a step"
    if not found.waivable:
        return "细则对此没有特殊情况的规定", "the 细则 allows no special circumstances for it"
    return "该步骤不检查这条规则", "the step does not check it"
