"""Batches that must not crash or leave a mess: odd file names, a folder named
like the failure log, a full disk, a second batch at once, a killed batch."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from speechtree.batch import ERRORS_FILE, OutputDirError, convert_folder
from speechtree.cli import EXIT_OUTPUT, main
from speechtree.guard import FolderLockedError, locked_folder

SPEECH = "一、总体要求\n（一）指导思想。坚持稳中求进。\n二、主要任务\n正文。\n"
BAD_NAME = os.fsdecode(b"caf\xe9.txt")  # not valid UTF-8: held with a lone surrogate


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _inputs(root: Path, n: int = 3) -> Path:
    root.mkdir()
    for i in range(n):
        (root / f"s{i}.txt").write_text(SPEECH, encoding="utf-8")
    return root


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 names")
def test_non_utf8_file_names(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in", 2)
    (src / BAD_NAME).write_text(SPEECH, encoding="utf-8")
    out = tmp_path / "out"
    summary = convert_folder(src, out, jobs=1)
    assert (summary.written, summary.failed) == (3, 0)
    doc = orjson.loads((out / os.fsdecode(b"caf\xe9.json")).read_bytes())
    assert doc["source"]["path"] == "caf\\xe9.txt"
    r = CliRunner().invoke(main, ["parse", str(src / BAD_NAME)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["parse", str(tmp_path / os.fsdecode(b"n\xe9.txt"))])
    assert r.exit_code == 3 and "n\\xe9.txt: no such file" in r.stderr


def test_an_input_folder_named_like_the_failure_log(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    (src / ERRORS_FILE).mkdir()
    (src / ERRORS_FILE / "x.txt").write_text(SPEECH, encoding="utf-8")
    out = tmp_path / "out"
    summary = convert_folder(src, out, jobs=1)
    assert (summary.written, summary.failed) == (3, 1)
    (rec,) = [orjson.loads(x) for x in (out / ERRORS_FILE).read_bytes().splitlines()]
    assert rec["error"] == "OutputNameClash" and rec["path"] == f"{ERRORS_FILE}/x.txt"
    assert not list(out.rglob(".speechtree-*"))


def test_a_full_disk_while_writing_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_disk: Callable[[int], None]
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        (src / f"b{i}.txt").write_bytes(b"\x00\x01\x02\x03" * 100)  # binary: each fails
    out = tmp_path / "out"
    full_disk(2)
    summary = convert_folder(src, out, jobs=1)
    monkeypatch.undo()
    assert summary.failed == 6
    lines = (out / ERRORS_FILE).read_bytes().splitlines()
    assert len(lines) == 2 and all(orjson.loads(x)["error"] == "InputError" for x in lines)
    assert "incomplete: 4 failure(s) could not be recorded" in summary.log_error
    assert "No space left on device" in summary.format()
    assert not list(out.rglob(".speechtree-*"))


def test_a_second_batch_into_a_locked_folder_is_refused(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    with locked_folder(str(out)), pytest.raises(FolderLockedError, match="another speechtree"):
        convert_folder(src, out, jobs=1)
    assert list(out.iterdir()) == []
    assert convert_folder(src, out, jobs=1).written == 3  # the lock went with its holder


def test_leftover_temporary_files_are_removed(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    convert_folder(src, out, jobs=1)
    (out / ".speechtree-abc.tmp").write_bytes(b"half")
    (out / "sub").mkdir()
    (out / "sub" / ".speechtree-def.tmp").write_bytes(b"half")
    (out / "keep.tmp").write_bytes(b"not ours")
    convert_folder(src, out, jobs=1, existing="skip")
    assert not list(out.rglob(".speechtree-*"))
    assert (out / "keep.tmp").exists()


def test_input_folder_inside_the_output_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    src = _inputs(out / "in")
    with pytest.raises(OutputDirError, match="inside the output folder"):
        convert_folder(src, out, jobs=1, existing="overwrite")
    assert sorted(p.name for p in out.rglob("*")) == ["in", "s0.txt", "s1.txt", "s2.txt"]


def test_parse_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_text(SPEECH, encoding="utf-8")
    for target in (str(f), str(tmp_path / "." / "x.txt")):
        r = CliRunner().invoke(main, ["parse", str(f), "-o", target])
        assert r.exit_code == EXIT_OUTPUT and "is the input file" in r.stderr
    assert f.read_text(encoding="utf-8") == SPEECH


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_standard_output_on_a_full_device(tmp_path: Path) -> None:
    f = tmp_path / "ok.txt"
    f.write_text(SPEECH, encoding="utf-8")
    for args in (["parse", str(f)], ["schema"]):
        with open("/dev/full", "w") as full:
            r = subprocess.run(
                [sys.executable, "-m", "speechtree", *args], stdout=full, stderr=subprocess.PIPE,
                text=True, check=False,
            )
        assert r.returncode == EXIT_OUTPUT
        assert r.stderr == "speechtree: error: <stdout>: cannot write: No space left on device\n"


# -- the kill test --------------------------------------------------------------


def _children(pid: int) -> set[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return set()
    out: set[int] = set()
    for t in tasks:
        try:
            out.update(int(x) for x in Path(f"/proc/{pid}/task/{t}/children").read_text().split())
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_sigkill_at_random_points_then_skip_existing(tmp_path: Path) -> None:
    """Ten runs, each killed with SIGKILL at a random moment: no worker
    survives its batch, and --skip-existing then gives exactly the output of a
    clean run, with no temporary file left."""
    src = tmp_path / "in"
    body = "".join(f"（{k % 9 + 1}）第{k}项工作。坚持稳中求进，推动发展。\n" for k in range(300))
    for d in range(3):
        (src / f"d{d}").mkdir(parents=True)
        for i in range(20):
            (src / f"d{d}" / f"s{i}.txt").write_text(f"{d}、部分{i}\n" + body, encoding="utf-8")
    clean = tmp_path / "clean"
    cmd = [sys.executable, "-m", "speechtree", "batch", str(src), "-j", "2", "-q", "-o"]
    started = time.monotonic()
    subprocess.run([*cmd, str(clean)], check=True)
    took = time.monotonic() - started
    want = _tree(clean)
    rng = random.Random(14)
    for run in range(10):
        out = tmp_path / f"out{run}"
        proc = subprocess.Popen([*cmd, str(out)])
        # From start-up to nearly done (the clean run's time, measured here).
        deadline = time.monotonic() + rng.uniform(0.1, 0.9) * took
        workers: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None:
            workers |= _children(proc.pid)
            time.sleep(0.02)
        workers |= _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        gone_by = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], f"run {run}: workers outlived the batch"
        subprocess.run([*cmd, str(out), "--skip-existing"], check=True)
        assert _tree(out) == want, f"run {run}"
        assert not list(out.rglob("*.tmp")), f"run {run}"


def test_a_table_batch_rechecks_the_output_folder_under_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two table batches started together: the second finds the folder filled."""
    import speechtree.batch_texts as bt

    table = tmp_path / "t.csv"
    table.write_text("ID,Text\na,一、总体要求。\n", encoding="utf-8")
    out = tmp_path / "out"
    real_lock = bt.locked_folder

    @contextlib.contextmanager
    def racing_lock(path: str) -> Iterator[None]:
        (Path(path) / "other.json").write_text("{}", encoding="utf-8")  # the other batch won
        with real_lock(path):
            yield

    monkeypatch.setattr(bt, "locked_folder", racing_lock)
    with pytest.raises(OutputDirError, match="not empty"):
        bt.convert_table(table, out, text_column="Text", jobs=1)
