"""CLI: the ``lint`` and ``diff`` commands, registered on the ``speechtree`` group.

Importing this module adds the commands to ``cli.main`` (``cli.py`` imports it
at its end), so either module may be imported first.

Exit codes: ``lint`` 0 clean, 1 problems found; ``diff`` 0 same outline, 1
differences; either returns ``cli.EXIT_INPUT``/``EXIT_LIMIT`` for input it
cannot read (the highest such code when several files fail), 2 for bad usage.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click
import orjson

from .cli import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, _fail, main
from .cli_options import input_options
from .decode import read_limited
from .diff import DEFAULT_SIMILARITY, diff
from .errors import SpeechtreeError
from .lint import CODES, Diagnostic, UnknownCodeError, lint, select_rules
from .models import Document
from .options import ParseOptions
from .parser import parse, parse_file
from .printable import json_c1_escaped
from .readers import DEFAULT_GLOB

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
_LINT_FORMAT = click.Choice(["text", "json", "github", "sarif"])


def _lint_inputs(files: tuple[str, ...], pattern: str) -> Iterator[tuple[str, str | None]]:
    """``(path, problem)`` for each input: a file as named, or the files under
    a folder that match ``pattern``, in sorted order."""
    import os

    from .batch import iter_inputs

    for file in files:
        if file == "-" or not os.path.isdir(file):
            yield file, None
            continue
        try:
            for found in iter_inputs(file, pattern):
                path = found.rel if os.path.normpath(file) == "." else os.path.join(file, found.rel)
                yield path, found.problem
        except OSError as exc:
            yield file, exc.strerror or str(exc)


@main.command("lint")
@click.argument("files", nargs=-1, required=True, type=_FILE)
@click.option("--format", "fmt", type=_LINT_FORMAT, default="text", show_default=True,
              help="text: file:line:col: CODE message; json: a list of diagnostics; "
                   "github: workflow annotations; sarif: a SARIF 2.1.0 log.")
@click.option("--glob", "pattern", default=DEFAULT_GLOB, show_default=True,
              help="Which files of a FOLDER to check (relative to it).")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these codes or prefixes (ST1, ST302, ALL); comma-separated, repeatable.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these codes or prefixes; wins over --select.")
@click.option("--config", "config", type=click.Path(dir_okay=False, exists=True, path_type=str),
              default=None, help="Settings file (default: for each file, the speechtree.toml or "
                                 "pyproject.toml found from its folder up).")
@input_options("Reject larger inputs.")
def lint_cmd(files: tuple[str, ...], fmt: str, pattern: str, select: tuple[str, ...],
             ignore: tuple[str, ...], config: str | None, options: ParseOptions) -> None:
    """Check the numbering of each FILE or FOLDER (- for standard input).

    Exit 0 when clean, 1 when anything is found, 3/4 when a file cannot be read.
    """
    import os

    from .lint_config import ConfigError, LintSettings, merge, settings_for

    # Each file is checked under the settings file closest to it (as ruff
    # does), found once per folder; --config names one for every file.
    found: dict[str, tuple[LintSettings, list[str] | None, list[str]]] = {}

    def settings_of(file: str) -> tuple[LintSettings, list[str] | None, list[str]]:
        folder = "." if file == "-" else os.path.dirname(os.path.abspath(file))
        key = "" if config is not None else folder
        if key not in found:
            try:
                settings = settings_for(config, start=folder)
            except ConfigError as exc:
                raise click.UsageError(str(exc)) from None
            sel, ign = merge(settings, _split_codes(select), _split_codes(ignore))
            try:
                select_rules(sel, ign)
            except UnknownCodeError as exc:
                raise click.BadParameter(str(exc), param_hint="--select/--ignore") from None
            found[key] = (settings, sel, ign)
        return found[key]

    settings_of(files[0] if config is None else "-")  # bad settings fail before any output
    worst_error = EXIT_OK
    collected: list[Diagnostic] = []
    for file, problem in _lint_inputs(files, pattern):
        try:
            if problem is not None:
                raise _LoadFailed(file, problem, EXIT_INPUT)
            doc = _load(file, options)
        except _LoadFailed as exc:
            click.echo(f"speechtree: error: {exc.where}: {exc.message}", err=True)
            worst_error = max(worst_error, exc.code)
            continue
        settings, sel, ign = settings_of(file)
        diags = lint(doc, path=_where(file), select=sel,
                     ignore=[*ign, *settings.ignores_for(file)])
        if fmt == "text":
            for d in diags:
                click.echo(d.format())
        collected.extend(diags)
    if fmt == "json":
        from .lint_report import to_json

        click.echo(to_json(collected), nl=False)
    elif fmt == "github":
        from .lint_report import github

        click.echo(github(collected), nl=False)
    elif fmt == "sarif":
        from . import __version__
        from .lint_report import sarif

        log = sarif(collected, version=__version__, ok=worst_error == EXIT_OK)
        click.echo(json_c1_escaped(orjson.dumps(log, option=orjson.OPT_INDENT_2)).decode("utf-8"))
    if worst_error != EXIT_OK:
        sys.exit(worst_error)
    sys.exit(EXIT_FOUND if collected else EXIT_OK)


@main.command("diff")
@click.argument("a", type=_FILE)
@click.argument("b", type=_FILE)
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True,
              help="text: one line per change; json: {a, b, changes, counts}.")
@click.option("--similarity", type=click.FloatRange(0.0, 1.0), default=DEFAULT_SIMILARITY,
              show_default=True, help="How alike two titles must be to pair as one node reworded.")
@input_options("Reject larger inputs.")
def diff_cmd(a: str, b: str, fmt: str, similarity: float, options: ParseOptions) -> None:
    """Compare the outlines of A and B: added, removed, moved and retitled nodes.

    Exit 0 when the outlines are the same, 1 when they differ, 3/4 when a file
    cannot be read.
    """
    if a == "-" and b == "-":
        raise click.UsageError("only one of A and B can be - (standard input)")
    try:
        doc_a, doc_b = _load(a, options), _load(b, options)
    except _LoadFailed as exc:
        _fail(exc.where, exc.message, exc.code)
    result = diff(doc_a, doc_b, a_name=_where(a), b_name=_where(b), similarity=similarity)
    if fmt == "json":
        click.echo(result.to_json())
    else:
        click.echo(result.to_text(), nl=False)
    sys.exit(EXIT_OK if result.same else EXIT_FOUND)


__all__ = ["CODES", "diff_cmd", "lint_cmd"]
