"""Models: the typed outline (pydantic v2) and its JSON/YAML forms."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

if TYPE_CHECKING:
    from .rows import Row

SCHEMA_VERSION = "1.0"


class Span(BaseModel):
    """Character offsets ``[start, end)`` into the decoded original text, and
    the 1-based lines of its first and last character."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    line: int = Field(ge=1)
    end_line: int = Field(ge=1)


class Block(BaseModel):
    """A stretch of text that is not an outline node, kept so nothing is lost."""

    kind: Literal["label", "title", "paragraph", "contents", "unplaced"]
    text: str
    span: Span


class Node(BaseModel):
    """One outline node: a block heading or an enumerated item.

    ``span`` runs from the marker to the end of the node's own body (before
    its first child or the next node); ``title_span`` is the part the title
    was read from (trailing punctuation and whitespace included), so the
    marker is ``original[span.start:title_span.start]`` and the body
    ``original[title_span.end:span.end]``.
    """

    kind: Literal["heading", "item"]
    style: str
    marker: str
    ordinal: int | None
    level: int = Field(ge=1)
    title: str
    text: str
    span: Span
    title_span: Span
    children: list[Node] = Field(default_factory=list)


class Speech(BaseModel):
    """One speech of a file: its label (第一篇), title, preamble and sections."""

    label: str | None = None
    title: str = ""
    span: Span
    preamble: list[Block] = Field(default_factory=list)
    sections: list[Node] = Field(default_factory=list)

    def walk(self) -> Iterator[tuple[tuple[int, ...], Node]]:
        """This speech's nodes in document order with their paths ``(i, j, …)``,
        0-based within the speech: ``(2, 0)`` is the first child of its third
        section. (:meth:`Document.walk` gives the same paths behind the
        speech's index.)"""
        return _walk(self.sections, ())


def _walk(
    sections: list[Node], prefix: tuple[int, ...]
) -> Iterator[tuple[tuple[int, ...], Node]]:
    """Depth first, in document order, without recursion (outlines can be deep)."""
    stack: list[tuple[tuple[int, ...], Node]] = [
        ((*prefix, i), sections[i]) for i in range(len(sections) - 1, -1, -1)
    ]
    pop, push = stack.pop, stack.append
    while stack:
        path, node = pop()
        yield path, node
        kids = node.children
        for j in range(len(kids) - 1, -1, -1):  # last first: popped in order
            push(((*path, j), kids[j]))


class Source(BaseModel):
    path: str | None = None
    encoding: str
    sha256: str
    length: int = Field(ge=0, description="Length of the decoded text in characters.")
    format: str = Field(
        default="text",
        description="What the text was read from: text, docx, pdf or html. For the "
        "others every span points into the text the reader extracted.",
    )
    text: str | None = Field(
        default=None,
        description="The text the spans point into, when asked for (--with-text); "
        "Document.from_json makes it the document's original_text again.",
    )


class OutlineWarning(BaseModel):
    """Something a careful reader would want to check; not an error."""

    code: str
    message: str
    line: int | None = None
    speech: int | None = None


class Document(BaseModel):
    """The outline of one input file."""

    schema_version: str = SCHEMA_VERSION
    source: Source
    speeches: list[Speech] = Field(default_factory=list)
    unplaced: list[Block] = Field(
        default_factory=list, description="Text before the first speech of a compilation."
    )
    warnings: list[OutlineWarning] = Field(default_factory=list)

    _original: str | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        """Equal when the outlines are: the source text kept beside a parsed
        Document (and absent from one loaded from JSON) does not count."""
        if not isinstance(other, Document):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @property
    def original_text(self) -> str | None:
        """The decoded text this outline was parsed from (not serialised;
        None for a Document loaded from JSON)."""
        return self._original

    def to_dict(self) -> dict[str, Any]:
        return _without_absent_text(self.model_dump(mode="json"))

    def to_json(self, *, indent: bool = True) -> str:
        """JSON with readable Chinese (no ``\\uXXXX`` escapes)."""
        return self.to_json_bytes(indent=indent).decode("utf-8")

    def to_json_bytes(self, *, indent: bool = True) -> bytes:
        """:meth:`to_json` as UTF-8 bytes, for writing to a file.

        Indented JSON grows with the depth of each node (a 100-level chain of
        一是 items: 1 GB from a 1 MB input); when the indentation alone would
        pass :data:`MAX_INDENTED_JSON_PER_CHAR` per character of the source
        (and 64 MiB), a LimitError says so before anything is built."""
        if indent:
            _check_indented_size(self)
        opt = orjson.OPT_INDENT_2 if indent else 0
        # Every field is str, int, bool, None, list or a model, so the
        # Python-mode dump is already JSON data (and a third faster to make).
        return orjson.dumps(_without_absent_text(self.model_dump()), option=opt)

    def to_yaml(self) -> str:
        from .yaml_io import dump  # local import: YAML loads only when asked for

        return dump(self.to_dict())

    def walk(self) -> Iterator[tuple[tuple[int, ...], Node]]:
        """Every node in document order with its path: ``(speech, i, j, …)``,
        0-based, so ``(0, 2, 0)`` is the first child of the third section of
        the first speech."""
        for si, sp in enumerate(self.speeches):
            yield from _walk(sp.sections, (si,))

    def rows(self, *, file: str | None = None) -> list[Row]:
        """One flat row per node, in document order (see :mod:`speechtree.rows`)."""
        from .rows import rows  # local import: the table code loads only when used

        return list(rows(self, file=file))

    @classmethod
    def from_json(cls, data: str | bytes) -> Document:
        doc = cls.model_validate(orjson.loads(data))
        doc._original = doc.source.text
        return doc


def _without_absent_text(d: dict[str, Any]) -> dict[str, Any]:
    """``source.text`` appears in the output only when it was asked for."""
    if d["source"].get("text") is None:
        d["source"].pop("text", None)
    return d


#: Indented JSON may hold at most this many bytes of indentation per
#: character of the source text (or 64 MiB, whichever is more).
MAX_INDENTED_JSON_PER_CHAR = 64
_MIN_INDENTED_LIMIT = 64 * 1024 * 1024


def _check_indented_size(doc: Document) -> None:
    """Raise LimitError when indenting ``doc``'s JSON would take too much:
    a node at level L sits 2L+1 containers deep and has about 22 lines, so its
    indentation is about 88·L + 104 bytes."""
    from .errors import LimitError  # (errors imports nothing; kept local all the same)

    limit = max(_MIN_INDENTED_LIMIT, MAX_INDENTED_JSON_PER_CHAR * doc.source.length)
    total = 0
    for path, _ in doc.walk():
        total += 88 * (len(path) - 1) + 104
        if total > limit:
            raise LimitError(
                f"indented JSON of this outline would take over {limit:,} bytes of "
                f"indentation ({MAX_INDENTED_JSON_PER_CHAR} per character of the input, "
                "64 MiB at least): its tree is too deep; write compact JSON "
                "(to_json(indent=False)) instead",
                path=doc.source.path,
            )


_M = TypeVar("_M", bound=BaseModel)
_set = object.__setattr__


@functools.cache
def _all_fields(cls: type[BaseModel]) -> set[str]:
    return set(cls.model_fields)


def trusted_builder(cls: type[_M]) -> Callable[..., _M]:
    """A constructor for ``cls`` that takes values the parser has already
    checked and skips validation: what ``model_construct`` does, without its
    per-call field and alias walk (the parser builds three models per outline
    node). Every field must be given, as a keyword. ``tests/test_api.py``
    checks the result equals a validated model, so a pydantic change that
    breaks this shows up there."""
    new = cls.__new__
    # One shared set per class: every field is set, and a set per node was
    # the largest single cost in memory (about 300 bytes a node).
    fields = _all_fields(cls)
    # BaseModel's slots, set through their descriptors (what object.__setattr__
    # ends up calling, minus the lookup).
    slots = vars(BaseModel)
    set_fields = slots["__pydantic_fields_set__"].__set__
    set_extra = slots["__pydantic_extra__"].__set__
    set_private = slots["__pydantic_private__"].__set__

    def build(**values: Any) -> _M:
        m = new(cls)
        _set(m, "__dict__", values)
        set_fields(m, fields)
        set_extra(m, None)
        set_private(m, None)
        return m

    return build


def json_schema() -> dict[str, Any]:
    """The JSON Schema of speechtree's output."""
    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://speechtree.invalid/schema/{SCHEMA_VERSION}/document.json"
    return schema
