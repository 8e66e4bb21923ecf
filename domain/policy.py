"""Numbers that come from local practice (DOMAIN.md: policies), with the rule book's defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Policy:
    late_entry_days: int = 30  # F-LATE
    activist_min_months: int | None = None  # off by default
    political_review_valid_months: int = 12  # → F-STALE
    conversion_meeting_grace_months: int = 3  # → F-DEADLINE
    election_request_lead_months: int = 1  # E-1.3 → F-DEADLINE
    election_overdue_grace_days: int = 0  # E-OVERDUE: days an approved request covers past its date
    primary_committee_term_years: int = 5  # 任期意见 2018
    general_branch_term_years: int = 3
    branch_term_years: int = 3
    inbox_due_days: int = 30  # §5: reply time per item kind, where no kind has its own
    inbox_due_days_by_step: tuple[tuple[str, int], ...] = ()  # (the step asked, days)
    batch_window_days: int = 30  # F-BATCH: admissions by one branch within this many days …
    batch_max_admissions: int = 5  # … more than this many
    transfer_window_months: int = 6  # F-TRANSFER

    def inbox_due_days_for(self, step: str) -> int:
        return dict(self.inbox_due_days_by_step).get(step, self.inbox_due_days)
