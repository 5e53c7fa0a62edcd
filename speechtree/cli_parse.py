"""CLI: ``speechtree parse`` and ``speechtree schema``, loaded when one of them runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import orjson

from .cli import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_OUTPUT, _fail, main
from .cli_options import input_options
from .decode import read_limited
from .errors import SpeechtreeError
from .models import json_schema, schema_problems
from .options import ParseOptions
from .parser import parse, parse_file
from .render import RENDERERS, render, render_json_bytes, use_color


@main.command("parse")
# No dir_okay=False: a folder is an input error (exit 3, one line), as in lint.
@click.argument("file", type=click.Path(allow_dash=True, path_type=str))
@click.option("-f", "--format", "fmt", type=click.Choice(list(RENDERERS)), default="json",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=str),
              default="-", show_default=True, help="Write here instead of standard output.")
@click.option("--with-text", is_flag=True,
              help="markdown/tree: include each node's body text; json/yaml: the text the "
              "spans point into, as source.text.")
@click.option("--color/--no-color", default=None,
              help="tree: colour on or off (default: only on a terminal; NO_COLOR honoured).")
@input_options("Reject larger inputs.")
def parse_cmd(file: str, fmt: str, output: str, with_text: bool, color: bool | None,
              options: ParseOptions) -> None:
    """Parse FILE (or - for standard input) and print its outline.

    FILE may be plain text, a Word .docx, a PDF with a text layer or a saved
    web page; the format is recognised by content (--input-format overrides).
    """
    where = "<stdin>" if file == "-" else file
    if file != "-" and output != "-" and _same_file(file, output):
        _fail(output, "is the input file: refusing to overwrite it", EXIT_OUTPUT)
    try:
        if file == "-":
            data = read_limited(sys.stdin.buffer, options.max_bytes)
            doc = parse(data, path=None, options=options)
        else:
            doc = parse_file(file, options=options)
    except SpeechtreeError as exc:
        _fail(where, exc.message, exc.exit_code)
    except Exception as exc:  # a bug: say so plainly, never dump a traceback
        _fail(where, f"internal error ({type(exc).__name__}: {exc}); please report it",
              EXIT_INTERNAL)
    # A file named by -o is not a terminal: auto colour means none there.
    # Decided once, so that click does not strip the colour FORCE_COLOR asked for.
    colored = use_color(color) if output == "-" else bool(color)
    try:
        out: str | bytes = (
            render_json_bytes(doc, with_text=with_text) if fmt == "json"
            else render(doc, fmt, with_text=with_text, color=colored)
        )
    except SpeechtreeError as exc:  # (indented JSON too large for the tree's depth)
        _fail(where, exc.message, exc.exit_code)
    if output == "-":
        click.echo(out, nl=False, color=colored)
    else:
        try:
            if isinstance(out, bytes):
                Path(output).write_bytes(out)
            else:
                Path(output).write_text(out, encoding="utf-8")
        except OSError as exc:
            _fail(output, f"cannot write: {exc.strerror or exc}", EXIT_OUTPUT)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # the output does not exist yet (or the input does not)
        return False


@main.command("schema")
@click.option("--check", "check", multiple=True,
              type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=str),
              help="Validate this JSON output against the schema instead (repeatable).")
def schema_cmd(check: tuple[str, ...]) -> None:
    """Print the JSON Schema of the output, or (--check FILE) validate outputs.

    With --check, each problem is printed as FILE: FIELD: message; the exit
    code is 1 when any file is not valid.
    """
    if not check:
        click.echo(orjson.dumps(json_schema(), option=orjson.OPT_INDENT_2).decode("utf-8"))
        return
    bad = 0
    for name in check:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            _fail(name, exc.strerror or str(exc), EXIT_INPUT)
        problems = schema_problems(data)
        bad += bool(problems)
        for p in problems:
            click.echo(f"{name}: {p}")
    click.echo(f"{len(check) - bad} valid, {bad} not valid", err=True)
    sys.exit(1 if bad else EXIT_OK)

