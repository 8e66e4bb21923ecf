"""/health and /metrics: answer without a token, for load balancers, operators and Prometheus."""

from __future__ import annotations

from importlib.metadata import version

from fastapi import APIRouter, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pydantic import BaseModel

from api.deps import MemberflowDep
from api.reads import ReadModelsDep
from projections.service import Lag, ReadModels

router = APIRouter(tags=["health"])


class ProjectionLag(BaseModel):
    projection: str
    source: str
    position: int
    head: int
    lag_events: int
    lag_seconds: float


class Health(BaseModel):
    status: str
    store: str
    version: str
    position: int | None
    projections: list[ProjectionLag]


@router.get("/health", response_model=Health)
def health(memberflow: MemberflowDep, read_models: ReadModelsDep) -> Health:
    try:
        position = memberflow.membership.recorder.max_notification_id()
        lags = [_lag_out(lag) for lag in read_models.lag()]
        state = "ok"
    except Exception:  # the point of /health is to say that the store is down
        position, lags, state = None, [], "store_unavailable"
    return Health(
        status=state,
        store=memberflow.settings.store_kind,
        version=version("memberflow"),
        position=position,
        projections=lags,
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


class LagCollector(Collector):
    """Reads the read models' lag when Prometheus scrapes, so the figures are never stale."""

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
        for lag in self.read_models.lag():
            events.add_metric([lag.projection, lag.source], lag.events)
            seconds.add_metric([lag.projection, lag.source], lag.seconds)
        yield events
        yield seconds


def metrics_registry(read_models: ReadModels) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(LagCollector(read_models))
    return registry


@router.get("/metrics", response_class=Response, include_in_schema=False)
def metrics(read_models: ReadModelsDep) -> Response:
    return Response(
        generate_latest(metrics_registry(read_models)),
        media_type="text/plain; version=0.0.4; charset=utf-8",
    )
