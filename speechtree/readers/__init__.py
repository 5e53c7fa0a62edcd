"""Reader stage: a file's bytes → text, before decode, chosen by content.

One module per format, each a :class:`~.base.Reader` in :data:`READERS`.
A reader is chosen by the file's first bytes (a zip with
``word/document.xml``, ``%PDF``, HTML markup, an OLE2 header), then by its
name's suffix; ``input_format`` overrides both. Plain text has no reader:
:func:`read` returns None and the decode stage takes the bytes as they are.
Nothing after this stage needs to know which reader ran.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

from .base import (
    Extracted,
    FormatError,
    Heading,
    MissingExtraError,
    Reader,
    looks_like_pdf,
    looks_like_zip,
)
from .html import HtmlReader
from .refused import ImageReader, OleReader, RtfReader


class _OnDemand:
    """A reader whose module is imported when a file of its format turns up:
    the .docx reader's XML libraries cost more than parsing a page, and most
    inputs are plain text. It recognises the bytes with the same test the
    reader itself uses."""

    def __init__(self, name: str, suffixes: tuple[str, ...], module: str, cls: str,
                 sniff: Callable[[bytes], bool]) -> None:
        self.name = name
        self.suffixes = suffixes
        self._where = (module, cls)
        self._sniff = sniff
        self._reader: Reader | None = None

    def sniff(self, head: bytes) -> bool:
        return self._sniff(head)

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        if self._reader is None:
            module, cls = self._where
            self._reader = getattr(importlib.import_module(module, __name__), cls)()
        return self._reader.read(data, path, max_bytes)


#: In the order they are tried on a file's first bytes.
READERS: tuple[Reader, ...] = (
    _OnDemand("docx", (".docx", ".docm", ".dotx"), ".docx", "DocxReader", looks_like_zip),
    _OnDemand("pdf", (".pdf",), ".pdf", "PdfReader", looks_like_pdf),
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
