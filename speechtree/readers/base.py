"""Reader stage (shared parts): what a reader returns, and the errors it raises."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Protocol

from ..errors import InputError

#: The command that installs every optional reader's library.
INSTALL_FORMATS = "pip install 'speechtree[formats]'"


@dataclass(frozen=True)
class Heading:
    """A paragraph the document itself marks as a heading (a Word heading
    style or outline level): its 1-based line in the extracted text and its
    level (1 = top)."""

    line: int
    level: int
    style: str


@dataclass(frozen=True)
class Extracted:
    """A file turned into text, with what the reader knows about it.

    ``text`` holds one paragraph per line; every later stage (and every span
    of the outline) works on it, so a reader never needs to be known after
    this point.
    """

    text: str
    format: str  # "text", "docx", "pdf", "html", …
    encoding: str  # of the bytes the text came from ("utf-8" for XML inside a .docx)
    pages: int | None = None
    headings: tuple[Heading, ...] = field(default=())
    #: First and last 1-based line of the document's title when the file
    #: marks it (a Word title style, the largest centred lines of a cover, a
    #: web page's headline that its <title> repeats): a title over several
    #: lines is then one title.
    title_lines: tuple[int, int] | None = None


def looks_like_zip(head: bytes) -> bool:
    """A zip archive's first bytes (a .docx is one)."""
    return head.startswith(b"PK\x03\x04")


def looks_like_pdf(head: bytes) -> bool:
    """A PDF header within the first KiB (some files have junk before it)."""
    return b"%PDF-" in head[:1024]


class Reader(Protocol):
    """One input format: how to recognise its bytes and how to read them."""

    name: str
    #: File name suffixes of the format (lower case, with the dot).
    suffixes: tuple[str, ...]

    def sniff(self, head: bytes) -> bool:
        """Do these first bytes (up to 4 KiB) look like this format?"""
        ...

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        """The text of ``data``; raises :class:`FormatError` when it has none."""
        ...


class FormatError(InputError):
    """The file is of a format speechtree knows but cannot take text from as it
    is: a corrupt archive, a scanned or encrypted PDF, a web page without an
    article, an old binary .doc, an unsupported format."""


class MissingExtraError(InputError):
    """Reading this format needs an optional library that is not installed."""


def require(module: str, what: str, path: str | None) -> ModuleType:
    """Import an optional library, or say which command installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        library = module.split(".")[0]  # lxml.etree is lxml's
        raise MissingExtraError(
            f"reading {what} needs the '{library}' library: {INSTALL_FORMATS}", path=path
        ) from None
