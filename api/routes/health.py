"""/health for load balancers and operators (no token), /metrics for Prometheus (a token, unless
``MEMBERFLOW_METRICS_PUBLIC``).

``/health`` answers 200 ``ok``; 503 ``degraded`` when a read model is failing (it cannot apply an
event, and names it with the event's log and position); 503 ``store_unavailable`` when the store
cannot be read.
"""

from __future__ import annotations

from datetime import datetime
from importlib.metadata import version
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pydantic import BaseModel, Field

from api.deps import MemberflowDep, bearer, current_actor
from api.reads import ReadModelsDep
from projections.failures import Failure
from projections.service import Lag, ReadModels

router = APIRouter(tags=["health"])


class ProjectionLag(BaseModel):
    projection: str
    source: str
    position: int
    head: int
    lag_events: int
    lag_seconds: float


class ProjectionFailure(BaseModel):
    """A read model that cannot apply an event: it stopped right before it and tries again."""

    projection: str
    log: str | None = Field(description="the log of the event it cannot apply")
    position: int | None = Field(description="the event's position in that log")
    error_type: str
    error: str = Field(description="the error's message, without values or personal data")
    since: datetime
    attempts: int
    retry_at: datetime = Field(description="when it tries again (the wait doubles, bounded)")


class Health(BaseModel):
    status: str = Field(description="ok; degraded (a read model is failing); store_unavailable")
    store: str
    version: str
    position: int | None
    projections: list[ProjectionLag]
    failing: list[ProjectionFailure] = Field(
        default_factory=list, description="the read models that cannot apply an event"
    )


@router.get(
    "/health",
    response_model=Health,
    responses={
        503: {
            "model": Health,
            "description": "degraded: a read model is failing (named in `failing`), or "
            "store_unavailable",
        }
    },
)
def health(memberflow: MemberflowDep, read_models: ReadModelsDep, response: Response) -> Health:
    try:
        position = memberflow.membership.recorder.max_notification_id()
        lags = [_lag_out(lag) for lag in read_models.lag()]
        failing = [_failure_out(failure) for failure in read_models.failing()]
        state = "degraded" if failing else "ok"
    except Exception:  # the point of /health is to say that the store is down
        position, lags, failing, state = None, [], [], "store_unavailable"
    if state != "ok":
        response.status_code = 503
    return Health(
        status=state,
        store=memberflow.settings.store_kind,
        version=version("memberflow"),
        position=position,
        projections=lags,
        failing=failing,
    )


def _lag_out(lag: Lag) -> ProjectionLag:
    return ProjectionLag(
        projection=lag.projection,
        source=lag.source,
        position=lag.position,
        head=lag.head,
        lag_events=lag.events,
        lag_seconds=round(lag.seconds, 3),
    )


def _failure_out(failure: Failure) -> ProjectionFailure:
    return ProjectionFailure.model_validate(failure, from_attributes=True)


class LagCollector(Collector):
    """Reads the read models' lag and failures when Prometheus scrapes, so the figures are never
    stale."""

    def __init__(self, read_models: ReadModels) -> None:
        self.read_models = read_models

    def collect(self):  # type: ignore[no-untyped-def]
        events = GaugeMetricFamily(
            "memberflow_projection_lag_events",
            "Events a read model has not applied yet",
            labels=["projection", "source"],
        )
        seconds = GaugeMetricFamily(
            "memberflow_projection_lag_seconds",
            "Age of the oldest event a read model has not applied yet",
            labels=["projection", "source"],
        )
        failing = GaugeMetricFamily(
            "memberflow_projection_failing",
            "1 while a read model cannot apply an event, else 0",
            labels=["projection"],
        )
        attempts = GaugeMetricFamily(
            "memberflow_projection_failure_attempts",
            "Attempts at the event a failing read model cannot apply (0 when not failing)",
            labels=["projection"],
        )
        for lag in self.read_models.lag():
            events.add_metric([lag.projection, lag.source], lag.events)
            seconds.add_metric([lag.projection, lag.source], lag.seconds)
        failures = {failure.projection: failure for failure in self.read_models.failing()}
        for name in self.read_models.models:
            failure = failures.get(name)
            failing.add_metric([name], 1 if failure else 0)
            attempts.add_metric([name], failure.attempts if failure else 0)
        yield from (events, seconds, failing, attempts)


def metrics_registry(read_models: ReadModels) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(LagCollector(read_models))
    return registry


def metrics_reader(
    memberflow: MemberflowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """A bearer token of any role, unless ``MEMBERFLOW_METRICS_PUBLIC`` serves them to anyone."""
    if not memberflow.settings.metrics_public:
        current_actor(memberflow, credentials)


@router.get(
    "/metrics",
    response_class=Response,
    include_in_schema=False,
    dependencies=[Depends(metrics_reader)],
)
def metrics(read_models: ReadModelsDep) -> Response:
    return Response(
        generate_latest(metrics_registry(read_models)),
        media_type="text/plain; version=0.0.4; charset=utf-8",
    )
