"""Renderers: one function per output format, registered by name.

A renderer takes the Document and keyword options and returns text. The CLI's
``-f`` choices are the names registered here, in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Document
from .html import render_html
from .markdown import render_markdown
from .tree import render_tree

Renderer = Callable[..., str]


def _json(doc: Document, *, with_text: bool = False, **_: Any) -> str:
    return _with_source_text(doc, with_text).to_json() + "\n"


def _yaml(doc: Document, *, with_text: bool = False, **_: Any) -> str:
    return _with_source_text(doc, with_text).to_yaml()


def _with_source_text(doc: Document, with_text: bool) -> Document:
    """``doc`` with the text its spans point into as ``source.text`` (for a
    .docx, .pdf or web page, the only place that text is kept)."""
    if not with_text or doc.original_text is None:
        return doc
    out = doc.model_copy(
        update={"source": doc.source.model_copy(update={"text": doc.original_text})}
    )
    out._original = doc.original_text
    return out


RENDERERS: dict[str, Renderer] = {
    "json": _json,
    "yaml": _yaml,
    "markdown": render_markdown,
    "tree": render_tree,
    "html": render_html,
}


def render(doc: Document, fmt: str, **options: Any) -> str:
    """Render ``doc`` as ``fmt``; options a renderer does not know are ignored."""
    try:
        fn = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(RENDERERS)}") from None
    return fn(doc, **options)
