"""Applying the access policy (``domain/access.py``) before anything is written or read.

A command's action follows from its type (and, for a step, from who takes it in the step's
record); its subject is the organization it acts on — a case's current branch, an election's
organization, a member's branch, the parent of a new organization. ``authorize`` runs in the
command bus before the handler; ``check`` is what the API's reads call too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain import commands as c
from domain.access import ZH, Action, Where, where
from domain.admission.steps import BY_SLUG, Taker
from domain.approvals import ItemKey, SubjectType
from domain.context import Actor
from domain.elections.steps import ELECTION_STEP_BY_SLUG
from domain.elections.steps import Taker as ElectionTaker
from domain.errors import Forbidden
from services.applications import Membership, Organizations


def authorize(
    command: c.Command, actor: Actor, organizations: Organizations, membership: Membership
) -> None:
    """Forbidden unless the actor's role may do the command's action on its subject."""
    subject = _SUBJECTS[type(command)](command, organizations, membership)
    check(action_of(command), actor, subject, organizations)


def check(action: Action, actor: Actor, subject: UUID | None, organizations: Organizations) -> None:
    """Forbidden unless ``actor`` may do ``action`` on the organization ``subject``."""
    place = check_role(action, actor)
    if place is Where.EVERYWHERE or (
        subject is not None and within(actor, subject, organizations, own=place is Where.OWN)
    ):
        return
    raise Forbidden(
        f"该事项不在组织 {actor.organization_id} 的管辖范围内。",
        f"This is outside the jurisdiction of organization {actor.organization_id}.",
    )


def check_role(action: Action, actor: Actor) -> Where:
    """Forbidden unless the actor's role may do ``action`` somewhere; where it may."""
    place = where(action, actor.role)
    if place is None:
        raise Forbidden(
            f"角色 {actor.role.value} 不能办理：{ZH[action]}。",
            f"Role {actor.role.value} may not {action.value}.",
        )
    return place


def within(actor: Actor, subject: UUID, organizations: Organizations, *, own: bool = False) -> bool:
    """Whether ``subject`` is the actor's organization (``own``) or lies in its subtree."""
    if actor.organization_id is None:
        return False
    if own:
        return subject == actor.organization_id
    return actor.organization_id in organizations.ancestry(subject)


def action_of(command: c.Command) -> Action:
    if isinstance(command, c.TakeStep):
        by_committee = BY_SLUG[command.slug].taken_by is Taker.APPROVING_COMMITTEE
        return Action.COMMITTEE_STEP if by_committee else Action.BRANCH_STEP
    if isinstance(command, c.TakeElectionStep):
        by_parent = ELECTION_STEP_BY_SLUG[command.slug].taken_by is ElectionTaker.PARENT
        return Action.PARENT_DECISION if by_parent else Action.OWN_ELECTION_STEP
    return _ACTIONS[type(command)]


_ACTIONS: dict[type[Any], Action] = {
    c.RegisterOrganization: Action.REGISTER_ORGANIZATION,
    c.SetDevelopmentPlan: Action.SET_DEVELOPMENT_PLAN,
    c.ExtendTerm: Action.PARENT_DECISION,
    c.RequestElection: Action.OWN_ELECTION_STEP,
    c.RegisterMember: Action.REGISTER_MEMBER,
    c.ChangeStanding: Action.REGISTER_MEMBER,
    c.SubmitApplication: Action.APPLY,
    c.GrantException: Action.GRANT_EXCEPTION,
    c.WithdrawCase: Action.CLOSE_CASE,
    c.TerminateCase: Action.CLOSE_CASE,
    c.TransferCase: Action.CLOSE_CASE,
    c.ClaimItem: Action.HANDLE_ITEM,
    c.AssignItem: Action.HANDLE_ITEM,
    c.CommentItem: Action.HANDLE_ITEM,
    c.AcknowledgeItem: Action.ACKNOWLEDGE_FILING,
    c.RecordAccess: Action.RECORD_ACCESS,
}


# The organization each command acts on.

Subject = Callable[[Any, Organizations, Membership], UUID | None]


def _case_branch(command: Any, organizations: Organizations, membership: Membership) -> UUID:
    return membership.case(command.case_id).branch_id


def _item_subject(command: Any, organizations: Organizations, membership: Membership) -> UUID:
    """An inbox item lies where its case or its election does; MF-INBOX then narrows it to the
    organization it waits for."""
    key = ItemKey.parse(command.item_key)
    if key.subject_type is SubjectType.CASE:
        return membership.case(key.subject_id).branch_id
    return organizations.election(key.subject_id).organization_id


_SUBJECTS: dict[type[Any], Subject] = {
    c.RegisterOrganization: lambda command, _o, _m: command.parent_id,
    c.SetDevelopmentPlan: lambda command, _o, _m: command.organization_id,
    c.ExtendTerm: lambda command, _o, _m: command.organization_id,
    c.RequestElection: lambda command, _o, _m: command.organization_id,
    c.TakeElectionStep: lambda command, o, _m: o.election(command.election_id).organization_id,
    c.RegisterMember: lambda command, _o, _m: command.branch_id,
    c.ChangeStanding: lambda command, _o, m: m.member(command.member_id).branch_id,
    c.SubmitApplication: lambda command, _o, _m: command.branch_id,
    c.TakeStep: _case_branch,
    c.GrantException: _case_branch,
    c.WithdrawCase: _case_branch,
    c.TerminateCase: _case_branch,
    c.TransferCase: _case_branch,
    c.ClaimItem: _item_subject,
    c.AssignItem: _item_subject,
    c.CommentItem: _item_subject,
    c.AcknowledgeItem: _item_subject,
    c.RecordAccess: lambda _command, _o, _m: None,
}
