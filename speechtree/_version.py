"""The version, in one place: hatch reads it for the metadata (pyproject.toml)."""

__version__ = "0.1.0"
