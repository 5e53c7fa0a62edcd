"""normalize() against a plain reference: str.translate, then one regex of edits.

normalize() scans for the few characters that need an edit instead of
translating every character (see the comment in normalize.py); this checks
that the fast scan gives the same text and the same offset map.
"""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from speechtree.normalize import _ONE_FOR_ONE, _TABLE, _expansion, _lookalikes, normalize

_REFERENCE_EDITS = regex.compile(
    r"(?P<crlf>\r\n?)"
    r"|(?P<zw>[\u200b\u200c\u200d\u2060\ufeff\u00ad]+)"
    # (not the space of a bare-numeral heading, 一 标题, at a line start)
    r"|(?<!(?:^|\n)[ \u3000]*[一二三四五六七八九十]{1,3})(?<=\p{Han}) +(?=\p{Han})(?P<sp>)"
    r"|(?P<enc>[\u3220-\u3229\u2474-\u249b])"
)


def reference(original: str) -> tuple[str, list[tuple[int, int]]]:
    """The normalised text and, per character, its (start, end) in the original."""
    translated = original.translate(_TABLE)
    out: list[str] = []
    where: list[tuple[int, int]] = []
    pos = 0

    def copy(a: int, b: int) -> None:
        out.append(translated[a:b])
        where.extend((i, i + 1) for i in range(a, b))

    for m in _REFERENCE_EDITS.finditer(translated):
        a, b = m.span()
        copy(pos, a)
        if m.group("crlf") is not None:
            out.append("\n")
            where.append((a, b))
        elif m.group("enc") is not None:
            rep = _expansion(m.group("enc"))
            out.append(rep)
            where.extend([(a, a + 1)] * len(rep))
        pos = b
    copy(pos, len(translated))
    # Look-alike punctuation around a line-start ordinal is replaced one
    # character for one (tested on its own in the look-alike fixtures), so
    # the map is unchanged.
    return _lookalikes("".join(out)), where


ALPHABET = sorted(
    {chr(c) for c in _ONE_FOR_ONE}
    | set("中国一二三、。 \r\n\t\u3000\u200b\ufeff\u00ad㈠㈩⑴⒇⒈⒛ab1.（）-^]\\[")
)


def check(text: str) -> None:
    nt = normalize(text)
    want_text, want_where = reference(text)
    assert nt.text == want_text
    assert [(nt.map.start(i), nt.map.end(i)) for i in range(len(nt.text))] == want_where


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_normalize_matches_reference(text: str) -> None:
    check(text)


def test_normalize_matches_reference_on_edge_cases() -> None:
    for text in ["", " ", "中 国", "中  国", "中 ", " 中", "a 中", "中 a", "中\u200b 国", "\r\r\n",
                 "（１）ｘ", "㈠", "⑴⒈", "a\u2003\nb", "中\t国", "❶、"]:
        check(text)


def test_normalize_matches_reference_on_corpus(corpus_dir: object) -> None:
    from pathlib import Path

    assert isinstance(corpus_dir, Path)
    for p in sorted(corpus_dir.rglob("*.txt")):
        check(p.read_bytes().decode("utf-8", "replace"))
