"""A small, realistic setting for tests, and a clean admission path through all 25 steps.

``World`` registers an organization tree, members and actors, and drives cases through the command
bus with the clock set to each step's business date, so that a case that follows ``CLEAN_PATH``
raises no finding at all. Tests change one thing and check the rule that names it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from domain.admission.case import AdmissionCase
from domain.admission.steps import BY_SLUG
from domain.admission.values import Applicant
from domain.commands import (
    Entry,
    GrantException,
    RegisterMember,
    RegisterOrganization,
    RequestElection,
    SubmitApplication,
    TakeStep,
)
from domain.context import Actor, DocumentKind, DocumentRef, Role
from domain.elections.details import ElectionRequest
from domain.identity import Identities
from domain.members import MemberStatus
from domain.organizations import OrgKind
from memberflow.bootstrap import Memberflow
from services.bus import Outcome
from tests.support.clock import FixedClock
from tests.support.identity import person_id_number

D = DocumentKind
ALL_OPINIONS = [
    {"group": g, "heard_on": "2024-03-01"}
    for g in ("party_group", "contacts", "members", "non_members")
]
# Who takes a branch's steps, and who decides for each approving committee (World's actors).
SECRETARIES = {"branch": "secretary", "branch_b": "secretary_b", "branch2": "secretary2"}
OFFICIALS = {"pc": "official", "wc": "wc_official"}
INTERVIEWER = {"name": "王组织员", "capacity": "organizer"}
ARCHIVE = (
    D.APPLICATION_FORM,
    D.APPLICATION_LETTER,
    D.POLITICAL_REVIEW,
    D.CONVERSION_APPLICATION,
    D.CULTIVATION_RECORD,
)


@dataclass(frozen=True)
class Planned:
    slug: str
    on: date
    fields: dict[str, Any] = field(default_factory=dict)
    by: str = "secretary"  # or "official": a committee official of the approving committee
    documents: tuple[DocumentKind, ...] = ()


APPLIED_ON = date(2023, 3, 1)
CLEAN_PATH: tuple[Planned, ...] = (
    Planned("applicant_interviewed", date(2023, 3, 20), documents=(D.INTERVIEW_RECORD,)),
    Planned(
        "activist_designated",
        date(2023, 4, 10),
        {"source": "member_recommendation"},
        documents=(D.MEETING_MINUTES,),
    ),
    Planned("activist_filed", date(2023, 4, 15)),
    Planned("contacts_assigned", date(2023, 4, 15), {"contacts": ["m0"]}),
    Planned("activist_assessed", date(2023, 10, 1), documents=(D.CULTIVATION_RECORD,)),
    Planned("activist_assessed", date(2024, 3, 1), documents=(D.CULTIVATION_RECORD,)),
    Planned(
        "development_target_designated",
        date(2024, 4, 20),
        {"opinions_heard": ALL_OPINIONS},
        documents=(D.MEETING_MINUTES,),
    ),
    Planned("development_target_filed", date(2024, 4, 25)),
    Planned("introducers_assigned", date(2024, 5, 1), {"introducers": ["m0", "m1"]}),
    Planned(
        "political_review_concluded",
        date(2024, 6, 1),
        {"conclusion": "passed", "areas": ["政治立场", "现实表现"], "methods": ["谈话", "函调"]},
        documents=(D.POLITICAL_REVIEW,),
    ),
    Planned(
        "training_completed",
        date(2024, 6, 10),
        {"days": 3, "hours": 24},
        documents=(D.TRAINING_RECORD,),
    ),
    Planned("branch_committee_reviewed", date(2024, 6, 20), documents=(D.MEETING_MINUTES,)),
    Planned("pre_review_passed", date(2024, 7, 1), by="official", documents=(D.PRE_REVIEW_NOTICE,)),
    Planned("application_form_completed", date(2024, 7, 10), documents=(D.APPLICATION_FORM,)),
    Planned(
        "branch_meeting_admitted",
        date(2024, 7, 20),
        {
            "eligible": 20,
            "present": 15,
            "in_favour": 15,
            "against": 1,
            "abstained": 0,
            "written_opinions": 1,
        },
        documents=(D.MEETING_MINUTES,),
    ),
    Planned(
        "committee_interview_held",
        date(2024, 8, 1),
        {"interviewers": [INTERVIEWER]},
        by="official",
        documents=(D.INTERVIEW_RECORD,),
    ),
    Planned("admission_approved", date(2024, 8, 20), {"approved": True}, by="official"),
    Planned("admission_filed", date(2024, 8, 25), by="official"),
    Planned("assigned_to_branch_group", date(2024, 9, 1)),
    Planned("oath_taken", date(2024, 9, 1)),
    Planned("probation_assessed", date(2025, 1, 10)),
    Planned("conversion_requested", date(2025, 6, 25), documents=(D.CONVERSION_APPLICATION,)),
    Planned(
        "branch_meeting_converted",
        date(2025, 7, 21),
        {"eligible": 21, "present": 18, "in_favour": 18, "outcome": "convert"},
        documents=(D.MEETING_MINUTES,),
    ),
    Planned("conversion_approved", date(2025, 8, 10), by="official"),
    Planned("materials_archived", date(2025, 8, 20), documents=ARCHIVE),
)


def path_between(first: int, stop: int) -> tuple[Planned, ...]:
    """The clean path's entries for steps ``first`` up to, not including, ``stop``."""
    return tuple(p for p in CLEAN_PATH if first <= BY_SLUG[p.slug].number < stop)


def document(kind: DocumentKind) -> DocumentRef:
    return DocumentRef(
        kind=kind, file_name=f"{kind.value}.pdf", sha256=f"{abs(hash(kind)):064x}"[:64]
    )


@dataclass
class World:
    memberflow: Memberflow
    clock: FixedClock
    ids: dict[str, UUID] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    names: itertools.count[int] = field(default_factory=itertools.count)

    @classmethod
    def create(cls, memberflow: Memberflow, clock: FixedClock) -> World:
        world = cls(memberflow, clock)
        world._build_tree()
        world._register_members()
        world._make_actors()
        return world

    # Set-up.

    def _build_tree(self) -> None:
        """工委 → 党委 (approves) → 支部; 工委 → 党委 (no power) → 党总支 → 支部."""
        self.actors["admin"] = Actor(id="admin", role=Role.ADMIN)
        self.org("wc", "市直机关工委", OrgKind.WORKING_COMMITTEE, None)
        self.org(
            "pc",
            "市财政局机关党委",
            OrgKind.PRIMARY_COMMITTEE,
            "wc",
            approves=True,
            unit="市财政局",
        )
        self.org("branch", "市财政局第一党支部", OrgKind.BRANCH, "pc", unit="市财政局")
        self.org("branch_b", "市财政局第二党支部", OrgKind.BRANCH, "pc", unit="市财政局")
        self.org("pc2", "市档案馆机关党委", OrgKind.PRIMARY_COMMITTEE, "wc", unit="市档案馆")
        self.org("gb", "市档案馆党总支", OrgKind.GENERAL_BRANCH, "pc2", unit="市档案馆")
        self.org("branch2", "市档案馆第一党支部", OrgKind.BRANCH, "gb", unit="市档案馆")

    def org(
        self,
        key: str,
        name: str,
        kind: OrgKind,
        parent: str | None,
        *,
        approves: bool = False,
        unit: str | None = None,
    ) -> UUID:
        command = RegisterOrganization(
            name,
            kind,
            self.ids[parent] if parent else None,
            approves,
            unit,
            Entry(date(2020, 1, 1)),
        )
        self.ids[key] = self.run(command, "admin").subject_id
        return self.ids[key]

    def _register_members(self) -> None:
        for i in range(4):
            self.member(f"m{i}", f"党员{i}", date(1975, 1, i + 1))
        self.member(
            "probationary",
            "预备党员甲",
            date(1990, 2, 1),
            status=MemberStatus.PROBATIONARY,
            joined_on=date(2025, 10, 1),
        )
        self.member("suspended", "党员乙", date(1970, 3, 1), rights_suspended=True)
        self.member("disciplined", "党员丙", date(1972, 4, 1), under_party_probation=True)
        self.member(
            "recent",
            "党员丁",
            date(1985, 5, 1),
            joined_on=date(2024, 1, 1),
            full_since=date(2025, 1, 1),
        )

    def member(
        self,
        key: str,
        name: str,
        birth_date: date,
        *,
        branch: str = "branch",
        status: MemberStatus = MemberStatus.FULL,
        joined_on: date = date(2005, 7, 1),
        full_since: date | None = None,
        rights_suspended: bool = False,
        under_party_probation: bool = False,
        id_number: str | None = None,
        without_id_number: bool = False,
    ) -> UUID:
        """A member imported on 2020-01-01; the ID number (O-4) is the person's (the same as an
        applicant's of that name and birth date) unless given or left out."""
        if id_number is None and not without_id_number:
            id_number = person_id_number(name, birth_date)
        command = RegisterMember(
            self.ids[branch],
            name,
            birth_date,
            status,
            joined_on,
            full_since,
            rights_suspended,
            under_party_probation,
            Entry(date(2020, 1, 1)),
            id_number,
        )
        self.ids[key] = self.run(command, "admin").subject_id
        return self.ids[key]

    def _make_actors(self) -> None:
        def actor(key: str, role: Role, org: str) -> None:
            self.actors[key] = Actor(id=key, role=role, organization_id=self.ids[org])

        actor("secretary", Role.BRANCH_SECRETARY, "branch")
        actor("official", Role.COMMITTEE_OFFICIAL, "pc")
        actor("wc_official", Role.COMMITTEE_OFFICIAL, "wc")
        actor("pc2_official", Role.COMMITTEE_OFFICIAL, "pc2")
        actor("secretary2", Role.BRANCH_SECRETARY, "branch2")
        actor("secretary_b", Role.BRANCH_SECRETARY, "branch_b")
        actor("department", Role.ORG_DEPARTMENT, "wc")  # the city's organization department
        actor("inspector", Role.DISCIPLINE_INSPECTOR, "wc")

    # Driving commands.

    def run(self, command: Any, by: str) -> Outcome:
        return self.memberflow.bus.handle(command, actor=self.actors[by], request_id="test")

    def request_election(self, on: date, planned: date, *, seats: int = 3) -> UUID:
        """The branch's secretary requests an election of ``seats`` (a secretary and a deputy
        among them) at a member meeting on ``planned``, on ``on``: its id."""
        request = ElectionRequest(
            seats=seats,
            secretary_seats=1,
            deputy_seats=1,
            meeting_form="member_meeting",
            planned_date=planned,
        )
        command = RequestElection(self.ids["branch"], request, Entry(on))
        return self.run(command, "secretary").subject_id

    def submit(
        self,
        *,
        name: str | None = None,
        birth_date: date = date(1998, 5, 1),
        on: date = APPLIED_ON,
        branch: str = "branch",
        basis: str = "work_unit",
        unit: str | None = "市财政局",
        by: str | None = None,
        documents: tuple[DocumentKind, ...] = (D.APPLICATION_LETTER,),
        id_number: str | None = None,
    ) -> UUID:
        """A new application; the applicant's ID number (O-4) is the person's with this name and
        birth date unless given."""
        self.clock.set_day(on)
        name = name or f"申请人{next(self.names)}"
        applicant = Applicant(
            name=name,
            birth_date=birth_date,
            unit=unit,
            id_number=id_number or person_id_number(name, birth_date),
        )
        entry = Entry(on, documents=tuple(document(k) for k in documents))
        command = SubmitApplication(applicant, self.ids[branch], basis, entry)
        return self.run(command, by or SECRETARIES.get(branch, "secretary")).subject_id

    def step(
        self,
        case_id: UUID,
        slug: str,
        *,
        on: date | None = None,
        by: str | None = None,
        documents: tuple[DocumentKind, ...] | None = None,
        recorded_on: date | None = None,
        **fields: Any,
    ) -> Outcome:
        """Take a step; what is not given comes from the step's first entry in CLEAN_PATH."""
        plan = next((p for p in CLEAN_PATH if p.slug == slug), Planned(slug, APPLIED_ON))
        day = on or plan.on
        self.clock.set_day(recorded_on or day)
        values = {**plan.fields, **fields}
        details = BY_SLUG[slug].details.model_validate(self._resolve(values))
        docs = plan.documents if documents is None else documents
        entry = Entry(day, documents=tuple(document(k) for k in docs))
        return self.run(TakeStep(case_id, slug, details, entry), by or self.taker(case_id, plan.by))

    def taker(self, case_id: UUID, who: str) -> str:
        """The actor who takes a step where the case now is: the secretary of its branch, or an
        official of its approving committee (O-1) — as the clean path's "secretary" and
        "official" mean."""
        case = self.case(case_id)
        if who == "secretary":
            return SECRETARIES.get(self._key(case.branch_id), who)
        if who == "official":
            committee = self.memberflow.organizations.approving_committee(case.branch_id)
            return OFFICIALS.get(self._key(committee.id), who)
        return who

    def _key(self, organization_id: UUID) -> str:
        return next(key for key, value in self.ids.items() if value == organization_id)

    def _resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        """Member keys such as "m0" in a list of ids stand for the members registered under them."""
        return {
            name: [self.ids.get(v, v) if isinstance(v, str) else v for v in value]
            if name in ("contacts", "introducers")
            else value
            for name, value in values.items()
        }

    def follow(self, case_id: UUID, plan: tuple[Planned, ...]) -> None:
        for planned in plan:
            self.step(
                case_id,
                planned.slug,
                on=planned.on,
                by=self.taker(case_id, planned.by),
                documents=planned.documents,
                **planned.fields,
            )

    def case_before(self, number: int, **submit: Any) -> UUID:
        """A new case on the clean path, with every step before step ``number`` taken."""
        case_id = self.submit(**submit)
        self.follow(case_id, path_between(2, number))
        return case_id

    def continue_from(self, case_id: UUID, number: int) -> None:
        """Take the clean path's steps from step ``number`` to the end."""
        self.follow(case_id, path_between(number, 26))

    def except_(
        self,
        case_id: UUID,
        step: str,
        rule: str,
        *,
        on: date,
        reason: str = "特殊情况",
        by: str = "official",
    ) -> Outcome:
        self.clock.set_day(on)
        return self.run(GrantException(case_id, step, rule, reason, Entry(on)), by)

    def case(self, case_id: UUID) -> AdmissionCase:
        return self.memberflow.membership.case(case_id)

    @property
    def identities(self) -> Identities:
        """The service's keyed person and member ids (domain/identity.py)."""
        return self.memberflow.bus.identities

    def member_id_of(self, case_id: UUID) -> UUID:
        """The registry record an approval of the case's applicant writes (O-3, O-4)."""
        return self.identities.member_id(self.case(case_id).applicant)
