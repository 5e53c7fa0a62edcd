"""Fuzz harness: coverage-guided (atheris/libFuzzer) search for crashes and lost text.

Each input is parsed one of three ways, chosen by its first byte: as raw
bytes (the decode stage included), as an arbitrary Unicode string, or as a
string built from speech tokens (markers of every style, Chinese text,
punctuation, odd spaces and line breaks), which reaches the outline stages
far more often than random text does. A finding is any exception other than
a documented ``SpeechtreeError``, an outline that breaks the nothing-lost
contract (``speechtree.check.verify_lossless``), JSON that does not
round-trip, or a second parse that differs.

Not collected by pytest (the name does not start with ``test_``). Run it with:

    .venv/bin/pip install atheris
    mkdir -p /tmp/fuzz-corpus
    .venv/bin/python tests/fuzz/fuzz_parse.py /tmp/fuzz-corpus tests/fuzz/seeds \\
        -dict=tests/fuzz/speech.dict -max_total_time=600 -timeout=20 -rss_limit_mb=4096

A crash leaves ``crash-<sha1>`` in the working directory; replay it with
``.venv/bin/python tests/fuzz/fuzz_parse.py crash-<sha1>``.
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["speechtree"]):
    from speechtree import Document, SpeechtreeError, parse
    from speechtree.check import verify_lossless

#: Pieces of speech text the token mode strings together (one byte picks one).
TOKENS: tuple[str, ...] = (
    # markers of every style, in their usual and their odd forms
    "一、", "二、", "三、", "十一、", "一百零五、", "（一）", "（二）", "(三)", "㈠", "㈡",
    "1.", "2.", "3．", "１．", "1、", "2、", "（1）", "（2）", "(3)", "（１）", "⑴", "⒈",
    "①", "②", "③", "❶", "第一，", "第二，", "第三、", "第一部分", "第二部分", "第一章",
    "第一节", "第一条", "第一个问题：", "第二个方面，", "一是", "二是", "三是", "一要", "二要",
    "其一，", "其二，", "首先，", "其次，", "再次，", "最后，", "一方面，", "另一方面，",
    "第一篇", "第二篇", "篇一", "篇二", "第一篇：", "目录",
    # prose
    "坚持", "发展", "改革开放", "我们要", "全面建设", "经济", "人民", "的", "统一是",
    "第一要务", "三要素", "4、5月份", "一、二等奖", "50%", "在全省经济工作会议上的讲话",
    "同志们：", "——", "“", "”", "《", "》", "（", "）", "【", "】",
    # punctuation
    "。", "；", "：", "，", "、", "！", "？", "…", ",", ".", ":", ";",
    # layout
    "\u3000", "\u3000\u3000", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\u00a0",
    "\u2003", "\u200b", "\ufeff", "\u00ad", "\u2028", "\x0c",
)


def _text(data: bytes) -> str:
    return "".join(TOKENS[b % len(TOKENS)] for b in data)


def check(text_or_bytes: str | bytes) -> None:
    """Parse and check one input; raise AssertionError on a finding."""
    try:
        doc = parse(text_or_bytes)
    except SpeechtreeError:
        return
    problems = verify_lossless(doc)
    if problems:
        raise AssertionError("not lossless:\n" + "\n".join(problems))
    js = doc.to_json()
    if Document.from_json(js) != doc:
        raise AssertionError("JSON does not round-trip")
    if parse(text_or_bytes).to_json() != js:
        raise AssertionError("a second parse gave different JSON")


def test_one_input(data: bytes) -> None:
    if not data:
        check(b"")
        return
    mode, rest = data[0] % 3, data[1:]
    if mode == 0:
        check(rest)
    elif mode == 1:
        fdp = atheris.FuzzedDataProvider(rest)
        check(fdp.ConsumeUnicode(len(rest)))  # surrogates included: InputError
    else:
        check(_text(rest))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
