"""Every read model memberflow keeps."""

from __future__ import annotations

from projections.model import ReadModel
from projections.organizations import OrganizationsModel

ALL_MODELS: tuple[type[ReadModel], ...] = (OrganizationsModel,)
