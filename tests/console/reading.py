"""Reading a console page as a test does: the elements marked with ``data-testid``, their text
and attributes, with the standard library's HTML parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx2 as httpx

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parts: list[str] = field(default_factory=list)
    inside: list[Element] = field(default_factory=list)  # marked elements within it

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def marked(self, testid: str) -> list[Element]:
        return [e for e in self.inside if e.attrs.get("data-testid") == testid]

    def one(self, testid: str) -> Element:
        [found] = self.marked(testid)
        return found


class _Marked(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.open: list[tuple[str, Element | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, values) if "data-testid" in values else None
        if element:
            self.root.inside.append(element)
            for _, outer in self.open:
                if outer:
                    outer.inside.append(element)
        if tag not in _VOID:
            self.open.append((tag, element))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            closed, _ = self.open.pop()
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        self.root.parts.append(data)
        for _, element in self.open:
            if element:
                element.parts.append(data)


def page_of(answer: httpx.Response | str) -> Element:
    """The page's marked elements, each with the marked elements within it."""
    parser = _Marked()
    parser.feed(answer if isinstance(answer, str) else answer.text)
    return parser.root


def texts(answer: httpx.Response | str, testid: str) -> list[str]:
    return [element.text for element in page_of(answer).marked(testid)]
