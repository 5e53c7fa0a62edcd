"""speechtree: the outline of Chinese speeches and reports as a typed tree.

>>> import speechtree
>>> doc = speechtree.parse("一、总体要求\\n（一）指导思想。坚持…\\n")
>>> [n.marker for _, n in doc.walk()]
['一、', '（一）']
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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

try:
    __version__ = version("speechtree")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0+unknown"

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
