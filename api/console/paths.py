"""The console's addresses, named once: routes, redirects, templates and cookies all use these."""

from uuid import UUID

ROOT = "/console"  # the path of every console cookie
HOME = f"{ROOT}/"
SIGN_IN = f"{ROOT}/sign-in"
SIGN_OUT = f"{ROOT}/sign-out"
LANGUAGE = f"{ROOT}/language"
STATIC = f"{ROOT}/static"
INBOX = f"{ROOT}/inbox"
ITEMS = f"{ROOT}/items"  # ITEMS/<item key>: one inbox item, and the forms that act on it
CASES = f"{ROOT}/cases"  # CASES/<case id>: one admission case, and its step forms
DUE = f"{ROOT}/due"  # the branch's own cases whose next step is due or possible soon
ELECTIONS = f"{ROOT}/elections"  # the terms and elections of a subtree; ELECTIONS/<id>: one
DASHBOARD = f"{ROOT}/dashboard"
AUDIT = f"{ROOT}/audit"
IMPORT = f"{ROOT}/import"


def item_page(key: str) -> str:
    return f"{ITEMS}/{key}"


def case_page(case_id: UUID) -> str:
    return f"{CASES}/{case_id}"


def step_form(case_id: UUID, slug: str) -> str:
    """The case page at the form that records step ``slug`` (case.html: ``id="form-<slug>"``)."""
    return f"{case_page(case_id)}#form-{slug}"
