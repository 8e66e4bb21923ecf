"""Request bodies at the bounds of the API's own schemas, as hypothesis strategies.

``pushed(schema, base)`` starts from a valid body and lets hypothesis move any of its fields (and
optional fields it lacks) to a bound its OpenAPI schema states: the smallest and the largest
number, the shortest and the longest string in Chinese, rarer CJK and emoji, the longest list,
the earliest and the latest date. Where the schema states no bound, the bound is the type's own:
numbers beyond 64 bits, strings of ten thousand characters, dates of year 1 and 9999. Identifiers
(UUIDs) and strings with a pattern keep their base value, so that a body still names what exists.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from hypothesis import strategies as st

OpenAPI = dict[str, Any]
Schema = dict[str, Any]
Side = Literal["high", "low"] | None

# Common and rare CJK (U+20000, U+2A6A5 outside the BMP), the middle dot of transliterated names,
# emoji (outside the BMP), full-width and plain ASCII.
ALPHABET = "党员发展支部张王李欧阳·𠀀𪚥😀🎉🇨ＡＢ１aZ09 -"
UNBOUNDED = (-(2**63), 2**31, 2**63, 10**30)  # numbers no schema bound stops
LONGEST = 10_000  # a string without maxLength
MOST = 50  # a list without maxItems


def request_schema(doc: OpenAPI, method: str, path: str) -> Schema:
    """The JSON body schema of the operation that serves ``path`` (a concrete path)."""
    for template, operations in doc["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            body = operations[method]["requestBody"]["content"]["application/json"]["schema"]
            return _resolved(doc, body)
    raise KeyError(path)


def parameter_schema(doc: OpenAPI, path: str, name: str) -> Schema:
    for template, operations in doc["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            found = next(p for p in operations["get"]["parameters"] if p["name"] == name)
            return _resolved(doc, found["schema"])
    raise KeyError(path)


def _resolved(doc: OpenAPI, schema: Schema) -> Schema:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def pushed(doc: OpenAPI, schema: Schema, base: Any, today: date) -> st.SearchStrategy[Any]:
    """``base`` as it is, or at bounds of ``schema``: a body with every field at its largest,
    every field at its smallest, or a few fields at any of their bounds."""
    if isinstance(base, dict) and _resolved(doc, schema).get("type") == "object":
        return _object(doc, _resolved(doc, schema), base, today, None)
    return st.one_of(st.just(base), bounds(doc, schema, base, today))


def bounds(
    doc: OpenAPI, schema: Schema, base: Any, today: date, side: Side = None
) -> st.SearchStrategy[Any]:
    """A bound of ``schema``: its largest (``side="high"``), its smallest (``"low"``), or any."""
    schema = _resolved(doc, schema)
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if side != "high" or o.get("type") != "null"]
        return st.one_of(*(bounds(doc, option, base, today, side) for option in options))
    kind = schema.get("type")
    if "enum" in schema or kind == "boolean":
        if side:
            return st.just(base)
        return st.sampled_from(schema["enum"]) if "enum" in schema else st.booleans()
    if kind == "null":
        return st.none()
    if kind in ("integer", "number"):
        return st.sampled_from(_sided(_numbers(schema), side))
    if kind == "string":
        return _string(schema, base, today, side)
    if kind == "array":
        return _array(doc, schema, base, today, side)
    if kind == "object" and isinstance(base, dict):
        return _object(doc, schema, base, today, side)
    return st.just(base)


def _sided(values: list[Any], side: Side) -> list[Any]:
    """All of the bounds, or the largest or smallest of them (values that sort)."""
    if side is None:
        return values
    return [max(values) if side == "high" else min(values)]


def _numbers(schema: Schema) -> list[int]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    found = [] if low is None else [int(low) + ("exclusiveMinimum" in schema)]
    found += [] if high is None else [int(high) - ("exclusiveMaximum" in schema)]
    found += [n for n in UNBOUNDED if (low is None and n < 0) or (high is None and n > 0)]
    return found


def _string(schema: Schema, base: Any, today: date, side: Side) -> st.SearchStrategy[Any]:
    if schema.get("format") == "date":
        earliest = schema.get("formatMinimum", "0001-01-01")
        latest = schema.get("formatMaximum")
        if latest is None:
            latest = today.isoformat() if "today" in schema.get("x-formatMaximum", "") else None
        return st.sampled_from(_sided([earliest, latest or "9999-12-31"], side))
    if "format" in schema or "pattern" in schema or not isinstance(base, str | None):
        return st.just(base)
    sizes = sorted({max(schema.get("minLength", 0), 1), schema.get("maxLength", LONGEST)})
    return st.builds(
        repeated, st.text(ALPHABET, min_size=1, max_size=4), st.sampled_from(_sided(sizes, side))
    )


def repeated(motif: str, size: int) -> str:
    """``motif`` repeated to exactly ``size`` characters."""
    return (motif * size)[:size]


def _array(
    doc: OpenAPI, schema: Schema, base: Any, today: date, side: Side
) -> st.SearchStrategy[Any]:
    if not base or side == "low":  # its items would name things that exist: none to invent
        return st.just(base)
    most = schema.get("maxItems", MOST)
    item = (
        bounds(doc, schema["items"], base[0], today, side)
        if side
        else pushed(doc, schema["items"], base[0], today)
    )
    return item.map(lambda value: [value] * most)


@st.composite
def _object(
    draw: st.DrawFn, doc: OpenAPI, schema: Schema, base: dict[str, Any], today: date, side: Side
) -> dict[str, Any]:
    """Every field at one side of its bounds, or (no side) a few fields at any of theirs —
    optional fields the base leaves out included."""
    properties: dict[str, Schema] = schema.get("properties", {})
    if side is None:
        side = draw(st.sampled_from((None, "high", "low")), label="side")
    if side:
        names = sorted(properties)
    else:
        names = sorted(draw(st.sets(st.sampled_from(sorted(properties)), max_size=3)))
    body = dict(base)
    for name in names:
        value = draw(bounds(doc, properties[name], base.get(name), today, side), label=name)
        if value is not None or name in base:
            body[name] = value
    return body
