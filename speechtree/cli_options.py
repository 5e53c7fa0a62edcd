"""CLI: options shared by several commands (defined once, so they cannot drift)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import click

from .options import DEFAULT_MAX_NODES, InputFormat
from .readers import INPUT_FORMATS

_F = TypeVar("_F", bound=Callable[..., Any])


def input_format_option(fn: _F) -> _F:
    """``--input-format``: read every input as this format instead of by content."""
    return click.option(
        "--input-format", type=click.Choice(["auto", *INPUT_FORMATS]), default="auto",
        show_default=True,
        help="Read the input as this format instead of recognising it by its content.",
    )(fn)


def input_format(value: str) -> InputFormat | None:
    """The ParseOptions value of ``--input-format``."""
    return None if value == "auto" else cast(InputFormat, value)


def max_nodes_option(fn: _F) -> _F:
    """``--max-nodes``: the bound on an outline's size, hence on memory and output."""
    return click.option(
        "--max-nodes", type=click.IntRange(min=1), default=DEFAULT_MAX_NODES, show_default=True,
        help="Refuse an input whose outline has more nodes (each costs 1.5-3.5 KB of memory "
        "while parsing; see docs/reliability.md).",
    )(fn)
