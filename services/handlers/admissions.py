"""Handlers of admission cases (DOMAIN.md §2): the application, the 25 steps, exceptions (§0),
withdrawal, termination and transfer (A-T), and the registry records that follow a case (O-3)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain import identity
from domain.admission.case import AdmissionCase, admit_member
from domain.admission.details import ContactsAssignment, IntroducersAssignment
from domain.admission.steps import BY_SLUG, RegistryChange, Step
from domain.admission.values import Applicant, CaseStatus, Facts
from domain.commands import (
    GrantException,
    SubmitApplication,
    TakeStep,
    TerminateCase,
    TransferCase,
    WithdrawCase,
)
from domain.context import Actor, Context, Role
from domain.errors import Conflict, refuse
from domain.members import Member, MemberStatus
from domain.organizations import Organization, OrgKind
from domain.persons import Person
from domain.workflow import StepDetails
from services.handlers.unit import Changes, Handler, Unit


def submit_application(command: SubmitApplication, unit: Unit) -> Changes:
    branch = _branch(command.branch_id, unit)
    unit.organizations.approving_committee_id(branch.id)  # O-1: someone must be able to approve
    applicant = command.applicant
    identity.required(applicant.id_number, "applicant.id_number")  # O-4
    context = unit.context(command.entry)
    _check_single_open_case(applicant, context.actor, unit)
    person_id = unit.identities.person_id(applicant)
    person = unit.membership.person(person_id) or Person(
        id=person_id,
        name=applicant.name,
        birth_date=applicant.birth_date,
        context=context,
        id_number=applicant.id_number,
    )
    case = AdmissionCase.submit(
        person=person,
        applicant=applicant,
        branch=branch,
        basis=command.basis,
        context=context,
        today=unit.today,
    )
    person.open_case(case.id, context)
    return Changes(unit.membership, case.id, (person, case))


def _check_single_open_case(applicant: Applicant, actor: Actor, unit: Unit) -> None:
    """A-X, decided on aggregates with deterministic (keyed) ids (O-4: from the citizen ID
    number), never on a read model, so it holds across committees. A member's record or an open
    case is named, by its id, only to a user whose organization is its branch or above it (or to
    an administrator); anyone else learns only that it exists elsewhere. No refusal repeats the
    applicant's name or birth date (docs/security.md)."""
    member = unit.membership.find(Member, unit.identities.member_id(applicant))
    if member is not None and member.status is not MemberStatus.CANCELLED:
        if _named_to(actor, member.branch_id, unit):
            raise refuse(
                "A-X",
                f"申请人已是党员（名册记录 {member.id}）。",
                f"The applicant is already a party member (registry record {member.id}).",
            )
        raise refuse("A-X", "申请人已是党员。", "The applicant is already a party member.")
    person = unit.membership.person(unit.identities.person_id(applicant))
    if person is None or person.latest_case_id is None:
        return
    case = unit.membership.case(person.latest_case_id)
    if not case.is_open:
        return
    if _named_to(actor, case.branch_id, unit):
        branch = unit.organizations.organization(case.branch_id)
        raise refuse(
            "A-X",
            f"申请人在 {branch.name} 有在办案卷 {case.id}。",
            f"The applicant has an open case {case.id} at {branch.name}.",
        )
    raise refuse(
        "A-X",
        "此人在其他党组织已有在办的发展党员案卷。",
        "This person has an open case under another organization.",
    )


def _named_to(actor: Actor, branch_id: UUID, unit: Unit) -> bool:
    """Whether a record of ``branch_id`` may be named to ``actor``: an administrator, or a user
    of the branch or an organization above it."""
    lineage = unit.organizations.lineage(branch_id)
    return actor.role is Role.ADMIN or actor.organization_id in {o.id for o in lineage}


def _branch(branch_id: UUID, unit: Unit) -> Organization:
    branch = unit.organizations.organization(branch_id)
    if branch.kind is not OrgKind.BRANCH:
        raise refuse(
            "MF-ORG-TREE", f"{branch.name} 不是党支部。", f"{branch.name} is not a branch."
        )
    return branch


def take_step(command: TakeStep, unit: Unit) -> Changes:
    case = _case(command.case_id, command.expected_version, unit)
    step = BY_SLUG[command.slug]
    context = unit.context(command.entry)
    case.take_step(step, command.details, context, _facts(case, command.details, unit))
    return Changes(unit.membership, case.id, (case, *_registry_changes(case, step, context, unit)))


def _registry_changes(
    case: AdmissionCase, step: Step, context: Context, unit: Unit
) -> tuple[Member, ...]:
    """O-3: the registry follows the case where the step's record says so: a probationary member
    at the approval (A-17.3); full membership, or its cancellation, with the conversion resolution
    the committee approved (A-24.4)."""
    member_id = unit.identities.member_id(case.applicant)
    if step.registry is RegistryChange.ADMIT and case.approval is not None:
        earlier = unit.membership.find(Member, member_id)
        if earlier is not None and earlier.status is not MemberStatus.CANCELLED:
            raise refuse("A-X", "申请人已登记为党员。", "The applicant is already in the registry.")
        return (admit_member(case, member_id, context, earlier),)
    if step.registry is RegistryChange.RESOLUTION and case.converted:
        assert case.probation_end is not None
        member = unit.membership.member(member_id)
        member.convert(full_since=case.probation_end, context=context)
        return (member,)
    if step.registry is RegistryChange.RESOLUTION and case.status is CaseStatus.TERMINATED:
        return _probation_cancelled(case, context, unit)
    return ()


def _probation_cancelled(case: AdmissionCase, context: Context, unit: Unit) -> tuple[Member, ...]:
    """O-3: a case that ends after its approval and before its conversion takes the person's
    probationary membership with it (取消预备党员资格)."""
    if case.approval is None or case.converted:
        return ()
    member = unit.membership.find(Member, unit.identities.member_id(case.applicant))
    if member is None or member.status is not MemberStatus.PROBATIONARY:
        return ()
    member.cancel_probation(context)
    return (member,)


def _case(case_id: UUID, expected_version: int | None, unit: Unit) -> AdmissionCase:
    case = unit.membership.case(case_id)
    if expected_version is not None and case.version != expected_version:
        raise Conflict(f"case {case_id} is at version {case.version}, not {expected_version}")
    return case


def _facts(case: AdmissionCase, details: StepDetails, unit: Unit) -> Facts:
    return Facts(
        today=unit.today,
        approving_committee_id=unit.organizations.approving_committee_id(case.branch_id),
        members={m: unit.membership.find(Member, m) for m in _referenced_members(details)},
        policy=unit.policy,
    )


def _referenced_members(details: StepDetails) -> tuple[UUID, ...]:
    if isinstance(details, ContactsAssignment):
        return details.contacts
    if isinstance(details, IntroducersAssignment):
        return details.introducers
    return ()


def grant_exception(command: GrantException, unit: Unit) -> Changes:
    case = unit.membership.case(command.case_id)
    step = BY_SLUG.get(command.step)
    if step is None:
        raise refuse(
            "MF-EXCEPTION", f"没有步骤 “{command.step}”。", f"There is no step '{command.step}'."
        )
    case.grant_exception(
        step=step,
        rule_id=command.rule,
        reason=command.reason,
        context=unit.context(command.entry),
        facts=_facts(case, StepDetails(), unit),
    )
    return Changes(unit.membership, case.id, (case,))


def withdraw_case(command: WithdrawCase, unit: Unit) -> Changes:
    case = unit.membership.case(command.case_id)
    context = unit.context(command.entry)
    case.withdraw(reason=command.reason, context=context, today=unit.today)
    return Changes(unit.membership, case.id, (case, *_probation_cancelled(case, context, unit)))


def terminate_case(command: TerminateCase, unit: Unit) -> Changes:
    case = unit.membership.case(command.case_id)
    context = unit.context(command.entry)
    case.terminate(reason=command.reason, context=context, today=unit.today)
    return Changes(unit.membership, case.id, (case, *_probation_cancelled(case, context, unit)))


def transfer_case(command: TransferCase, unit: Unit) -> Changes:
    case = unit.membership.case(command.case_id)
    target = unit.organizations.organization(command.to_branch_id)
    if target.kind is not OrgKind.BRANCH:
        raise refuse("A-T", f"{target.name} 不是党支部。", f"{target.name} is not a branch.")
    case.transfer(
        to_branch_id=target.id,
        from_committee_id=unit.organizations.approving_committee(case.branch_id).id,
        to_committee_id=unit.organizations.approving_committee(target.id).id,
        context=unit.context(command.entry),
        today=unit.today,
    )
    return Changes(unit.membership, case.id, (case,))


HANDLERS: tuple[Handler[Any], ...] = (
    Handler(SubmitApplication, submit_application),
    Handler(TakeStep, take_step),
    Handler(GrantException, grant_exception),
    Handler(WithdrawCase, withdraw_case),
    Handler(TerminateCase, terminate_case),
    Handler(TransferCase, transfer_case),
)
