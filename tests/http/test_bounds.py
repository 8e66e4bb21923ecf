"""Bounded input (issue 10): every poison input is refused with 422 naming its field, before it
reaches the command side; no page number answers 500; every error is problem+json; and an event
stored before the bounds, with a value they would refuse, still loads."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from api.app import create_app
from domain.admission.values import Applicant
from domain.bounds import COUNT_MAX, PAGE_MAX, today
from domain.commands import Entry, SubmitApplication
from domain.context import Actor, Role
from tests.support.client import Client, document_json
from tests.support.identity import person_id_number

NOBODY = str(UUID(int=1))  # a body is validated before any lookup: an id of nothing will do
STEP = f"/admissions/{NOBODY}/steps"
VOTES = {"eligible": 20, "present": 15, "in_favour": 15}
PAPER = document_json("meeting_minutes")


def applicant(**fields: Any) -> dict[str, Any]:
    person = {"name": "孙明", "birth_date": "1998-05-01", "unit": "市财政局", **fields}
    person.setdefault("id_number", person_id_number("孙明", date(1998, 5, 1)))
    return {
        "applicant": person,
        "branch_id": "{branch}",
        "basis": "work_unit",
        "occurred_on": "2023-03-01",
    }


def member(**fields: Any) -> dict[str, Any]:
    body = {
        "name": "李党员",
        "birth_date": "1970-03-01",
        "branch_id": "{branch}",
        "status": "full",
        "joined_on": "2000-07-01",
    }
    return {**body, **fields}


def election(**fields: Any) -> dict[str, Any]:
    request = {
        "organization_id": "{branch}",
        "occurred_on": "2024-05-01",
        "seats": 5,
        "secretary_seats": 1,
        "deputy_seats": 1,
        "meeting_form": "member_meeting",
        "planned_date": "2024-07-01",
    }
    return {**request, **fields}


BALLOT = {"candidate_id": NOBODY, "in_favour": 8, "against": 0, "abstained": 0}
HELD = {"round": 1, "due_voters": 10, "present": 9, "ballots": [BALLOT]}
PLAN = "/organizations/{pc}/development-plans"
ORGANIZATION = {"name": "第二党支部", "kind": "branch", "parent_id": "{pc}"}


def post(what: str, path: str, field: str, body: dict[str, Any]) -> Any:
    return pytest.param(path, body, field, id=what)


def case_step(what: str, slug: str, field: str, **facts: Any) -> Any:
    return post(what, f"{STEP}/{slug}", field, {"occurred_on": "2024-05-01", **facts})


def election_step(what: str, slug: str, field: str, **facts: Any) -> Any:
    path = f"/elections/{NOBODY}/steps/{slug}"
    return post(what, path, field, {"occurred_on": "2024-06-01", **facts})


def new_case(what: str, field: str, **person: Any) -> Any:
    return post(what, "/admissions", f"applicant.{field}", applicant(**person))


def new_member(what: str, field: str, **fields: Any) -> Any:
    return post(what, "/members", field, member(**fields))


def new_election(what: str, field: str, **fields: Any) -> Any:
    return post(what, "/elections", field, election(**fields))


def paper(**fields: Any) -> list[dict[str, Any]]:
    return [{**PAPER, **fields}]


# The poison inputs first, then their kin; each names the field refused.
POISON = [
    new_case("a 3.5-million-character unit", "unit", unit="单" * 3_500_000),
    case_step("30 000 documents", "applicant_interviewed", "documents", documents=[PAPER] * 30_000),
    case_step("votes of 10**400", "branch_meeting_admitted", "in_favour", **{**VOTES, "in_favour": 10**400}),
    case_step("true for a count", "branch_meeting_admitted", "in_favour", **{**VOTES, "in_favour": True}),
    case_step('"15" for 15', "branch_meeting_admitted", "present", **{**VOTES, "present": "15"}),
    case_step("a business date in year 1", "applicant_interviewed", "occurred_on", occurred_on="0001-01-01"),
    new_case("a birth date in year 1", "birth_date", birth_date="0001-01-01"),
    new_member("a joining date in year 1", "joined_on", joined_on="0001-01-01"),
    new_member("a name of spaces", "name", name="    "),
    new_member("a name of ideographic spaces", "name", name="\u3000\u3000"),
    new_member("a zero-width name", "name", name="\u200b\u200b"),
    new_member("a NUL name", "name", name="\x00"),
    new_case("a NUL inside a name", "name", name="孙\x00明"),
    new_case("a right-to-left override in a name", "name", name="孙\u202e明"),
    new_member("a name of 101 characters", "name", name="李" * 101),
    post("a development plan of 10**30", PLAN, "admissions", {"year": 2026, "admissions": 10**30}),
    post("a plan of 100 001", PLAN, "admissions", {"year": 2026, "admissions": COUNT_MAX + 1}),
    post('"12" for a plan', PLAN, "admissions", {"year": 2026, "admissions": "12"}),
    post(
        "a term extension of 10**30 months",
        "/organizations/{branch}/term-extension",
        "months",
        {"occurred_on": "2024-05-01", "months": 10**30, "reason": "换届"},
    ),
    case_step("a NUL in a comment", "applicant_interviewed", "comment", comment="好\x00"),
    case_step("a long comment", "applicant_interviewed", "comment", comment="字" * 2001),
    case_step("a long file name", "applicant_interviewed", "documents.0.file_name", documents=paper(file_name="a" * 256)),
    case_step("a file name with a newline", "applicant_interviewed", "documents.0.file_name", documents=paper(file_name="a\nb.pdf")),
    post("a reason of spaces", f"/admissions/{NOBODY}/withdrawal", "reason", {"occurred_on": "2023-04-01", "reason": "   "}),
    case_step("an interviewer's zero-width name", "committee_interview_held", "interviewers.0.name", interviewers=[{"name": "\u200d", "capacity": "organizer"}]),
    case_step("11 introducers", "introducers_assigned", "introducers", introducers=[NOBODY] * 11),
    case_step("51 review areas", "political_review_concluded", "areas", conclusion="passed", areas=["x"] * 51),
    case_step("training hours of 10**20", "training_completed", "hours", days=3, hours=10**20),
    case_step('"false" for a decision', "admission_approved", "approved", approved="false"),
    case_step("an extension of 10**9 months", "branch_meeting_converted", "extension_months", **VOTES, outcome="extend", extension_months=10**9),
    new_election("seats true", "seats", seats=True),
    new_election("deputy seats of 10**30", "deputy_seats", deputy_seats=10**30),
    new_election("a planned date in year 1", "planned_date", planned_date="0001-01-01"),
    election_step("201 candidates", "candidates_nominated", "candidates", candidates=[NOBODY] * 201),
    election_step("ballot votes of 10**400", "election_held", "ballots.0.in_favour", **{**HELD, "ballots": [{**BALLOT, "in_favour": 10**400}]}),
    election_step("a round of 0", "election_held", "round", **{**HELD, "round": 0}),
    election_step("201 ballot lines", "election_held", "ballots", **{**HELD, "ballots": [BALLOT] * 201}),
    election_step("a long exclusion reason", "election_held", "exclusions.0.reason", **HELD, exclusions=[{"member_id": NOBODY, "reason": "病" * 501}]),
    post("an organization's name of spaces", "/organizations", "name", {**ORGANIZATION, "name": "  "}),
    post("a term of 10**30 years", "/organizations", "term_years", {**ORGANIZATION, "term_years": 10**30}),
    post("1 for a flag", "/organizations", "may_approve_admissions", {**ORGANIZATION, "may_approve_admissions": 1}),
]  # fmt: skip


def _filled(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _filled(v, ids) for k, v in value.items()}
    if isinstance(value, list) and len(value) < 100:
        return [_filled(v, ids) for v in value]
    return value


@pytest.mark.parametrize(("path", "body", "field"), POISON)
def test_a_poison_input_is_refused_naming_its_field(
    client: Client, path: str, body: dict[str, Any], field: str
) -> None:
    before = _positions(client)
    response = client.post(path.format(**client.ids), _filled(body, client.ids), _by(path))
    assert response.status_code == 422, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == field, problem
    assert len(response.content) < 10_000  # the refusal does not echo the input
    assert _positions(client) == before  # nothing was recorded


def _by(path: str) -> str:
    """Someone whose role may do what ``path`` does (domain/access.py): a role the policy refuses
    is 403 before the body is read."""
    return "admin" if path in ("/members", "/organizations") else "official"


def _positions(client: Client) -> tuple[int | None, ...]:
    applications = (client.memberflow.organizations, client.memberflow.membership)
    return tuple(a.recorder.max_notification_id() for a in applications)


def test_the_regular_inputs_beside_the_poison_pass(client: Client) -> None:
    """The same bodies within their bounds are taken: the bounds refuse only the poison."""
    client.clock.set_day(date(2026, 11, 20))
    plan = {"year": 2026, "admissions": COUNT_MAX}
    path = f"/organizations/{client.ids['pc']}/development-plans"
    assert client.post(path, plan, "official").status_code == 200
    named = member(name="  欧阳·娜娜 ", branch_id=client.ids["branch"], joined_on="1921-07-01")
    assert client.post("/members", named, "admin").status_code == 201
    client.clock.set_day(date(2023, 3, 1))
    body = applicant(
        name=" 赵 一 ", unit="单" * 200, id_number=person_id_number("赵 一", date(1998, 5, 1))
    )
    body = {**body, "branch_id": client.ids["branch"], "comment": "第一行\n第二行\t（附件）"}
    case = client.post("/admissions", body, "secretary")
    assert case.status_code == 201, case.text
    assert case.json()["applicant"]["name"] == "赵 一"  # surrounding spaces stripped


def test_a_future_business_date_is_refused_with_MF_FUTURE_DATE_and_its_field(
    client: Client,
) -> None:
    tomorrow = (today() + timedelta(days=1)).isoformat()
    cases = [
        ("/members", member(birth_date=tomorrow, branch_id=client.ids["branch"]), "birth_date"),
        ("/members", member(joined_on=tomorrow, branch_id=client.ids["branch"]), "joined_on"),
        (f"{STEP}/applicant_interviewed", {"occurred_on": "2099-01-01"}, "occurred_on"),
    ]
    for path, body, field in cases:
        response = client.post(path, body, _by(path))
        assert response.status_code == 422, response.text
        problem = response.json()
        assert (problem["field"], problem["rule"]) == (field, "MF-FUTURE-DATE")
        assert problem["source"] == "DOMAIN.md §0"
        assert field in problem["detail_en"]
    # A date that may lie ahead is bounded by the calendar only: a planned meeting.
    ahead = election(planned_date="2199-12-31", organization_id=NOBODY)
    assert client.post("/elections", ahead, "official").status_code != 422


PAGED = ["/elections/calendar?org={wc}", "/findings", "/approvals/inbox?org={wc}", "/audit/log"]


@pytest.mark.parametrize("path", PAGED)
def test_a_page_past_the_last_is_empty_and_past_the_bound_is_422_never_500(
    client: Client, path: str
) -> None:
    client.memberflow.read_models.catch_up()
    path = path.format(**client.ids)
    glue = "&" if "?" in path else "?"
    first = client.get(path)
    assert first.status_code == 200, first.text
    last = client.get(f"{path}{glue}page={PAGE_MAX}&per_page=500")
    assert last.status_code == 200, last.text
    assert (last.json()["data"], last.json()["count"]) == ([], first.json()["count"])
    for query, field in (
        (f"page={2**63}", "page"),
        (f"page={PAGE_MAX + 1}", "page"),
        ("page=0", "page"),
        ("per_page=501", "per_page"),
    ):
        refused = client.get(f"{path}{glue}{query}")
        assert refused.status_code == 422, (query, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["field"] == field


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/findings?from=0001-01-01", "from"),
        ("/findings?to=9999-12-31", "to"),
        ("/findings?kind=F-" + "A" * 100, "kind"),
        ("/findings?after=membership:" + "9" * 40, "after"),
        ("/audit/log?from=0001-01-01", "from"),
        ("/audit/log?actor=" + "a" * 201, "actor"),
        ("/admissions/{wc}?as_of=0001-01-01", "as_of"),
        ("/admissions/{wc}?version=" + str(2**64), "version"),
        ("/approvals/inbox?org={wc}&asked=" + "a" * 201, "asked"),
    ],
)
def test_a_query_parameter_out_of_bounds_is_422_naming_it(
    client: Client, query: str, field: str
) -> None:
    response = client.get(query.format(**client.ids))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


def test_every_error_is_problem_json(client: Client) -> None:
    auth = {"Authorization": f"Bearer {client.tokens['admin']}"}
    unknown = client.http.get("/no/such/path", headers=auth)
    assert (unknown.status_code, unknown.headers["content-type"]) == (
        404,
        "application/problem+json",
    )
    wrong_method = client.http.delete("/organizations", headers=auth)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"] == "application/problem+json"
    for content, kind in (
        (b"not json", "application/json"),
        (b'{"name": "x"', "application/json"),
        (b"name=x", "text/plain"),
    ):
        response = client.http.post(
            "/organizations", content=content, headers={**auth, "content-type": kind}
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["field"] == "body"


def test_an_unexpected_error_is_a_problem_500_with_the_request_id_and_no_trace(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("a secret in the stack")

    monkeypatch.setattr(client.memberflow.organizations, "organization", broken)
    http = TestClient(create_app(client.memberflow), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {client.tokens['admin']}", "X-Request-ID": "req-500"}
    with capture_logs() as logs:
        response = http.get(f"/organizations/{client.ids['wc']}", headers=headers)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "req-500"
    problem = response.json()
    assert (problem["status"], problem["request_id"]) == (500, "req-500")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    logged = [entry for entry in logs if entry["event"] == "http.unexpected"]
    assert len(logged) == 1
    assert logged[0]["request_id"] == "req-500"
    assert isinstance(logged[0]["exc_info"], RuntimeError)


def test_an_event_stored_before_the_bounds_still_loads(client: Client) -> None:
    """Stored value objects stay lenient: a 3.5-million-character unit and a zero-width name,
    written through the command side as before issue 10, load and show. (ASCII: an event of
    10 MB or more does not finish its insert on PostgreSQL.)"""
    client.clock.set_day(date(2023, 3, 1))
    name, born = "孙\u200b明", date(1998, 5, 1)
    applicant_then = Applicant(
        name=name, birth_date=born, unit="x" * 3_500_000, id_number=person_id_number(name, born)
    )
    command = SubmitApplication(
        applicant_then, UUID(client.ids["branch"]), "work_unit", Entry(date(2023, 3, 1))
    )
    secretary = Actor(
        id="secretary", role=Role.BRANCH_SECRETARY, organization_id=UUID(client.ids["branch"])
    )
    case_id = client.memberflow.bus.handle(command, actor=secretary, request_id="old").subject_id

    case = client.get(f"/admissions/{case_id}", "admin")
    assert case.status_code == 200, case.text[:500]
    assert (len(case.json()["applicant"]["unit"]), case.json()["applicant"]["name"]) == (
        3_500_000,
        name,
    )
    assert client.get(f"/admissions/{case_id}/history", "admin").status_code == 200
    client.memberflow.read_models.catch_up()
    assert client.get(f"/findings?case={case_id}", "admin").status_code == 200


def test_the_openapi_document_shows_a_bound_on_every_input(client: Client) -> None:
    """Every integer of a request body or of a query, path or header parameter has a maximum,
    every string a length (or a pattern, a set of values, or a format), every list a size."""
    spec = client.http.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    unbounded: list[str] = []

    def walk(schema: dict[str, Any], where: str, seen: frozenset[str]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(schemas[name], where, seen | {name})
            return
        for part in schema.get("anyOf", []):
            walk(part, where, seen)
        for field, inner in schema.get("properties", {}).items():
            walk(inner, f"{where}.{field}", seen)
        kind = schema.get("type")
        if kind == "array":
            walk(schema["items"], f"{where}[]", seen)
        if kind in _BOUND and not _bounded(schema):
            unbounded.append(where)

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                walk(body["schema"], f"{method} {path}", frozenset())
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("query", "path", "header"):
                    walk(parameter["schema"], f"{method} {path} ?{parameter['name']}", frozenset())
    assert unbounded == []
    votes = schemas["BranchMeetingAdmittedBody"]["properties"]
    assert (votes["in_favour"]["maximum"], votes["documents"]["maxItems"]) == (COUNT_MAX, 20)
    assert schemas["NewApplicant"]["properties"]["name"]["maxLength"] == 100


_BOUND = {"integer": "maximum", "string": "maxLength", "array": "maxItems"}


def _bounded(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "string" and (
        {"enum", "const", "pattern"} & set(schema)
        or schema.get("format") in ("uuid", "date", "date-time")
    ):
        return True
    return _BOUND[schema["type"]] in schema


def test_a_body_over_the_limit_is_413_before_it_is_parsed(client: Client) -> None:
    """MEMBERFLOW_MAX_BODY_BYTES: a declared or a streamed oversize body is refused."""
    limit = client.memberflow.settings.max_body_bytes
    auth = {"Authorization": f"Bearer {client.tokens['admin']}", "content-type": "application/json"}
    before = _positions(client)
    oversize = b'{"name": "' + b"x" * limit + b'"}'

    def streamed() -> Any:
        yield oversize[: limit // 2]
        yield oversize[limit // 2 :]

    for content in (oversize, streamed()):
        response = client.http.post("/organizations", content=content, headers=auth)
        assert response.status_code == 413, response.text[:300]
        assert response.headers["content-type"] == "application/problem+json"
        assert str(limit) in response.json()["detail"]
    assert _positions(client) == before


def test_a_client_request_id_is_kept_only_when_it_is_a_plain_token(client: Client) -> None:
    auth = {"Authorization": f"Bearer {client.tokens['admin']}"}
    for sent, kept in (("req-42.a:b", True), ("x" * 129, False), ("a b\nforged=1", False)):
        response = client.http.get(
            f"/organizations/{client.ids['wc']}", headers={**auth, "X-Request-ID": sent}
        )
        assert response.status_code == 200
        assert (response.headers["x-request-id"] == sent) is kept
        assert len(response.headers["x-request-id"]) <= 128
