"""Decode stage: bytes → str, with the encoding that was used."""

from __future__ import annotations

import codecs
import os
import re
import stat
from bisect import bisect_right
from typing import BinaryIO, NamedTuple

import regex

from .errors import DecodeError, InputError, LimitError
from .models import OutlineWarning
from .offsets import line_starts

_new_warning = OutlineWarning  # (its values are this module's own)

#: Tried in this order when the bytes carry no BOM and are not UTF-8.
FALLBACK_ENCODINGS: tuple[str, ...] = ("gb18030", "big5", "utf_16_le", "utf_16_be")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# stdlib re: for a plain character class it scans far faster than regex.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


_SAMPLE = 65536
#: Every byte value but the ones _CONTROL matches (for bytes.translate).
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))


def _looks_binary(text: str) -> bool:
    """Do control characters make up over 1% of the first 64 Ki characters?
    They are ASCII, so they are counted among the sample's ASCII characters
    alone, as bytes: ``str.encode`` skips the others in C for a few
    instructions each, ``bytes.translate`` deletes the rest: two thirds of
    the time of translating the whole UTF-8 file, and a regex (a class test
    at every character) takes eight times as long."""
    if not text:
        return False
    sample = text[:_SAMPLE]
    n_control = len(sample.encode("ascii", "ignore").translate(None, _NOT_CONTROL_BYTES))
    return n_control > max(2, len(sample) // 100)


class Decoded(NamedTuple):
    """What :func:`decode_bytes` read: the text, the encoding, and the byte
    ranges that were not valid in it, each replaced by one U+FFFD."""

    text: str
    encoding: str
    #: ``(byte_start, byte_end, char_offset)`` of each replaced range, in order.
    replaced: tuple[tuple[int, int, int], ...] = ()


def decode(data: bytes, encoding: str | None = None, path: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding_name)``; raise InputError/DecodeError when it is not text.
    (:func:`decode_bytes` also says which bytes were replaced.)"""
    d = decode_bytes(data, encoding, path)
    return d.text, d.encoding


def decode_bytes(
    data: bytes, encoding: str | None = None, path: str | None = None, *, strict: bool = False
) -> Decoded:
    """Decode ``data``: a BOM decides; else UTF-8, also when only a few bytes
    are not valid UTF-8 (a cut or damaged file: they are replaced by U+FFFD,
    or a DecodeError when ``strict``); else the legacy encodings, UTF-16
    without a BOM only on evidence (see :func:`_utf16_plausible`)."""
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", path=path) from None
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"not valid {encoding} at byte {exc.start}", tried=(encoding,), path=path
            ) from None
        except UnicodeError as exc:  # e.g. the idna codec
            raise DecodeError(
                f"not valid {encoding}: {exc}", tried=(encoding,), path=path
            ) from None
        return _checked(text.removeprefix("\ufeff"), encoding, path)

    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(name).removeprefix("\ufeff"), name, path)
            except UnicodeDecodeError:
                damaged = (
                    _damaged_utf8(data, len(bom), name, path, strict)
                    if name == "utf-8-sig"
                    else None
                )
                if damaged is not None:
                    return damaged
                raise DecodeError(
                    f"starts with a {name} byte-order mark but is not valid {name}",
                    tried=(name,),
                    path=path,
                ) from None

    tried = ["utf-8"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _looks_binary(text):
            return Decoded(text, "utf-8")
        # Valid UTF-8 full of NULs: most likely UTF-16 without a BOM
        # (ASCII digits and Latin letters have a zero byte there).
        best = _best_fallback(data, tried)
        if best is not None and best[1].startswith("utf_16") and _score(best[0]) >= 0.9:
            return Decoded(best[0], best[1])
        return _checked(text, "utf-8", path)

    damaged = _damaged_utf8(data, 0, "utf-8", path, strict)
    if damaged is not None:
        return damaged

    best = _best_fallback(data, tried)
    if best is None:
        raise DecodeError(
            "cannot decode: not text in any of " + ", ".join(tried), tried=tuple(tried), path=path
        )
    return _checked(best[0], best[1], path)


def _damaged_utf8(
    data: bytes, skip: int, name: str, path: str | None, strict: bool
) -> Decoded | None:
    """``data[skip:]`` as UTF-8 with its invalid ranges replaced (offsets
    counted in ``data``), or the DecodeError strict decoding asks for; None
    when it is not UTF-8 but for a few bytes."""
    damaged = _mostly_utf8(data[skip:])
    if damaged is None:
        return None
    text, replaced = damaged
    if strict:
        raise DecodeError(
            f"not valid UTF-8 at byte {replaced[0][0] + skip} ({len(replaced)} invalid "
            "range(s); without strict decoding they are replaced by U+FFFD)",
            tried=(name,),
            path=path,
        )
    d = _checked(text, name, path)
    return Decoded(d.text, d.encoding, tuple((a + skip, b + skip, c) for a, b, c in replaced))


def replaced_warning(decoded: Decoded) -> OutlineWarning:
    """The warning for the byte ranges decoding replaced, with their offsets."""
    reps = decoded.replaced
    runs: list[list[int]] = []  # adjacent ranges shown as one
    for a, b, _ in reps:
        if runs and runs[-1][1] == a:
            runs[-1][1] = b
        else:
            runs.append([a, b])
    shown = ", ".join(f"{a}" if b == a + 1 else f"{a}–{b - 1}" for a, b in runs[:10])
    more = f" and {len(runs) - 10} more" if len(runs) > 10 else ""
    n_bytes = sum(b - a for a, b, _ in reps)
    return _new_warning(
        code="ST001",
        name="invalid-bytes",
        speech=None,
        message=f"{n_bytes} byte(s) not valid {decoded.encoding} replaced by U+FFFD "
        f"(byte offset {shown}{more}); strict decoding refuses such input",
        line=bisect_right(line_starts(decoded.text), reps[0][2]),
    )


def _mostly_utf8(data: bytes) -> tuple[str, tuple[tuple[int, int, int], ...]] | None:
    """``data`` as UTF-8 with each invalid range replaced by U+FFFD, when it is
    UTF-8 but for a few bytes; else None.

    A cut file (a torn sequence at either end) is UTF-8 whatever its length.
    Bad bytes inside must be few, and outnumbered by the valid multi-byte
    sequences around them: a GBK or Big5 file read as UTF-8 fails at almost
    every character and has almost no valid sequence, so it goes on to the
    legacy encodings."""
    n = len(data)
    mv = memoryview(data)
    parts: list[str] = []
    replaced: list[tuple[int, int, int]] = []
    chars = 0
    extra = 0  # bytes beyond the first of each valid multi-byte character
    inner_bad = 0
    give_up = max(_FEW_BAD, n // 40)
    pos = 0
    while True:
        try:
            tail = codecs.utf_8_decode(mv[pos:], "strict", True)[0]
        except UnicodeDecodeError as exc:
            a, b = pos + exc.start, pos + exc.end
            good = codecs.utf_8_decode(mv[pos:a], "strict", True)[0]
            parts.append(good)
            extra += a - pos - len(good)
            chars += len(good)
            replaced.append((a, b, chars))
            parts.append("\ufffd")
            chars += 1
            torn_head = b <= 3 and all(0x80 <= c <= 0xBF for c in data[:b])
            torn_tail = b == n and exc.reason == "unexpected end of data"
            if not (torn_head or torn_tail):
                inner_bad += b - a
                if inner_bad > give_up:
                    return None
            pos = b
        else:
            parts.append(tail)
            chars += len(tail)
            extra += n - pos - len(tail)
            break
    if chars == len(replaced):  # nothing but damage: no evidence of UTF-8
        return None
    if inner_bad and not (inner_bad <= max(_FEW_BAD, extra // 40) and extra >= 4 * inner_bad):
        return None
    return "".join(parts), tuple(replaced)


#: Bad bytes inside a text that are "a few" whatever its length.
_FEW_BAD = 4


def _utf16_plausible(data: bytes, text: str, name: str) -> bool:
    """Evidence that BOM-less ``data`` is UTF-16, beyond decoding strictly
    (any even number of bytes without a torn surrogate does): zero high bytes
    (line breaks, digits, Latin letters) with few zero low bytes and a text
    that reads fairly like Chinese, or else a text that reads very much like it."""
    sample = data[: 2 * _SAMPLE]
    even, odd = sample[0::2], sample[1::2]
    high, low = (odd, even) if name.endswith("le") else (even, odd)
    nul_high, nul_low = high.count(0), low.count(0)
    score = _score(text)
    if nul_high * 100 >= len(high) and nul_low * 4 <= nul_high:
        return score >= 0.9
    # Without zero bytes, a few code units prove nothing (two bytes of a torn
    # UTF-8 character read as one common Han character).
    return len(high) >= 6 and score >= 1.2


def _best_fallback(data: bytes, tried: list[str]) -> tuple[str, str] | None:
    """Pick among the legacy encodings: the strict decode that reads most like a
    Chinese speech wins (see :func:`_score`)."""
    candidates: list[tuple[float, str, str]] = []
    for name in FALLBACK_ENCODINGS:
        tried.append(name)
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            continue
        if name.startswith("utf_16") and not _utf16_plausible(data, text, name):
            continue
        candidates.append((_score(text), name, text))
    if not candidates:
        return None
    # max() keeps the first of equal scores: FALLBACK_ENCODINGS order breaks ties.
    best = max(candidates, key=lambda c: c[0])
    return best[2], best[1]


def _score(text: str) -> float:
    """How much ``text`` reads like a Chinese speech: the share of its visible
    characters that such a text is made of, plus the share of its Han
    characters that are common ones.

    The second term tells apart readings that are all Han: GBK read as Big5,
    or CJK UTF-16 read as GB18030, gives rare characters; the right reading
    gives common ones. NUL and other control characters (UTF-16 read as a
    byte encoding) count heavily against a reading.
    """
    sample = text[:20000]
    good = bad = han = common = 0
    for ch in sample:
        cp = ord(ch)
        if ch.isspace():
            continue
        if cp < 0x20 or cp == 0x7F:
            bad += 20
        elif (
            0x4E00 <= cp <= 0x9FFF
            or 0x20 <= cp < 0x7F
            or 0x3000 <= cp <= 0x303F  # CJK punctuation
            or 0xFF01 <= cp <= 0xFF5E  # full-width forms
            or 0x2010 <= cp <= 0x2027  # dashes, quotes, ellipsis
            or 0x2460 <= cp <= 0x24FF  # circled and bracketed numbers
            or 0x3220 <= cp <= 0x3229  # ㈠-㈩
            or ch in "·×÷°℃％"
        ):
            good += 1
        else:
            bad += 1
        if 0x4E00 <= cp <= 0x9FFF:
            han += 1
            common += ch in _COMMON
    visible = good + bad
    if not visible:
        return 0.0
    return good / visible + (common / han if han else 0.0)


#: Common characters of speeches, simplified and traditional: the right
#: reading of a legacy-encoded file is made mostly of these.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
    "這們來時為個國會說發經對業實動們進後學過從現義當體關點於與開還麼種長問無見樣應報議論區際質頭條計總導強決當員決將軍產濟黨務設歷農權勞結達運幾"
)


def _checked(text: str, encoding: str, path: str | None) -> Decoded:
    if _looks_binary(text):
        raise InputError(f"looks like binary data, not text (decoded as {encoding})", path=path)
    # utf-7, unicode_escape, raw_unicode_escape… can give what no output holds.
    m = _SURROGATE.search(text)
    if m is not None:
        line, column = _line_col(text, m.start())
        raise DecodeError(
            f"decoding as {encoding} gives an unpaired surrogate U+{ord(m.group()):04X}",
            tried=(encoding,),
            path=path,
            line=line,
            column=column,
        )
    return Decoded(text, encoding)


def _line_col(text: str, i: int) -> tuple[int, int]:
    """1-based line and column of ``text[i]`` (LF line ends)."""
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def check_text(text: str, path: str | None = None) -> None:
    """Reject a ``str`` that is not valid Unicode: an unpaired surrogate (from
    ``surrogateescape`` or a broken UTF-16 join) cannot be written as UTF-8,
    so no output could hold it."""
    m = _SURROGATE.search(text)
    if m is not None:
        line, column = _line_col(text, m.start())
        raise InputError(
            f"not valid Unicode: unpaired surrogate U+{ord(m.group()):04X}",
            path=path,
            line=line,
            column=column,
        )


def read_limited(
    stream: BinaryIO, max_bytes: int, path: str | None = None, size: int | None = None
) -> bytes:
    """All of ``stream``, but never more than ``max_bytes + 1`` bytes read: a
    huge file, or an endless one (``/dev/zero``, a pipe), is rejected with a
    LimitError instead of being read into memory first. ``size``, the file's
    size when the caller has already looked, saves looking again."""
    limit = max_bytes + 1
    hint = _size_hint(stream) if size is None else size
    if hint is not None and hint < max_bytes:
        # A buffer of the file's size, not of the limit (64 MiB by default).
        data = stream.read(hint + 1)
        if len(data) == hint + 1:  # the file grew since: read on, to the limit
            data += stream.read(limit - len(data))
    else:
        data = stream.read(limit)
    if len(data) <= max_bytes:
        return data
    actual = _size_hint(stream)  # unknown for a pipe or an in-memory stream
    what = (
        f"over the limit of {max_bytes:,} bytes"
        if actual is None
        else f"{actual:,} bytes, over the limit of {max_bytes:,}"
    )
    raise LimitError(f"input is {what} (raise it with max_bytes / --max-bytes)", path=path)


def _size_hint(stream: BinaryIO) -> int | None:
    """The size of a regular file behind ``stream`` (None for a pipe, a device
    or an in-memory stream)."""
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None
