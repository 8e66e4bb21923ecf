"""The setting: the city's working committee, its bureaus with their committees and branches, and
the administrator who imported them when the system went live."""

from __future__ import annotations

from dataclasses import dataclass

from domain.context import Actor, Role

ADMIN = Actor(id="demo-admin", role=Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Bureau:
    """A city bureau with its primary committee and the branches under it."""

    unit: str
    approves: bool
    branches: tuple[str, ...]
    general_branch: str | None = None  # a 党总支 holding the branches named in ``in_general``
    in_general: tuple[str, ...] = ()


WORKING_COMMITTEE = "某市委市直机关工委"
WORKING_COMMITTEE_BRANCH = "某市委市直机关工委机关党支部"
BUREAUS = (
    Bureau(
        "市财政局",
        True,
        ("机关第一党支部", "机关第二党支部", "机关第三党支部", "国库支付中心党支部"),
    ),
    Bureau(
        "市教育局",
        True,
        ("机关第一党支部", "机关第二党支部"),
        general_branch="教研室党总支",
        in_general=("教研室第一党支部", "教研室第二党支部"),
    ),
    Bureau(
        "市卫生健康委员会",
        True,
        ("机关第一党支部", "机关第二党支部"),
        general_branch="卫生监督所党总支",
        in_general=("卫生监督所第一党支部", "卫生监督所第二党支部"),
    ),
    Bureau("市交通运输局", True, ("机关第一党支部", "机关第二党支部", "公路事业发展中心党支部")),
    # A small committee without approval power: the working committee approves its admissions.
    Bureau("市统计局", False, ("机关党支部", "普查中心党支部")),
)
OTHER_UNIT = "市住房和城乡建设局"  # where the off-unit applicant works (F-OFFUNIT)
