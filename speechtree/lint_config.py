"""Lint settings: ``[tool.speechtree.lint]`` in pyproject.toml or ``[lint]`` in speechtree.toml.

The settings file is found as ruff finds its own: from the checked file's
folder upward, the first folder holding a ``speechtree.toml`` (any content) or a
``pyproject.toml`` with a ``[tool.speechtree]`` table; in one folder
``speechtree.toml`` wins. Keys: ``select``, ``ignore`` (codes or prefixes, as
``--select``/``--ignore``) and ``per-file-ignores`` (a table of globs, relative
to the settings file's folder, to lists of codes).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SpeechtreeError
from .lint import UnknownCodeError, select_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_NAMES = ("speechtree.toml", "pyproject.toml")
_KEYS = frozenset({"select", "ignore", "per-file-ignores"})


class ConfigError(SpeechtreeError):
    """A settings file that cannot be read or says something lint does not know."""

    exit_code = 2  # a usage error, as a bad --select is


@dataclass(frozen=True)
class LintSettings:
    """What a settings file says about lint; the defaults when there is none."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    path: Path | None = None  # the settings file

    def ignores_for(self, file: str) -> tuple[str, ...]:
        """The codes ``per-file-ignores`` drops for ``file`` (a path as given)."""
        if not self.per_file_ignores or file == "-" or self.path is None:
            return ()
        from .batch import glob_regex  # the glob dialect of --glob, one place

        root = self.path.parent.resolve()
        full = Path(os.path.abspath(file))
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            rel = full.as_posix()
        out: list[str] = []
        for pattern, codes in self.per_file_ignores:
            target = rel if "/" in pattern else full.name
            if glob_regex(pattern).match(target):
                out.extend(codes)
        return tuple(out)


def find_config(start: str | os.PathLike[str] = ".") -> Path | None:
    """The settings file that governs ``start`` (a folder), or None."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        own = folder / "speechtree.toml"
        if own.is_file():
            return own
        py = folder / "pyproject.toml"
        if py.is_file() and "speechtree" in _read(py).get("tool", {}):
            return py
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(exc.strerror or str(exc), path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None


def _codes(value: object, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of codes, like [\"ST1\", \"ST302\"]",
                          path=str(path))
    return tuple(c.strip() for v in value for c in v.split(",") if c.strip())


def load_settings(path: str | os.PathLike[str]) -> LintSettings:
    """Read the lint settings of one file (pyproject.toml or speechtree.toml)."""
    p = Path(path)
    data = _read(p)
    if p.name == "pyproject.toml":
        data = data.get("tool", {}).get("speechtree", {})
    table = data.get("lint", {})
    if not isinstance(table, dict):
        raise ConfigError("lint must be a table", path=str(p))
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(
            f"unknown lint setting {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})",
            path=str(p),
        )
    select = _codes(table["select"], "select", p) if "select" in table else None
    ignore = _codes(table.get("ignore", []), "ignore", p)
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError("per-file-ignores must be a table of glob = [codes]", path=str(p))
    per_file = tuple(
        (str(glob), _codes(codes, f"per-file-ignores.{glob}", p)) for glob, codes in pfi.items()
    )
    try:
        select_rules(select, ignore)
        for _, codes in per_file:
            select_rules(None, codes)
    except UnknownCodeError as exc:
        raise ConfigError(str(exc), path=str(p)) from None
    return LintSettings(select, ignore, per_file, p)


def settings_for(config: str | os.PathLike[str] | None, *, start: str = ".") -> LintSettings:
    """The settings from ``config`` when given, else from the file found from ``start``."""
    found = Path(config) if config is not None else find_config(start)
    return load_settings(found) if found is not None else LintSettings()


def merge(settings: LintSettings, select: Iterable[str] | None,
          ignore: Iterable[str] | None) -> tuple[list[str] | None, list[str]]:
    """Command-line codes over the settings: ``--select`` replaces the file's
    ``select``, ``--ignore`` adds to its ``ignore``."""
    sel = list(select) if select else (list(settings.select) if settings.select else None)
    return sel, [*settings.ignore, *(ignore or ())]
