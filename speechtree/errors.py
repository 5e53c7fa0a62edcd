"""Errors: one small hierarchy under SpeechtreeError; lark's never leak out."""

from __future__ import annotations


class SpeechtreeError(Exception):
    """Base class of every error speechtree raises on purpose.

    ``path`` names the input when known; ``line``/``column`` (1-based) say
    where in it, when the error has a place.
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class InputError(SpeechtreeError):
    """The input cannot be read as text (missing, unreadable, binary, undecodable)."""

    exit_code = 3


class DecodeError(InputError):
    """The bytes are not text in any encoding tried; ``tried`` lists them."""

    def __init__(
        self,
        message: str,
        *,
        tried: tuple[str, ...] = (),
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        super().__init__(message, path=path, line=line, column=column)
        self.tried = tried


class LimitError(InputError):
    """The input is larger than a limit the caller can raise (``max_bytes``)."""

    exit_code = 4


class TimeLimitError(SpeechtreeError):
    """One file of a batch took longer than the per-file time limit (``--timeout``)."""


def display_path(path: str) -> str:
    """``path`` as valid Unicode: bytes of a file name that is not UTF-8
    (which Python holds as lone surrogates) shown as ``\\xNN``, so that the
    name can be written to JSON or a terminal."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path
