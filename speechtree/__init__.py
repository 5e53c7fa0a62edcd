"""speechtree: the outline of Chinese speeches and reports as a typed tree.

>>> import speechtree
>>> doc = speechtree.parse("一、总体要求\\n（一）指导思想。坚持…\\n")
>>> [n.marker for _, n in doc.walk()]
['一、', '（一）']

The names below are imported on first use (PEP 562), so that ``import
speechtree`` and ``speechtree --version`` stay quick: a linter or a
pre-commit hook starts the command once per file.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .batch import TextInput, parse_many
    from .check import verify_lossless
    from .errors import DecodeError, InputError, LimitError, SpeechtreeError, TimeLimitError
    from .models import (
        SCHEMA_VERSION,
        Block,
        Document,
        Node,
        OutlineWarning,
        Source,
        Span,
        Speech,
        json_schema,
    )
    from .options import ParseOptions
    from .parser import parse, parse_file
    from .styles import STYLES, Style

#: Where each public name lives.
_HOME = {
    "parse_many": "batch",
    "TextInput": "batch",
    "verify_lossless": "check",
    **dict.fromkeys(
        ["DecodeError", "InputError", "LimitError", "SpeechtreeError", "TimeLimitError"],
        "errors",
    ),
    **dict.fromkeys(
        ["SCHEMA_VERSION", "Block", "Document", "Node", "OutlineWarning", "Source", "Span",
         "Speech", "json_schema"],
        "models",
    ),
    "ParseOptions": "options",
    "parse": "parser",
    "parse_file": "parser",
    "STYLES": "styles",
    "Style": "styles",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        # A submodule (speechtree.check, speechtree.render…), as when every
        # module was imported up front.
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
        raise AttributeError(f"module 'speechtree' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__all__ = [
    "SCHEMA_VERSION",
    "STYLES",
    "Block",
    "DecodeError",
    "Document",
    "InputError",
    "LimitError",
    "Node",
    "OutlineWarning",
    "ParseOptions",
    "Source",
    "Span",
    "Speech",
    "SpeechtreeError",
    "Style",
    "TextInput",
    "TimeLimitError",
    "__version__",
    "json_schema",
    "parse",
    "parse_file",
    "parse_many",
    "verify_lossless",
]
