"""The member registry (O-3) and the rights that come with full membership (O-2).

A member's standing is a history of dated changes (``domain/standing.py``): joining, the end of
probation (full membership, 党龄), 留党察看 imposed and lifted, rights suspended (留置, 逮捕) and
restored, and the end of the membership.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.context import Context
from domain.dates import add_years
from domain.errors import RulesBroken, Violation
from domain.standing import NAMES, Standing, StandingChange, StandingRecord, fold, ordered
from domain.workflow import check_date


class MemberStatus(StrEnum):
    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员
    CANCELLED = "cancelled"  # the membership ended: the record stays, the membership does not


class Member(Aggregate):
    @event("Registered")
    def __init__(
        self,
        id: UUID,
        name: str,
        birth_date: date,
        branch_id: UUID,
        joined_on: date,
        full_since: date | None,
        rights_suspended: bool,
        under_party_probation: bool,
        admission_case_id: UUID | None,
        context: Context,
        id_number: str | None = None,
    ) -> None:
        """O-3: a member imported (``admission_case_id`` None) or admitted through a case.

        ``id`` is ``Identities.member_id`` of who the member is (O-4; domain/identity.py): keyed,
        never derivable from public facts. It is the event's originator id, not a fact.

        ``rights_suspended`` and ``under_party_probation`` are the import's flags: the standing
        they state holds from the import's business date (or the joining date, if later); the
        real dates are recorded as changes of standing.
        """
        self.name = name
        self.birth_date = birth_date
        self.id_number = id_number
        self.branch_id = branch_id
        self.admission_case_id = admission_case_id
        self.history: list[StandingRecord] = []
        imported = "导入名册" if admission_case_id is None else "支部大会接收为预备党员"
        self._record(StandingChange.JOINED, joined_on, imported)
        if full_since is not None:
            self._record(StandingChange.PROBATION_ENDED, full_since, "导入名册时已是正式党员")
        flagged_on = max(context.occurred_on, joined_on)
        if under_party_probation:
            self._record(StandingChange.DISCIPLINE_IMPOSED, flagged_on, "导入名册时受留党察看处分")
        if rights_suspended:
            self._record(StandingChange.RIGHTS_SUSPENDED, flagged_on, "导入名册时党员权利被中止")

    def _record(self, change: StandingChange, on: date, reason: str) -> None:
        self.history.append(StandingRecord(change, on, reason, len(self.history)))

    # Reading the standing. Everything is judged on a day.

    def standing_on(self, day: date) -> Standing:
        return fold(self.history, day)

    @property
    def ordered_history(self) -> list[StandingRecord]:
        """Every change of standing, in order of business date."""
        return ordered(self.history)

    @property
    def current(self) -> Standing:
        return fold(self.history)

    @property
    def status(self) -> MemberStatus:
        current = self.current
        if not current.is_member:
            return MemberStatus.CANCELLED
        return MemberStatus.FULL if current.is_full else MemberStatus.PROBATIONARY

    @property
    def joined_on(self) -> date:
        """The joining date of the latest membership (an ended one's, once it has ended)."""
        return max(r.on for r in self.history if r.change is StandingChange.JOINED)

    @property
    def full_since(self) -> date | None:
        """Party standing (党龄) of the latest membership: the end of its probation."""
        ended = [
            r.on
            for r in self.history
            if r.change is StandingChange.PROBATION_ENDED and r.on >= self.joined_on
        ]
        return max(ended) if ended else None

    @property
    def cancelled_on(self) -> date | None:
        return self.current.ended_on

    def is_full_member_on(self, day: date) -> bool:
        return self.standing_on(day).is_full

    def has_rights_on(self, day: date) -> bool:
        """O-2: a full member on ``day``, not under 留党察看, rights not suspended, that day."""
        return self.standing_on(day).has_rights

    # Changing the standing.

    def change_standing(
        self, change: StandingChange, reason: str, context: Context, today: date
    ) -> None:
        """Record ``change`` on ``context.occurred_on``, the date it took effect; for
        ``probation_ended``, the end of probation (the date party standing counts from)."""
        violations = check_date(context, today) or self.change_violations(
            change, context.occurred_on
        )
        if violations:
            raise RulesBroken(violations)
        self._standing_changed(change=change.value, reason=reason, context=context)

    def cancel_membership(self, reason: str, context: Context, today: date) -> None:
        """The membership ends on ``context.occurred_on`` (e.g. 取消预备党员资格 after a case's
        approval, A-24.4); the record stays, and the person may apply again later."""
        self.change_standing(StandingChange.CANCELLED, reason, context, today)

    def change_violations(self, change: StandingChange, on: date) -> list[Violation]:
        """MF-STANDING: whether ``change`` on ``on`` fits this member's history, both on that day
        and for every change recorded after it."""
        current = self.current
        if not current.is_member:
            return [
                _standing(
                    self,
                    f"党员身份已于 {current.ended_on} 终止，不能再记录变动",
                    (f"ceased to be a member on {current.ended_on}; nothing more can be recorded"),
                )
            ]
        if change is StandingChange.JOINED:
            return [_standing(self, "入党由登记或发展党员案卷记录", "joining comes from a case")]
        if on < self.joined_on:
            return [
                _standing(
                    self,
                    f"{on} 早于入党日期 {self.joined_on}",
                    f"{on} is before the joining date {self.joined_on}",
                )
            ]
        new = StandingRecord(change, on, "", len(self.history))
        standing = Standing()
        for record in ordered([*self.history, new]):
            refused = standing.refusal(record.change)
            if refused and record is new:
                zh, en = refused
                return [_standing(self, f"{on} {zh}", f"{en} on {on}")]
            if refused:
                zh_name, en_name = NAMES[record.change]
                return [
                    _standing(
                        self,
                        f"与 {record.on} 的记录（{zh_name}）相矛盾",
                        f"contradicts the record of {record.on} ({en_name})",
                    )
                ]
            standing = standing.after(record)
        if change is StandingChange.PROBATION_ENDED:
            found = self._probation_end_violation(on)
            return [found] if found else []
        return []

    def _probation_end_violation(self, on: date) -> Violation | None:
        """O-3: an imported probationary member becomes full by this change; the probation lasts a
        year, extended by at most one more (党章 Art. 7; 细则 Art. 32). A member admitted through
        memberflow is converted by the case (A-24.4)."""
        if self.admission_case_id is not None:
            return Violation.of(
                "O-3",
                f"党员 {self.id} 经发展党员案卷 {self.admission_case_id} 入党，转正由该案卷审批（A-24.4）。",
                f"Member {self.id} joined through case {self.admission_case_id}; the case "
                "converts (A-24.4).",
            )
        earliest, latest = add_years(self.joined_on, 1), add_years(self.joined_on, 2)
        if not earliest <= on <= latest:
            return Violation.of(
                "O-3",
                f"预备期满之日应在 {earliest} 至 {latest} 之间（预备期一年，至多延长一年），不是 {on}。",
                f"The end of probation falls between {earliest} and {latest} (a year, extended "
                f"by at most a year), not on {on}.",
            )
        return None

    @event("StandingChanged")
    def _standing_changed(self, change: str, reason: str, context: Context) -> None:
        self._record(StandingChange(change), context.occurred_on, reason)

    # The changes an admission case makes (O-3): their dates come from the case.

    @event("ProbationCancelled")
    def cancel_probation(self, context: Context) -> None:
        """A-23.3: 取消预备党员资格 ends probationary membership on the event's business date."""
        self._record(StandingChange.CANCELLED, context.occurred_on, "取消预备党员资格")

    @event("Readmitted")
    def readmit(
        self, branch_id: UUID, joined_on: date, admission_case_id: UUID, context: Context
    ) -> None:
        """A person whose membership ended is admitted again through a new case."""
        self.branch_id = branch_id
        self.admission_case_id = admission_case_id
        self._record(StandingChange.JOINED, joined_on, "再次经支部大会接收为预备党员")

    @event("Converted")
    def convert(self, full_since: date, context: Context) -> None:
        """A-24.3: party standing counts from the end of probation."""
        self._record(StandingChange.PROBATION_ENDED, full_since, "转正（党龄自预备期满之日起）")


def _standing(member: Member, zh: str, en: str) -> Violation:
    """MF-STANDING, naming the member by id: error texts carry no names (docs/security.md)."""
    return Violation.of("MF-STANDING", f"党员 {member.id}：{zh}。", f"Member {member.id} {en}.")


def imported_full_since(joined_on: date, full_since: date | None) -> date:
    """O-3: a member imported as full without a date of full membership is full from one year
    after joining (党龄 counts from the end of probation, 党章 Art. 7)."""
    return full_since if full_since is not None else add_years(joined_on, 1)


def rights_violation(
    rule_id: str, member_id: UUID, member: Member | None, day: date
) -> Violation | None:
    """Why ``member_id`` cannot take a part that needs a full member with rights on ``day``."""
    if member is None:
        return Violation.of(
            rule_id,
            f"党员名册中没有 {member_id}（O-3）。",
            f"{member_id} is not in the registry (O-3).",
        )
    standing = member.standing_on(day)
    if standing.has_rights:
        return None
    if not standing.is_full:
        if standing.ended_on is not None:
            why_zh, why_en = (
                f"不是党员（党员身份已于 {standing.ended_on} 终止）",
                f"is not a member on that date (membership ended on {standing.ended_on})",
            )
        else:
            why_zh, why_en = "不是正式党员", "is not a full member on that date"
    elif standing.disciplined_since is not None:
        why_zh, why_en = (
            f"受留党察看处分（自 {standing.disciplined_since} 起），尚未恢复党员权利",
            f"is under 留党察看 (since {standing.disciplined_since}) and not yet restored",
        )
    else:
        why_zh, why_en = (
            f"党员权利被中止（自 {standing.suspended_since} 起）",
            f"has suspended rights (since {standing.suspended_since})",
        )
    return Violation.of(
        rule_id,
        f"党员 {member.id} 在 {day} {why_zh}（O-2）。",
        f"Member {member.id} {why_en} on {day} (O-2).",
    )
