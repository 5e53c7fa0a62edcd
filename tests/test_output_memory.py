"""``parse -f json`` holds the outline and its JSON once: the JSON was made as
bytes, decoded to a str (up to twice its size again) and encoded once more
for output, which on a large outline cost more memory than the parse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs the resource module")

PEAK = """
import resource, sys
from pathlib import Path
src, how = sys.argv[1], sys.argv[2]
if how == "parse":
    from speechtree import parse
    doc = parse(Path(src).read_bytes())
else:
    from speechtree.cli import main
    try:
        main(["parse", src, "-o", src + ".json"])
    except SystemExit as exc:
        assert exc.code in (0, None), exc.code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_mb(src: Path, how: str) -> float:
    out = subprocess.run([sys.executable, "-c", PEAK, str(src), how], capture_output=True,
                         text=True, check=True)
    return int(out.stdout) / 1024


def test_json_output_costs_its_size_once(tmp_path: Path) -> None:
    src = tmp_path / "lines.txt"
    src.write_text("一、\n" * 120_000, encoding="utf-8")  # 0.8 MB, a node every 7 bytes
    parse_only = _peak_mb(src, "parse")
    with_output = _peak_mb(src, "cli")
    json_mb = (tmp_path / "lines.txt.json").stat().st_size / 2**20
    assert json_mb > 60
    # The JSON bytes once, and some slack; the str round trip cost 3x its size.
    assert with_output - parse_only < 1.5 * json_mb, (parse_only, with_output, json_mb)
