"""Grammar stage: the compiled marker grammar and scanners, kept on disk between processes.

Building the Lark parser and the two scanners (``markers.scanners``) costs
about ten times what a parse of a page does, and a linter or pre-commit hook
starts ``speechtree`` once per file. So what they compile to is saved in the
user's cache folder and read back by the next process:

- one file per artefact, named by a SHA-256 of everything it is built from
  (the grammar text, the source of the modules that build it, the versions
  of lark and of Python): a change to any of them is a miss, never a stale
  hit, and needs no invalidation step;
- each file carries a SHA-256 of its payload, so a truncated or damaged file
  is rebuilt, not trusted; writes go to a temporary file renamed into place,
  so concurrent processes never read half a file;
- a folder that cannot be written (a read-only home, a sandbox) only means
  building in memory each time, as without the cache.

The folder is ``$SPEECHTREE_CACHE_DIR``, else ``$XDG_CACHE_HOME/speechtree``
(``%LOCALAPPDATA%`` on Windows), else ``~/.cache/speechtree``;
``SPEECHTREE_CACHE_DIR=off`` (or an empty value) turns it off.

A compiled regular expression cannot be pickled (``re`` pickles the source
and compiles again, which is most of the cost), so a pattern is kept as the
code ``re``'s compiler made for it and handed back to ``_sre.compile``, as
``re.compile`` itself does; the key holds ``_sre.MAGIC`` and the Python
version, and ``_sre`` checks the code it is given. Anything unexpected there
falls back to ``re.compile``.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")

#: Bump when the layout of a cache file changes.
_FORMAT = b"speechtree-cache 1\n"
_DIGEST = 32
#: How many files of one artefact (under different keys) a folder keeps.
_KEEP = 4


def cache_dir() -> Path | None:
    """The folder cache files go in, or None when caching is off."""
    env = os.environ.get("SPEECHTREE_CACHE_DIR")
    if env is not None:
        return None if env.strip() in ("", "off", "0") else Path(env)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "speechtree" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if base.startswith("~"):  # no home directory to expand to
        return None
    return Path(base) / "speechtree"


def source_key(*parts: str | bytes, modules: Iterable[str] = ()) -> bytes | None:
    """A key for an artefact built from ``parts`` and the code of ``modules``
    (files beside this one, ``"shapes.py"``): None when a module's source
    cannot be read (a frozen or zipped install), so that no cache is used
    rather than one that might not match the code."""
    h = hashlib.sha256(_FORMAT)
    h.update(f"{sys.implementation.cache_tag} {sys.version} {_sre.MAGIC}".encode())
    for part in parts:
        b = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(b).to_bytes(8, "little") + b)
    here = Path(__file__).resolve().parent
    for name in (*modules, "buildcache.py"):
        try:
            b = (here / name).read_bytes()
        except OSError:
            return None
        h.update(name.encode() + len(b).to_bytes(8, "little") + b)
    return h.digest()


def cached(
    name: str,
    key: bytes | None,
    build: Callable[[], _T],
    dump: Callable[[_T], Any],
    load: Callable[[Any], _T],
) -> _T:
    """``load(data)`` of the cache file of ``name`` under ``key`` when there is
    a sound one; else ``build()``, saved as ``dump(result)`` (picklable) for
    the next process. A ``load`` that raises counts as a miss."""
    folder = cache_dir()
    if key is None or folder is None:
        return build()
    path = folder / f"{name}-{key.hex()[:32]}.bin"
    data = _read(path, key)
    if data is not None:
        try:
            return load(data)
        except Exception:  # a payload this code cannot use: build it again
            pass
    value = build()
    try:
        _write(path, key, dump(value))
    except Exception:  # an unwritable folder, a full disk: only slower next time
        pass
    return value


def _read(path: Path, key: bytes) -> Any:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head = len(_FORMAT)
    if raw[:head] != _FORMAT or raw[head:head + _DIGEST] != key:
        return None
    digest = raw[head + _DIGEST:head + 2 * _DIGEST]
    payload = raw[head + 2 * _DIGEST:]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        return pickle.loads(payload)
    except Exception:
        return None


def _write(path: Path, key: bytes, value: Any) -> None:
    from .guard import write_atomic  # (only on a miss: not at start-up)

    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, _FORMAT + key + hashlib.sha256(payload).digest() + payload)
    # Files of the same artefact under other keys: keep the few used last
    # (two installs of different versions may share the folder), drop the rest.
    stem = path.name.rsplit("-", 1)[0]
    others = []
    for old in path.parent.glob(f"{stem}-*.bin"):
        try:
            others.append((old.stat().st_mtime, old))
        except OSError:
            pass
    for _, old in sorted(others, reverse=True)[_KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass


# --- compiled regular expressions ---------------------------------------------

# re's own compiler (sre_compile/sre_parse until 3.11), untyped internals.
_re_compiler: Any = importlib.import_module("re._compiler" if sys.version_info >= (3, 11)
                                            else "sre_compile")
_re_parser: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11)
                                          else "sre_parse")
_sre: Any = importlib.import_module("_sre")

#: ``(flags, code, groups, groupindex, indexgroup)``: what ``_sre.compile``
#: takes besides the source.
PatternCode = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


def compile_keeping_code(
    source: str, flags: int = 0
) -> tuple[re.Pattern[str], PatternCode | None]:
    """``re.compile(source, flags)`` and the compiled code, for :func:`from_code`
    (None when this interpreter's compiler is not the one expected)."""
    flags = int(flags)
    try:
        p = _re_parser.parse(source, flags)
        code = [int(c) for c in _re_compiler._code(p, flags)]  # (opcodes are int subclasses)
        groupindex = dict(p.state.groupdict)
        indexgroup: list[str | None] = [None] * p.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        state: PatternCode = (flags | p.state.flags, code, p.state.groups - 1, groupindex,
                              tuple(indexgroup))
        pattern = from_code(source, state)
    except Exception:
        return re.compile(source, flags), None
    return pattern, state


def from_code(source: str, state: PatternCode | None, flags: int = 0) -> re.Pattern[str]:
    """The pattern of ``source`` from the code :func:`compile_keeping_code`
    made (compiled afresh, with ``flags``, when there is none)."""
    if state is None:
        return re.compile(source, flags)
    flags, code, groups, groupindex, indexgroup = state
    # (The code and its source come from one checksummed file; _sre checks
    # that the code is well formed.)
    pattern: re.Pattern[str] = _sre.compile(source, flags, code, groups, groupindex, indexgroup)
    return pattern


class Patterns:
    """The regular expressions of one module, compiled in an earlier process:
    ``_re = Patterns("metadata")``, then ``_re(source, flags)`` where the module
    would call ``re.compile``, and ``_re.save()`` after the last one.

    Each pattern is found by its source and flags, so the file needs no key
    beyond the interpreter's; after a miss, :meth:`save` writes the patterns
    this module compiled (and drops any it no longer has)."""

    def __init__(self, name: str, keep: bool = False) -> None:
        self.name = name
        #: Keep the patterns of earlier processes too (a set that grows with
        #: use, such as a lexer's per-state patterns), not only this one's.
        self.keep = keep
        self._key = source_key(name)
        self._known: dict[tuple[str, int], PatternCode] | None = None
        self._made: dict[tuple[str, int], PatternCode | None] = {}
        self._compiled: dict[tuple[str, int], re.Pattern[str]] = {}
        self._missed = False

    def __call__(self, source: str, flags: int = 0) -> re.Pattern[str]:
        key = (source, int(flags))
        done = self._compiled.get(key)
        if done is None:
            done = self._compiled[key] = self._compile(key)
        return done

    def _compile(self, key: tuple[str, int]) -> re.Pattern[str]:
        source, flags = key
        if self._known is None:
            self._known = self._load()
        code = self._known.get(key)
        if code is not None:
            try:
                pattern = from_code(source, code)
            except Exception:  # (a file this interpreter cannot use)
                pass
            else:
                self._made[key] = code
                return pattern
        self._missed = True
        pattern, self._made[key] = compile_keeping_code(source, flags)
        return pattern

    def _load(self) -> dict[tuple[str, int], PatternCode]:
        folder = cache_dir()
        if folder is None or self._key is None:
            return {}
        data = _read(folder / f"re-{self.name}-{self._key.hex()[:32]}.bin", self._key)
        return data if isinstance(data, dict) else {}

    def save(self) -> None:
        folder = cache_dir()
        if not self._missed or folder is None or self._key is None:
            return
        made = {k: v for k, v in self._made.items() if v is not None}
        if self.keep and self._known:
            made = {**self._known, **made}
        try:
            _write(folder / f"re-{self.name}-{self._key.hex()[:32]}.bin", self._key, made)
        except Exception:  # an unwritable folder: only slower next time
            pass
        self._missed = False
