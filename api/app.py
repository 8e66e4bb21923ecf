"""The FastAPI application: routers, error translation and request ids, wired once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline

from api import console, errors, openapi
from api.access import check_routes
from api.idempotency import IdempotentWrites
from api.limits import BodyLimit
from api.request_ids import RequestIds
from api.routes import admissions, calendar, elections, health, members, organizations, rules
from api.routes.approvals import router as approvals_router
from api.routes.audit import router as audit_router
from api.routes.audit_replay import router as audit_replay_router
from api.routes.dashboard import router as dashboard_router
from api.routes.findings import router as findings_router
from memberflow.bootstrap import Memberflow
from projections.service import InProcessRunner


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(memberflow: Memberflow) -> FastAPI:
    read_models = memberflow.read_models

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runner = (
            InProcessRunner(read_models) if memberflow.settings.projections_in_process else None
        )
        if runner:
            runner.start()
        yield
        if runner:
            runner.close()
        memberflow.close()

    # Government intranets are offline: the docs pages serve Swagger UI and ReDoc from the
    # package itself, never from a CDN.
    app = FastAPIOffline(
        title="memberflow",
        version=version("memberflow"),
        description="发展党员与换届选举工作流 — party member development and term-change elections",
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
    )
    app.state.memberflow = memberflow
    app.state.read_models = read_models
    errors.install(app)
    for router in (
        health.router,
        organizations.router,
        members.router,
        admissions.router,
        calendar.router,  # before /elections/{election_id}
        elections.router,
        rules.router,
        findings_router,
        dashboard_router,
        approvals_router,
        audit_router,
        audit_replay_router,
    ):
        app.include_router(router)
    check_routes(app)  # every endpoint has its row in the access policy
    # The console's pages are no API endpoints: not in the policy's table nor in the OpenAPI
    # document; they sign a person in by cookie, with the same token check (docs/console.md).
    console.install(app)
    openapi.install(app)
    app.add_middleware(IdempotentWrites)  # inside the body limit: it reads the body of a keyed POST
    app.add_middleware(BodyLimit, max_bytes=memberflow.settings.max_body_bytes)
    app.add_middleware(RequestIds)  # outermost, so that every answer carries the id
    return app
