"""CLI: options shared by several commands (defined once, so they cannot drift)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click

from .options import DEFAULT_MAX_BYTES, DEFAULT_MAX_NODES, InputFormat, ParseOptions
from .readers import INPUT_FORMATS

_F = TypeVar("_F", bound=Callable[..., Any])


def input_format_option(fn: _F) -> _F:
    """``--input-format``: read every input as this format instead of by content."""
    return click.option(
        "--input-format", type=click.Choice(["auto", *INPUT_FORMATS]), default="auto",
        show_default=True,
        help="Read the input as this format instead of recognising it by its content.",
    )(fn)


def _input_format(value: str) -> InputFormat | None:
    """The ParseOptions value of ``--input-format``."""
    return None if value == "auto" else cast(InputFormat, value)


def max_nodes_option(fn: _F) -> _F:
    """``--max-nodes``: the bound on an outline's size, hence on memory and output."""
    return click.option(
        "--max-nodes", type=click.IntRange(min=1), default=DEFAULT_MAX_NODES, show_default=True,
        help="Refuse an input whose outline has more nodes (each costs 1.5-3.5 KB of memory "
        "while parsing; see docs/reliability.md).",
    )(fn)


def input_options(over_limit: str) -> Callable[[_F], _F]:
    """How a command reads its inputs: ``--encoding``, ``--strict-decode``,
    ``--max-bytes``, ``--max-nodes`` and ``--input-format``, handed to the
    command as one ``options: ParseOptions`` keyword. ``over_limit`` is the
    ``--max-bytes`` help: what the command does with a larger input."""

    def decorate(fn: _F) -> _F:
        @functools.wraps(fn)
        def command(*args: Any, encoding: str | None, strict_decode: bool, max_bytes: int,
                    max_nodes: int, input_format: str, **kwargs: Any) -> Any:
            # (click has checked each value; ParseOptions' own checks cost microseconds.)
            options = ParseOptions(
                encoding=encoding, strict_decode=strict_decode, max_bytes=max_bytes,
                max_nodes=max_nodes, input_format=_input_format(input_format))
            return fn(*args, options=options, **kwargs)

        for option in reversed((
            click.option("--encoding", default=None,
                         help="Decode with this encoding instead of detecting."),
            click.option("--strict-decode", is_flag=True,
                         help="Refuse bytes not valid in the encoding (default: replace "
                         "them, with a warning)."),
            click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
                         show_default=True, help=over_limit),
            max_nodes_option,
            input_format_option,
        )):
            command = option(command)
        return cast(_F, command)

    return decorate
