"""The 纪实表 as a PDF: the print page's own HTML laid out by WeasyPrint under its print
stylesheet, offline — the only files it may load are the console's stylesheets, read from disk.

WeasyPrint is loaded when a PDF is asked for, not when the console starts: it needs pango, which
a server may lack; there the PDF is refused and the print page still works.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from types import ModuleType
from typing import Any

from api.console.paths import STATIC

FILES = Path(__file__).parent / "static"
STYLESHEETS = frozenset({"console.css", "record.css"})  # what the page links
BASE = "file://"  # the page's links (/console/static/…) are read as file:///console/static/…


def load() -> ModuleType | None:
    """WeasyPrint, or None where it cannot load (not installed: ImportError; no pango: OSError)."""
    try:
        loaded = importlib.import_module("weasyprint")
    except (ImportError, OSError):
        return None
    # It warns of every screen-only rule (@media max-width) it skips: noise in a server's log.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return loaded


def pdf_of(weasyprint: ModuleType, html: str) -> bytes:
    """``html`` as an A4 PDF (``@page`` in record.css), with CJK text from the system's fonts."""
    document = weasyprint.HTML(string=html, base_url=BASE, url_fetcher=_fetcher(weasyprint))
    pdf: bytes = document.write_pdf()
    return pdf


def _fetcher(weasyprint: ModuleType) -> Any:
    fetcher: Any = weasyprint.URLFetcher  # WeasyPrint has no types

    class ConsoleStylesheets(fetcher):  # type: ignore[misc]
        """The stylesheets the page links, from the console's own folder; nothing else (the
        script is not run, and a PDF made offline fetches nothing from anywhere)."""

        def fetch(self, url: str, headers: object = None) -> Any:
            folder, _, name = url.removeprefix(BASE).rpartition("/")
            if folder != STATIC or name not in STYLESHEETS:
                raise ValueError(f"{url} is not one of the console's stylesheets")
            body = (FILES / name).read_bytes()
            return weasyprint.urls.URLFetcherResponse(url, body, {"Content-Type": "text/css"})

    return ConsoleStylesheets()
