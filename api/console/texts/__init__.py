"""The console's own texts, one module per page (or group of pages), each with ``ZH`` and ``EN``.

Every module names the same keys in both languages, and no key is named by two modules: a page's
words can be added or changed without reading anyone else's.
"""

from __future__ import annotations

from types import ModuleType

from api.console.texts import (
    audit,
    case,
    common,
    dashboard,
    due,
    elections,
    imports,
    inbox,
    oidc,
    record,
)

MODULES: tuple[ModuleType, ...] = (
    common,
    inbox,
    case,
    record,
    due,
    elections,
    dashboard,
    audit,
    imports,
    oidc,
)


def combined(modules: tuple[ModuleType, ...]) -> dict[str, dict[str, str]]:
    """The texts of ``modules`` by language; a key missing in one language or named twice is a
    mistake of the release, refused when the console is imported."""
    texts: dict[str, dict[str, str]] = {"zh": {}, "en": {}}
    for module in modules:
        zh, en = module.ZH, module.EN
        if zh.keys() != en.keys():
            raise ValueError(f"{module.__name__}: {sorted(zh.keys() ^ en.keys())} in one language")
        twice = zh.keys() & texts["zh"].keys()
        if twice:
            raise ValueError(f"{module.__name__}: {sorted(twice)} are already named")
        texts["zh"].update(zh)
        texts["en"].update(en)
    return texts


TEXTS = combined(MODULES)
