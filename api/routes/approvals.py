"""/approvals: the approval inbox (DOMAIN.md §5) — what waits for an organization, and the actions
on an item. Decisions are not taken here: they are the workflow steps themselves
(``POST /admissions/{id}/steps/pre_review_passed`` with ``If-Match: <subject_version>``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.access import Authorized, listable
from api.deps import MemberflowDep, RequestId
from api.reads import Page, PageParams, Paging, ReadModelsDep, caught_up, page_of
from api.schemas import Documents, Written
from domain.bounds import TITLE_MAX, BusinessDate, Reason, ShortText, Text
from domain.commands import AcknowledgeItem, AssignItem, ClaimItem, Command, CommentItem, Entry
from domain.context import Actor
from memberflow.bootstrap import Memberflow
from projections.inbox import InboxModel, inbox
from projections.organizations import OrganizationsModel
from projections.service import ReadModels
from services.clock import today

router = APIRouter(prefix="/approvals", tags=["approvals"])

SORTS = {"waiting_since": "i.waiting_since", "due_on": "i.due_on"}
ItemPath = Annotated[
    str,
    Path(
        max_length=TITLE_MAX,
        description="the item key <subject_id>:<asked>:<trigger_version>",
        examples=["0b1d…:pre_review_passed:14"],
    ),
]


class InboxRow(BaseModel):
    item: str = Field(description="the item key: <subject_id>:<asked>:<trigger_version>")
    kind: Literal["decision", "filing"]
    subject_type: Literal["case", "election"]
    subject_id: UUID
    subject_name: str = Field(description="the applicant, or the organization that elects")
    asked: str = Field(description="the step that decides the item, or the filing to acknowledge")
    trigger: str = Field(description="the step whose recording made the item appear")
    organization_id: UUID = Field(description="who must act")
    from_organization_id: UUID = Field(description="the branch, or the electing organization")
    waiting_since: date = Field(description="the business date of the trigger")
    due_on: date = Field(description="waiting_since + the policy's days for this item kind")
    status: Literal["open", "done"]
    overdue: bool = Field(description="open and due before today (Asia/Shanghai)")
    done_by: str | None = Field(description="the step or event that settled it, or acknowledged")
    done_on: date | None
    claimed_by: str | None
    assigned_to: str | None
    comments: int
    last_comment: str | None
    trigger_version: int
    subject_version: int = Field(
        description="the subject's version as this row knows it: send it as If-Match when deciding"
    )
    decide: str = Field(description="where the item is answered")


@router.get("/inbox", response_model=Page[InboxRow])
def get_inbox(
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    actor: Authorized,
    paging: Paging,
    org: Annotated[UUID, Query(description="the organization whose inbox is listed")],
    subtree: Annotated[bool, Query(description="also the organizations under it")] = False,
    status: Annotated[Literal["open", "done"] | None, Query(description="default: open")] = "open",
    asked: Annotated[
        str | None, Query(max_length=TITLE_MAX, description="only items asking this step")
    ] = None,
) -> dict[str, object]:
    rows, count, positions = inbox_rows(
        memberflow, read_models, actor, paging, org=org, subtree=subtree, status=status, asked=asked
    )
    return page_of(rows, count, paging, positions)


def inbox_rows(
    memberflow: Memberflow,
    read_models: ReadModels,
    actor: Actor,
    paging: PageParams,
    *,
    org: UUID,
    subtree: bool = False,
    status: Literal["open", "done"] | None = "open",
    asked: str | None = None,
) -> tuple[list[InboxRow], int, dict[str, int]]:
    """One page of ``org``'s inbox, its count of rows in all pages and the log positions they
    reflect: what ``GET /approvals/inbox`` answers and the web console's inbox shows, with the
    same access check (403 outside the jurisdiction, 404 for an unknown organization)."""
    listable(memberflow, actor, org)
    names = [InboxModel.name, *([OrganizationsModel.name] if subtree else [])]
    positions = caught_up(read_models, paging.after, names, memberflow.settings.read_wait_seconds)
    model = read_models.model(InboxModel.name)
    assert isinstance(model, InboxModel)
    organizations = read_models.model(OrganizationsModel.name)
    with read_models.query() as tx:
        rows, count = inbox(
            model,
            tx,
            organization_id=str(org),
            ancestors_table=organizations.names["ancestors"] if subtree else None,
            status=status,
            asked=asked,
            today=today(memberflow.clock).isoformat(),
            order_by=paging.order_by(SORTS, "waiting_since"),
            limit=paging.per_page,
            offset=paging.offset,
        )
    fields = [f for f in InboxRow.model_fields if f != "decide"]
    data = []
    for row in rows:
        values = dict(zip(fields, row, strict=True))
        data.append(InboxRow.model_validate({**values, "decide": _decide(values)}))
    return data, count, positions


def _decide(row: dict[str, object]) -> str:
    if row["kind"] == "filing":
        return f"/approvals/{row['item']}/acknowledge"
    resource = "admissions" if row["subject_type"] == "case" else "elections"
    return f"/{resource}/{row['subject_id']}/steps/{row['asked']}"


class ActionIn(BaseModel):
    """The business date of an action on an item: today (Asia/Shanghai) unless stated."""

    model_config = ConfigDict(extra="forbid")

    occurred_on: BusinessDate | None = Field(default=None, description="default: today")
    comment: Text | None = Field(default=None)
    documents: Documents = Field(default_factory=list)

    def entry(self, memberflow: Memberflow) -> Entry:
        day = self.occurred_on or today(memberflow.clock)
        return Entry(day, self.comment, tuple(self.documents))


class AssignIn(ActionIn):
    to: ShortText = Field(min_length=1, description="the colleague's user id")

    def command(self, item: str, memberflow: Memberflow) -> AssignItem:
        return AssignItem(item, self.to, self.entry(memberflow))


class CommentIn(ActionIn):
    text: Reason

    def command(self, item: str, memberflow: Memberflow) -> CommentItem:
        return CommentItem(item, self.text, self.entry(memberflow))


# The actions whose body, the entry, may be left out: their command of an item and an entry.
BARE_ACTIONS: dict[str, Callable[[str, Entry], Command]] = {
    "claim": ClaimItem,
    "acknowledge": AcknowledgeItem,
}


def _written(memberflow: Memberflow, command: Command, actor: Actor, request_id: str) -> Written:
    return Written.of(memberflow.bus.handle(command, actor=actor, request_id=request_id))


def _add_bare_action(name: str, summary: str) -> None:
    """``POST /approvals/{item}/<name>``: an action whose body, the entry, may be left out."""
    command = BARE_ACTIONS[name]

    def act(
        item: ItemPath,
        memberflow: MemberflowDep,
        actor: Authorized,
        request_id: RequestId,
        body: Annotated[ActionIn | None, Body()] = None,
    ) -> Written:
        entry = (body or ActionIn()).entry(memberflow)
        return _written(memberflow, command(item, entry), actor, request_id)

    router.add_api_route(
        f"/{{item}}/{name}",
        act,
        methods=["POST"],
        response_model=Written,
        name=name,
        summary=summary,
    )


_add_bare_action("claim", "Take the item into one's hands")


@router.post("/{item}/assign", response_model=Written, summary="Assign the item to a colleague")
def assign(
    item: ItemPath,
    body: AssignIn,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> Written:
    return _written(memberflow, body.command(item, memberflow), actor, request_id)


@router.post("/{item}/comment", response_model=Written, summary="Comment on the item")
def comment(
    item: ItemPath,
    body: CommentIn,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
) -> Written:
    return _written(memberflow, body.command(item, memberflow), actor, request_id)


_add_bare_action("acknowledge", "Acknowledge a filing (备案)")
