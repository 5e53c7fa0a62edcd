"""Nothing newer than the oldest supported Python (3.10), checked on any interpreter.

The suite run on 3.10 itself (``.ci/run``) is the full check; these catch the
usual faults on whatever interpreter runs the tests: syntax (``except*``,
``type X = …``), regular expressions with 3.11's atomic groups or possessive
quantifiers (``re`` on 3.10 refuses them at import), and the places that name
the oldest version disagreeing. (3.11+ stdlib names, such as ``tomllib`` or
``typing.Self``, are mypy's: pyproject sets ``python_version = "3.10"``.)
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
OLDEST = (3, 10)
SOURCES = sorted(
    p for d in ("speechtree", "tests", "examples", "benchmarks") for p in (ROOT / d).rglob("*.py")
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_syntax_parses_as_the_oldest_python(path: Path) -> None:
    # feature_version is best effort (PEP 701 f-strings slip through), so the
    # 3.10 run of .ci/run stays the real check; this one is cheap and local.
    ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=OLDEST)


def test_the_oldest_version_is_named_alike_everywhere() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    oldest = ".".join(map(str, OLDEST))
    assert meta["project"]["requires-python"] == f">={oldest}"
    assert meta["tool"]["ruff"]["target-version"] == "py" + oldest.replace(".", "")
    assert meta["tool"]["mypy"]["python_version"] == oldest
    listed = [
        c.rsplit(" :: ", 1)[1] for c in meta["project"]["classifiers"]
        if c.startswith("Programming Language :: Python :: 3.")
    ]
    # .ci/run tests every listed version the machine has.
    assert listed[0] == oldest and listed == sorted(listed, key=lambda v: int(v.split(".")[1]))


# Run in a fresh interpreter: record every pattern that ``re`` compiles while
# each speechtree module is imported and a speech is parsed, then look for the
# opcodes 3.11 added to the parser.
_PROBE = r"""
import json, pkgutil, re, sys, importlib, importlib.util
seen = set()
_orig = re._compile
import os
PKG = os.path.dirname(importlib.util.find_spec("speechtree").origin)
def _caller_file():
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename.startswith(os.path.dirname(re.__file__)):
        f = f.f_back
    return "" if f is None else f.f_code.co_filename
def _spy(pattern, flags):
    # Only speechtree's own patterns: other packages guard theirs themselves.
    if isinstance(pattern, (str, bytes)) and _caller_file().startswith(PKG):
        seen.add((pattern if isinstance(pattern, str) else pattern.decode("latin-1"),
                  int(flags), isinstance(pattern, bytes)))
    return _orig(pattern, flags)
re._compile = _spy
import speechtree
for mod in pkgutil.walk_packages(speechtree.__path__, "speechtree."):
    if mod.name.endswith("__main__"):
        continue  # it runs the command line
    try:
        importlib.import_module(mod.name)
    except ImportError:  # an optional extra (dask) that is not installed
        pass
for name in sys.argv[1:]:
    speechtree.parse_file(name)
print(json.dumps(sorted(seen)))
"""


def _newer_opcodes(pattern: str | bytes, flags: int) -> set[str]:
    import re._parser as sre_parse  # type: ignore[import-not-found]  # 3.11+

    found: set[str] = set()

    def walk(sub: object) -> None:
        for op, arg in sub:  # type: ignore[attr-defined]
            if str(op) in ("ATOMIC_GROUP", "POSSESSIVE_REPEAT"):
                found.add(str(op))
            for a in arg if isinstance(arg, (list, tuple)) else (arg,):
                if isinstance(a, sre_parse.SubPattern):
                    walk(a)
                elif isinstance(a, (list, tuple)):
                    for b in a:
                        if isinstance(b, sre_parse.SubPattern):
                            walk(b)

    walk(sre_parse.parse(pattern, flags))
    return found


@pytest.mark.skipif(sys.version_info < (3, 11), reason="3.10 refuses these patterns itself")
def test_no_regex_needs_python_3_11() -> None:
    speeches = sorted(str(p) for p in (ROOT / "examples" / "speeches").glob("*.txt"))
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *speeches],
        capture_output=True, text=True, check=True, timeout=300,
    ).stdout
    patterns = json.loads(out)
    assert len(patterns) > 20  # the spy saw the package's patterns
    bad = {}
    for pattern, flags, is_bytes in patterns:
        p = pattern.encode("latin-1") if is_bytes else pattern
        found = _newer_opcodes(p, flags)
        if found:
            bad[pattern[:80]] = sorted(found)
    assert not bad, f"patterns that Python 3.10's re cannot compile: {bad}"


def test_the_probe_sees_what_3_10_refuses() -> None:
    if sys.version_info < (3, 11):
        pytest.skip("3.10 has no atomic groups to find")
    assert _newer_opcodes(r"a(?>bc|b)c", 0) == {"ATOMIC_GROUP"}
    assert _newer_opcodes(r"x(?:y[0-9]++)", 0) == {"POSSESSIVE_REPEAT"}
    assert _newer_opcodes(r"(a|b)+?", 0) == set()
