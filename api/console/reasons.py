"""Why a token was refused, in the page's language.

``services.tokens`` and ``api.deps`` say why in fixed English sentences (they never quote a secret,
a key or the token); the API answers them as they are. The console shows a Chinese reader the same
reason in Chinese: each sentence's pattern and its translation, the sentence's own values carried
over. A sentence without a translation is still shown, in English, after a Chinese heading
(tests/console/test_helpers.py checks that every sentence of those modules has one).
"""

from __future__ import annotations

import re

from api.console.i18n import Language

# The console's own reasons, beside those of services.tokens and api.deps.
NO_TOKEN = "no token was entered"
TOO_LONG = "the token is longer than {} characters, too long to keep in a session cookie"

_CHINESE: tuple[tuple[str, str], ...] = (
    (NO_TOKEN, "未填写访问令牌。"),
    (TOO_LONG.format(r"(\d+)"), "令牌超过 {0} 个字符，无法保存在会话 Cookie 中。"),
    (r"the token is not a signed JWT", "令牌不是已签名的 JWT。"),
    (
        r"the token's algorithm is not accepted; accepted: (.*)",
        "令牌的签名算法不被接受；可接受的算法：{0}。",
    ),
    (r"the token has expired", "令牌已过期。"),
    (
        r"the token is not valid yet \(iat or nbf is in the future\)",
        "令牌尚未生效（iat 或 nbf 晚于当前时间）。",
    ),
    (r"the token is meant for another audience \(aud\)", "令牌的受众（aud）不是本系统。"),
    (
        r"the token comes from an issuer that is not trusted \(iss\)",
        "令牌的签发方（iss）不受信任。",
    ),
    (r"the token's signature does not verify", "令牌签名校验失败。"),
    (r"the token's algorithm does not fit its key", "令牌的签名算法与密钥不符。"),
    (r"the token's signing key is not acceptable", "令牌的签名密钥不可接受。"),
    (r"the token's iat is not a time", "令牌的 iat 不是时间。"),
    (r"the token's subject \(sub\) is not a string", "令牌的用户（sub）不是字符串。"),
    (r"the token is malformed", "令牌格式错误。"),
    (r"the token lacks the (\S+) claim", "令牌缺少 {0} 声明。"),
    (
        r"the token lives longer than (\d+) hours .*",
        "令牌有效期超过 {0} 小时（exp − iat；MEMBERFLOW_TOKEN_MAX_HOURS）。",
    ),
    (r"the token expires before it was issued .*", "令牌的到期时间不晚于签发时间（exp ≤ iat）。"),
    (
        r"the token's (\S+) claim is not a memberflow role",
        "令牌的 {0} 声明不是 memberflow 的角色。",
    ),
    (r"only an admin token may carry no organization", "只有管理员令牌可以不指明所属组织。"),
    (r"the token's subject \(sub\) is empty", "令牌的用户（sub）为空。"),
    (
        r"the token's subject \(sub\) must be at most (\d+) printable characters.*",
        "令牌的用户（sub）最多 {0} 个可打印字符，且首尾不能有空格。",
    ),
    (r"the token's (\S+) claim is not an id", "令牌的 {0} 声明不是有效的 id。"),
    (r"the token names no signing key \(kid\)", "令牌未指明签名密钥（kid）。"),
    (
        r"no signing key of the OIDC provider matches the token's kid",
        "身份提供方没有与令牌 kid 相符的签名密钥。",
    ),
    (
        r"the token's signing key is not an RS256 or ES256 key",
        "令牌的签名密钥不是 RS256 或 ES256 密钥。",
    ),
    (
        r"the token's organization (\S+) is not a registered organization",
        "令牌所属组织 {0} 尚未登记。",
    ),
)
_PATTERNS = tuple((re.compile(pattern), chinese) for pattern, chinese in _CHINESE)


def translated(reason: str) -> str | None:
    """The Chinese of one of the known sentences; None for any other."""
    for pattern, chinese in _PATTERNS:
        if match := pattern.fullmatch(reason):
            return chinese.format(*match.groups())
    return None


def reason_in(language: Language, reason: str) -> str:
    """The reason as the page's reader reads it."""
    if language == "en":
        return f"{reason[:1].upper()}{reason[1:]}."
    return translated(reason) or f"令牌未通过校验（{reason}）。"
