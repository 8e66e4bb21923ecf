"""Steps and stages in words: their Chinese names come from the step records themselves
(``domain/admission/steps.py``, ``domain/elections/steps.py``), so that the console names a step
exactly as the rule book does; in English, the slug written out."""

from __future__ import annotations

from api.console.i18n import Language
from domain.admission.steps import BY_SLUG, Stage
from domain.elections.steps import ELECTION_STEP_BY_SLUG


def step_name(slug: str, language: Language) -> str:
    """上级党委预审 or "Pre review passed" for ``pre_review_passed``; an unknown slug as it is."""
    record = BY_SLUG.get(slug) or ELECTION_STEP_BY_SLUG.get(slug)
    if record is None:
        return slug
    return record.zh if language == "zh" else _written_out(slug)


def stage_name(stage: Stage, language: Language) -> str:
    return stage.zh if language == "zh" else _written_out(stage.slug)


def _written_out(slug: str) -> str:
    words = slug.replace("_", " ")
    return words[:1].upper() + words[1:]
