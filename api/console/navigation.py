"""The console's navigation: the pages a role can use, in the order a user meets them.

A page is listed for the roles the access policy (``domain/access.py``) lets do what the page is
for; the page itself still checks, as the API does, on every request.
"""

from __future__ import annotations

from typing import NamedTuple

from api.console.paths import AUDIT, DASHBOARD, DUE, ELECTIONS, HOME, IMPORT, INBOX
from domain.access import Action, where
from domain.context import Actor


class Entry(NamedTuple):
    page: str  # the text key of its name, and what templates compare with ``current``
    href: str
    action: Action  # what the page is for


ENTRIES = (
    Entry("home", HOME, Action.READ_RULES),
    Entry("inbox", INBOX, Action.READ),
    Entry("due", DUE, Action.BRANCH_STEP),
    Entry("elections", ELECTIONS, Action.READ),
    Entry("dashboard", DASHBOARD, Action.READ),
    Entry("audit", AUDIT, Action.AUDIT),
    Entry("import", IMPORT, Action.REGISTER_MEMBER),
)


def navigation(actor: Actor) -> list[Entry]:
    """The entries of the pages ``actor``'s role can use."""
    return [entry for entry in ENTRIES if where(entry.action, actor.role) is not None]
