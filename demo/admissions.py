"""Admission cases: each script played by one applicant in one branch, placed so that its last
entry falls shortly before today; and the approving committees' yearly development plans (A-P)
that the cases count against.

The branch secretary enters the branch's steps, the approving committee's official the
committee's (O-1); contacts, introducers and meeting voters are members with rights of the branch.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from demo.admission_scripts import EXCEPTION, WITHDRAWAL, Beat, Script, scripts
from demo.members import Registry
from demo.names import Names
from demo.runner import Move, Thread
from demo.setting import OTHER_UNIT
from demo.tree import Branch, Tree
from domain.admission.details import MeetingVote, OpinionGroup
from domain.admission.steps import BY_SLUG
from domain.admission.values import Applicant, Basis
from domain.commands import (
    Command,
    Entry,
    GrantException,
    SetDevelopmentPlan,
    SubmitApplication,
    TakeStep,
    WithdrawCase,
)
from domain.context import Actor, DocumentKind, DocumentRef

D = DocumentKind


def plans_thread(tree: Tree, rng: random.Random, today_: date) -> Thread:
    """A-P: each approving committee sets its plan early in the previous and the current year."""
    moves = []
    for year in (today_.year - 1, today_.year):
        on = min(date(year, 1, 15), today_)
        for committee_id in tree.approving_ids:
            command = SetDevelopmentPlan(committee_id, year, rng.randint(4, 12), Entry(on))
            moves.append(Move(on, tree.officials[committee_id], command))
    return Thread(moves)


def case_threads(
    tree: Tree, registry: Registry, rng: random.Random, names: Names, cases: int, today_: date
) -> list[Thread]:
    threads = []
    for script in scripts(cases):
        branch = rng.choice(tree.branches)
        writer = CaseWriter(script, branch, registry, rng, names.new(), names.id_number)
        threads.append(writer.thread(today_))
    return threads


@dataclass
class CaseWriter:
    """Turns a script into dated moves for one applicant in one branch."""

    script: Script
    branch: Branch
    registry: Registry
    rng: random.Random
    name: str
    id_number: Callable[[date], str]  # O-4: the applicant's 公民身份号码, from the birth date
    _vouchers: list[UUID] = field(default_factory=list)

    def thread(self, today_: date) -> Thread:
        # The last entry falls a few days to weeks before today.
        applied_on = self.last_applied_on(today_) - timedelta(days=self.rng.randint(3, 45))
        return Thread(list(self.moves(applied_on)), is_case=True)

    def last_applied_on(self, today_: date) -> date:
        """The latest application day whose script is entered in full by ``today_``."""
        return today_ - timedelta(days=max(self._entry_days(), default=0))

    def moves(self, applied_on: date) -> Iterator[Move]:
        """The script's moves for an application on ``applied_on``, each made when asked for."""
        yield self._submission(applied_on)
        for beat, day in zip(self.script.beats, self._entry_days(), strict=True):
            on, recorded_on = applied_on + timedelta(beat.day), applied_on + timedelta(day)
            yield Move(recorded_on, self._actor(beat), self._command(beat, on))

    def _entry_days(self) -> list[int]:
        """The day each beat is entered: never before an earlier beat was (a case is written in
        order), so a beat dated before its predecessor is a backfill."""
        days, latest = [], 0
        for beat in self.script.beats:
            latest = max(latest, beat.day + beat.late)
            days.append(latest)
        return days

    def _submission(self, on: date) -> Move:
        birth = on - timedelta(days=self.rng.randint(19 * 365 + 5, 38 * 365))
        unit = OTHER_UNIT if self.script.off_unit else self.branch.unit
        applicant = Applicant(
            name=self.name, birth_date=birth, unit=unit, id_number=self.id_number(birth)
        )
        entry = Entry(on, documents=(self._document(D.APPLICATION_LETTER),))
        command = SubmitApplication(applicant, self.branch.id, Basis.WORK_UNIT.value, entry)
        return Move(on, self.branch.secretary, command)

    def _actor(self, beat: Beat) -> Actor:
        return self.branch.official if beat.by_committee else self.branch.secretary

    def _command(self, beat: Beat, on: date) -> Callable[[UUID], Command]:
        entry = Entry(on, documents=tuple(self._document(k) for k in beat.documents))
        if beat.slug == EXCEPTION:
            step, rule = beat.fields["step"], beat.fields["rule"]
            reason = "该同志外派挂职一年，仅有一次考察记录，经党委集体研究同意"
            return lambda case_id: GrantException(case_id, step, rule, reason, entry)
        if beat.slug == WITHDRAWAL:
            return lambda case_id: WithdrawCase(case_id, "本人申请撤回", entry)
        facts = {**beat.fields, **self._facts(beat, on)}
        details = BY_SLUG[beat.slug].details.model_validate(facts)
        return lambda case_id: TakeStep(case_id, beat.slug, details, entry)

    def _facts(self, beat: Beat, on: date) -> dict[str, Any]:
        """What a step records about people and meetings in this branch."""
        if beat.slug == "contacts_assigned":
            return {"contacts": self.vouchers[: self.rng.choice((1, 2))]}
        if beat.slug == "introducers_assigned":
            return {"introducers": self.vouchers}
        if beat.slug == "development_target_designated":
            heard_on = on - timedelta(days=7)
            return {"opinions_heard": [{"group": g, "heard_on": heard_on} for g in OpinionGroup]}
        if beat.slug == "committee_interview_held":
            return {"interviewers": [{"name": "党委组织员", "capacity": "organizer"}]}
        if beat.slug in ("branch_meeting_admitted", "branch_meeting_converted"):
            return _vote(max(3, len(self.registry.voters(self.branch.id))), self.rng)
        return {}

    @property
    def vouchers(self) -> list[UUID]:
        """Two members with rights of the branch, who cultivate the applicant and then introduce
        them (the usual practice); from elsewhere only if the branch has too few."""
        if not self._vouchers:
            pool = self.registry.voters(self.branch.id)
            if len(pool) < 2:
                pool = [m for ids in self.registry.with_rights.values() for m in ids]
            self._vouchers = self.rng.sample(pool, 2)
        return self._vouchers

    def _document(self, kind: DocumentKind) -> DocumentRef:
        digest = hashlib.sha256(f"{self.name}/{kind.value}".encode()).hexdigest()
        return DocumentRef(kind=kind, file_name=f"{kind.value}.pdf", sha256=digest)


def _vote(eligible: int, rng: random.Random) -> dict[str, Any]:
    """A meeting that passes (A-15.2 to A-15.4): at most a quarter absent, some of them voting in
    writing; one vote against or abstaining only where it cannot tip the count."""
    absent = rng.randint(0, eligible // 4)
    present = eligible - absent
    written = rng.randint(0, absent)
    dissent = rng.choice((0, 0, 1)) if eligible >= 6 else 0
    against = rng.choice((0, dissent))
    vote = MeetingVote(
        eligible=eligible,
        present=present,
        in_favour=present + written - dissent,
        against=against,
        abstained=dissent - against,
        written_opinions=written,
    )
    return vote.model_dump(exclude_unset=True)
