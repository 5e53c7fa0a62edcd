"""Renderers: one function per output format, registered by name.

A renderer takes the Document and keyword options and returns text. The CLI's
``-f`` choices are the names registered here, in this order.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import Document

Renderer = Callable[..., str]


def _lazy(module: str, name: str) -> Renderer:
    """A renderer whose module is imported on first use: ``parse -f json``
    need not load the views (rich alone costs more than parsing a page)."""

    def call(doc: Document, **options: Any) -> str:
        fn: Renderer = getattr(importlib.import_module(module, __name__), name)
        return fn(doc, **options)

    call.__name__ = call.__qualname__ = name
    return call


def use_color(color: bool | None) -> bool:
    """``None`` means auto: colour only on a terminal, honouring the
    ``NO_COLOR`` and ``FORCE_COLOR`` conventions (NO_COLOR wins)."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def _json(doc: Document, *, with_text: bool = False, **_: Any) -> str:
    return _with_source_text(doc, with_text).to_json() + "\n"


def _yaml(doc: Document, *, with_text: bool = False, **_: Any) -> str:
    return _with_source_text(doc, with_text).to_yaml()


def _with_source_text(doc: Document, with_text: bool) -> Document:
    """``doc`` with the text its spans point into as ``source.text`` (for a
    .docx, .pdf or web page, the only place that text is kept)."""
    if not with_text or doc.original_text is None:
        return doc
    out = replace(doc, source=replace(doc.source, text=doc.original_text))
    out._original = doc.original_text
    return out


RENDERERS: dict[str, Renderer] = {
    "json": _json,
    "yaml": _yaml,
    "markdown": _lazy(".markdown", "render_markdown"),
    "tree": _lazy(".tree", "render_tree"),
    "html": _lazy(".html", "render_html"),
}


def render(doc: Document, fmt: str, **options: Any) -> str:
    """Render ``doc`` as ``fmt``; options a renderer does not know are ignored."""
    try:
        fn = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(RENDERERS)}") from None
    return fn(doc, **options)


def render_json_bytes(doc: Document, *, with_text: bool = False) -> bytes:
    """``render(doc, "json")`` as UTF-8 bytes, made once: a large outline's
    JSON as a ``str`` costs up to twice its size again, and its encoding for
    output a third copy (3 MB of 一、 lines: 292 MB of JSON, 0.9 GB more)."""
    return _with_source_text(doc, with_text).to_json_bytes() + b"\n"
