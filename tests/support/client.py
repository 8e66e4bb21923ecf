"""Driving the HTTP API as a client would: tokens, JSON bodies, the clean path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import httpx2 as httpx
from fastapi.testclient import TestClient

from api.app import create_app
from domain.context import Role
from memberflow.bootstrap import Memberflow
from services.tokens import issue
from tests.support.clock import FixedClock
from tests.support.identity import person_id_number
from tests.support.world import CLEAN_PATH, Planned, document


@dataclass
class Client:
    """A TestClient with a token per role and the ids of what it created."""

    http: TestClient
    memberflow: Memberflow
    clock: FixedClock
    ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def login(self, key: str, role: Role, org: str | None = None) -> None:
        org_id = UUID(self.ids[org]) if org else None
        self.tokens[key] = issue(
            self.memberflow.settings, subject=key, role=role, organization_id=org_id
        )

    def post(self, path: str, body: dict[str, Any], by: str, **headers: str) -> httpx.Response:
        return self.http.post(
            path, json=body, headers={"Authorization": f"Bearer {self.tokens[by]}", **headers}
        )

    def get(self, path: str, by: str = "admin") -> httpx.Response:
        return self.http.get(path, headers={"Authorization": f"Bearer {self.tokens[by]}"})

    def created(self, key: str, path: str, body: dict[str, Any], by: str = "admin") -> str:
        response = self.post(path, body, by)
        assert response.status_code == 201, response.text
        self.ids[key] = response.json()["id"]
        return self.ids[key]

    def setting(self) -> None:
        """A working committee, an empowered primary committee, a branch and four members."""
        self.login("admin", Role.ADMIN)
        self.created("wc", "/organizations", {"name": "市直机关工委", "kind": "working_committee"})
        self.created(
            "pc",
            "/organizations",
            {
                "name": "市财政局机关党委",
                "kind": "primary_committee",
                "parent_id": self.ids["wc"],
                "may_approve_admissions": True,
                "unit": "市财政局",
            },
        )
        self.created(
            "branch",
            "/organizations",
            {
                "name": "市财政局第一党支部",
                "kind": "branch",
                "parent_id": self.ids["pc"],
                "unit": "市财政局",
            },
        )
        for i in range(4):
            self.created(
                f"m{i}",
                "/members",
                {
                    "name": f"党员{i}",
                    "birth_date": f"1975-01-0{i + 1}",
                    "id_number": person_id_number(f"党员{i}", date(1975, 1, i + 1)),
                    "branch_id": self.ids["branch"],
                    "status": "full",
                    "joined_on": "2005-07-01",
                },
            )
        self.login("secretary", Role.BRANCH_SECRETARY, "branch")
        self.login("official", Role.COMMITTEE_OFFICIAL, "pc")

    def apply(self, name: str, on: date = date(2023, 3, 1), **extra: Any) -> httpx.Response:
        """An application of ``name`` born 1998-05-01, with that person's ID number (O-4)."""
        self.clock.set_day(on)
        body = {
            "applicant": {
                "name": name,
                "birth_date": "1998-05-01",
                "unit": "市财政局",
                "id_number": person_id_number(name, date(1998, 5, 1)),
            },
            "branch_id": self.ids["branch"],
            "basis": "work_unit",
            "occurred_on": on.isoformat(),
            "documents": [document_json("application_letter")],
            **extra,
        }
        return self.post("/admissions", body, "secretary")

    def step(
        self,
        case_id: str,
        planned: Planned,
        recorded_on: date | None = None,
        headers: dict[str, str] | None = None,
        **overrides: Any,
    ) -> httpx.Response:
        """Take a planned step, recorded on its business date unless ``recorded_on`` says later."""
        day = overrides.pop("on", planned.on)
        self.clock.set_day(recorded_on or day)
        body = {
            "occurred_on": day.isoformat(),
            "documents": [document_json(k.value) for k in planned.documents],
            **{k: self._ids(v) for k, v in planned.fields.items()},
            **overrides,
        }
        return self.post(
            f"/admissions/{case_id}/steps/{planned.slug}", body, planned.by, **(headers or {})
        )

    def _ids(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.ids.get(v, v) if isinstance(v, str) else v for v in value]
        return value

    def walk(
        self, case_id: str, plan: tuple[Planned, ...] = CLEAN_PATH
    ) -> Iterator[httpx.Response]:
        for planned in plan:
            yield self.step(case_id, planned)


def document_json(kind: str) -> dict[str, str]:
    from domain.context import DocumentKind

    return document(DocumentKind(kind)).model_dump(mode="json")


def client_for(memberflow: Memberflow, clock: FixedClock) -> Client:
    app = create_app(memberflow)
    return Client(TestClient(app, raise_server_exceptions=True), memberflow, clock)
