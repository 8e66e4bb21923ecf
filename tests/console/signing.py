"""Signing in to the console as a browser does: read the form's CSRF value, post the token."""

from __future__ import annotations

import re

import httpx2 as httpx
from fastapi.testclient import TestClient

from services.tokens import issue
from tests.support.world import World

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def csrf_of(page: httpx.Response) -> str:
    """The hidden CSRF field of the (first) form on ``page``."""
    found = _CSRF.search(page.text)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(console: TestClient, token: str) -> httpx.Response:
    """The answer to the sign-in form, posted with ``token`` from a freshly loaded page."""
    form = console.get("/console/sign-in")
    return console.post("/console/sign-in", data={"csrf": csrf_of(form), "token": token})


def set_cookies(answer: httpx.Response) -> dict[str, str]:
    """Each cookie the answer sets, by name: its whole Set-Cookie header."""
    headers = answer.headers.get_list("set-cookie")
    return {header.split("=", 1)[0]: header for header in headers}


def token_for(world: World, key: str) -> str:
    """A token of the World's actor ``key`` ("official", "wc_official" …), as ``memberflow token``
    mints it."""
    actor = world.actors[key]
    return issue(
        world.memberflow.settings,
        subject=actor.id,
        role=actor.role,
        organization_id=actor.organization_id,
    )


def sign_in_as(console: TestClient, world: World, key: str) -> TestClient:
    """``console`` with a session of the World's actor ``key``."""
    answer = sign_in(console, token_for(world, key))
    assert answer.status_code == 303, answer.text
    return console
