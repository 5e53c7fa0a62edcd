"""Shared fixtures: paths to the bundled cases and to ../shared when present."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "ANNOTATION.md").is_file():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
