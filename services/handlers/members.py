"""Handlers of the member registry (O-3): registering members who joined before memberflow."""

from __future__ import annotations

from typing import Any

from domain.commands import RegisterMember
from domain.errors import Conflict, refuse
from domain.members import Member, MemberStatus
from domain.organizations import OrgKind
from services.handlers.unit import Changes, Handler, Unit, dated_context


def register_member(command: RegisterMember, unit: Unit) -> Changes:
    branch = unit.organizations.organization(command.branch_id)
    if branch.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        raise refuse(
            "O-3", "党员编入党支部或党总支。", "A member belongs to a branch or general branch."
        )
    context = dated_context(command.entry, unit)
    for day in (command.joined_on, command.full_since):
        if day is not None and day > unit.today:
            raise refuse("MF-FUTURE-DATE", f"{day}。", f"{day}.")
    member_id = Member.create_id(command.name, command.birth_date)
    if unit.membership.find(Member, member_id) is not None:
        raise Conflict(f"{command.name} ({command.birth_date}) is already in the registry")
    full = command.status is MemberStatus.FULL
    member = Member(
        name=command.name,
        birth_date=command.birth_date,
        branch_id=branch.id,
        joined_on=command.joined_on,
        full_since=(command.full_since or command.joined_on) if full else None,
        rights_suspended=command.rights_suspended,
        under_party_probation=command.under_party_probation,
        admission_case_id=None,
        context=context,
    )
    return Changes(unit.membership, member.id, (member,))


HANDLERS: tuple[Handler[Any], ...] = (Handler(RegisterMember, register_member),)
