"""The facts of each workflow step as a request accepts them: the domain's value object with the
bounds of an input (domain/bounds.py), so that the stored value objects stay as lenient as the
events written before the bounds. ``flat_body`` puts these forms in the steps' request bodies;
``facts_of`` turns a body back into the domain's value object."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from domain.admission import details as admission
from domain.bounds import (
    CANDIDATES_MAX,
    ITEMS_MAX,
    OPINIONS_MAX,
    PEOPLE_MAX,
    BusinessDate,
    Count,
    ExclusionReason,
    Months,
    Name,
    PlausibleDate,
    Round,
    Seats,
    ShortText,
    StrictBool,
    Text,
    bounded_list,
    request_form,
)
from domain.elections import details as elections
from domain.workflow import StepDetails, one_of

_VOTES = dict.fromkeys(
    ("eligible", "present", "in_favour", "against", "abstained", "written_opinions"), Count
)
_PEOPLE = bounded_list(UUID, PEOPLE_MAX)

# Admissions (DOMAIN.md §2).
OpinionHeardIn = request_form(admission.OpinionHeard, heard_on=BusinessDate)
InterviewerIn = request_form(admission.Interviewer, name=Name, capacity=ShortText)
MeetingVoteIn = request_form(admission.MeetingVote, **_VOTES, voted_individually=StrictBool)
ADMISSION_FACTS: tuple[type[StepDetails], ...] = (
    request_form(admission.ActivistDesignation, source=ShortText),
    request_form(admission.ContactsAssignment, contacts=_PEOPLE),
    request_form(
        admission.TargetDesignation, opinions_heard=bounded_list(OpinionHeardIn, OPINIONS_MAX)
    ),
    request_form(admission.IntroducersAssignment, introducers=_PEOPLE),
    request_form(
        admission.PoliticalReview,
        conclusion=ShortText,
        areas=bounded_list(ShortText, ITEMS_MAX),
        methods=bounded_list(ShortText, ITEMS_MAX),
    ),
    request_form(admission.Training, days=Count, hours=Count),
    request_form(admission.PreReview, leaving_unit_within_3_months=StrictBool),
    MeetingVoteIn,
    request_form(
        admission.CommitteeInterview, interviewers=bounded_list(InterviewerIn, PEOPLE_MAX)
    ),
    request_form(
        admission.ConversionMeeting,
        **_VOTES,
        voted_individually=StrictBool,
        outcome=ShortText,
        extension_months=Months | None,
    ),
    request_form(admission.AdmissionDecision, approved=StrictBool, special_reason=Text | None),
    request_form(admission.ConversionDecision, approved=StrictBool),
)

# Elections (DOMAIN.md §4).


class ElectionRequestIn(elections.ElectionRequest):
    """E-1.1, as a request states it (a class of its own: ``ElectionCreate`` extends it)."""

    seats: Annotated[Seats, Field(ge=1)] = Field(description="委员名额")
    secretary_seats: Seats = Field(description="书记名额 (one)")
    deputy_seats: Seats = Field(description="副书记名额")
    meeting_form: ShortText = Field(json_schema_extra=one_of(elections.MeetingForm))
    planned_date: PlausibleDate
    members_count: Count | None = Field(default=None, description="党员人数 (E-1.4)")
    scattered: StrictBool = Field(default=False, description="sub-organizations far apart (E-1.4)")


ExclusionIn = request_form(elections.Exclusion, reason=ExclusionReason)
BallotLineIn = request_form(elections.BallotLine, in_favour=Count, against=Count, abstained=Count)
ELECTION_FACTS: tuple[type[StepDetails], ...] = (
    request_form(elections.Decision, approved=StrictBool),
    request_form(elections.Nomination, candidates=bounded_list(UUID, CANDIDATES_MAX)),
    request_form(
        elections.Ballot,
        round=Round,
        due_voters=Count,
        exclusions=bounded_list(ExclusionIn, CANDIDATES_MAX),
        present=Count,
        ballots=bounded_list(BallotLineIn, CANDIDATES_MAX),
    ),
    request_form(elections.Officers, deputy_ids=bounded_list(UUID, PEOPLE_MAX)),
)

# The request form of each step's facts, by the domain's class of them.
STEP_FACTS: dict[type[BaseModel], type[BaseModel]] = {
    form.__bases__[0]: form for form in (*ADMISSION_FACTS, *ELECTION_FACTS)
}
