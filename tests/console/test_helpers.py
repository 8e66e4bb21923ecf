"""The console's helpers on their own: CSRF values, cookies, forms, language, dates, reasons."""

from __future__ import annotations

import ast
import asyncio
from datetime import date
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import cast

import pytest
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response

from api.console.cookies import keep_session
from api.console.csrf import csrf_token, csrf_valid
from api.console.forms import MAX_FORM_BYTES, FormRefused, form_fields
from api.console.i18n import STRINGS, language_of, long_date
from api.console.language import back_within_console
from api.console.navigation import navigation
from api.console.reasons import reason_in, translated
from api.console.texts import combined
from domain.context import Actor, Role

KEY = SecretStr("a secret key of the tests, long enough to sign")
ROOT = Path(__file__).parents[2]


def _request(
    *, scheme: str = "http", cookie: str = "", body: bytes = b"", media: str = ""
) -> Request:
    headers = [(b"cookie", cookie.encode()), (b"content-type", media.encode())]
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, object]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    scope = {
        "type": "http",
        "scheme": scheme,
        "server": ("testserver", 443 if scheme == "https" else 80),
        "method": "POST",
        "path": "/",
        "headers": headers,
    }
    return Request(scope, receive)


# CSRF values.


def test_a_csrf_value_is_an_hmac_of_the_cookie_under_the_secret_key() -> None:
    value = csrf_token(KEY, "session-a")

    assert value == csrf_token(KEY, "session-a")
    assert len(value) == 64
    assert value != csrf_token(KEY, "session-b")
    assert value != csrf_token(SecretStr("another key"), "session-a")


def test_a_csrf_value_is_valid_only_for_its_own_cookie() -> None:
    form = {"csrf": csrf_token(KEY, "session-a")}

    assert csrf_valid(KEY, "session-a", form)
    assert not csrf_valid(KEY, "session-b", form)
    assert not csrf_valid(KEY, None, form)
    assert not csrf_valid(KEY, "session-a", {})
    assert not csrf_valid(KEY, "session-a", {"csrf": ""})


def test_a_forged_csrf_value_with_any_characters_is_refused_not_an_error() -> None:
    assert not csrf_valid(KEY, "session-a", {"csrf": "党" * 64})


# Cookies.


@pytest.mark.parametrize(("scheme", "secure"), [("http", False), ("https", True)])
def test_the_session_cookie_is_http_only_strict_under_console_and_secure_over_https(
    scheme: str, secure: bool
) -> None:
    response = Response()

    keep_session(response, _request(scheme=scheme), "the.token")

    cookie = response.headers["set-cookie"]
    assert cookie.startswith("memberflow_session=the.token;")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/console" in cookie
    assert ("Secure" in cookie) is secure


# Forms.


def test_a_form_keeps_the_first_value_of_each_field() -> None:
    request = _request(
        body=b"csrf=abc&token=%E5%85%9A&csrf=other",
        media="application/x-www-form-urlencoded; charset=utf-8",
    )

    assert asyncio.run(form_fields(request)) == {"csrf": "abc", "token": "党"}


def test_a_body_of_another_kind_has_no_fields() -> None:
    request = _request(body=b'{"csrf": "abc"}', media="application/json")

    assert asyncio.run(form_fields(request)) == {}


def test_a_form_larger_than_any_console_form_is_refused() -> None:
    request = _request(
        body=b"token=" + b"a" * MAX_FORM_BYTES, media="application/x-www-form-urlencoded"
    )

    with pytest.raises(FormRefused):
        asyncio.run(form_fields(request))


# Language and dates.


@pytest.mark.parametrize(("cookie", "language"), [("", "zh"), ("lang=en", "en"), ("lang=fr", "zh")])
def test_the_language_is_chinese_unless_english_is_chosen(cookie: str, language: str) -> None:
    assert language_of(_request(cookie=cookie)) == language


def test_both_languages_have_every_string() -> None:
    assert STRINGS["zh"].keys() == STRINGS["en"].keys()


def test_texts_missing_in_a_language_or_named_twice_are_refused() -> None:
    one_sided = SimpleNamespace(__name__="one_sided", ZH={"a": "甲", "b": "乙"}, EN={"a": "A"})
    first = SimpleNamespace(__name__="first", ZH={"a": "甲"}, EN={"a": "A"})
    again = SimpleNamespace(__name__="again", ZH={"a": "又"}, EN={"a": "again"})

    with pytest.raises(ValueError, match=r"one_sided: \['b'\] in one language"):
        combined((cast(ModuleType, one_sided),))
    with pytest.raises(ValueError, match=r"again: \['a'\] are already named"):
        combined((cast(ModuleType, first), cast(ModuleType, again)))
    assert combined((cast(ModuleType, first),)) == {"zh": {"a": "甲"}, "en": {"a": "A"}}


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (Role.BRANCH_SECRETARY, ["home", "inbox", "due", "elections", "dashboard"]),
        (Role.COMMITTEE_OFFICIAL, ["home", "inbox", "due", "elections", "dashboard"]),
        (Role.ORG_DEPARTMENT, ["home", "inbox", "elections", "dashboard", "audit", "import"]),
        (Role.DISCIPLINE_INSPECTOR, ["home", "inbox", "elections", "dashboard", "audit"]),
        (Role.ADMIN, ["home", "inbox", "elections", "dashboard", "audit", "import"]),
    ],
)
def test_the_navigation_lists_what_the_role_may_do(role: Role, pages: list[str]) -> None:
    assert [entry.page for entry in navigation(Actor(id="u", role=role))] == pages


@pytest.mark.parametrize(
    ("day", "chinese", "english"),
    [
        (date(2026, 11, 21), "2026年11月21日", "21 November 2026"),
        (date(2027, 1, 5), "2027年1月5日", "5 January 2027"),
    ],
)
def test_dates_are_written_out_in_each_language(day: date, chinese: str, english: str) -> None:
    assert long_date(day, "zh") == chinese
    assert long_date(day, "en") == english


@pytest.mark.parametrize(
    "path", ["https://example.org/", "//example.org", "/console/../rules", "/console\\x", "/rules"]
)
def test_the_language_link_leads_back_only_within_the_console(path: str) -> None:
    assert back_within_console(path) == "/console/"


def test_the_language_link_leads_back_to_a_console_page() -> None:
    assert back_within_console("/console/sign-in") == "/console/sign-in"


# Why a token is refused.


def _refusals(module: Path) -> list[str]:
    """Every sentence ``module`` refuses a token with, its values filled with examples: the
    argument of each ``InvalidToken(…)`` and the reasons of ``_REASONS``."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "InvalidToken":
            found += _examples(node.args[0])
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "_REASONS":
            assert isinstance(node.value, ast.Tuple)
            for pair in node.value.elts:
                assert isinstance(pair, ast.Tuple)
                found += _examples(pair.elts[1])
    return found


def _examples(text: ast.expr) -> list[str]:
    """The sentences an expression may be: a string, an f-string (each value "24"), or the
    strings of ``a or b`` (a name stands for sentences listed elsewhere)."""
    if isinstance(text, ast.Constant):
        return [str(text.value)]
    if isinstance(text, ast.JoinedStr):
        parts = [p.value if isinstance(p, ast.Constant) else "24" for p in text.values]
        return ["".join(str(part) for part in parts)]
    if isinstance(text, ast.BoolOp):
        return [sentence for value in text.values for sentence in _examples(value)]
    return []


@pytest.mark.parametrize("module", ["services/tokens.py", "api/deps.py"])
def test_every_reason_a_token_is_refused_for_has_its_chinese(module: str) -> None:
    reasons = _refusals(ROOT / module)

    assert reasons
    assert [reason for reason in reasons if translated(reason) is None] == []


def test_a_reason_reads_as_a_sentence_in_either_language() -> None:
    assert reason_in("zh", "the token has expired") == "令牌已过期。"
    assert reason_in("en", "the token has expired") == "The token has expired."
    assert reason_in("zh", "the token's lacks the org claim") == (
        "令牌未通过校验（the token's lacks the org claim）。"
    )
    assert reason_in("zh", "the token lacks the org claim") == "令牌缺少 org 声明。"
