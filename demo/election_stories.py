"""Term-change election stories (DOMAIN.md §4): every organization below the working committee has
a term and tells one story of its elections, so that the demo holds current and overdue terms, an
extension, and an election standing at every step.

A story's elections are scripted as actions, dated from the request or from the meeting day. The
planner dates them before the tree is registered, since each organization is imported with the
term it was serving when the system went live.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from demo.setting import WORKING_COMMITTEE_BRANCH
from domain.dates import add_months, add_years
from domain.organizations import OrgKind, term_years
from domain.policy import Policy

ACTION_DAYS: dict[str, tuple[bool, int]] = {  # action: (dated from the meeting day?, days after)
    "request": (False, 0),
    "request_approved": (False, 10),
    "request_deferred": (False, 10),  # not approved: the parent defers it and extends the term
    "request_rejected": (False, 10),  # not approved: more seats asked for than the size warrants
    "nominated": (False, 20),
    "nominated_short": (False, 20),  # one candidate short of the 20% margin (E-4.2)
    "list_approved": (False, 30),
    "list_rejected": (False, 30),
    "held": (True, 0),
    "held_partial": (True, 0),  # one seat stays open (E-5.4)
    "held_again": (True, 0),  # a second ballot among the rest fills it
    "officers_elected": (True, 0),  # the new committee's first session, the same day
    "results_reported": (True, 3),
    "officers_approved": (True, 15),
    "officers_rejected": (True, 15),
}
_APPROVED = ("request", "request_approved")
_LISTED = (*_APPROVED, "nominated", "list_approved")
_FILLED = (*_LISTED, "held")
_REPORTED = (*_FILLED, "officers_elected", "results_reported")
COMPLETED = (*_REPORTED, "officers_approved")
SCRIPTS: dict[str, tuple[str, ...]] = {
    "requested": ("request",),
    "request_approved": _APPROVED,
    "nominated": (*_APPROVED, "nominated"),
    "list_approved": _LISTED,
    "list_rejected": (*_APPROVED, "nominated_short", "list_rejected"),
    "second_round": (*_LISTED, "held_partial"),
    "seats_filled": _FILLED,
    "officers_elected": (*_FILLED, "officers_elected"),
    "reported": _REPORTED,
    "officers_rejected": (*_REPORTED, "officers_rejected"),
    "completed": COMPLETED,
    "completed_in_two_rounds": (
        *_LISTED,
        "held_partial",
        "held_again",
        "officers_elected",
        "results_reported",
        "officers_approved",
    ),
    "deferred": ("request", "request_deferred"),  # and the term extended the same day
    "resubmitted": ("request", "request_rejected"),  # and then requested again
}
# Where each organization stands today. "current": a term from before the system went live, still
# running; "overdue": a term that ended without an election (E-OVERDUE); "completed": renewed since
# the system went live; any other: the script of an election under way (or rejected) by today. An
# approved election that has held no ballot yet plans its meeting after today, so that its request
# still covers the ended term.
# A branch needs two members with rights to elect its secretary from two candidates, so every
# story plays out from 40 members on; with fewer, elections a branch cannot hold are left out and
# its term simply runs out.
STORIES: dict[str, str] = {
    WORKING_COMMITTEE_BRANCH: "completed_in_two_rounds",
    "市财政局机关党委": "second_round",
    "市财政局机关第一党支部": "overdue",
    "市财政局机关第二党支部": "completed",
    "市财政局机关第三党支部": "list_rejected",
    "市财政局国库支付中心党支部": "completed",
    "市教育局机关党委": "completed",
    "市教育局机关第一党支部": "request_approved",
    "市教育局机关第二党支部": "completed",
    "市教育局教研室党总支": "officers_rejected",
    "市教育局教研室第一党支部": "nominated",
    "市教育局教研室第二党支部": "completed",
    "市卫生健康委员会机关党委": "requested",
    "市卫生健康委员会机关第一党支部": "deferred",
    "市卫生健康委员会机关第二党支部": "completed",
    "市卫生健康委员会卫生监督所党总支": "reported",
    "市卫生健康委员会卫生监督所第一党支部": "list_approved",
    "市卫生健康委员会卫生监督所第二党支部": "seats_filled",
    "市交通运输局机关党委": "current",
    "市交通运输局机关第一党支部": "officers_elected",
    "市交通运输局机关第二党支部": "overdue",
    "市交通运输局公路事业发展中心党支部": "completed",
    "市统计局机关党委": "overdue",
    "市统计局机关党支部": "resubmitted",
    "市统计局普查中心党支部": "completed",
}


@dataclass(frozen=True, slots=True)
class Planned:
    """One election: its actions, the meeting day its request names (the election day where a
    ballot is held), and how many days more than the required notice it was requested."""

    actions: tuple[str, ...]
    meeting_on: date
    notice: int

    def dates(self, lead_months: int) -> list[date]:
        requested = add_months(self.meeting_on, -lead_months) - timedelta(days=self.notice)
        return [
            (self.meeting_on if from_meeting else requested) + timedelta(days=days)
            for from_meeting, days in (ACTION_DAYS[a] for a in self.actions)
        ]


@dataclass(frozen=True, slots=True)
class Story:
    term_started_on: date  # of the term the organization served when the system went live
    elections: tuple[Planned, ...] = ()
    extended_on: date | None = None  # the parent delayed the next election (E-X.1)


@dataclass
class Planner:
    """Dates each organization's story, before the tree is registered with its terms."""

    today: date
    live_on: date
    policy: Policy
    rng: random.Random
    plots: Mapping[str, str] = field(default_factory=lambda: STORIES)  # by organization name

    @property
    def lead(self) -> int:
        return self.policy.election_request_lead_months

    def story(self, name: str, kind: OrgKind) -> Story | None:
        years = term_years(kind, self.policy)
        if years is None:
            return None  # a working committee's term is not kept here
        plot = self.plots.get(name, "current" if kind is OrgKind.PRIMARY_COMMITTEE else "completed")
        today_, rng = self.today, self.rng
        if plot == "current":
            started_on = self.live_on - timedelta(days=rng.randint(200, 500))
            if add_years(started_on, years) > today_:
                return Story(started_on)
            plot = "completed"  # too short a term to be running still without an election
        if plot == "overdue":
            ended = today_ - timedelta(days=rng.randint(40, 200))
            latest = self.live_on - timedelta(days=rng.randint(0, 30))
            return Story(min(add_years(ended, -years), latest))
        extended_on = None
        if plot in ("completed", "completed_in_two_rounds"):
            # Renewed since the system went live, so that the new term is running.
            earliest = max(
                add_years(today_, -years) + timedelta(days=30),
                add_months(self.live_on, self.lead) + timedelta(days=20),
            )
            span = max(0, (today_ - timedelta(days=100) - earliest).days)
            elections = [self._planned(SCRIPTS[plot], earliest + timedelta(rng.randint(0, span)))]
        elif plot == "deferred":
            # Asked for on time, deferred by the parent, which extended the term the same day.
            ends_on = today_ - timedelta(days=rng.randint(60, 90))
            elections = [self._planned(SCRIPTS[plot], ends_on)]
            extended_on = elections[0].dates(self.lead)[-1]
        elif plot == "resubmitted":
            again = self._placed(SCRIPTS["requested"], today_ - timedelta(rng.randint(5, 20)))
            first = self._placed(SCRIPTS[plot], again.dates(self.lead)[0] - timedelta(20))
            elections = [first, again]
        else:
            elections = [self._placed(SCRIPTS[plot], today_ - timedelta(rng.randint(3, 25)))]
        ends_on = elections[0].meeting_on
        if plot == "resubmitted":  # asked for late: the term had ended a while before
            ends_on = elections[0].dates(self.lead)[0] - timedelta(rng.randint(30, 90))
        elections[-1] = self._on_schedule(elections[-1])
        started_on, earlier = self._history(ends_on, years)
        return Story(started_on, (*earlier, *elections), extended_on)

    def _on_schedule(self, planned: Planned) -> Planned:
        """An approved election still waiting for its ballot meets after today, so that its request
        still covers the ended term (E-OVERDUE: an approved request covers it only until the
        planned date). The request was made as early as before, with that much more notice."""
        waiting = "request_approved" in planned.actions and not any(
            ACTION_DAYS[a][0] for a in planned.actions
        )
        if not waiting or planned.meeting_on > self.today:
            return planned
        meeting_on = self.today + timedelta(days=7)
        lead = self.lead
        more = (add_months(meeting_on, -lead) - add_months(planned.meeting_on, -lead)).days
        moved = replace(planned, meeting_on=meeting_on, notice=planned.notice + more)
        assert moved.dates(lead) == planned.dates(lead)
        return moved

    def _planned(self, actions: tuple[str, ...], meeting_on: date) -> Planned:
        return Planned(actions, meeting_on, self.rng.randint(3, 12))

    def _placed(self, actions: tuple[str, ...], last_on: date) -> Planned:
        """An election whose last action falls on ``last_on`` or a few days before."""
        planned = self._planned(actions, last_on)
        planned = replace(planned, meeting_on=last_on - (planned.dates(self.lead)[-1] - last_on))
        while planned.dates(self.lead)[-1] > last_on:
            planned = replace(planned, meeting_on=planned.meeting_on - timedelta(days=1))
        return planned

    def _history(self, ends_on: date, years: int) -> tuple[date, list[Planned]]:
        """When the term ending on ``ends_on`` began: at an election held since the system went
        live, itself ending a term, or before the system went live (an imported term)."""
        earlier: list[Planned] = []
        while (started_on := add_years(ends_on, -years)) > self.live_on:
            planned = self._planned(COMPLETED, started_on)
            if planned.dates(self.lead)[0] < self.live_on + timedelta(days=7):
                # Too soon after going live to have been entered: the term had begun earlier.
                return self.live_on - timedelta(days=self.rng.randint(0, 30)), earlier
            earlier.insert(0, planned)
            ends_on = started_on
        return started_on, earlier
