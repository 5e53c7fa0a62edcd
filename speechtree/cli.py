"""CLI: a thin click layer over the library.

Only this module and click load for ``speechtree --version`` and ``-h``: each
command's module is imported when that command runs (``_COMMANDS``), so a
linter or pre-commit hook that starts the command once per file does not pay
for every library module each time.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import NoReturn

import click

from ._version import __version__
from .errors import display_path

#: Exit codes (documented in the README).
EXIT_OK = 0
EXIT_USAGE = 2  # click's own code for bad arguments
EXIT_INPUT = 3  # unreadable, binary or undecodable input
EXIT_LIMIT = 4  # over --max-bytes
EXIT_INTERNAL = 70  # a bug in speechtree (EX_SOFTWARE)
EXIT_OUTPUT = 73  # the -o file cannot be written (EX_CANTCREAT)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, what a shell reports)


#: Command name → the module that defines it. A module either registers its
#: commands on ``main`` when imported or defines ``NAME_cmd``.
_COMMANDS = {
    "parse": "cli_parse",
    "schema": "cli_parse",
    "batch": "cli_batch",
    "lint": "cli_check",
    "diff": "cli_check",
    "serve": "cli_serve",
}


class _Group(click.Group):
    """The ``speechtree`` group: commands load on first use (see ``_COMMANDS``).
    Ctrl-C in any command ends with one line and
    exit 130, not click's ``Aborted!`` and exit 1 (which ``lint`` uses for
    "problems found"); standard output that cannot be written, with one line
    and exit 73."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in _COMMANDS:
            module = importlib.import_module(f".{_COMMANDS[name]}", __package__)
            if name not in self.commands:  # a module that does not register itself
                self.add_command(getattr(module, f"{name}_cmd"))
        return super().get_command(ctx, name)

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


if __name__ == "__main__":  # pragma: no cover
    main()
