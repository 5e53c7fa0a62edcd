"""Renderers: the names every view gives a speech, so that they agree."""

from __future__ import annotations

from ..models import Speech


def speech_name(speech: Speech, index: int) -> str:
    """The speech's label and title, or ``Speech N`` (1-based, its place in
    the file) when it has neither: the same words in every view."""
    return " ".join(p for p in (speech.label, speech.title) if p) or f"Speech {index + 1}"
