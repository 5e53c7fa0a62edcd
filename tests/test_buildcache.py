"""The build cache: compiled grammar and scanners kept between processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from speechtree import buildcache, markers
from speechtree.grammar import classify, marker_parser

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "examples" / "speeches" / "county_work_meeting.txt"


def _counting_build(calls: list[int]) -> dict[str, int]:
    calls.append(1)
    return {"built": len(calls)}


def _get(key: bytes | None, calls: list[int]) -> dict[str, int]:
    return buildcache.cached("thing", key, lambda: _counting_build(calls), dict, dict)


def test_second_call_reads_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", str(tmp_path))
    calls: list[int] = []
    key = buildcache.source_key("grammar text")
    assert _get(key, calls) == {"built": 1}
    assert _get(key, calls) == {"built": 1}
    assert calls == [1]
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == ["thing"]


def test_another_key_builds_and_keeps_only_the_last_few_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", str(tmp_path))
    calls: list[int] = []
    _get(buildcache.source_key("one"), calls)
    assert _get(buildcache.source_key("two"), calls) == {"built": 2}
    # Two installs sharing the folder do not throw each other's file away…
    assert _get(buildcache.source_key("one"), calls) == {"built": 1}
    assert len(calls) == 2
    for k in range(3, 10):
        _get(buildcache.source_key(str(k)), calls)
    # …but old keys do not pile up.
    assert len(list(tmp_path.glob("thing-*.bin"))) == buildcache._KEEP


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_a_damaged_file_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", str(tmp_path))
    calls: list[int] = []
    key = buildcache.source_key("x")
    _get(key, calls)
    (path,) = tmp_path.glob("thing-*.bin")
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[:-5])
    elif damage == "flip":
        path.write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(os.urandom(len(raw)))
    assert _get(key, calls) == {"built": 2}
    assert _get(key, calls) == {"built": 2}  # and written again, sound


def test_a_load_that_fails_counts_as_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", str(tmp_path))
    key = buildcache.source_key("y")
    buildcache.cached("thing", key, lambda: 1, lambda v: v, lambda d: d)

    def refuse(data: object) -> int:
        raise ValueError("not usable")

    assert buildcache.cached("thing", key, lambda: 2, lambda v: v, refuse) == 2


def test_off_and_unwritable_folders_build_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", "off")
    assert buildcache.cache_dir() is None
    assert _get(buildcache.source_key("z"), calls) == {"built": 1}
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", str(blocker / "cache"))
    assert _get(buildcache.source_key("z"), calls) == {"built": 2}
    assert _get(buildcache.source_key("z"), calls) == {"built": 3}


def test_key_follows_the_source_of_the_modules() -> None:
    a = buildcache.source_key("g", modules=["shapes.py"])
    assert a is not None
    assert a == buildcache.source_key("g", modules=["shapes.py"])
    assert a != buildcache.source_key("g", modules=["styles.py"])
    assert a != buildcache.source_key("h", modules=["shapes.py"])
    # A module whose source cannot be read: no cache rather than a wrong one.
    assert buildcache.source_key("g", modules=["no_such_module.py"]) is None


@pytest.mark.parametrize("source", [
    r"(?P<y>\d{4})年(?:(?P<m>\d{1,2})月)?", "[一二三四五六七八九十]{1,3}(?=、)",
    r"(?<![0-9])(a)?(?(1)b|c)", "[\u4e00-\u9fff\U00020000-\U0002a6df]+",
])
def test_pattern_from_its_code_matches_as_compiled(source: str) -> None:
    _, code = buildcache.compile_keeping_code(source)
    assert code is not None  # this interpreter's compiler is the one expected
    again = buildcache.from_code(source, code)
    fresh = re.compile(source)
    assert (again.pattern, again.flags, again.groups, again.groupindex) == (
        fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex)
    for text in ["2020年6月", "十二、", "ab", "c", "汉字\U00020001", "x"]:
        m1, m2 = again.search(text), fresh.search(text)
        assert (m1 and (m1.span(), m1.groups())) == (m2 and (m2.span(), m2.groups()))


def test_malformed_code_is_refused_not_run() -> None:
    _, code = buildcache.compile_keeping_code("(a)(b)")
    assert code is not None
    flags, ops, groups, gi, ig = code
    with pytest.raises(RuntimeError):
        buildcache.from_code("(a)(b)", (flags, ops[: len(ops) // 2], groups, gi, ig))


def test_scanners_from_the_cache_are_the_ones_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", str(tmp_path))
    built = markers._build_scanners()
    loaded = markers._load_scanners(markers._dump_scanners(built))
    for b, c in zip(built, loaded, strict=True):
        assert c.pattern.pattern == b.pattern.pattern
        assert c.start_chars == b.start_chars
        text = "一是抓好（一）落实，二是①做好第三章 1.2 十二、甲、其一"
        assert [m.span() for m in c.pattern.finditer(text)] == [
            m.span() for m in b.pattern.finditer(text)]


def _run(args: list[str], cache: Path | str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SPEECHTREE_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          timeout=120, check=True)


def test_a_process_reading_the_cache_gives_the_same_output(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ["-m", "speechtree", "parse", str(SMALL)]
    first = _run(args, cache).stdout
    names = {p.name.split("-")[0] for p in cache.iterdir()}
    assert names == {"markers", "scanners", "punctuation", "re"}
    second = _run(args, cache).stdout
    assert list(cache.glob("re-lark-lexer-*.bin"))  # the loaded parser's lexer, at exit
    third = _run(args, cache).stdout
    uncached = _run(args, "off").stdout
    assert first == second == third == uncached
    json.loads(first)


def test_parser_loaded_from_the_cache_reads_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", str(tmp_path))
    texts = ["（十二）", "一百零五、", "其次，", "第三章", "⑫", "x"]
    probe = f"from speechtree.grammar import classify; print([classify(t) for t in {texts!r}])"
    outs = {_run(["-c", probe], tmp_path).stdout for _ in range(2)}
    assert len(outs) == 1
    assert outs.pop().strip() == str([classify(t) for t in texts])
    assert marker_parser() is marker_parser()


def test_patterns_of_a_module_come_back_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPEECHTREE_CACHE_DIR", str(tmp_path))
    first = buildcache.Patterns("probe")
    a = first(r"(?P<y>\d{4})年", re.M)
    first("x.y", re.S)
    first.save()
    (path,) = tmp_path.glob("re-probe-*.bin")
    stamp = path.stat().st_mtime_ns
    second = buildcache.Patterns("probe")
    a2, b2 = second(r"(?P<y>\d{4})年", re.M), second("x.y", re.S)
    second.save()  # nothing new: the file is not written again
    assert path.stat().st_mtime_ns == stamp
    assert (a2.pattern, a2.flags, a2.groupindex) == (a.pattern, a.flags, a.groupindex)
    assert b2.flags & re.S and b2.match("x\ny") and not re.compile("x.y").match("x\ny")
    # A module whose patterns changed: the new one is compiled, the old dropped.
    third = buildcache.Patterns("probe")
    c = third("x.y")
    third.save()
    assert c.match("x-y") and not c.match("x\ny")
    assert set(buildcache._read(path, buildcache.source_key("probe"))) == {("x.y", 0)}
