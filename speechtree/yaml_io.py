"""YAML output and input: libyaml's C emitter and parser when PyYAML has them.

The C dumper is about four times as fast as the pure-Python one and writes the
same text, except for two kinds of character it escapes where the Python one
writes them as they are: characters outside the Basic Multilingual Plane
(rare CJK characters such as 𠀋, emoji) and U+0085 (NEL). A document holding
either is dumped by the Python dumper, so the output never depends on whether
libyaml is installed (``tests/test_packaging.py`` compares the two).
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import yaml

_C_DUMPER: type[yaml.SafeDumper] | None = getattr(yaml, "CSafeDumper", None)
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: In UTF-8: the lead byte of a 4-byte sequence (outside the BMP), or U+0085.
_C_DIFFERS = re.compile(rb"[\xf0-\xf4]|\xc2\x85")

_OPTIONS: dict[str, Any] = {"allow_unicode": True, "sort_keys": False, "width": 1_000_000}


def dumper_for(data: Any) -> type[yaml.SafeDumper]:
    """The fastest dumper that writes ``data`` exactly as the Python one does."""
    if _C_DUMPER is None or _C_DIFFERS.search(orjson.dumps(data)):
        return yaml.SafeDumper
    return _C_DUMPER


def dump(data: Any) -> str:
    """``data`` (JSON-like) as block YAML with readable Chinese."""
    out: str = yaml.dump(data, Dumper=dumper_for(data), **_OPTIONS)
    return out


def load(data: str | bytes) -> Any:
    """Parse YAML safely (libyaml's parser when present)."""
    return yaml.load(data, Loader=_LOADER)  # a SafeLoader: builds plain data only
