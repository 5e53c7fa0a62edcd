"""Web app: what the page shows, built from the same library calls the CLI makes."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..conventions import path_string
from ..diff import DiffResult
from ..lint import Diagnostic
from ..models import Document
from ..render.html import outline_fragment, text_fragment
from ..rows import COLUMNS


def table_csv(doc: Document) -> str:
    """The outline as ``batch --table`` writes it: one row per node, UTF-8 with a BOM."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    w.writerows(["" if v is None else v for v in r] for r in doc.rows())
    return buf.getvalue()


def view(doc: Document, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The page's main view: the document, its lint findings and the two panes' HTML
    (every piece of document text escaped by the html view's own code)."""
    return {
        "document": doc.to_dict(),
        "diagnostics": [d.model_dump(mode="json") for d in diagnostics],
        "outline_html": outline_fragment(doc),
        "text_html": text_fragment(doc),
    }


def _ids(doc: Document) -> dict[tuple[int, str], str]:
    """(speech, path) as diff and --table give them (1-based) -> the node's id
    in the outline HTML (``n<k>`` in walk order)."""
    return {
        (path[0] + 1, path_string(path[1:])): f"n{k}" for k, (path, _) in enumerate(doc.walk())
    }


def compare(doc_a: Document, doc_b: Document, result: DiffResult) -> dict[str, Any]:
    """Both outlines, the diff, which nodes of each it names (``marks.a.n3 =
    ["moved"]``) and, for each change, its nodes' ids (``targets[i].a``)."""
    ids = {"a": _ids(doc_a), "b": _ids(doc_b)}
    marks: dict[str, dict[str, list[str]]] = {"a": {}, "b": {}}
    targets: list[dict[str, str | None]] = []
    for change in result.changes:
        target: dict[str, str | None] = {"a": None, "b": None}
        for side, ref in (("a", change.a), ("b", change.b)):
            if ref is not None:
                node_id = ids[side].get((ref.speech, ref.path))
                target[side] = node_id
                if node_id is not None:
                    marks[side].setdefault(node_id, []).append(change.kind)
        targets.append(target)
    diff_data = result.model_dump(mode="json")
    diff_data["counts"] = result.counts()
    return {
        "diff": diff_data,
        "a": {"outline_html": outline_fragment(doc_a)},
        "b": {"outline_html": outline_fragment(doc_b)},
        "marks": marks,
        "targets": targets,
    }
