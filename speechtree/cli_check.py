"""CLI: the ``lint`` and ``diff`` commands, registered on the ``speechtree`` group.

Importing this module adds the commands to ``cli.main`` (``cli.py`` imports it
at its end), so either module may be imported first.

Exit codes: ``lint`` 0 clean, 1 problems found; ``diff`` 0 same outline, 1
differences; either returns ``cli.EXIT_INPUT``/``EXIT_LIMIT`` for input it
cannot read (the highest such code when several files fail), 2 for bad usage.
"""

from __future__ import annotations

import sys

import click
import orjson

from .cli import EXIT_INTERNAL, EXIT_OK, _fail, main
from .decode import read_limited
from .diff import DEFAULT_SIMILARITY, diff
from .errors import SpeechtreeError
from .lint import CODES, UnknownCodeError, lint, select_rules
from .models import Document
from .options import DEFAULT_MAX_BYTES, ParseOptions
from .parser import parse, parse_file

EXIT_FOUND = 1  # lint found problems / diff found differences


class _LoadFailed(Exception):
    def __init__(self, where: str, message: str, code: int) -> None:
        super().__init__(message)
        self.where = where
        self.message = message
        self.code = code


def _where(file: str) -> str:
    return "<stdin>" if file == "-" else file


def _load(file: str, opts: ParseOptions) -> Document:
    """Parse one input; every failure becomes ``_LoadFailed`` with its exit code."""
    try:
        if file == "-":
            return parse(read_limited(sys.stdin.buffer, opts.max_bytes), path=None, options=opts)
        return parse_file(file, options=opts)
    except SpeechtreeError as exc:
        raise _LoadFailed(_where(file), exc.message, exc.exit_code) from None
    except Exception as exc:  # a bug: say so plainly, never a traceback dump
        raise _LoadFailed(
            _where(file),
            f"internal error ({type(exc).__name__}: {exc}); please report it",
            EXIT_INTERNAL,
        ) from None


def _split_codes(values: tuple[str, ...]) -> list[str]:
    return [c for v in values for c in v.split(",") if c.strip()]


_FILE = click.Path(allow_dash=True, path_type=str)
_FORMAT = click.Choice(["text", "json"])


@main.command("lint")
@click.argument("files", nargs=-1, required=True, type=_FILE)
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True,
              help="text: file:line:col: CODE message; json: a list of diagnostics.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these codes or prefixes (ST1, ST302, ALL); comma-separated, repeatable.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these codes or prefixes; wins over --select.")
@click.option("--encoding", default=None, help="Decode with this encoding instead of detecting.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
              show_default=True, help="Reject larger inputs.")
def lint_cmd(files: tuple[str, ...], fmt: str, select: tuple[str, ...],
             ignore: tuple[str, ...], encoding: str | None, max_bytes: int) -> None:
    """Check the numbering of each FILE (- for standard input).

    Exit 0 when clean, 1 when anything is found, 3/4 when a file cannot be read.
    """
    sel = _split_codes(select) or None
    ign = _split_codes(ignore) or None
    try:
        select_rules(sel, ign)
    except UnknownCodeError as exc:
        raise click.BadParameter(str(exc), param_hint="--select/--ignore") from None
    opts = ParseOptions(encoding=encoding, max_bytes=max_bytes)
    found = 0
    worst_error = EXIT_OK
    collected: list[dict[str, object]] = []
    for file in files:
        try:
            doc = _load(file, opts)
        except _LoadFailed as exc:
            click.echo(f"speechtree: error: {exc.where}: {exc.message}", err=True)
            worst_error = max(worst_error, exc.code)
            continue
        diags = lint(doc, path=_where(file), select=sel, ignore=ign)
        found += len(diags)
        if fmt == "json":
            collected.extend(d.model_dump(mode="json") for d in diags)
        else:
            for d in diags:
                click.echo(d.format())
    if fmt == "json":
        click.echo(orjson.dumps(collected, option=orjson.OPT_INDENT_2).decode("utf-8"))
    if worst_error != EXIT_OK:
        sys.exit(worst_error)
    sys.exit(EXIT_FOUND if found else EXIT_OK)


@main.command("diff")
@click.argument("a", type=_FILE)
@click.argument("b", type=_FILE)
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True,
              help="text: one line per change; json: {a, b, changes, counts}.")
@click.option("--similarity", type=click.FloatRange(0.0, 1.0), default=DEFAULT_SIMILARITY,
              show_default=True, help="How alike two titles must be to pair as one node reworded.")
@click.option("--encoding", default=None, help="Decode with this encoding instead of detecting.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
              show_default=True, help="Reject larger inputs.")
def diff_cmd(a: str, b: str, fmt: str, similarity: float, encoding: str | None,
             max_bytes: int) -> None:
    """Compare the outlines of A and B: added, removed, moved and retitled nodes.

    Exit 0 when the outlines are the same, 1 when they differ, 3/4 when a file
    cannot be read.
    """
    if a == "-" and b == "-":
        raise click.UsageError("only one of A and B can be - (standard input)")
    opts = ParseOptions(encoding=encoding, max_bytes=max_bytes)
    try:
        doc_a, doc_b = _load(a, opts), _load(b, opts)
    except _LoadFailed as exc:
        _fail(exc.where, exc.message, exc.code)
    result = diff(doc_a, doc_b, a_name=_where(a), b_name=_where(b), similarity=similarity)
    if fmt == "json":
        click.echo(result.to_json())
    else:
        click.echo(result.to_text(), nl=False)
    sys.exit(EXIT_OK if result.same else EXIT_FOUND)


__all__ = ["CODES", "diff_cmd", "lint_cmd"]
