"""The read model a command works on: one named on the command line, or all of them."""

from __future__ import annotations

from typing import Annotated

import typer

from projections.registry import ALL_MODELS

ReadModelName = Annotated[str | None, typer.Argument(help="one read model; default: all of them")]


def chosen(name: str | None) -> list[str]:
    """The read models to work on, in registry order; refuse a name that is not one of them."""
    names = [model.name for model in ALL_MODELS]
    if name is None:
        return names
    if name not in names:
        raise typer.BadParameter(f"unknown read model {name!r}; one of: {', '.join(names)}")
    return [name]
