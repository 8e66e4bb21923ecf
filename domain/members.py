"""The member registry (O-3) and the rights that come with full membership (O-2)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.context import Context
from domain.errors import Violation

MEMBER_NAMESPACE = UUID("6f1d3c1e-8f0b-4a77-9a51-2d3c0b1e7a10")


def person_key(name: str, birth_date: date) -> str:
    """Who a person is, for uniqueness: name and birth date (docs/domain-choices.md)."""
    return f"{name.strip()}|{birth_date.isoformat()}"


class MemberStatus(StrEnum):
    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员
    CANCELLED = "cancelled"  # 取消预备党员资格: the record stays, the membership does not


class Member(Aggregate):
    @staticmethod
    def create_id(name: str, birth_date: date) -> UUID:
        return uuid5(MEMBER_NAMESPACE, person_key(name, birth_date))

    @event("Registered")
    def __init__(
        self,
        name: str,
        birth_date: date,
        branch_id: UUID,
        joined_on: date,
        full_since: date | None,
        rights_suspended: bool,
        under_party_probation: bool,
        admission_case_id: UUID | None,
        context: Context,
    ) -> None:
        self.name = name
        self.birth_date = birth_date
        self.branch_id = branch_id
        self.joined_on = joined_on
        self.full_since = full_since
        self.rights_suspended = rights_suspended
        self.under_party_probation = under_party_probation
        self.admission_case_id = admission_case_id
        self.cancelled_on: date | None = None

    @property
    def status(self) -> MemberStatus:
        if self.cancelled_on is not None:
            return MemberStatus.CANCELLED
        return MemberStatus.PROBATIONARY if self.full_since is None else MemberStatus.FULL

    def is_full_member_on(self, day: date) -> bool:
        return self.cancelled_on is None and self.full_since is not None and self.full_since <= day

    def has_rights_on(self, day: date) -> bool:
        """O-2: a full member on ``day``, not under 留党察看, rights not suspended."""
        return (
            self.is_full_member_on(day)
            and not self.rights_suspended
            and not self.under_party_probation
        )

    @event("ProbationCancelled")
    def cancel_probation(self, context: Context) -> None:
        """A-23.3: 取消预备党员资格 ends probationary membership."""
        self.cancelled_on = context.occurred_on

    @event("Readmitted")
    def readmit(
        self, branch_id: UUID, joined_on: date, admission_case_id: UUID, context: Context
    ) -> None:
        """A person whose probation was cancelled is admitted again through a new case."""
        self.branch_id = branch_id
        self.joined_on = joined_on
        self.admission_case_id = admission_case_id
        self.cancelled_on = None
        self.full_since = None

    @event("Converted")
    def convert(self, full_since: date, context: Context) -> None:
        """A-24.3: party standing counts from the end of probation."""
        self.full_since = full_since


def rights_violation(
    rule_id: str, member_id: UUID, member: Member | None, day: date
) -> Violation | None:
    """Why ``member_id`` cannot take a part that needs a full member with rights, if it cannot."""
    if member is None:
        return Violation.of(
            rule_id,
            f"党员名册中没有 {member_id}（O-3）。",
            f"{member_id} is not in the registry (O-3).",
        )
    if member.has_rights_on(day):
        return None
    if not member.is_full_member_on(day):
        why_zh, why_en = "不是正式党员", "is not a full member on that date"
    elif member.under_party_probation:
        why_zh, why_en = (
            "受留党察看处分，尚未恢复党员权利",
            "is under 留党察看 and not yet restored",
        )
    else:
        why_zh, why_en = "党员权利被中止", "has suspended rights"
    return Violation.of(
        rule_id,
        f"{member.name} 在 {day} {why_zh}（O-2）。",
        f"{member.name} {why_en} on {day} (O-2).",
    )
