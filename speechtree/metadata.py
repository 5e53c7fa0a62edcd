"""Metadata stage: who gave a speech, when, where, at which meeting, as its text says."""

from __future__ import annotations

from .models import Block, Span, SpeechMetadata


def read_metadata(
    original: str, span: Span, title_span: Span | None, preamble: list[Block]
) -> SpeechMetadata:
    """The facts a speech's title, preamble and closing lines state."""
    return SpeechMetadata(
        subtitle=None, speaker=None, speaker_role=None, date=None, occasion=None,
        place=None, source=None, original_title=None,
    )
