"""The console's own words in Chinese (the default) and English, the language a request asks for,
and dates as each language writes them.

Only the console's own strings live here: what the API answers (rule texts, ``detail_zh``) already
comes in both languages.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from starlette.requests import Request

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DEFAULT: Language = "zh"
LANGUAGE_COOKIE = "lang"

STRINGS: dict[Language, dict[str, str]] = {
    "zh": {
        "console": "党员发展与换届选举工作台",
        "skip": "跳到主要内容",
        "switch": "English",
        "sign_in": "登录",
        "sign_in_intro": "请粘贴由管理员签发的访问令牌（memberflow token）。",
        "token": "访问令牌",
        "sign_in_failed": "登录失败",
        "sign_out": "退出登录",
        "signed_in": "当前登录",
        "subject": "用户",
        "role": "角色",
        "organization": "所属组织",
        "no_organization": "全市（不属于某一组织）",
        "today": "今天",
        "home": "首页",
        "inbox": "待办事项",
        "admissions": "发展党员",
        "elections": "换届选举",
        "findings": "问题线索",
        "audit": "审计",
        "coming": "建设中",
        "pages_to_come": "其余页面正在建设中，届时将出现在导航栏。",
        "refused": "请求未被接受",
        "csrf_refused": "表单已失效或并非来自本工作台（CSRF 校验未通过）。请返回页面刷新后重新提交；"
        "如仍失败，请确认浏览器允许本站的 Cookie。",
        "keys_unavailable": "暂时无法验证令牌：身份提供方的签名密钥不可用，请稍后再试。",
        "form_refused": "无法读取所提交的表单。",
        "back": "返回工作台",
        "role.branch_secretary": "党支部书记",
        "role.committee_official": "党委（工委）工作人员",
        "role.org_department": "组织部门工作人员",
        "role.discipline_inspector": "纪检监察人员",
        "role.admin": "系统管理员",
    },
    "en": {
        "console": "Party member development and elections console",
        "skip": "Skip to main content",
        "switch": "中文",
        "sign_in": "Sign in",
        "sign_in_intro": "Paste the access token your administrator issued (memberflow token).",
        "token": "Access token",
        "sign_in_failed": "Sign-in failed",
        "sign_out": "Sign out",
        "signed_in": "Signed in",
        "subject": "User",
        "role": "Role",
        "organization": "Organization",
        "no_organization": "The whole city (no organization)",
        "today": "Today",
        "home": "Home",
        "inbox": "Inbox",
        "admissions": "Admissions",
        "elections": "Elections",
        "findings": "Findings",
        "audit": "Audit",
        "coming": "coming soon",
        "pages_to_come": "The other pages are being built; they will appear in the navigation.",
        "refused": "Request refused",
        "csrf_refused": "The form has expired or did not come from this console (CSRF check "
        "failed). Go back, reload the page and submit it again; if it fails again, check that "
        "the browser accepts this site's cookies.",
        "keys_unavailable": "The token cannot be checked now: the identity provider's signing "
        "keys are unavailable. Try again later.",
        "form_refused": "The submitted form cannot be read.",
        "back": "Back to the console",
        "role.branch_secretary": "Branch secretary",
        "role.committee_official": "Committee official",
        "role.org_department": "Organization department",
        "role.discipline_inspector": "Discipline inspector",
        "role.admin": "Administrator",
    },
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def language_of(request: Request) -> Language:
    """The language the ``lang`` cookie chose; Chinese without one."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return next((language for language in LANGUAGES if language == chosen), DEFAULT)


def long_date(day: date, language: Language) -> str:
    """2026年11月21日, or 21 November 2026: written out, never left to the machine's locale."""
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
