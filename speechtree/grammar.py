"""Marker grammar: loads grammars/markers.lark and reads a marker's style and ordinal."""

from __future__ import annotations

import atexit
import functools
import io
import re
from pathlib import Path
from typing import Any, cast

import lark
from lark import Lark, Token, Transformer, Tree
from lark.exceptions import LarkError

from .buildcache import Patterns, cached, source_key

GRAMMAR_FILE = "markers.lark"

#: 最后 continues whatever sequence is open; the others have fixed places.
SEQUENCE_ORDINALS: dict[str, int | None] = {"首先": 1, "其次": 2, "再次": 3, "最后": None}
#: Styles written 又 + the first item's marker (又其一, 又一方面): each is the
#: next item of the list open before it, so their ordinal is None as for 最后.
AGAIN_STYLES = frozenset({"qi_again", "fangmian_again"})


def grammar_text() -> tuple[str, str]:
    """Return ``(text, origin)`` of the marker grammar.

    An installed package carries it as ``speechtree/grammars/markers.lark``
    (the wheel build copies the top-level ``grammars/`` there); a source
    checkout reads the top-level folder directly.
    """
    here = Path(__file__).resolve().parent
    # A package on disk (nearly every install): the file beside this module,
    # without importlib.resources (~5 % of the start-up of speechtree parse).
    packaged = here / "grammars" / GRAMMAR_FILE
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8"), "package"
    checkout = here.parent / "grammars" / GRAMMAR_FILE
    if checkout.is_file():
        return checkout.read_text(encoding="utf-8"), "checkout"
    # A zipped install: only importlib.resources reaches into it.
    from importlib import resources

    zipped = resources.files("speechtree").joinpath("grammars").joinpath(GRAMMAR_FILE)
    if zipped.is_file():
        return zipped.read_text(encoding="utf-8"), "package"
    raise FileNotFoundError(f"speechtree grammar {GRAMMAR_FILE} is missing from the installation")


@functools.cache
def marker_parser() -> Lark:
    """The compiled marker grammar, built once per process, or read from the
    cache a previous process saved it in (``buildcache``)."""
    text, _origin = grammar_text()
    return cached(
        "markers-lark",
        source_key(text, lark.__version__, modules=["grammar.py"]),
        lambda: Lark(text, parser="lalr", start="start", maybe_placeholders=False),
        _lark_bytes,
        lambda data: _CachedLexerLark.load(io.BytesIO(data)),
    )


class _LexerRe:
    """``re`` as the loaded parser's lexer sees it: its patterns (one per
    parser state, compiled at the first parse, ~10 ms) come from the build
    cache, saved when the process ends."""

    def __init__(self) -> None:
        self._patterns = Patterns("lark-lexer", keep=True)
        atexit.register(self._patterns.save)

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        return self._patterns(pattern, flags)

    def match(self, pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
        return self._patterns(pattern, flags).match(string)

    def __getattr__(self, name: str) -> object:
        return getattr(re, name)


class _CachedLexerLark(Lark):
    """A Lark loaded from the cache whose lexer compiles through :class:`_LexerRe`
    (a lark without this hook simply compiles as usual)."""

    def _deserialize_lexer_conf(self, *args: Any, **kwargs: Any) -> Any:
        conf = super()._deserialize_lexer_conf(*args, **kwargs)
        if conf.re_module is re:
            conf.re_module = cast(Any, _LexerRe())
        return conf


def _lark_bytes(parser: Lark) -> bytes:
    buf = io.BytesIO()
    parser.save(buf)
    return buf.getvalue()


class _ToStyle(Transformer[Token, tuple[str, int | None]]):
    """Turns a parse tree into ``(style name, ordinal)``."""

    def _cn(self, children: list[Token]) -> int:
        return cn_value(children)

    cn_units = cn_teens = cn_tens = cn_hundreds = _cn

    def cn_pos(self, children: list[Token]) -> int:
        return positional_value(children)

    def start(self, children: list[tuple[str, int | None]]) -> tuple[str, int | None]:
        return children[0]

    def __default__(self, data: str, children: list[object], meta: object) -> object:
        ordinal: int | None = None
        for child in children:
            if isinstance(child, int):
                ordinal = child
            elif isinstance(child, Token):
                if child.type == "INT":
                    ordinal = int(child)
                elif child.type == "CIRCLED":
                    ordinal = _circled_value(str(child))
                elif child.type == "PAREN_NUM":
                    ordinal = ord(str(child)) - 0x2474 + 1
                elif child.type == "SEQ_WORD":
                    ordinal = SEQUENCE_ORDINALS[str(child)]
                elif child.type == "STEM":
                    ordinal = STEMS.index(str(child)) + 1
                elif child.type == "LOWER":
                    ordinal = ord(str(child)) - ord("a") + 1
                elif child.type == "UPPER":
                    ordinal = ord(str(child)) - ord("A") + 1
                elif child.type in ("ROMAN", "ROMAN_ASCII"):
                    ordinal = roman_value(str(child))
        if data == "fangmian":
            ordinal = 1
        elif data == "fangmian_other":
            ordinal = 2
        elif data in AGAIN_STYLES:
            ordinal = None  # 又其一, 又一方面: the next of the open list
        return (str(data), ordinal)


#: The value of each Chinese digit the grammar tokenises (DIGIT, ZERO).
DIGIT_VALUES: dict[str, int] = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
DIGIT_VALUES.update({"零": 0, "〇": 0, "○": 0})
_UNIT_VALUES = {"十": 10, "百": 100}


def cn_value(tokens: list[Token]) -> int:
    """The value of a numeral written with units (二十三, 一百零五, 十二).

    Works on the grammar's tokens, so only shapes it accepts get here: a unit
    multiplies the digit before it (1 when there is none: 十二)."""
    total = digit = 0
    for tok in tokens:
        ch = str(tok)
        unit = _UNIT_VALUES.get(ch)
        if unit is None:
            digit = DIGIT_VALUES[ch]
        else:
            total += (digit or 1) * unit
            digit = 0
    return total + digit


def positional_value(tokens: list[Token]) -> int:
    """The value of a numeral written digit by digit (九○ = 90, 一○五 = 105)."""
    value = 0
    for tok in tokens:
        value = value * 10 + DIGIT_VALUES[str(tok)]
    return value


def chinese_numeral(n: int) -> str:
    """``n`` (1–999) written as the grammar reads it: 一, 十二, 二十, 一百零五."""
    if not 0 < n <= 999:
        raise ValueError(f"{n} is outside 1–999")
    digits = "零一二三四五六七八九"
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    out = digits[h] + "百" if h else ""
    if t:
        out += ("" if t == 1 and not h else digits[t]) + "十"
    elif h and u:
        out += "零"
    return out + (digits[u] if u else "")


#: The ten heavenly stems, in order: 甲 is 1.
STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN_ASCII = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def roman_value(text: str) -> int:
    """Ⅰ-Ⅻ, ⅰ-ⅻ (one code point each) or I-XII."""
    if len(text) == 1 and 0x2160 <= ord(text) <= 0x217B:
        return (ord(text) - 0x2160) % 16 + 1
    return _ROMAN_ASCII.index(text) + 1


def _circled_value(ch: str) -> int:
    cp = ord(ch)
    if 0x2460 <= cp <= 0x2473:
        return cp - 0x2460 + 1
    if 0x3251 <= cp <= 0x325F:
        return cp - 0x3251 + 21
    return cp - 0x32B1 + 36


def classify(candidate: str) -> tuple[str, int | None] | None:
    """``(style, ordinal)`` of a marker as written, or None when it is not one.

    The ordinal is None only for 最后, 又其一 and 又一方面, which continue an
    open list.
    Not cached here: the recogniser keeps the readings it needs per style
    table (``markers._readings_under``).
    """
    try:
        tree: Tree[Token] = marker_parser().parse(candidate)
        result = _ToStyle().transform(tree)
    except (LarkError, ValueError, KeyError):
        return None
    style, ordinal = result
    if ordinal is not None and not 0 < ordinal <= 999:
        return None
    return style, ordinal
