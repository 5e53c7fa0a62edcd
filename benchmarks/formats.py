"""Reading .docx, .pdf and .html: speechtree's readers against each library's
bare text extraction of the same files, in one run.

Inputs: the real files of ../shared/corpus/formats plus the dev corpus
rendered into each format (block headings as Word automatic numbering in
.docx, laid-out pages in .pdf, pages with site chrome in .html; the test
helpers write them). For each format it prints CPU seconds of

* bare: the library alone (python-docx paragraph text; pypdfium2 text of
  every page; lxml text_content of the page, told the page's charset: lxml
  takes it from the page's <meta>, and where that lies, as on the real page
  declared GB2312 whose bytes are UTF-8, libxml2 stops at the first byte it
  cannot read: the bare "extraction" is 6 characters in 0.03 ms, not the
  page's 10,000 in about 1 ms; the reader finds the charset itself, inside
  its timing),
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


def _bare_html(items: list[bytes]) -> Callable[[], None]:
    """lxml's parse and text_content of each page, its parser told the
    charset the page is in (found by the reader before the timing)."""
    import lxml.html

    parsers = {}
    told = []
    for d in items:
        extracted = readers.read(d)
        charset = extracted.encoding if extracted is not None else "utf-8"
        if charset not in parsers:
            parsers[charset] = lxml.html.HTMLParser(encoding=charset)
        told.append((d, parsers[charset]))

    def run() -> None:
        for d, parser in told:
            lxml.html.document_fromstring(d, parser=parser).text_content()

    return run


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
    bare = {"docx": lambda items: _all(_bare_docx, items),
            "pdf": lambda items: _all(_bare_pdf, items), "html": _bare_html}
    print(f"{'format':6} {'files':>5} {'MB':>6} {'bare s':>8} {'reader s':>9} "
          f"{'read+parse s':>13} {'reader/bare':>12} {'read+parse/bare':>16}")
    worst = 0.0
    for kind, items in files.items():
        mb = sum(map(len, items)) / 1e6
        _, t_bare = best_of(5, bare[kind](items))
        _, t_read = best_of(5, _all(lambda d: readers.read(d), items))
        _, t_parse = best_of(5, _all(lambda d: speechtree.parse(d), items))
        worst = max(worst, t_read / t_bare)
        print(f"{kind:6} {len(items):5d} {mb:6.2f} {t_bare:8.3f} {t_read:9.3f} "
              f"{t_parse:13.3f} {t_read / t_bare:12.2f} {t_parse / t_bare:16.2f}")
    print(f"worst reader/bare: {worst:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
