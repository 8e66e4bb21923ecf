"""The replay report as one self-contained HTML page, and the files the command line writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from services.replay import Report

_templates = Environment(
    loader=PackageLoader("services", "templates"), autoescape=select_autoescape(["html"])
)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page: inline CSS, no external asset."""
    return _templates.get_template("replay.html").render(report=report)


def write_files(report: Report, directory: Path, on: date) -> tuple[Path, Path]:
    """``replay-<org>-<date>.json`` and ``.html`` in ``directory``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"replay-{report.organization.id}-{on.isoformat()}"
    json_path, html_path = stem.with_suffix(".json"), stem.with_suffix(".html")
    json_path.write_text(report.to_json(), encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path
