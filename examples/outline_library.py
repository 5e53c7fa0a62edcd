"""Use speechtree as a library: parse a bundled speech, print its outline,
collect the enumerated directives, and save the JSON.

Run:  python examples/outline_library.py [FILE]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import speechtree

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else HERE / "speeches" / "county_work_meeting.txt"
    doc = speechtree.parse_file(path)
    print(f"{path.name}: {len(doc.speeches)} speech(es), encoding {doc.source.encoding}")

    for speech in doc.speeches:
        print(f"\n# {speech.label or ''} {speech.title}".rstrip())
        for _path, node in speech.walk():  # this speech's own nodes
            print(f"{'  ' * node.level}{node.marker} {node.title}  (line {node.span.line})")

    # What the speaker asks for: the in-paragraph directives (一是, 一要, 首先 …).
    items = [n for _, n in doc.walk() if n.kind == "item"]
    if items:
        print(f"\n{len(items)} enumerated items, e.g. {items[0].marker}{items[0].title}")

    # Spans point back into the original text.
    original = doc.original_text or ""
    first = next(n for _, n in doc.walk())
    assert original[first.span.start :].startswith(first.marker)

    for w in doc.warnings:
        print(f"warning: line {w.line}: {w.code}: {w.message}")

    out = Path(tempfile.gettempdir()) / f"{path.stem}.outline.json"
    out.write_text(doc.to_json(), encoding="utf-8")
    print(f"JSON written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
