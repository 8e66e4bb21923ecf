"""A member's standing over time (O-2, O-3): dated changes, and the standing they add up to on a
day. Never a flag overwritten in place: every question about standing is asked "on a day", and
answered from the changes dated on or before it, so a member disciplined in 2026 still counts for
a step of 2023.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class StandingChange(StrEnum):
    """What can happen to a member's standing, each on a business date of its own."""

    JOINED = "joined"  # 入党: registered, or admitted (again) through a case; probation starts
    PROBATION_ENDED = "probation_ended"  # 转正: full member, party standing (党龄) from this day
    DISCIPLINE_IMPOSED = "discipline_imposed"  # 留党察看: no rights until lifted
    DISCIPLINE_LIFTED = "discipline_lifted"  # 恢复党员权利
    RIGHTS_SUSPENDED = "rights_suspended"  # 留置 or 逮捕: rights suspended (党章 Art. 7)
    RIGHTS_RESTORED = "rights_restored"
    CANCELLED = "cancelled"  # the membership ends: 取消预备党员资格, 除名, 开除党籍, 退党 …


NAMES = {
    StandingChange.JOINED: ("入党", "joined"),
    StandingChange.PROBATION_ENDED: ("预备期满转为正式党员", "became a full member"),
    StandingChange.DISCIPLINE_IMPOSED: ("受留党察看处分", "was placed under 留党察看"),
    StandingChange.DISCIPLINE_LIFTED: ("恢复党员权利（留党察看期满）", "had 留党察看 lifted"),
    StandingChange.RIGHTS_SUSPENDED: ("党员权利被中止（留置或逮捕）", "had rights suspended"),
    StandingChange.RIGHTS_RESTORED: ("恢复党员权利", "had rights restored"),
    StandingChange.CANCELLED: ("党员身份终止", "ceased to be a member"),
}


@dataclass(frozen=True, slots=True)
class StandingRecord:
    """One change of standing: what, on which business date, and why; ``sequence`` is its place
    in the order of recording, which orders the changes of one day."""

    change: StandingChange
    on: date
    reason: str
    sequence: int


@dataclass(frozen=True, slots=True)
class Standing:
    """A member's standing on one day, with the day each part of it began."""

    joined_on: date | None = None  # None: not a member that day (not yet, or no longer)
    full_since: date | None = None
    disciplined_since: date | None = None
    suspended_since: date | None = None
    ended_on: date | None = None  # the membership's end, when it has ended

    @property
    def is_member(self) -> bool:
        return self.joined_on is not None

    @property
    def is_full(self) -> bool:
        return self.full_since is not None

    @property
    def has_rights(self) -> bool:
        """O-2: a full member, not under 留党察看, rights not suspended."""
        return self.is_full and self.disciplined_since is None and self.suspended_since is None

    def after(self, record: StandingRecord) -> Standing:
        """The standing once ``record`` has taken effect (it was checked with ``refusal``)."""
        match record.change:
            case StandingChange.JOINED:
                return Standing(joined_on=record.on)
            case StandingChange.PROBATION_ENDED:
                return replace(self, full_since=record.on)
            case StandingChange.DISCIPLINE_IMPOSED:
                return replace(self, disciplined_since=record.on)
            case StandingChange.DISCIPLINE_LIFTED:
                return replace(self, disciplined_since=None)
            case StandingChange.RIGHTS_SUSPENDED:
                return replace(self, suspended_since=record.on)
            case StandingChange.RIGHTS_RESTORED:
                return replace(self, suspended_since=None)
            case StandingChange.CANCELLED:
                return Standing(ended_on=record.on)

    def refusal(self, change: StandingChange) -> tuple[str, str] | None:
        """Why ``change`` cannot happen to this standing, in Chinese and English."""
        if change is StandingChange.JOINED:
            return ("已是党员", "is a member already") if self.is_member else None
        if not self.is_member:
            if self.ended_on is not None:
                return (
                    f"党员身份已于 {self.ended_on} 终止",
                    f"ceased to be a member on {self.ended_on}",
                )
            return ("当日尚未入党", "had not joined on that date")
        if change is StandingChange.PROBATION_ENDED and self.is_full:
            return (
                f"自 {self.full_since} 起已是正式党员",
                f"is a full member since {self.full_since}",
            )
        if change is StandingChange.DISCIPLINE_IMPOSED and self.disciplined_since:
            return (
                f"自 {self.disciplined_since} 起已受留党察看处分",
                f"is under 留党察看 since {self.disciplined_since}",
            )
        if change is StandingChange.DISCIPLINE_LIFTED and not self.disciplined_since:
            return ("当日未受留党察看处分", "was not under 留党察看 on that date")
        if change is StandingChange.RIGHTS_SUSPENDED and self.suspended_since:
            return (
                f"自 {self.suspended_since} 起党员权利已被中止",
                f"has rights suspended since {self.suspended_since}",
            )
        if change is StandingChange.RIGHTS_RESTORED and not self.suspended_since:
            return ("当日党员权利未被中止", "did not have rights suspended on that date")
        return None


def ordered(records: list[StandingRecord]) -> list[StandingRecord]:
    return sorted(records, key=lambda r: (r.on, r.sequence))


def fold(records: list[StandingRecord], day: date | None = None) -> Standing:
    """The standing after every change dated on or before ``day`` (all of them when None)."""
    standing = Standing()
    for record in ordered(records):
        if day is not None and record.on > day:
            break
        standing = standing.after(record)
    return standing
