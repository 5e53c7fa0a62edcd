"""Damaged and cut input: UTF-8 with a few bad bytes stays UTF-8 (replaced and
warned about, or refused when strict), UTF-16 without a BOM needs evidence,
and no decoding path lets an unpaired surrogate through."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechtree import DecodeError, Document, ParseOptions, parse
from speechtree.check import verify_lossless
from speechtree.cli import EXIT_INPUT, main
from speechtree.decode import decode_bytes

SPEECH = "一、总体要求。\n（一）指导思想。坚持稳中求进。\n二、主要任务\n".encode()


def test_damaged_tail_is_utf8_with_a_warning() -> None:
    """The reproduction: two bad bytes after UTF-8 text gave utf_16_le mojibake."""
    doc = parse("一、总体要求。\n".encode() + b"\xff\xff")
    assert doc.source.encoding == "utf-8"
    assert [n.title for _, n in doc.walk()] == ["总体要求"]
    (w,) = doc.warnings
    assert w.code == "ST001"
    assert "22–23" in w.message and w.line == 2
    assert doc.original_text == "一、总体要求。\n\ufffd\ufffd"
    assert verify_lossless(doc) == []


@pytest.mark.parametrize("cut", [1, 2])
def test_cut_inside_a_character(cut: int) -> None:
    data = SPEECH + "求".encode()[:cut]
    doc = parse(data)
    assert doc.source.encoding == "utf-8"
    assert doc.original_text is not None and doc.original_text.endswith("\ufffd")
    assert [w.code for w in doc.warnings] == ["ST001"]


def test_torn_start_and_bad_bytes_inside() -> None:
    data = "要求".encode()[1:] + SPEECH[:21] + b"\xc0" + SPEECH[21:]
    d = decode_bytes(data)
    assert d.encoding == "utf-8"
    assert d.text == data.decode("utf-8", "replace")
    assert [(a, b, d.text[c]) for a, b, c in d.replaced] == [
        (0, 1, "\ufffd"), (1, 2, "\ufffd"), (26, 27, "\ufffd")
    ]
    assert d.text[2:4] == "求一"


def test_strict_refuses_damage() -> None:
    data = SPEECH + b"\xff"
    with pytest.raises(DecodeError, match=f"not valid UTF-8 at byte {len(SPEECH)} "):
        parse(data, options=ParseOptions(strict_decode=True))
    assert parse(SPEECH, options=ParseOptions(strict_decode=True)).warnings == []


def test_cli_strict_decode(tmp_path: Path) -> None:
    f = tmp_path / "cut.txt"
    f.write_bytes(SPEECH + b"\xe4\xb8")
    r = CliRunner().invoke(main, ["parse", str(f)])
    assert r.exit_code == 0, r.stderr
    assert Document.from_json(r.stdout).warnings[0].code == "ST001"
    r = CliRunner().invoke(main, ["parse", str(f), "--strict-decode"])
    assert r.exit_code == EXIT_INPUT
    assert "not valid UTF-8" in r.stderr


def test_legacy_encodings_are_not_taken_for_damaged_utf8() -> None:
    text = SPEECH.decode() * 20
    data = text.encode("gbk")
    assert decode_bytes(data).encoding == "gb18030"
    # a cut legacy file is still that encoding, not UTF-8 with damage
    assert decode_bytes(data[:-3]).encoding == "gb18030"


def test_utf16_without_bom_needs_evidence() -> None:
    """Any even number of bytes decodes as UTF-16: that alone is no evidence."""
    with pytest.raises(DecodeError):
        decode_bytes("一、总体要求。".encode()[1:-1] + b"\xff\xff\xfe")
    text = SPEECH.decode()
    for enc in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(text.encode(enc)).text == text


@pytest.mark.parametrize(
    ("data", "encoding"),
    [(b"+2AA-", "utf-7"), (b"\\ud800", "unicode_escape"), (b"\\ud800", "raw_unicode_escape")],
)
def test_forced_encoding_giving_a_lone_surrogate(data: bytes, encoding: str) -> None:
    with pytest.raises(DecodeError, match="unpaired surrogate U\\+D800") as err:
        parse(b"abc\n" + data, options=ParseOptions(encoding=encoding))
    assert (err.value.line, err.value.column) == (2, 1)


def test_cli_forced_encoding_giving_a_lone_surrogate(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_bytes(b"+2AA-")
    for fmt in ("json", "tree", "markdown"):
        r = CliRunner().invoke(main, ["parse", str(f), "--encoding", "utf-7", "-f", fmt])
        assert r.exit_code == EXIT_INPUT, r.output
        assert r.stderr.count("\n") == 1 and "surrogate" in r.stderr
        assert r.stdout == ""


def _utf8_corpus(root: Path) -> list[bytes]:
    out = []
    for p in sorted(root.glob("**/*.txt")):
        data = p.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # a legacy-encoded file: its cuts are not UTF-8
        out.append(data)
    return out


def test_random_cuts_are_never_utf16(corpus_dir: Path) -> None:
    """2,000 seeded cuts (heads and windows) of the UTF-8 corpus files: each is
    read as UTF-8 (with a warning when a character was torn) or refused, never
    as UTF-16; only a fragment of a few bytes may read as a legacy encoding."""
    files = _utf8_corpus(corpus_dir)
    rng = random.Random(14)
    for i in range(2000):
        data = rng.choice(files)
        if i % 2:
            cut = data[: rng.randrange(1, len(data))]
        else:
            a = rng.randrange(len(data))
            cut = data[a : a + rng.randrange(1, 20000)]
        try:
            d = decode_bytes(cut)
        except DecodeError:
            assert len(cut) < 16, i  # only a fragment too short to tell
            continue
        assert not d.encoding.startswith("utf_16"), (i, len(cut), d.encoding)
        if len(cut) < 16 and not d.encoding.startswith("utf-8"):
            continue
        assert d.encoding in ("utf-8", "utf-8-sig"), (i, len(cut), d.encoding)
        torn = cut.decode(d.encoding, "replace") != cut.decode(d.encoding, "ignore")
        assert bool(d.replaced) == torn, i
        assert d.text == cut.decode(d.encoding, "replace"), i


@pytest.mark.parametrize("command", [["lint"], ["diff", "-"]])
def test_every_command_takes_strict_decode(tmp_path: Path, command: list[str]) -> None:
    """lint and diff read their inputs as parse does: --strict-decode refuses a
    damaged file there too, instead of checking replaced text."""
    f = tmp_path / "cut.txt"
    f.write_bytes(SPEECH + b"\xe4\xb8")
    r = CliRunner().invoke(main, [*command, str(f), "--strict-decode"], input=SPEECH)
    assert r.exit_code == EXIT_INPUT, r.output
    assert "not valid UTF-8" in r.stderr


def test_input_options_are_the_same_on_every_command() -> None:
    """One definition of how inputs are read (cli_options.input_options): the
    names, defaults and help agree everywhere but for what a larger input does."""
    import click

    ctx = click.Context(main)
    names = ("encoding", "strict_decode", "max_bytes", "max_nodes", "input_format")
    seen = {}
    for name in ("parse", "batch", "lint", "diff"):
        cmd = main.get_command(ctx, name)
        assert cmd is not None
        params = {p.name: p for p in cmd.params if p.name in names}
        assert sorted(params) == sorted(names), name
        seen[name] = {
            k: (p.opts, p.default, getattr(p, "help", None) if k != "max_bytes" else None)
            for k, p in params.items()
        }
    assert seen["parse"] == seen["batch"] == seen["lint"] == seen["diff"]
