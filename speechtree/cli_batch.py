"""CLI: ``speechtree batch``, a thin click layer over :mod:`speechtree.batch`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .batch import (
    DEFAULT_GLOB,
    ERRORS_FILE,
    FORMAT_SUFFIX,
    Existing,
    FileOutcome,
    convert_folder,
    count_inputs,
)
from .batch_texts import convert_table
from .cli_options import input_options
from .errors import SpeechtreeError
from .options import ParseOptions
from .readers.tables import TABLE_INPUT_SUFFIXES
from .rows import TABLE_SUFFIXES

#: Exit codes of ``batch`` (documented in docs/batch.md). Kept here rather
#: than imported from cli.py so that this module imports on its own.
EXIT_OK = 0
EXIT_FAILURES = 1  # some inputs failed; each is a line of OUTPUT_DIR/_errors.jsonl
EXIT_USAGE = 2  # bad arguments, or an output folder that cannot be used as asked
EXIT_INPUT = 3  # the input folder cannot be read
EXIT_INTERRUPTED = 130  # Ctrl-C: finished outputs stay, nothing is half-written


class _FilesPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- files/s" if speed is None else f"{speed:.1f} files/s")


class _Bar:
    """A progress bar on stderr (files, files/s, ETA), redrawn from the
    main thread at most ten times a second: no refresh thread is running
    when the worker processes are forked."""

    def __init__(self, total: int) -> None:
        self.progress = Progress(
            TextColumn("converting"), BarColumn(), MofNCompleteColumn(), _FilesPerSecond(),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), auto_refresh=False,
        )
        self.task = self.progress.add_task("batch", total=total)
        self.last = 0.0
        self.progress.start()

    def step(self) -> None:
        self.progress.advance(self.task)
        now = time.monotonic()
        if now - self.last >= 0.1:
            self.last = now
            self.progress.refresh()

    def close(self) -> None:
        self.progress.refresh()
        self.progress.stop()


@click.command("batch")
# Plain paths: convert_folder checks them and says what is wrong in one line
# (exit 3 for INPUT_DIR, 2 for OUTPUT_DIR, as docs/batch.md has it).
@click.argument("input_dir", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the outputs; its tree mirrors INPUT_DIR.")
@click.option("--glob", "pattern", default=DEFAULT_GLOB, show_default=True,
              help="Which files to convert, relative to INPUT_DIR ('**/' spans folders; "
              "case-sensitive).")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMAT_SUFFIX)), default="json",
              show_default=True, help="Output format.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores].")
@click.option("--overwrite", is_flag=True, help="Replace outputs that already exist.")
@click.option("--skip-existing", is_flag=True,
              help="Keep outputs that already exist (resume an interrupted batch).")
@click.option("--table", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write one row per node of the corpus to this .csv or .jsonl file.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS",
              help="Record a file whose reading and parsing take longer as a failure "
              "(TimeLimitError) [default: no limit].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@input_options("Record larger inputs as failures.")
@click.option("--text-column", default=None, metavar="NAME",
              help="INPUT is a table of texts (.csv/.tsv/.jsonl/.parquet): parse this column "
              "of every row.")
@click.option("--id-column", "id_columns", multiple=True, metavar="NAME",
              help="With --text-column: name each row's output by these columns (repeatable); "
              "they lead the --table rows too [default: the row number].")
@click.option("--with-text", is_flag=True,
              help="Write the text the spans point into in each output (source.text).")
def batch_cmd(
    input_dir: Path,
    output_dir: Path,
    pattern: str,
    fmt: str,
    jobs: int | None,
    overwrite: bool,
    skip_existing: bool,
    table: Path | None,
    timeout: float | None,
    quiet: bool,
    text_column: str | None,
    id_columns: tuple[str, ...],
    with_text: bool,
    options: ParseOptions,
) -> None:
    """Convert every file under INPUT_DIR into OUTPUT_DIR, in parallel.

    With --text-column, INPUT_DIR is a table of texts instead and each row
    becomes OUTPUT_DIR/ID.json.

    Without --overwrite or --skip-existing, a non-empty OUTPUT_DIR is refused.
    Files that fail are listed in OUTPUT_DIR/_errors.jsonl and the exit code
    is 1; the others are converted all the same.
    """
    if table is not None and table.suffix.lower() not in TABLE_SUFFIXES:
        raise click.BadParameter(
            f"must end in {' or '.join(TABLE_SUFFIXES)}", param_hint="'--table'"
        )
    if overwrite and skip_existing:
        raise click.UsageError("--overwrite and --skip-existing exclude each other")
    mode: Existing = "overwrite" if overwrite else "skip" if skip_existing else "refuse"
    show_bar = not quiet and sys.stderr.isatty()
    bar: _Bar | None = None

    def step(_: FileOutcome) -> None:
        if bar is not None:
            bar.step()

    if text_column is None and input_dir.suffix.lower() in TABLE_INPUT_SUFFIXES \
            and input_dir.is_file():
        raise click.UsageError(f"{input_dir} is a table of texts: name the column that holds "
                               "the texts with --text-column")
    if id_columns and text_column is None:
        raise click.UsageError("--id-column goes with --text-column")
    try:
        if text_column is not None:
            summary = convert_table(
                input_dir, output_dir, text_column=text_column, id_columns=id_columns,
                fmt=fmt, jobs=jobs, existing=mode, table=table, options=options,
                on_outcome=step, timeout=timeout, with_text=with_text,
            )
        else:
            if show_bar and input_dir.is_dir():
                # Counting is a walk over names only; it buys the bar its ETA.
                bar = _Bar(count_inputs(input_dir, output_dir, pattern, table))
            summary = convert_folder(
                input_dir, output_dir, pattern=pattern, fmt=fmt, jobs=jobs, existing=mode,
                table=table, options=options, on_outcome=step, timeout=timeout,
                with_text=with_text,
            )
    except SpeechtreeError as exc:
        click.echo(f"speechtree: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except ValueError as exc:  # an option convert_folder refuses before any work
        raise click.UsageError(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("speechtree: interrupted; rerun with --skip-existing to resume", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        if bar is not None:
            bar.close()
    if not quiet:
        click.echo(summary.format(), err=True)
        if table is not None and not summary.table_error:
            click.echo(f"table: {summary.rows} rows in {table}", err=True)
    elif summary.failed:
        click.echo(f"speechtree: {summary.failed} of {summary.files} files failed; "
                   f"see {output_dir / ERRORS_FILE}", err=True)
    if quiet:
        for error in summary.errors():
            click.echo(f"speechtree: error: {error}", err=True)
    sys.exit(EXIT_FAILURES if summary.failed or summary.errors() else EXIT_OK)
