"""Stores written before the domain was split into packages still load: the aggregates' old topics
(``domain.admission:AdmissionCase``, ``domain.elections:Election``) resolve to the moved classes."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from eventsourcing.persistence import Cipher

from adapters.store import event_cipher
from memberflow.bootstrap import Memberflow, build
from tests.support.world import World

OLD_TOPICS = {
    "domain.admission.case:AdmissionCase": "domain.admission:AdmissionCase",
    "domain.elections.election:Election": "domain.elections:Election",
}


def _rename_topics(database: str, cipher: Cipher) -> int:
    """Rewrite the stored topics (event types and the created events' originator topics) as the
    store before the move wrote them; how many rows changed. The state is stored encrypted
    (docs/security.md): decrypted, edited, encrypted again."""
    changed = 0
    with sqlite3.connect(database) as connection:
        for table in ("membership_events", "organizations_events"):
            for new, old in OLD_TOPICS.items():
                rows = connection.execute(
                    f"SELECT rowid, topic, state FROM {table} WHERE topic LIKE ?", (f"{new}%",)
                ).fetchall()
                for rowid, topic, state in rows:
                    plain = cipher.decrypt(bytes(state)).replace(new.encode(), old.encode())
                    connection.execute(
                        f"UPDATE {table} SET topic = ?, state = ? WHERE rowid = ?",
                        (topic.replace(new, old), cipher.encrypt(plain), rowid),
                    )
                changed += len(rows)
    return changed


@pytest.mark.stores("sqlite")
def test_cases_and_elections_stored_under_their_old_topics_still_load(
    world: World, memberflow: Memberflow
) -> None:
    case_id = world.case_before(8)
    world.clock.set_day(date(2026, 10, 1))
    election_id = world.request_election(date(2026, 10, 1), date(2026, 12, 1), seats=5)
    before = (world.case(case_id).version, memberflow.organizations.election(election_id).version)
    database = memberflow.settings.resolved_database_url.removeprefix("sqlite:///")
    memberflow.close()

    cipher = event_cipher(memberflow.settings.event_key.get_secret_value())
    assert _rename_topics(database, cipher) >= before[0] + before[1]
    reopened = build(memberflow.settings, world.clock)
    try:
        case = reopened.membership.case(case_id)
        election = reopened.organizations.election(election_id)
        assert (case.version, election.version) == before
        assert case.has("development_target_designated")
    finally:
        reopened.close()
