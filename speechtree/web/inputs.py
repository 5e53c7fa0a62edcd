"""Web app: a request's drafts, read into memory under a byte limit (never to disk).

A draft comes as a JSON body (``{"text": …, "filename": …}``), as a part of a
``multipart/form-data`` body (a ``file`` upload or a ``text`` field; for two
drafts ``a``/``b`` uploads or ``a_text``/``b_text``), or as the raw body (any
other content type, ``?filename=`` naming it). Text is
sent on as its UTF-8 bytes, so the answer is the CLI's for the same bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson
from pydantic import BaseModel, Field, ValidationError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import LimitError, SpeechtreeError

#: Room for multipart framing and JSON escapes on top of ``max_bytes``.
FRAMING_BYTES = 64 * 1024


class RequestError(SpeechtreeError):
    """A request the API cannot take: no draft in it, malformed JSON or multipart."""

    exit_code = 2  # the CLI's code for bad usage


class Draft(BaseModel):
    """One draft as JSON: its text and, optionally, the file name it goes by."""

    text: str = Field(description="The draft's text.")
    filename: str | None = Field(
        default=None, description="Its file name: source.path in the answer, and how "
        ".docx/.pdf/.html are told apart.",
    )


class DiffRequest(BaseModel):
    """Two drafts to compare as JSON."""

    a: Draft
    b: Draft


@dataclass(frozen=True)
class Upload:
    """One draft as the parser takes it."""

    data: bytes
    filename: str | None


def limit_for(max_bytes: int) -> int:
    return max_bytes + FRAMING_BYTES


async def read_body(
    stream: AsyncIterator[bytes], content_length: str | None, max_bytes: int
) -> bytes:
    """The whole body, or ``LimitError`` as soon as it is over the limit."""
    limit = limit_for(max_bytes)
    if content_length is not None and content_length.isdigit() and int(content_length) > limit:
        raise LimitError(
            f"request is {int(content_length):,} bytes, over the limit of {max_bytes:,}"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise LimitError(f"request is over the limit of {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestError("text holds a lone surrogate: not Unicode text") from None


def _multipart(body: bytes, content_type: str) -> dict[str, Upload]:
    """The named parts of a multipart body: ``name -> Upload`` (first of each name)."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise RequestError("multipart body without a boundary")
    parts: dict[str, Upload] = {}
    field: list[bytes] = []
    value: list[bytes] = []
    data: list[bytes] = []
    headers: dict[bytes, bytes] = {}

    def on_part_begin() -> None:
        headers.clear()
        data.clear()

    def on_header_field(b: bytes, start: int, end: int) -> None:
        field.append(b[start:end])

    def on_header_value(b: bytes, start: int, end: int) -> None:
        value.append(b[start:end])

    def on_header_end() -> None:
        headers[b"".join(field).lower()] = b"".join(value)
        field.clear()
        value.clear()

    def on_part_data(b: bytes, start: int, end: int) -> None:
        data.append(b[start:end])

    def on_part_end() -> None:
        _, opts = parse_options_header(headers.get(b"content-disposition", b""))
        name = opts.get(b"name", b"").decode("utf-8", "replace")
        filename = opts.get(b"filename")
        if name and name not in parts:
            parts[name] = Upload(
                b"".join(data), filename.decode("utf-8", "replace") if filename else None
            )

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except Exception as exc:  # python-multipart's errors: a malformed body
        raise RequestError(f"malformed multipart body: {exc}") from None
    return parts


#: The form parts of each draft: (a file upload, pasted text).
_PARTS = {"draft": ("file", "text"), "a": ("a", "a_text"), "b": ("b", "b_text")}


def _from_parts(parts: dict[str, Upload], name: str) -> Upload:
    file_key, text_key = _PARTS[name]
    if file_key in parts:
        return parts[file_key]
    if text_key in parts:
        return Upload(parts[text_key].data, None)
    raise RequestError(f"no {file_key} or {text_key} part in the form")


def drafts(body: bytes, content_type: str, names: tuple[str, ...],
           query_filename: str | None) -> list[Upload]:
    """The drafts named ``names`` (``("draft",)`` for one, ``("a", "b")`` for two)."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            raw = orjson.loads(body)
            if names == ("draft",):
                one = Draft.model_validate(raw)
                return [Upload(_encode(one.text), one.filename)]
            two = DiffRequest.model_validate(raw)
            return [Upload(_encode(d.text), d.filename) for d in (two.a, two.b)]
        except orjson.JSONDecodeError as exc:
            raise RequestError(f"body is not JSON: {exc}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise RequestError(f"{where}: {first['msg']}") from None
    if kind == "multipart/form-data":
        parts = _multipart(body, content_type)
        return [_from_parts(parts, name) for name in names]
    if names != ("draft",):
        raise RequestError("two drafts come as JSON {a, b} or a form with parts a and b")
    if not body:
        raise RequestError("no draft: send JSON {text}, a form with a file, or the text itself")
    return [Upload(body, query_filename)]
