"""Every read model memberflow keeps."""

from __future__ import annotations

from projections.access_log import AccessLogModel
from projections.findings import FindingsModel
from projections.inbox import InboxModel
from projections.model import ReadModel
from projections.organizations import OrganizationsModel
from projections.pipeline import PipelineModel

ALL_MODELS: tuple[type[ReadModel], ...] = (
    OrganizationsModel,
    PipelineModel,
    FindingsModel,
    InboxModel,
    AccessLogModel,
)
