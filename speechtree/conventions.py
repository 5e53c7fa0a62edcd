"""Conventions: the one way speechtree numbers and names things in its output.

Everything a user reads is 1-based: speeches, node paths (``3.2.1``) and
lines, in JSON warnings, ``--table`` rows and ``diff``; a node's path is
``/3/2/1``. Python indexes
(``Document.walk()`` tuples) stay 0-based, as Python's are. Numbering
problems carry lint's codes (``ST101`` …) wherever they are reported, and an
encoding is named by its canonical codec name.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence

#: Problems of the input itself, found before any outline exists (lint's
#: rules read outlines, so these have codes of their own, below ST1xx).
INPUT_WARNING_CODES: dict[str, str] = {
    "ST001": "invalid-bytes",
}

#: Every lint rule's code and name, in lint's order (``lint.RULES`` gives each
#: its check): the one vocabulary for what parse warns about and lint
#: reports, kept here so that a parse with warnings need not import lint.
RULE_NAMES: dict[str, str] = {
    "ST101": "skipped-ordinal",
    "ST102": "duplicate-ordinal",
    "ST103": "start-not-one",
    "ST104": "ordinal-backwards",
    "ST201": "level-skip",
    "ST202": "level-inverted",
    "ST203": "style-two-levels",
    "ST204": "too-deep",
    "ST301": "punct-after-bracket",
    "ST302": "cn-numeral-dot",
    "ST303": "arabic-dun",
    "ST304": "mixed-width-series",
    "ST305": "mixed-width-marker",
    "ST306": "half-bracket",
    "ST307": "nonstandard-ordinal",
    "ST308": "lookalike-punctuation",
}

#: The tree builder's names for numbering problems → lint's codes.
TREE_WARNING_CODES: dict[str, str] = {
    "gap": "ST101",
    "duplicate": "ST102",
    "start-not-one": "ST103",
    "series-restart": "ST104",
    "too-deep": "ST204",
}


def warning_code(tree_code: str) -> tuple[str, str]:
    """``(lint code, rule name)`` for a tree builder's warning."""
    code = TREE_WARNING_CODES[tree_code]
    return code, RULE_NAMES[code]


def canonical_encoding(name: str) -> str:
    """The codec's own name for ``name``: ``utf_16_le``, ``UTF-16LE`` → ``utf-16-le``,
    ``GBK`` → ``gbk``; a name Python does not know is returned lower-cased."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


def path_string(indexes: Sequence[int]) -> str:
    """A node's 1-based path from 0-based indexes: ``(2, 1, 0)`` → ``"/3/2/1"``.

    Slashes, not dots: a CSV reader or a spreadsheet reads ``1.10`` as the
    number 1.1 (the same as the real ``1.1``) and ``3.2`` as a number too;
    ``/1/10`` is read as the string it is."""
    return "".join(f"/{i + 1}" for i in indexes)
