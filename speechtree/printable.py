"""Terminal safety: document text shown escaped where it reaches a terminal.

A text may hold control characters (``\\x1b[2J`` clears the screen, OSC
sequences set the window title or write to the clipboard) and bidirectional
overrides that reorder what is shown. Views meant for a terminal (``-f tree``,
``diff`` and ``lint`` text, and Markdown, a view for people that has no form
a renderer would show a control in) pass every piece of document text
through :func:`printable`. HTML must keep the characters its offsets count:
it writes C0 controls and bidirectional overrides as numeric character
references (:func:`references`), which a browser reads back as the same
characters, so the file holds none raw (C1 controls stay: no reference
reads back as one). JSON escapes C0 controls by its own rules and C1 ones
through :func:`json_c1_escaped` (orjson writes them raw); YAML escapes both.
CSV, JSONL and Parquet tables hold the text exactly (data, not a view).
"""

from __future__ import annotations

import re

#: C0 and C1 controls and DEL (tab aside), and the bidirectional embeddings,
#: overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(m: re.Match[str]) -> str:
    cp = ord(m.group())
    return f"\\x{cp:02x}" if cp <= 0xFF else f"\\u{cp:04x}"


def printable(text: str) -> str:
    """``text`` with each control character shown as ``\\xNN`` (``\\uNNNN``)."""
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


#: What :func:`references` writes as ``&#xNN;``: the same set less tab, line
#: breaks and C1 controls, since HTML reads a reference to U+0080–U+009F as a
#: Windows-1252 character (``&#x9b;`` is "›"). NUL, which no HTML can hold, is
#: the caller's.
_UNSAFE_IN_HTML = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _reference(m: re.Match[str]) -> str:
    return f"&#x{ord(m.group()):x};"


def references(text: str) -> str:
    """``text`` for HTML, with each C0 control (tab and line breaks aside),
    DEL and bidirectional override written as a numeric character reference."""
    return _UNSAFE_IN_HTML.sub(_reference, text) if _UNSAFE_IN_HTML.search(text) else text


#: A C1 control in UTF-8: the lead byte C2 occurs in nothing else before a
#: byte 80–9F, so the pair is always one whole character.
_C1_UTF8 = re.compile(b"\xc2([\x80-\x9f])")


def _c1_escape(m: re.Match[bytes]) -> bytes:
    return b"\\u00%02x" % m.group(1)[0]


def json_c1_escaped(data: bytes) -> bytes:
    """JSON text (UTF-8) with each C1 control written ``\\u0080``–``\\u009f``:
    the same JSON value, which orjson would write raw (JSON only requires
    C0 controls to be escaped), and some terminals obey as escape codes."""
    return _C1_UTF8.sub(_c1_escape, data) if b"\xc2" in data else data
