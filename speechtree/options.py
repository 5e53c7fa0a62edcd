"""Options: one frozen model passed down the pipeline, never module globals."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .styles import STYLES

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: About 3.5 GB of models at most; real documents have a few thousand nodes.
DEFAULT_MAX_NODES = 1_000_000

#: What a reader can take an input as (speechtree.readers); None: by content.
InputFormat = Literal["text", "docx", "pdf", "html"]


class ParseOptions(BaseModel):
    """How to parse. Every stage reads what it needs from here."""

    # Built on first validation: ``speechtree parse`` makes its options with
    # model_construct (click has checked each value), so it never needs to.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    encoding: str | None = Field(
        default=None, description="Decode with this encoding instead of detecting one."
    )
    strict_decode: bool = Field(
        default=False,
        description="Raise DecodeError for bytes not valid in the detected encoding "
        "instead of replacing them with U+FFFD (and warning).",
    )
    max_bytes: int = Field(
        default=DEFAULT_MAX_BYTES, gt=0, description="Reject inputs larger than this."
    )
    max_nodes: int = Field(
        default=DEFAULT_MAX_NODES,
        gt=0,
        description="Reject inputs whose outline has more nodes (each costs about 3.5 KB "
        "of memory while parsing), instead of running out of memory.",
    )
    disabled_styles: frozenset[str] = Field(
        default=frozenset(), description="Marker styles (by name) not to recognise."
    )
    split_speeches: bool = Field(
        default=True, description="Look for several speeches in one file."
    )
    detect_contents: bool = Field(
        default=True, description="Keep a table of contents apart from the sections."
    )
    input_format: InputFormat | None = Field(
        default=None,
        description="Read bytes as this format instead of recognising it by content "
        "(speechtree.readers); str input is text unless a format is named.",
    )

    @field_validator("disabled_styles")
    @classmethod
    def _known_styles(cls, names: frozenset[str]) -> frozenset[str]:
        # Caught here, where the typo is made, not as a KeyError at parse time.
        known = [s.name for s in STYLES]
        unknown = sorted(names.difference(known))
        if unknown:
            raise ValueError(
                f"unknown style(s): {', '.join(unknown)}; known styles: {', '.join(known)}"
            )
        return names


#: The options when none are given (frozen, so one instance serves every call;
#: the defaults need no validating).
DEFAULT_OPTIONS = ParseOptions.model_construct()
