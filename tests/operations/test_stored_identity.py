"""Stores written before O-4 still load: applicants, people and members stored without a citizen ID
number (the field is absent from their JSON) are read back with ``id_number`` None."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import Cipher

from adapters.store import event_cipher
from domain.members import MemberStatus
from domain.standing import StandingChange
from memberflow.bootstrap import Memberflow, build
from tests.support.world import World


def _without_id_numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_id_numbers(v) for k, v in value.items() if k != "id_number"}
    if isinstance(value, list):
        return [_without_id_numbers(v) for v in value]
    return value


def _strip_id_numbers(database: str, cipher: Cipher) -> int:
    """Rewrite every stored membership event as it was written before O-4; how many changed.
    Events are stored encrypted (docs/security.md): decrypted, edited, encrypted again."""
    changed = 0
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT originator_id, originator_version, state FROM membership_events"
        ).fetchall()
        for originator_id, version, state in rows:
            stored = json.loads(cipher.decrypt(bytes(state)))
            old = _without_id_numbers(stored)
            if old != stored:
                plain = json.dumps(old, ensure_ascii=False).encode()
                connection.execute(
                    "UPDATE membership_events SET state = ? "
                    "WHERE originator_id = ? AND originator_version = ?",
                    (cipher.encrypt(plain), originator_id, version),
                )
                changed += 1
    return changed


@pytest.mark.stores("sqlite")
def test_cases_people_and_members_stored_without_id_numbers_still_load(
    world: World, memberflow: Memberflow
) -> None:
    case_id = world.case_before(19, name="旧存储")
    member_id = world.member_id_of(case_id)
    person_id = world.case(case_id).person_id
    versions = (world.case(case_id).version, memberflow.membership.member(member_id).version)
    database = memberflow.settings.resolved_database_url.removeprefix("sqlite:///")
    memberflow.close()

    cipher = event_cipher(memberflow.settings.event_key.get_secret_value())
    assert _strip_id_numbers(database, cipher) >= 3  # the application, the person, the member …
    reopened = build(memberflow.settings, world.clock)
    try:
        case = reopened.membership.case(case_id)
        member = reopened.membership.member(member_id)
        person = reopened.membership.person(person_id)
        assert (case.version, member.version) == versions
        assert case.applicant.id_number is None
        assert member.id_number is None
        assert person is not None
        assert person.id_number is None
        assert person.case_ids == [case_id]
        assert member.status is MemberStatus.PROBATIONARY
        assert member.ordered_history[0].change is StandingChange.JOINED
        assert member.has_rights_on(date(2026, 1, 1)) is False
        imported = reopened.membership.member(world.ids["m0"])
        assert imported.id_number is None
        assert imported.has_rights_on(date(2023, 1, 1))
    finally:
        reopened.close()
