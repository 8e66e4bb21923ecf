"""One POST route per workflow step, each with a body of its own, for cases and elections alike."""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Annotated, Any, Protocol
from uuid import UUID

from fastapi import APIRouter, Header, Path
from pydantic import BaseModel

from api.access import Authorized
from api.deps import MemberflowDep, RequestId
from api.schemas import EntryIn, facts_of, flat_body
from domain.bounds import VERSION_MAX
from domain.commands import Command, Entry
from domain.context import Actor
from domain.workflow import StepDetails
from memberflow.bootstrap import Memberflow


class WorkflowStep(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def slug(self) -> str: ...
    @property
    def zh(self) -> str: ...
    @property
    def details(self) -> type[StepDetails]: ...


MakeCommand = Callable[[UUID, str, StepDetails, Entry, int | None], Command]
Answer = Callable[[Memberflow, Command, Actor, str], BaseModel]


def add_step_routes(
    router: APIRouter,
    steps: Sequence[WorkflowStep],
    *,
    subject: str,
    command: MakeCommand,
    answer: Answer,
    response_model: type[BaseModel],
) -> None:
    """``POST /{subject}/steps/<slug>`` for every step; OpenAPI shows each step's own body."""
    for step in steps:
        _add_step_route(router, step, subject, command, answer, response_model)


def _add_step_route(
    router: APIRouter,
    step: WorkflowStep,
    subject: str,
    command: MakeCommand,
    answer: Answer,
    response_model: type[BaseModel],
) -> None:
    body_model: Any = step_body(step)

    def record_step(
        subject_id: Annotated[UUID, Path(alias=subject)],
        body: body_model,
        memberflow: MemberflowDep,
        actor: Authorized,
        request_id: RequestId,
        if_match: Annotated[
            int | None,
            Header(ge=0, le=VERSION_MAX, description="the version the client last saw"),
        ] = None,
    ) -> BaseModel:
        made = step_command(command, subject_id, step, body, if_match)
        return answer(memberflow, made, actor, request_id)

    router.add_api_route(
        f"/{{{subject}}}/steps/{step.slug}",
        record_step,
        methods=["POST"],
        response_model=response_model,
        name=f"step_{step.slug}",
        summary=f"Step {step.number}: {step.slug} ({step.zh})",
    )


def step_body(step: WorkflowStep) -> type[EntryIn]:
    """The request body of ``step``: the entry's fields and the step's facts, as its route and the
    web console's decision form validate them (one model a step, so OpenAPI names it once)."""
    return _step_body(step.slug, step.details)


@cache
def _step_body(slug: str, details: type[StepDetails]) -> type[EntryIn]:
    return flat_body(slug, details)


def step_command(
    command: MakeCommand,
    subject_id: UUID,
    step: WorkflowStep,
    body: EntryIn,
    if_match: int | None,
) -> Command:
    """The command a step's request sends: its facts out of the flat body, its entry, and the
    version the client last saw (``If-Match``; a stale one is refused with Conflict, 409)."""
    return command(subject_id, step.slug, facts_of(step.details, body), body.entry(), if_match)
