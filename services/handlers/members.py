"""Handlers of the member registry (O-3): registering members who joined before memberflow, and
the dated changes of a member's standing (O-2)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain import identity
from domain.commands import ChangeStanding, RegisterMember
from domain.errors import Conflict, refuse
from domain.members import Member, MemberStatus, imported_full_since
from domain.organizations import OrgKind
from services.handlers.unit import Changes, Handler, Unit, dated_context


def register_member(command: RegisterMember, unit: Unit) -> Changes:
    branch = unit.organizations.organization(command.branch_id)
    if branch.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        raise refuse(
            "O-3", "党员编入党支部或党总支。", "A member belongs to a branch or general branch."
        )
    id_number = identity.checked(command.id_number, command.birth_date, "id_number")
    context = dated_context(command.entry, unit)
    for day in (command.joined_on, command.full_since):
        if day is not None and day > unit.today:
            raise refuse("MF-FUTURE-DATE", f"{day}。", f"{day}.")
    full = command.status is MemberStatus.FULL
    full_since = imported_full_since(command.joined_on, command.full_since) if full else None
    if full_since is not None and full_since < command.joined_on:
        raise refuse(
            "O-3",
            f"转为正式党员的日期 {full_since} 早于入党日期 {command.joined_on}。",
            f"Full membership ({full_since}) cannot begin before joining ({command.joined_on}).",
        )
    if full_since is not None and full_since > unit.today:
        raise refuse(
            "O-3",
            f"{command.joined_on} 入党，预备期一年，到 {full_since} 才能转为正式党员（党章第七条）；"
            "请登记为预备党员，或写明转正日期。",
            f"Joined on {command.joined_on}, the member cannot be full before {full_since} "
            "(a year's probation, 党章 Art. 7): register a probationary member, or give full_since.",
        )
    member_id = unit.identities.member_id(replace(command, id_number=id_number), branch.id)
    if unit.membership.find(Member, member_id) is not None:
        # The record's id, never the person's name, birth date or number (docs/security.md).
        raise Conflict(f"member {member_id} is already in the registry")
    member = Member(
        id=member_id,
        name=command.name,
        birth_date=command.birth_date,
        branch_id=branch.id,
        joined_on=command.joined_on,
        full_since=full_since,
        rights_suspended=command.rights_suspended,
        under_party_probation=command.under_party_probation,
        admission_case_id=None,
        context=context,
        id_number=id_number,
    )
    return Changes(unit.membership, member.id, (member,))


def change_standing(command: ChangeStanding, unit: Unit) -> Changes:
    """O-2: discipline imposed or lifted, rights suspended or restored, probation ended, the
    membership cancelled, each on its business date."""
    member = unit.membership.member(command.member_id)
    member.change_standing(command.change, command.reason, unit.context(command.entry), unit.today)
    return Changes(unit.membership, member.id, (member,))


HANDLERS: tuple[Handler[Any], ...] = (
    Handler(RegisterMember, register_member),
    Handler(ChangeStanding, change_standing),
)
