"""Batch conversion: `speechtree batch` through CliRunner, and the library under it."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from speechtree import ParseOptions, parse
from speechtree import batch as batch_module
from speechtree.batch import (
    ERRORS_FILE,
    Summary,
    convert_folder,
    glob_regex,
    iter_inputs,
    parse_many,
)
from speechtree.cli import main
from speechtree.cli_batch import EXIT_FAILURES, EXIT_USAGE
from speechtree.models import Document
from speechtree.rows import COLUMNS

SPEECH = (
    "在全市工作会议上的讲话\n\n同志们：\n一、提高认识\n（一）统一思想。\n（二）明确目标。\n二、狠抓落实\n"
)
REPORT = "政府工作报告\n\n一、过去一年的工作\n1.经济运行平稳。\n2.民生持续改善。\n二、今年的任务\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["batch", *args])


def errors(out: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in (out / ERRORS_FILE).read_bytes().splitlines()]


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file under ``out`` (not the failure log), by relative path."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ERRORS_FILE
    }


@pytest.fixture()
def good_tree(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b" / "x.txt").write_text(SPEECH, encoding="utf-8")
    (src / "报告 2024.txt").write_text(REPORT, encoding="utf-8")
    (src / "a" / "gbk.txt").write_bytes(SPEECH.encode("gbk"))
    (src / "notes.md").write_text("not matched by the default glob", encoding="utf-8")
    return src


def test_batch_mirrors_the_tree_and_matches_parse(good_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run(str(good_tree), "-o", str(out), "--jobs", "1")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert set(outputs(out)) == {"a/b/x.json", "a/gbk.json", "报告 2024.json"}
    for rel in ("a/b/x.txt", "a/gbk.txt", "报告 2024.txt"):
        got = (out / rel).with_suffix(".json").read_bytes().decode("utf-8")
        want = parse((good_tree / rel).read_bytes(), path=rel).to_json() + "\n"
        assert got == want
    assert errors(out) == []
    assert "3 files" in r.stderr and "3 converted" in r.stderr and "0 failed" in r.stderr
    assert "gb18030 1" in r.stderr and "utf-8 2" in r.stderr


def test_batch_yaml_and_glob(good_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run(str(good_tree), "-o", str(out), "-f", "yaml", "--glob", "a/*.txt", "-q")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    assert set(outputs(out)) == {"a/gbk.yaml"}


def test_mixed_folder_records_each_failure_and_converts_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(SPEECH, encoding="utf-8")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (src / "empty.txt").write_bytes(b"")
    (src / "gbk.txt").write_bytes(REPORT.encode("gbk"))
    (src / "dangling.txt").symlink_to(src / "gone.txt")
    os.mkfifo(src / "fifo.txt")  # would block a naive read forever
    (src / "big.txt").write_text(SPEECH * 50, encoding="utf-8")
    out = tmp_path / "out"
    r = run(str(src), "-o", str(out), "--jobs", "2", "--max-bytes", "2000")
    assert r.exit_code == EXIT_FAILURES
    errs = {e["path"]: e for e in errors(out)}
    assert set(errs) == {"big.txt", "binary.txt", "dangling.txt", "fifo.txt"}
    assert errs["binary.txt"]["error"] == "DecodeError"
    assert errs["big.txt"]["error"] == "LimitError"
    assert errs["dangling.txt"] == {
        "path": "dangling.txt", "error": "InputError", "message": "dangling symbolic link"
    }
    assert errs["fifo.txt"]["message"] == "not a regular file"
    assert set(outputs(out)) == {"empty.json", "gbk.json", "good.json"}
    assert orjson.loads((out / "empty.json").read_bytes())["speeches"] == []
    assert "7 files" in r.stderr and "4 failed" in r.stderr and ERRORS_FILE in r.stderr


def test_file_removed_mid_run_is_a_recorded_error(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (src / name).write_text(SPEECH, encoding="utf-8")
    out = tmp_path / "out"

    def remove_b(outcome: object) -> None:
        (src / "b.txt").unlink(missing_ok=True)  # after a.txt is done, before b.txt is read

    summary = convert_folder(src, out, jobs=1, on_outcome=remove_b)
    assert (summary.written, summary.failed) == (2, 1)
    assert errors(out) == [{"path": "b.txt", "error": "InputError", "message": "no such file"}]


def test_nonempty_output_is_refused_then_resumed_with_skip_existing(
    good_tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run(str(good_tree), "-o", str(out), "-j", "1").exit_code == 0
    first = outputs(out)
    (out / "a" / "gbk.json").unlink()  # as if the first run had been interrupted there
    (out / "报告 2024.json").write_bytes(b"kept")

    r = run(str(good_tree), "-o", str(out))
    assert r.exit_code == EXIT_USAGE
    assert "not empty" in r.stderr and "--skip-existing" in r.stderr

    r = run(str(good_tree), "-o", str(out), "--skip-existing", "-j", "1")
    assert r.exit_code == 0, r.stderr
    assert "1 converted, 2 skipped" in r.stderr
    assert (out / "a" / "gbk.json").read_bytes() == first["a/gbk.json"]
    assert (out / "报告 2024.json").read_bytes() == b"kept"

    r = run(str(good_tree), "-o", str(out), "--overwrite", "-j", "1")
    assert r.exit_code == 0, r.stderr
    assert outputs(out) == first


def test_overwrite_and_skip_existing_exclude_each_other(good_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run(str(good_tree), "-o", str(out), "--skip-existing", "--overwrite")
    assert r.exit_code == EXIT_USAGE
    assert "exclude each other" in r.stderr
    assert not out.exists()


def test_same_input_and_output_folder_is_refused(good_tree: Path) -> None:
    r = run(str(good_tree), "-o", str(good_tree), "--overwrite")
    assert r.exit_code == EXIT_USAGE
    assert "must differ" in r.stderr


def test_missing_input_folder(tmp_path: Path) -> None:
    r = run(str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert r.exit_code == 3
    assert "input folder" in r.stderr


def test_output_inside_input_is_not_walked(good_tree: Path) -> None:
    out = good_tree / "json"
    r = run(str(good_tree), "-o", str(out), "--glob", "**/*", "-j", "1")
    assert r.exit_code == 0, r.stderr
    # notes.md is now an input too; the outputs written into json/ are not.
    assert set(outputs(out)) == {"a/b/x.json", "a/gbk.json", "notes.json", "报告 2024.json"}


def _same_whatever_jobs(src: Path, tmp_path: Path, want_exit: int) -> int:
    results = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        table = tmp_path / f"t{jobs}.csv"
        r = run(str(src), "-o", str(out), "--jobs", jobs, "--table", str(table))
        assert r.exit_code == want_exit, r.stderr
        results[jobs] = (outputs(out), (out / ERRORS_FILE).read_bytes(), table.read_bytes())
    assert results["1"] == results["2"]
    return len(results["1"][0])


def test_deterministic_across_job_counts(tmp_path: Path) -> None:
    src = tmp_path / "in"
    for i in range(40):
        p = src / f"d{i % 4}" / f"{i:03d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text((SPEECH, REPORT)[i % 2] * (1 + i % 3), encoding=("utf-8", "gbk")[i % 5 == 0])
    (src / "d1" / "bad.txt").write_bytes(bytes(range(256)) * 4)
    assert _same_whatever_jobs(src, tmp_path, EXIT_FAILURES) == 40


def test_deterministic_across_job_counts_on_the_corpus(tmp_path: Path, corpus_dir: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(corpus_dir.glob("*.txt"))[:8]:
        (src / p.name).write_bytes(p.read_bytes())
    assert _same_whatever_jobs(src, tmp_path, 0) == 8


def test_table_csv_has_bom_and_one_row_per_node(good_tree: Path, tmp_path: Path) -> None:
    out, table = tmp_path / "out", tmp_path / "t" / "nodes.csv"
    r = run(str(good_tree), "-o", str(out), "--table", str(table), "-j", "1")
    assert r.exit_code == 0, r.stderr
    raw = table.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    got = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(got[0]) == COLUMNS
    want = [
        r
        for rel in ("a/b/x.txt", "a/gbk.txt", "报告 2024.txt")
        for r in parse((good_tree / rel).read_bytes(), path=rel).rows()
    ]
    assert [(g["file"], g["path"], g["marker"], g["title"]) for g in got] == [
        (w.file, w.path, w.marker, w.title) for w in want
    ]
    assert f"{len(want)} rows" in r.stderr


def test_table_jsonl_survives_resume(good_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    t1, t2 = tmp_path / "t1.jsonl", tmp_path / "t2.jsonl"
    assert run(str(good_tree), "-o", str(out), "--table", str(t1)).exit_code == 0
    (out / "a" / "b" / "x.json").unlink()
    r = run(str(good_tree), "-o", str(out), "--skip-existing", "--table", str(t2))
    assert r.exit_code == 0, r.stderr
    # Skipped files contribute rows read back from their existing outputs.
    assert t1.read_bytes() == t2.read_bytes()
    rows = [orjson.loads(line) for line in t1.read_bytes().splitlines()]
    assert list(rows[0]) == list(COLUMNS)
    assert {r["file"] for r in rows} == {"a/b/x.txt", "a/gbk.txt", "报告 2024.txt"}


def test_a_table_inside_the_input_folder_is_never_an_input(
    good_tree: Path, tmp_path: Path
) -> None:
    out, table = tmp_path / "out", good_tree / "a" / "nodes.jsonl"
    for again in ([], ["--overwrite"]):  # the second run finds the first run's table
        r = run(str(good_tree), "-o", str(out), "--glob", "**/*", "--table", str(table),
                "-j", "1", *again)
        assert r.exit_code == 0, r.stderr
        files = {json.loads(line)["file"] for line in table.read_bytes().splitlines()}
        assert files == {"a/b/x.txt", "a/gbk.txt", "报告 2024.txt"}
        assert not (out / "a" / "nodes.json").exists()
        assert not list(out.rglob(".nodes.jsonl.*"))  # nor its temporary file
        assert "4 files" in r.stderr  # x.txt, gbk.txt, 报告 2024.txt, notes.md


def test_bad_table_suffix_is_a_usage_error(good_tree: Path, tmp_path: Path) -> None:
    r = run(str(good_tree), "-o", str(tmp_path / "out"), "--table", str(tmp_path / "t.xlsx"))
    assert r.exit_code == EXIT_USAGE
    assert ".csv or .jsonl" in r.stderr
    assert not (tmp_path / "out").exists()


def test_never_writes_outside_the_output_folder(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "x.txt").write_text(SPEECH, encoding="utf-8")
    (src / "..x.txt").write_text(SPEECH, encoding="utf-8")
    (src / "loop").symlink_to(src)  # a symbolic link loop
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "sub").symlink_to(elsewhere)  # a trap left in the output folder
    r = run(str(src), "-o", str(out), "--overwrite", "-j", "1")
    assert r.exit_code == EXIT_FAILURES
    assert list(elsewhere.iterdir()) == []
    assert (out / "..x.json").is_file()
    errs = errors(out)
    assert [(e["path"], e["error"]) for e in errs] == [("sub/x.txt", "OutputError")]
    assert "outside" in str(errs[0]["message"])
    assert "symbolic link loops not followed: 1" in r.stderr
    # Every path the batch created lies inside the output folder.
    for p in tmp_path.rglob("*"):
        if not p.is_symlink():
            assert p.is_relative_to(src) or p.is_relative_to(out) or p == elsewhere


def test_output_name_clash_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.txt").write_text(SPEECH, encoding="utf-8")
    (src / "x.TXT").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    r = run(str(src), "-o", str(out), "--glob", "*.[tT][xX][tT]", "-j", "1")
    assert r.exit_code == EXIT_FAILURES
    assert errors(out)[0]["error"] == "OutputNameClash"
    assert errors(out)[0]["path"] == "x.txt"  # sorted: "x.TXT" comes first
    assert "报告" in (out / "x.json").read_text(encoding="utf-8")


def test_no_temporary_files_are_left(good_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run(str(good_tree), "-o", str(out), "-j", "2", "--table", str(out / "t.csv"))
    assert r.exit_code == 0, r.stderr
    assert [p.name for p in out.rglob(".*")] == []


def test_parse_many_in_order_with_failures(tmp_path: Path) -> None:
    paths = []
    for i in range(12):
        p = tmp_path / f"{i:02d}.txt"
        p.write_text(SPEECH if i % 3 else REPORT, encoding="utf-8")
        paths.append(p)
    paths.insert(5, tmp_path / "missing.txt")
    for jobs in (1, 2):
        results = list(parse_many(iter(paths), jobs=jobs))
        assert [r.path for r in results] == [str(p) for p in paths]
        assert [r.ok for r in results].count(False) == 1
        bad = results[5]
        assert bad.document is None and bad.failure is not None
        assert (bad.failure.error, bad.failure.message) == ("InputError", "no such file")
        for r, p in zip(results, paths, strict=True):
            if r.document is not None:
                assert r.document.to_json() == parse(p.read_bytes(), path=str(p)).to_json()


def test_iter_inputs_is_sorted_and_lazy(tmp_path: Path) -> None:
    for rel in ("b/2.txt", "b/1.txt", "a.txt", "c/d/e.txt", "c/skip.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    it = iter_inputs(tmp_path)
    assert next(it).rel == "a.txt"
    assert [f.rel for f in it] == ["b/1.txt", "b/2.txt", "c/d/e.txt"]
    assert [f.rel for f in iter_inputs(tmp_path, "*.txt")] == ["a.txt"]
    assert [f.rel for f in iter_inputs(tmp_path, "c/**")] == ["c/d/e.txt", "c/skip.md"]


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("**/*.txt", "x.txt", True),
        ("**/*.txt", "a/b/x.txt", True),
        ("**/*.txt", "a/b/x.txt.bak", False),
        ("*.txt", "a/x.txt", False),
        ("a/*/x.txt", "a/b/x.txt", True),
        ("a/*/x.txt", "a/b/c/x.txt", False),
        ("a/**/x.txt", "a/x.txt", True),
        ("?.txt", "ab.txt", False),
        ("[!x].txt", "y.txt", True),
        ("[!x].txt", "x.txt", False),
        ("讲话*.txt", "讲话 (1).txt", True),
    ],
)
def test_glob_regex(pattern: str, path: str, hit: bool) -> None:
    assert bool(glob_regex(pattern).match(path)) is hit


def test_summary_format_counts() -> None:
    s = Summary(files=3, written=2, failed=1, speeches=2, nodes=7, seconds=2.0, bytes=4_000_000,
                errors_file="out/_errors.jsonl")
    s.encodings.update({"utf-8": 1, "gb18030": 1})
    text = s.format()
    assert "3 files in 2.0 s (1.5 files/s, 2.00 MB/s)" in text
    assert "encodings: gb18030 1, utf-8 1" in text
    assert "out/_errors.jsonl" in text


def _square(n: int) -> int:
    return n * n


def _square_or_die(n: int) -> int:
    if n in (3, 21):
        os._exit(1)  # a worker dying hard, as on a crash in C code or the OOM killer
    return n * n


def test_a_dying_worker_is_named_and_the_rest_go_on() -> None:
    from speechtree.batch import _CHUNK, _ordered_map

    n = 10 * _CHUNK  # several chunks, more than the window holds at once
    got = list(_ordered_map(_square_or_die, range(n), 2, lambda t, e: -t))
    assert got == [(t, -t if t in (3, 21) else t * t) for t in range(n)]


def test_unreadable_file_is_a_recorded_error(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "ok.txt").write_text(SPEECH, encoding="utf-8")
    locked = src / "locked.txt"
    locked.write_text(SPEECH, encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads it anyway
            pytest.skip("this user can read a mode-000 file")
        out = tmp_path / "out"
        r = run(str(src), "-o", str(out), "-j", "1")
        assert r.exit_code == EXIT_FAILURES
        assert errors(out) == [
            {"path": "locked.txt", "error": "InputError", "message": "Permission denied"}
        ]
        assert set(outputs(out)) == {"ok.json"}
    finally:
        locked.chmod(0o644)


def test_unwritable_table_is_a_clean_error(good_tree: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    out = tmp_path / "out"
    r = run(str(good_tree), "-o", str(out), "--table", str(blocker / "t.csv"))
    assert r.exit_code == EXIT_USAGE
    assert r.stderr.startswith(f"speechtree: error: {blocker / 't.csv'}: cannot write the table")
    assert list(out.iterdir()) == []


def test_unwritable_output_folder_is_a_clean_error(good_tree: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    r = run(str(good_tree), "-o", str(blocker / "out"))
    assert r.exit_code == EXIT_USAGE
    assert r.stderr.startswith(f"speechtree: error: {blocker / 'out'}: ")


def test_yaml_outputs_are_read_back_for_the_table_on_resume(
    good_tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    t1, t2 = tmp_path / "t1.csv", tmp_path / "t2.csv"
    assert run(str(good_tree), "-o", str(out), "-f", "yaml", "--table", str(t1)).exit_code == 0
    r = run(str(good_tree), "-o", str(out), "-f", "yaml", "--skip-existing", "--table", str(t2))
    assert r.exit_code == 0, r.stderr
    assert "0 converted, 3 skipped" in r.stderr
    assert t1.read_bytes() == t2.read_bytes()


def test_unreadable_file_is_recorded_even_when_running_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root reads a mode-000 file anyway, so the permission error is made
    where the batch opens files: the same path a real EACCES takes."""
    import builtins

    import speechtree.batch as batch_mod

    src = tmp_path / "in"
    src.mkdir()
    (src / "ok.txt").write_text(SPEECH, encoding="utf-8")
    (src / "locked.txt").write_text(SPEECH, encoding="utf-8")
    real_open = builtins.open

    def guarded_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(batch_mod, "open", guarded_open, raising=False)
    out = tmp_path / "out"
    summary = convert_folder(src, out, jobs=1)
    assert (summary.written, summary.failed) == (1, 1)
    assert errors(out) == [
        {"path": "locked.txt", "error": "InputError", "message": "Permission denied"}
    ]
    assert set(outputs(out)) == {"ok.json"}


def test_a_huge_file_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    with open(src / "huge.txt", "wb") as fh:
        fh.truncate(50_000_000)  # sparse: 50 MB of zeros, cheap to make
    out = tmp_path / "out"
    summary = convert_folder(src, out, jobs=1, options=ParseOptions(max_bytes=1000))
    assert summary.failed == 1
    (err,) = errors(out)
    assert err["error"] == "LimitError" and "50,000,000 bytes" in err["message"]


# -- per-file time limit ------------------------------------------------------


def _slow_on_x(data: bytes | str, **kw: object) -> Document:
    """parse(), but stuck on the speech of a/b/x.txt (as a pathological file would be)."""
    if str(kw.get("path", "")).endswith("x.txt"):
        time.sleep(30)
    return parse(data, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_over_the_time_limit_fails_and_the_rest_go_on(
    good_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int,
    forked_workers: None,
) -> None:
    monkeypatch.setattr(batch_module, "parse", _slow_on_x)  # workers fork with it
    out = tmp_path / "out"
    started = time.monotonic()
    summary = convert_folder(good_tree, out, jobs=jobs, timeout=0.5)
    assert time.monotonic() - started < 20
    assert (summary.written, summary.failed) == (2, 1)
    assert not (out / "a" / "b" / "x.json").exists()
    (rec,) = [json.loads(line) for line in (out / "_errors.jsonl").read_bytes().splitlines()]
    assert rec["path"] == "a/b/x.txt" and rec["error"] == "TimeLimitError"
    assert "0.5 s" in rec["message"]
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL  # the handler is put back


def test_parse_many_time_limit(good_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_module, "parse", _slow_on_x)
    paths = [good_tree / "a" / "b" / "x.txt", good_tree / "a" / "gbk.txt"]
    got = list(parse_many(paths, jobs=1, timeout=0.5))
    assert got[0].failure is not None and got[0].failure.error == "TimeLimitError"
    assert got[1].ok


def test_time_limit_is_refused_where_it_cannot_be_kept(good_tree: Path, tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def in_a_thread() -> None:
        try:
            convert_folder(good_tree, tmp_path / "out", jobs=1, timeout=1)
        except ValueError as exc:
            errors.append(exc)

    t = threading.Thread(target=in_a_thread)
    t.start()
    t.join()
    assert errors and "main thread" in str(errors[0])
    assert not (tmp_path / "out").exists()  # refused before any work
    with pytest.raises(ValueError, match="positive"):
        convert_folder(good_tree, tmp_path / "out", jobs=1, timeout=0)
    r = run(str(good_tree), "-o", str(tmp_path / "out"), "--timeout", "0")
    assert r.exit_code == EXIT_USAGE


def test_chunks_end_at_a_count_or_a_size() -> None:
    from speechtree.batch import _CHUNK, _CHUNK_BYTES, _chunked

    small = list(_chunked(range(2 * _CHUNK + 1), lambda t: 10))
    assert [len(c) for c in small] == [_CHUNK, _CHUNK, 1]
    sizes = {0: 10, 1: _CHUNK_BYTES, 2: 10, 3: 10, 4: 2 * _CHUNK_BYTES, 5: 10}
    assert list(_chunked(range(6), sizes.__getitem__)) == [[0, 1], [2, 3, 4], [5]]
    assert list(_chunked([], lambda t: 0)) == []


def test_small_size_limit_with_several_jobs(good_tree: Path, tmp_path: Path) -> None:
    """The warm-up before the workers start is not held to the files' limits."""
    summary = convert_folder(good_tree, tmp_path / "out", jobs=2,
                             options=ParseOptions(max_bytes=10))
    assert summary.failed == 3  # each file over 10 bytes: recorded, not a crash


def test_workers_do_not_fork_from_a_threaded_process() -> None:
    """A caller that already runs threads (pyarrow's pool after a Parquet
    table, a web server): forking then can deadlock a worker on a lock another
    thread held (Python 3.12 warns), so the workers come from a fork server."""
    import threading
    import warnings

    from speechtree.batch import _ordered_map, _pool_context

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        ctx = _pool_context()
        assert ctx is not None and ctx.get_start_method() == "forkserver"
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            got = list(_ordered_map(_square, range(40), 2, lambda t, e: -t))
        assert got == [(t, t * t) for t in range(40)]
    finally:
        stop.set()
        other.join()
