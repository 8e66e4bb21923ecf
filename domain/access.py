"""Who may do what, and where (roles and jurisdiction): the one access policy of memberflow.

Read ``POLICY`` as a table: each row is something a user does; for each role allowed to do it, the
place where it may: ``EVERYWHERE`` (the administrator only), ``SUBTREE`` (on a subject that lies
in the subtree of the user's own organization — the organization itself or anything under it),
``OWN`` (on a subject that is the user's own organization). A role not in a row may not do it at
all. The command bus applies the rows of writes before anything is written
(``services/authorization.py``); the API applies the rows of reads (``api/access.py``), where
a record outside the user's jurisdiction is not found (404) and a list or write outside it is
forbidden (403). The domain's own rules still apply on top: O-1 says which committee decides,
E-2.1 which parent, MF-INBOX whose inbox an item is in.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from domain.context import Role


class Where(StrEnum):
    EVERYWHERE = "everywhere"
    SUBTREE = "subtree"
    OWN = "own"


class Action(StrEnum):
    # The organization tree and the registry.
    REGISTER_ORGANIZATION = "register an organization under another"
    SET_DEVELOPMENT_PLAN = "set an approving committee's development plan (A-P)"
    REGISTER_MEMBER = "register a member, or change a member's standing (O-2, O-3)"
    # Admission cases.
    APPLY = "open a case in a branch (step 1)"
    BRANCH_STEP = "record a step the branch takes (its secretary, or a committee on its behalf)"
    COMMITTEE_STEP = "record a decision of the approving committee (O-1: 13, 16, 17, 18, 24)"
    GRANT_EXCEPTION = "grant an exception (§0)"
    CLOSE_CASE = "withdraw, terminate or transfer a case (A-T)"
    # Elections.
    OWN_ELECTION_STEP = "request an election, or record a step the organization itself takes"
    PARENT_DECISION = (
        "decide on a child organization's election or term (E-2.1, E-4.1, E-8.1, E-X.1)"
    )
    # The approval inbox.
    HANDLE_ITEM = "claim, assign or comment on an inbox item (§5)"
    ACKNOWLEDGE_FILING = "acknowledge a filing (备案)"
    # Reading.
    READ = "read a case, an election, a member, an organization, a list or a dashboard"
    AUDIT = "read timelines, replay a jurisdiction, read the access log"
    READ_RULES = "read the rule book"
    RECORD_ACCESS = "have one's reading of history recorded"


# How a refusal names each action in Chinese.
ZH: Mapping[Action, str] = {
    Action.REGISTER_ORGANIZATION: "在上级组织下登记党组织",
    Action.SET_DEVELOPMENT_PLAN: "制定审批党委的年度发展计划（A-P）",
    Action.REGISTER_MEMBER: "登记党员或记录党员身份变动（O-2、O-3）",
    Action.APPLY: "在党支部受理入党申请（步骤1）",
    Action.BRANCH_STEP: "记录党支部办理的步骤（支部书记，或上级党委代为录入）",
    Action.COMMITTEE_STEP: "记录审批党委的决定（O-1：步骤13、16、17、18、24）",
    Action.GRANT_EXCEPTION: "批准例外（§0）",
    Action.CLOSE_CASE: "撤回、终止或转接案卷（A-T）",
    Action.OWN_ELECTION_STEP: "提出换届请示，或记录本组织办理的换届步骤",
    Action.PARENT_DECISION: "对下级组织的换届或任期作出批复（E-2.1、E-4.1、E-8.1、E-X.1）",
    Action.HANDLE_ITEM: "认领、分派或批注待办事项（§5）",
    Action.ACKNOWLEDGE_FILING: "签收备案",
    Action.READ: "查阅案卷、换届、党员、组织、列表或统计",
    Action.AUDIT: "查阅时间线、回放辖区、查阅访问记录",
    Action.READ_RULES: "查阅规则",
    Action.RECORD_ACCESS: "记录对历史的查阅",
}

Who = Mapping[Role, Where]

SECRETARY, OFFICIAL, DEPARTMENT, INSPECTOR, ADMIN = (
    Role.BRANCH_SECRETARY,
    Role.COMMITTEE_OFFICIAL,
    Role.ORG_DEPARTMENT,
    Role.DISCIPLINE_INSPECTOR,
    Role.ADMIN,
)
SUBTREE, OWN, EVERYWHERE = Where.SUBTREE, Where.OWN, Where.EVERYWHERE
ANY_ROLE: Who = {
    SECRETARY: SUBTREE,
    OFFICIAL: SUBTREE,
    DEPARTMENT: SUBTREE,
    INSPECTOR: SUBTREE,
    ADMIN: EVERYWHERE,
}

POLICY: Mapping[Action, Who] = {
    # The organization department builds its subtree; the administrator the whole tree.
    Action.REGISTER_ORGANIZATION: {DEPARTMENT: SUBTREE, ADMIN: EVERYWHERE},
    Action.SET_DEVELOPMENT_PLAN: {OFFICIAL: OWN, DEPARTMENT: SUBTREE},
    Action.REGISTER_MEMBER: {DEPARTMENT: SUBTREE, ADMIN: EVERYWHERE},
    # A branch works its own cases; a committee official may enter them on its behalf.
    Action.APPLY: {SECRETARY: OWN, OFFICIAL: SUBTREE},
    Action.BRANCH_STEP: {SECRETARY: OWN, OFFICIAL: SUBTREE},
    Action.CLOSE_CASE: {SECRETARY: OWN, OFFICIAL: SUBTREE},
    # Decisions are the committee officials' (and O-1 narrows them to the approving committee).
    Action.COMMITTEE_STEP: {OFFICIAL: SUBTREE},
    Action.GRANT_EXCEPTION: {OFFICIAL: SUBTREE},
    # An organization requests and holds its own election; its parent decides (E-2.1 …).
    Action.OWN_ELECTION_STEP: {SECRETARY: OWN, OFFICIAL: OWN},
    Action.PARENT_DECISION: {OFFICIAL: SUBTREE},
    # The inbox of a committee: its officials handle items, its department acknowledges filings.
    Action.HANDLE_ITEM: {OFFICIAL: SUBTREE},
    Action.ACKNOWLEDGE_FILING: {OFFICIAL: SUBTREE, DEPARTMENT: SUBTREE},
    # Everyone reads within their jurisdiction; discipline staff also read history.
    Action.READ: ANY_ROLE,
    Action.AUDIT: {INSPECTOR: SUBTREE, DEPARTMENT: SUBTREE, ADMIN: EVERYWHERE},
    Action.READ_RULES: dict.fromkeys(Role, EVERYWHERE),
    Action.RECORD_ACCESS: dict.fromkeys(Role, EVERYWHERE),
}


def where(action: Action, role: Role) -> Where | None:
    """Where ``role`` may do ``action``; None when it may not do it at all."""
    return POLICY[action].get(role)


def allowed_roles(action: Action) -> list[Role]:
    return list(POLICY[action])
