"""Options: one frozen value passed down the pipeline, never module globals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from .styles import STYLES

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: About 3.5 GB of models at most; real documents have a few thousand nodes.
DEFAULT_MAX_NODES = 1_000_000

#: What a reader can take an input as (speechtree.readers); None: by content.
InputFormat = Literal["text", "docx", "pdf", "html"]


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """How to parse. Every stage reads what it needs from here.

    Checked when made (a plain dataclass, so that ``speechtree parse`` needs
    no pydantic): a wrong type, a limit below 1, an unknown style or input
    format is a ValueError naming the field; an unknown keyword a TypeError.
    """

    #: Decode with this encoding instead of detecting one.
    encoding: str | None = None
    #: Raise DecodeError for bytes not valid in the detected encoding instead
    #: of replacing them with U+FFFD (and warning).
    strict_decode: bool = False
    #: Reject inputs larger than this.
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Reject inputs whose outline has more nodes (each costs about 3.5 KB of
    #: memory while parsing), instead of running out of memory.
    max_nodes: int = DEFAULT_MAX_NODES
    #: Marker styles (by name) not to recognise; any collection of names is
    #: kept as a frozenset.
    disabled_styles: frozenset[str] = frozenset()
    #: Look for several speeches in one file.
    split_speeches: bool = True
    #: Keep a table of contents apart from the sections.
    detect_contents: bool = True
    #: Read bytes as this format instead of recognising it by content
    #: (speechtree.readers); str input is text unless a format is named.
    input_format: InputFormat | None = None

    def __post_init__(self) -> None:
        _check(self.encoding, "encoding", str, none_ok=True)
        for name in ("strict_decode", "split_speeches", "detect_contents"):
            _check(getattr(self, name), name, bool)
        for name in ("max_bytes", "max_nodes"):
            value = getattr(self, name)
            _check(value, name, int)
            if value < 1:
                raise ValueError(f"ParseOptions: {name} must be at least 1, not {value}")
        if self.input_format is not None and self.input_format not in get_args(InputFormat):
            raise ValueError(
                f"ParseOptions: input_format {self.input_format!r} is not one of "
                f"{', '.join(get_args(InputFormat))} (or None)"
            )
        names = self.disabled_styles
        if isinstance(names, str) or not isinstance(names, (set, frozenset, list, tuple)):
            raise ValueError(
                "ParseOptions: disabled_styles must be a set of style names, "
                f"not {type(names).__name__}"
            )
        for n in names:
            _check(n, "disabled_styles", str)
        # Caught here, where the typo is made, not as a KeyError at parse time.
        known = [s.name for s in STYLES]
        unknown = sorted(set(names).difference(known))
        if unknown:
            raise ValueError(
                f"ParseOptions: disabled_styles: unknown style(s): {', '.join(unknown)}; "
                f"known styles: {', '.join(known)}"
            )
        if type(names) is not frozenset:
            object.__setattr__(self, "disabled_styles", frozenset(names))


def _check(value: Any, name: str, kind: type, *, none_ok: bool = False) -> None:
    # bool is an int to isinstance, but True is not a byte limit.
    if (value is None and none_ok) or (
        isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    ):
        return
    want = kind.__name__ + (" or None" if none_ok else "")
    raise ValueError(f"ParseOptions: {name} must be {want}, not {type(value).__name__}")


#: The options when none are given (frozen, so one instance serves every call).
DEFAULT_OPTIONS = ParseOptions()
