"""O-4: the citizen ID number (公民身份号码, GB 11643-1999) that identifies a person.

Eighteen characters: a six-digit area code, the birth date as YYYYMMDD (positions 7–14), a
three-digit sequence, and a check character (0–9 or X) computed with ISO 7064 MOD 11-2. A lower-case
x is accepted and written as X. The area code is not looked up in GB/T 2260 (codes change with the
administrative divisions; docs/domain-choices.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Protocol
from uuid import UUID

from pydantic import AfterValidator, ValidationInfo

from domain.context import Actor, Role
from domain.errors import RulesBroken, Violation

LENGTH = 18
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_CHECK = "10X98765432"  # the check character of each remainder of the weighted sum mod 11


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 over the first seventeen digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalised(value: str) -> str:
    """The number as it is stored: no surrounding spaces, an upper-case X."""
    return value.strip().upper()


def birth_date_in(id_number: str) -> date | None:
    """The birth date written at positions 7–14, or None when it is no date."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def problem(id_number: str, birth_date: date | None) -> tuple[str, str] | None:
    """What is wrong with a (normalised) ID number, in Chinese and English, if anything."""
    if len(id_number) != LENGTH:
        return (
            f"公民身份号码应为 18 位，实为 {len(id_number)} 位",
            f"the citizen ID number has {len(id_number)} characters, not 18",
        )
    if not _SHAPE.match(id_number):
        return (
            "公民身份号码前 17 位应为数字，末位为数字或 X",
            "the citizen ID number is 17 digits and a digit or X",
        )
    in_number = birth_date_in(id_number)
    if in_number is None:
        return (
            "公民身份号码中的出生日期不是有效日期",
            "the birth date inside the citizen ID number is no date",
        )
    if id_number[17] != check_character(id_number[:17]):
        return (
            "公民身份号码的校验码不正确（ISO 7064 MOD 11-2）",
            "the check character of the citizen ID number is wrong (ISO 7064 MOD 11-2)",
        )
    if birth_date is not None and in_number != birth_date:
        # Neither date is repeated: error texts carry no personal data (docs/security.md).
        return (
            "公民身份号码中的出生日期与所填出生日期不一致",
            "the birth date inside the citizen ID number is not the birth date given",
        )
    return None


def validated(value: str, birth_date: date | None) -> str:
    """The normalised ID number; ValueError (for a request or value object field) when invalid."""
    number = normalised(value)
    found = problem(number, birth_date)
    if found is not None:
        zh, en = found
        raise ValueError(f"O-4 (GB 11643): {en}. {zh}。")
    return number


def _valid_field(value: str, info: ValidationInfo) -> str:
    """A request's or value object's ID number, against the ``birth_date`` given beside it."""
    return validated(value, info.data.get("birth_date"))


# The type of an ``id_number`` field: checked (O-4) and normalised when it is validated. The field
# must follow ``birth_date`` in its model.
IdNumber = Annotated[str, AfterValidator(_valid_field)]


def checked(value: str | None, birth_date: date, field: str) -> str | None:
    """The normalised ID number of a command, or None; RulesBroken with O-4 when invalid."""
    if value is None:
        return None
    number = normalised(value)
    found = problem(number, birth_date)
    if found is not None:
        zh, en = found
        raise RulesBroken([Violation.of("O-4", f"{field}：{zh}。", f"{field}: {en}.")])
    return number


def required(value: str | None, field: str) -> str:
    """O-4: a new application names the applicant's ID number."""
    if value is None:
        raise RulesBroken(
            [
                Violation.of(
                    "O-4", f"{field}：新的入党申请须填写公民身份号码。", f"{field} is required."
                )
            ]
        )
    return value


def compose(area: str, birth_date: date, sequence: int) -> str:
    """A valid ID number with this area code, birth date and sequence (0–999)."""
    if len(area) != 6 or not area.isdigit() or not 0 <= sequence < 1000:
        raise ValueError(f"area {area!r} or sequence {sequence} out of range")
    first17 = f"{area}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def person_key(id_number: str | None, name: str, birth_date: date) -> str:
    """Who a person is (O-4): the citizen ID number; without one, name and birth date, the key
    of the records written before O-4 (docs/domain-choices.md)."""
    if id_number is not None:
        return f"id|{id_number}"
    return f"{name.strip()}|{birth_date.isoformat()}"


# Keyed ids (docs/security.md): a person's and a member's aggregate id follow from who the person
# is, so that A-X and the registry's uniqueness hold under concurrency without a read model, but
# only the holder of the identity key can compute them: nobody can test whether a named person
# applied or is a member by computing an id from public facts.


class Known(Protocol):
    """Whoever is known by name, birth date and, since O-4, the citizen ID number: an applicant,
    a person, a member, a registration."""

    @property
    def name(self) -> str: ...

    @property
    def birth_date(self) -> date: ...

    @property
    def id_number(self) -> str | None: ...


def keyed_id(key: bytes, kind: str, text: str) -> UUID:
    """HMAC-SHA256 of ``kind|text`` under ``key``, its first 128 bits as a UUID of version 8
    (RFC 9562: custom)."""
    digest = hmac.new(key, f"{kind}|{text}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:16], "big")
    value = (value & ~(0xF << 76)) | (0x8 << 76)  # version 8
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # the RFC variant
    return UUID(int=value)


@dataclass(frozen=True, slots=True)
class Identities:
    """The ids of people and members, keyed with the service's identity key
    (``MEMBERFLOW_IDENTITY_KEY``). The composition root makes it; the key is never shown."""

    key: bytes = field(repr=False)

    def person_id(self, who: Known) -> UUID:
        """A-X: the person this applicant is (O-4)."""
        return keyed_id(self.key, "person", person_key(who.id_number, who.name, who.birth_date))

    def member_id(self, who: Known, imported_to: UUID | None = None) -> UUID:
        """O-3: the person's registry record (O-4). A member imported without an ID number is
        known by name, birth date and the branch it was imported to (``imported_to``); name and
        birth date alone key the records written before O-4 and the admission of an application
        stored without a number."""
        key = person_key(who.id_number, who.name, who.birth_date)
        if who.id_number is None and imported_to is not None:
            key = f"{key}|{imported_to}"
        return keyed_id(self.key, "member", key)


# Masking (docs/security.md): the citizen ID number in full only to those who need it.

#: Roles that see a citizen ID number in full: the committee officials who decide and the
#: organization department that keeps the registry (within their jurisdiction), and a branch
#: secretary for the people of their own branch. Everyone else (discipline inspectors,
#: administrators, other branches) sees it masked.
SEES_ID_NUMBERS: frozenset[Role] = frozenset({Role.COMMITTEE_OFFICIAL, Role.ORG_DEPARTMENT})
SEES_OWN_BRANCH_ID_NUMBERS: frozenset[Role] = frozenset({Role.BRANCH_SECRETARY})


def sees_id_number(actor: Actor, branch_id: UUID) -> bool:
    """Whether ``actor`` sees in full the ID number of a person of ``branch_id``."""
    if actor.role in SEES_ID_NUMBERS:
        return True
    return actor.role in SEES_OWN_BRANCH_ID_NUMBERS and actor.organization_id == branch_id


def masked(id_number: str | None) -> str | None:
    """``3701**********1234``: the first four and the last four characters, the rest hidden."""
    if id_number is None:
        return None
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]
