"""CLI: a thin click layer over the library."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click
import orjson

from . import __version__
from .cli_options import input_format as _input_format
from .cli_options import input_format_option
from .decode import read_limited
from .errors import SpeechtreeError, display_path
from .models import json_schema
from .options import DEFAULT_MAX_BYTES, ParseOptions
from .parser import parse, parse_file
from .render import RENDERERS, render
from .render.tree import use_color

#: Exit codes (documented in the README).
EXIT_OK = 0
EXIT_USAGE = 2  # click's own code for bad arguments
EXIT_INPUT = 3  # unreadable, binary or undecodable input
EXIT_LIMIT = 4  # over --max-bytes
EXIT_INTERNAL = 70  # a bug in speechtree (EX_SOFTWARE)
EXIT_OUTPUT = 73  # the -o file cannot be written (EX_CANTCREAT)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, what a shell reports)


class _Group(click.Group):
    """The ``speechtree`` group: Ctrl-C in any command ends with one line and
    exit 130, not click's ``Aborted!`` and exit 1 (which ``lint`` uses for
    "problems found"); standard output that cannot be written, with one line
    and exit 73."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a write error shows here, not in a traceback at exit
            return result
        except KeyboardInterrupt:
            click.echo("speechtree: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as exc:  # standard output on a full disk, /dev/full, a closed pipe
            # Nothing more can reach it: point it at /dev/null so that the
            # interpreter's own flush at exit stays quiet too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            _fail("<stdout>", f"cannot write: {exc.strerror or exc}", EXIT_OUTPUT)


def _fail(where: str, message: str, code: int) -> NoReturn:
    click.echo(f"speechtree: error: {display_path(where)}: {message}", err=True)
    sys.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="speechtree")
def main() -> None:
    """Extract the numbered outline of Chinese speeches and reports."""


@main.command("parse")
# No dir_okay=False: a folder is an input error (exit 3, one line), as in lint.
@click.argument("file", type=click.Path(allow_dash=True, path_type=str))
@click.option("-f", "--format", "fmt", type=click.Choice(list(RENDERERS)), default="json",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=str),
              default="-", show_default=True, help="Write here instead of standard output.")
@click.option("--encoding", default=None, help="Decode with this encoding instead of detecting.")
@click.option("--strict-decode", is_flag=True,
              help="Refuse bytes not valid in the encoding (default: replace them, with a "
              "warning).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
              show_default=True, help="Reject larger inputs.")
@click.option("--with-text", is_flag=True,
              help="markdown/tree: include each node's body text; json/yaml: the text the "
              "spans point into, as source.text.")
@click.option("--color/--no-color", default=None,
              help="tree: colour on or off (default: only on a terminal; NO_COLOR honoured).")
@input_format_option
def parse_cmd(file: str, fmt: str, output: str, encoding: str | None, strict_decode: bool,
              max_bytes: int, with_text: bool, color: bool | None, input_format: str) -> None:
    """Parse FILE (or - for standard input) and print its outline.

    FILE may be plain text, a Word .docx, a PDF with a text layer or a saved
    web page; the format is recognised by content (--input-format overrides).
    """
    opts = ParseOptions(encoding=encoding, max_bytes=max_bytes, strict_decode=strict_decode,
                        input_format=_input_format(input_format))
    where = "<stdin>" if file == "-" else file
    if file != "-" and output != "-" and _same_file(file, output):
        _fail(output, "is the input file: refusing to overwrite it", EXIT_OUTPUT)
    try:
        if file == "-":
            doc = parse(read_limited(sys.stdin.buffer, max_bytes), path=None, options=opts)
        else:
            doc = parse_file(file, options=opts)
    except SpeechtreeError as exc:
        _fail(where, exc.message, exc.exit_code)
    except Exception as exc:  # a bug: say so plainly, never dump a traceback
        _fail(where, f"internal error ({type(exc).__name__}: {exc}); please report it",
              EXIT_INTERNAL)
    # A file named by -o is not a terminal: auto colour means none there.
    # Decided once, so that click does not strip the colour FORCE_COLOR asked for.
    colored = use_color(color) if output == "-" else bool(color)
    try:
        out = render(doc, fmt, with_text=with_text, color=colored)
    except SpeechtreeError as exc:  # (indented JSON too large for the tree's depth)
        _fail(where, exc.message, exc.exit_code)
    if output == "-":
        click.echo(out, nl=False, color=colored)
    else:
        try:
            Path(output).write_text(out, encoding="utf-8")
        except OSError as exc:
            _fail(output, f"cannot write: {exc.strerror or exc}", EXIT_OUTPUT)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # the output does not exist yet (or the input does not)
        return False


@main.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the output."""
    click.echo(orjson.dumps(json_schema(), option=orjson.OPT_INDENT_2).decode("utf-8"))


from .cli_batch import batch_cmd  # noqa: E402 - commands in their own modules

main.add_command(batch_cmd)

from .cli_serve import serve_cmd  # noqa: E402 - loads the web app only when run

main.add_command(serve_cmd)

from . import cli_check  # noqa: E402, F401 - registers lint and diff on main

if __name__ == "__main__":  # pragma: no cover
    main()
