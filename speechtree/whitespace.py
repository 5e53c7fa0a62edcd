"""Whitespace: the one definition every stage shares.

It is what ``str.isspace()`` and stdlib ``re``'s ``\\s`` call whitespace. The
``regex`` module's ``\\s`` (Unicode White_Space) leaves out U+001C–U+001F,
which ``str.split``/``strip`` and the parser treat as spaces: a check built
on it disagreed with the parser, so nothing here uses ``regex``'s ``\\s``.
"""

from __future__ import annotations

#: Every whitespace character (all lie below U+3001; a test checks the rest).
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def class_body(extra: str = "") -> str:
    """The whitespace and ``extra``, escaped to go inside a ``[…]`` class (``re`` or ``regex``)."""
    return "".join(map(_escape, WHITESPACE + extra))


def char_class(extra: str = "") -> str:
    """A regular-expression class of the whitespace and ``extra``."""
    return "[" + class_body(extra) + "]"


def _escape(c: str) -> str:
    return f"\\u{ord(c):04x}" if ord(c) > 0xFF else f"\\x{ord(c):02x}"
