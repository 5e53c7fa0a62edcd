"""Reader stage: a file's bytes → text, before decode, chosen by content.

One module per format, each a :class:`~.base.Reader` in :data:`READERS`.
A reader is chosen by the file's first bytes (a zip with
``word/document.xml``, ``%PDF``, HTML markup, an OLE2 header), then by its
name's suffix; ``input_format`` overrides both. Plain text has no reader:
:func:`read` returns None and the decode stage takes the bytes as they are.
Nothing after this stage needs to know which reader ran.
"""

from __future__ import annotations

import os

from .base import Extracted, FormatError, Heading, MissingExtraError, Reader
from .docx import DocxReader
from .html import HtmlReader
from .pdf import PdfReader
from .refused import ImageReader, OleReader, RtfReader

#: In the order they are tried on a file's first bytes.
READERS: tuple[Reader, ...] = (
    DocxReader(),
    PdfReader(),
    OleReader(),
    HtmlReader(),
    RtfReader(),
    ImageReader(),
)

#: The formats ``input_format`` / ``--input-format`` can name.
INPUT_FORMATS: tuple[str, ...] = ("text", "docx", "pdf", "html")

#: Suffixes the folder walk of ``batch`` takes by default: plain text and
#: every format a reader reads (or refuses with a message worth seeing).
SUFFIXES: tuple[str, ...] = (".txt", *(s for r in READERS for s in r.suffixes
                                       if r.name not in ("rtf", "image")))

#: The folder walk's default pattern (batch, lint): plain text and every
#: format a reader takes, .doc included (refused with how to convert it).
DEFAULT_GLOB = "**/*.{txt,docx,doc,pdf,html,htm}"

_HEAD = 4096


def by_name(name: str) -> Reader | None:
    """The reader of format ``name`` (None for ``text``)."""
    if name == "text":
        return None
    for r in READERS:
        if r.name == name:
            return r
    raise ValueError(f"unknown input format {name!r}; known: {', '.join(INPUT_FORMATS)}")


def choose(data: bytes, path: str | None = None, input_format: str | None = None) -> Reader | None:
    """The reader for ``data``: the one named by ``input_format``, else the
    first whose :meth:`sniff` accepts the first bytes, else the one whose
    suffix ``path`` has, if the content does not contradict it. None: text."""
    if input_format is not None:
        return by_name(input_format)
    head = data[:_HEAD]
    for r in READERS:
        if r.sniff(head):
            return r
    return None


def read(
    data: bytes, path: str | None = None, *, input_format: str | None = None,
    max_bytes: int = 64 * 1024 * 1024,
) -> Extracted | None:
    """The text of ``data`` as its reader extracts it, or None when it is
    plain text (for the decode stage)."""
    reader = choose(data, path, input_format)
    if reader is None:
        return None
    return reader.read(data, path, max_bytes)


def suffix_of(path: str | os.PathLike[str]) -> str:
    return os.path.splitext(os.fspath(path))[1].lower()


__all__ = [
    "DEFAULT_GLOB",
    "INPUT_FORMATS",
    "READERS",
    "SUFFIXES",
    "Extracted",
    "FormatError",
    "Heading",
    "MissingExtraError",
    "Reader",
    "by_name",
    "choose",
    "read",
]
