"""The command line's promises: one error line, the documented exit code, always."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import speechtree
from speechtree.cli import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_LIMIT, EXIT_OUTPUT, main

TEXT = "一、提高认识\n（一）统一思想。\n二、狠抓落实\n"
ESC = "\x1b["


def _cli(
    *args: str, env: dict[str, str] | None = None, stdout: int = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it (piped, so not a terminal, unless ``stdout``
    is one), with the colour variables of this environment cleared."""
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "speechtree", *args],
        stdout=stdout, stderr=subprocess.PIPE, text=True, env=full, timeout=120,
    )


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("speechtree: error: "), err
    return err


@pytest.fixture
def speech(tmp_path: Path) -> Path:
    f = tmp_path / "s.txt"
    f.write_text(TEXT, encoding="utf-8")
    return f


# -- inputs that are not what the command takes ------------------------------


def test_parse_of_a_folder_is_an_input_error_in_one_line(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["parse", str(tmp_path)])
    assert r.exit_code == EXIT_INPUT
    assert "directory" in _one_line(r.stderr)


def test_batch_of_a_file_exits_3_as_docs_say(speech: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["batch", str(speech), "-o", str(tmp_path / "out")])
    assert r.exit_code == EXIT_INPUT
    assert "not a folder" in _one_line(r.stderr)
    assert not (tmp_path / "out").exists()


def test_batch_into_a_file_is_a_usage_error_in_one_line(speech: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["batch", str(tmp_path), "-o", str(speech)])
    assert r.exit_code == 2
    assert "not a folder" in _one_line(r.stderr)


def test_failed_output_write_has_its_own_exit_code(speech: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.json"
    r = CliRunner().invoke(main, ["parse", str(speech), "-o", str(target)])
    assert r.exit_code == EXIT_OUTPUT
    assert EXIT_OUTPUT not in (EXIT_INPUT, EXIT_LIMIT, 0, 1, 2)
    assert str(target) in _one_line(r.stderr)


# -- Ctrl-C -------------------------------------------------------------------


def _interrupt(*_: object, **__: object) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_exits_130_in_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = click.Context(main)
    names = main.list_commands(ctx)
    assert {"parse", "batch", "lint", "diff", "schema"} <= set(names)
    for name in names:
        cmd = main.get_command(ctx, name)
        assert cmd is not None
        monkeypatch.setattr(cmd, "callback", _interrupt)
        r = CliRunner().invoke(main, [name, *_args_for(name)])
        assert r.exit_code == EXIT_INTERRUPTED, (name, r.output)
        assert "Aborted" not in r.output and r.stderr.count("\n") == 1, (name, r.stderr)


def _args_for(name: str) -> list[str]:
    """Arguments click accepts for ``name`` (the callback never runs them)."""
    return {"lint": ["-"], "diff": ["-", os.devnull], "parse": ["-"],
            "batch": [".", "-o", "out"]}.get(name, [])


def _wait_until_blocked(proc: subprocess.Popen[bytes]) -> None:
    """Until the process sleeps for a while (blocked reading its standard
    input); imports keep it running, so a long sleep means it is waiting."""
    stat_file = Path(f"/proc/{proc.pid}/stat")
    deadline = time.monotonic() + 60
    asleep = 0
    while time.monotonic() < deadline and asleep < 10:
        fields = stat_file.read_text().rsplit(")", 1)[1].split()
        asleep = asleep + 1 if fields[0] == "S" else 0
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("args", [["parse", "-"], ["lint", "-"], ["diff", os.devnull, "-"]])
def test_real_sigint_while_reading_stdin(args: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "speechtree", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        _wait_until_blocked(proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == EXIT_INTERRUPTED
    assert err.decode() == "speechtree: interrupted\n"


# -- limits on standard input -------------------------------------------------


class _Endless(io.RawIOBase):
    """A standard input that never ends (like /dev/zero), which refuses an
    unbounded read instead of eating all memory."""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("standard input read without a limit")
        return b"\0" * min(size, 1 << 20)

    def readinto(self, buf: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buf), 1 << 20)
        buf[:n] = b"\0" * n
        return n


@pytest.mark.parametrize("args", [["lint", "-"], ["diff", os.devnull, "-"]])
def test_max_bytes_bounds_stdin(args: list[str]) -> None:
    r = CliRunner().invoke(main, [*args, "--max-bytes", "1000"], input=_Endless())
    assert r.exit_code == EXIT_LIMIT, r.output
    assert "limit" in _one_line(r.stderr)


# -- colour -------------------------------------------------------------------


def test_force_color_is_honoured_when_piped(speech: Path) -> None:
    r = _cli("parse", str(speech), "-f", "tree", env={"FORCE_COLOR": "1"})
    assert r.returncode == 0 and ESC in r.stdout
    r = _cli("parse", str(speech), "-f", "tree")
    assert r.returncode == 0 and ESC not in r.stdout


def test_no_color_beats_force_color_and_flag_beats_both(speech: Path) -> None:
    r = _cli("parse", str(speech), "-f", "tree", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert r.returncode == 0 and ESC not in r.stdout
    r = _cli("parse", str(speech), "-f", "tree", "--color", env={"NO_COLOR": "1"})
    assert ESC in r.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_color_on_a_terminal(speech: Path) -> None:
    import pty

    def run(env: dict[str, str]) -> str:
        leader, follower = pty.openpty()
        try:
            r = _cli("parse", str(speech), "-f", "tree", stdout=follower, env=env)
            assert r.returncode == 0
            return os.read(leader, 1 << 16).decode()
        finally:
            os.close(leader)
            os.close(follower)

    assert ESC in run({})
    assert ESC not in run({"NO_COLOR": "1"})


# -- batch --------------------------------------------------------------------


def test_glob_matching_nothing_says_so(speech: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["batch", str(speech.parent), "-o", str(out), "--glob", "*.TXT"])
    assert r.exit_code == EXIT_INPUT
    err = _one_line(r.stderr)
    assert "no file matches" in err and "'*.TXT'" in err and "case-sensitive" in err
    assert not out.exists()  # so the corrected rerun is not refused as "not empty"


def test_skip_existing_summary_counts_what_it_kept(speech: Path, tmp_path: Path) -> None:
    (speech.parent / "t.txt").write_text("一、甲\n二、乙\n", encoding="utf-8")
    src, out = speech.parent, tmp_path / "out"
    first = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "-j", "1"])
    assert first.exit_code == 0
    (out / "t.json").unlink()
    again = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "-j", "1",
                                      "--skip-existing"])
    assert again.exit_code == 0
    assert "1 converted, 1 skipped" in again.stderr
    # s.txt (kept): 1 speech, 3 nodes; t.txt (converted): 1 speech, 2 nodes.
    assert "speeches 2, nodes 5; encodings: utf-8 2" in again.stderr
    (out / "s.json").write_bytes(b"kept")  # someone's own file: kept, never counted
    last = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "-j", "1",
                                     "--skip-existing"])
    assert last.exit_code == 0 and (out / "s.json").read_bytes() == b"kept"
    assert "speeches 1, nodes 2;" in last.stderr
    assert "kept outputs not counted (cannot be read): 1" in last.stderr


def test_table_has_the_outputs_permissions(speech: Path, tmp_path: Path) -> None:
    out, table = tmp_path / "out", tmp_path / "nodes.csv"
    r = CliRunner().invoke(main, ["batch", str(speech.parent), "-o", str(out), "-j", "1",
                                  "--table", str(table)])
    assert r.exit_code == 0, r.stderr
    mode = stat.S_IMODE((out / "s.json").stat().st_mode)
    assert stat.S_IMODE(table.stat().st_mode) == mode == 0o644


# -- options ------------------------------------------------------------------


def test_unknown_disabled_style_is_a_value_error_naming_the_known() -> None:
    with pytest.raises(ValueError) as info:
        speechtree.ParseOptions(disabled_styles={"sequnce"})
    msg = str(info.value)
    assert "sequnce" in msg and "sequence" in msg and "cn_dun" in msg
    assert speechtree.ParseOptions(disabled_styles={"sequence"}).disabled_styles == {"sequence"}
