"""Terminal safety: document text shown escaped where it reaches a terminal.

A text may hold control characters (``\\x1b[2J`` clears the screen, OSC
sequences set the window title or write to the clipboard) and bidirectional
overrides that reorder what is shown. Views meant for a terminal (``-f tree``,
``diff`` and ``lint`` text) pass every piece of document text through
:func:`printable`; JSON, YAML and Markdown keep the text as it is.
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
