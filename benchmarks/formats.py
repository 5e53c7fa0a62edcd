"""Reading .docx, .pdf and .html: speechtree's readers against each library's
bare text extraction of the same files, in one run.

Inputs: the real files of ../shared/corpus/formats plus the dev corpus
rendered into each format (block headings as Word automatic numbering in
.docx, laid-out pages in .pdf, pages with site chrome in .html; the test
helpers write them). For each format it prints CPU seconds of

* bare: the library alone (python-docx paragraph text; pypdfium2 text of
  every page; lxml text_content of the page),
* reader: speechtree.readers.read (numbering, layout, article finding),
* read+parse: speechtree.parse of the bytes (reader and the whole outline),

and reader/bare, whose goal is at most 1.5.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable

from _common import ROOT, best_of, corpus_dir

sys.path.insert(0, str(ROOT / "tests"))

import speechtree
from speechtree import readers


def _bare_docx(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _bare_pdf(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    out = []
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        out.append(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return "\n".join(out)


def _bare_html(data: bytes) -> str:
    import lxml.html

    return str(lxml.html.document_fromstring(data).text_content())


def _inputs() -> dict[str, list[bytes]]:
    from formats_fixtures import text_to_html, text_to_pdf
    from test_readers_docx import corpus_as_docx

    corpus = corpus_dir()
    texts = []
    for p in sorted(corpus.glob("*.txt")):
        try:
            texts.append(p.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:
            continue
    real = corpus / "formats"
    files: dict[str, list[bytes]] = {"docx": [], "pdf": [], "html": []}
    for p in sorted(real.glob("*")):
        kind = p.suffix.lstrip(".")
        if kind in files and "scanned" not in p.name:
            files[kind].append(p.read_bytes())
    for t in texts:
        files["docx"].append(corpus_as_docx(t))
        files["html"].append(text_to_html(t))
    for t in texts[:8]:  # laying out PDFs is slow; eight documents are plenty
        files["pdf"].append(text_to_pdf([ln for ln in t.split("\n") if ln.strip()]))
    return files


def _all(fn: Callable[[bytes], object], items: list[bytes]) -> Callable[[], None]:
    def run() -> None:
        for d in items:
            fn(d)

    return run


def main() -> None:
    files = _inputs()
    bare = {"docx": _bare_docx, "pdf": _bare_pdf, "html": _bare_html}
    print(f"{'format':6} {'files':>5} {'MB':>6} {'bare s':>8} {'reader s':>9} "
          f"{'read+parse s':>13} {'reader/bare':>12} {'read+parse/bare':>16}")
    worst = 0.0
    for kind, items in files.items():
        mb = sum(map(len, items)) / 1e6
        _, t_bare = best_of(5, _all(bare[kind], items))
        _, t_read = best_of(5, _all(lambda d: readers.read(d), items))
        _, t_parse = best_of(5, _all(lambda d: speechtree.parse(d), items))
        worst = max(worst, t_read / t_bare)
        print(f"{kind:6} {len(items):5d} {mb:6.2f} {t_bare:8.3f} {t_read:9.3f} "
              f"{t_parse:13.3f} {t_read / t_bare:12.2f} {t_parse / t_bare:16.2f}")
    print(f"worst reader/bare: {worst:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
