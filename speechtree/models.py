"""Models: the typed outline (stdlib dataclasses) and its JSON/YAML forms.

The outline types are plain dataclasses, so that ``speechtree parse`` builds
and writes an outline without importing pydantic (about half its start-up).
Their annotations are also the schema: each field's constraints and
description are written there, as pydantic ``Field``/``AfterValidator``
metadata in ``Annotated`` strings (``from __future__ import annotations``
keeps them unevaluated). Pydantic reads them only where a document is
checked or described: :meth:`Document.from_json`, :func:`schema_problems`,
:func:`json_schema` (``speechtree schema``, ``docs/schema.json``) and the web
app, through one ``TypeAdapter`` built on first use (:func:`_adapter`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import orjson

from .printable import json_c1_escaped

if TYPE_CHECKING:
    import pandas
    from pydantic import AfterValidator, Field, StrictInt, TypeAdapter

    from .rows import Row

#: The version of the JSON shape below. It changes as README.md ("The JSON
#: shape") says: the major number for a breaking change (a field removed,
#: renamed, retyped or made required, a value no longer produced, 0-based
#: becoming 1-based), the minor number for an additive one (a new optional
#: field, a new style, warning code or block kind).
SCHEMA_VERSION: Literal["2.1"] = "2.1"
#: Versions :meth:`Document.from_json` reads: a minor version only adds values
#: and fields, so a 2.0 document that validates is read as it is (outputs
#: kept from an earlier run, re-read by batch --skip-existing --table).
SchemaVersion = Literal["2.0", "2.1"]

#: Block kinds, in the order a speech's text meets them.
BlockKind = Literal["label", "title", "paragraph", "contents", "unplaced"]
NodeKind = Literal["heading", "item"]

#: Every model rejects fields it does not know when validated: a typo or a
#: field from another version is an error, not silently dropped. (A
#: ``pydantic.ConfigDict`` is a plain dict, so this needs no pydantic.)
_STRICT: Any = {"extra": "forbid"}


def _known_style(v: str) -> str:
    if v not in style_names():
        raise ValueError(f"unknown style {v!r} (known: {', '.join(style_names())})")
    return v


def _known_warning(w: OutlineWarning) -> OutlineWarning:
    codes = warning_codes()
    if w.code not in codes:
        raise ValueError(f"unknown warning code {w.code!r} (known: {', '.join(codes)})")
    if codes[w.code] != w.name:
        raise ValueError(f"warning {w.code} is named {codes[w.code]!r}, not {w.name!r}")
    return w


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets ``[start, end)`` into the decoded original text, and
    the 1-based lines of its first and last character."""

    __pydantic_config__ = _STRICT

    start: Annotated[StrictInt, Field(
        ge=0, description="Offset of the first character (0-based, in characters)."
    )]
    end: Annotated[StrictInt, Field(ge=0, description="Offset just after the last character.")]
    line: Annotated[StrictInt, Field(ge=1, description="1-based line of the first character.")]
    end_line: Annotated[StrictInt, Field(ge=1, description="1-based line of the last character.")]


#: The setters of Span's slots, in field order.
_SET_START, _SET_END, _SET_LINE, _SET_END_LINE = (
    vars(Span)[name].__set__ for name in ("start", "end", "line", "end_line")
)
_new_object = object.__new__


def new_span(start: int, end: int, line: int, end_line: int) -> Span:
    """``Span(start, end, line, end_line)``, for the parser, which builds two
    per node: the frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, three times the cost of setting the slots
    directly. Like every model's constructor it checks nothing (the parser
    checks the values); ``tests/test_fast_paths.py`` checks it builds what
    ``Span`` builds."""
    span = _new_object(Span)
    _SET_START(span, start)
    _SET_END(span, end)
    _SET_LINE(span, line)
    _SET_END_LINE(span, end_line)
    return span


@dataclass(slots=True)
class Block:
    """A stretch of text that is not an outline node, kept so nothing is lost."""

    __pydantic_config__ = _STRICT

    kind: Annotated[BlockKind, Field(
        description="label (第一篇), title, paragraph (salutation, byline, opening text), "
        "contents (a table of contents), unplaced (before a compilation's first speech)."
    )]
    text: Annotated[str, Field(description="The block's text, cleaned (see Node.text).")]
    span: Annotated[Span, Field(description="Where the block is in the original text.")]


@dataclass(slots=True)
class Node:
    """One outline node: a block heading or an enumerated item.

    ``span`` runs from the marker to the end of the node's own body (before
    its first child or the next node); ``title_span`` is the part the title
    was read from (trailing punctuation and whitespace included), so the
    marker is ``original[span.start:title_span.start]`` and the body
    ``original[title_span.end:span.end]``.
    """

    __pydantic_config__ = _STRICT

    kind: Annotated[NodeKind, Field(
        description="heading (a numbered heading opening a paragraph) or item (an "
        "enumeration inside a paragraph, or any 一是-style item)."
    )]
    style: Annotated[str, AfterValidator(_known_style), Field(
        description="The marker style's name (speechtree/styles.py)."
    )]
    marker: Annotated[str, Field(
        description=(
            "The marker exactly as written: （一）, １．, 第一，; a line break inside it"
            " (第 / 二个， where a PDF's wrap cut it) is left out."
        )
    )]
    ordinal: Annotated[StrictInt | None, Field(
        description="The marker's number; null when it has none."
    )]
    level: Annotated[StrictInt, Field(ge=1, description="Depth in the speech's outline, 1 = top.")]
    title: Annotated[str, Field(
        description="The heading or item text, cleaned: one line, no stray spaces between "
        "Han characters, no zero-width characters, edge punctuation dropped."
    )]
    text: Annotated[str, Field(
        description="The node's own body (after its title, up to the next node), cleaned: "
        "lines trimmed, blank lines dropped, no stray spaces between Han characters, no "
        "zero-width characters. The original is original[title_span.end:span.end]."
    )]
    span: Annotated[Span, Field(description="From the marker to the end of the node's own body.")]
    title_span: Annotated[Span, Field(description="Where the title was read, in the original.")]
    children: Annotated[list[Node], Field(description="The nodes under this one, in order.")]


@dataclass(slots=True)
class MetaField:
    """One fact about a speech, as read from its text, with where it was read."""

    __pydantic_config__ = _STRICT

    value: Annotated[str, Field(description="The fact, cleaned (a date in ISO 8601).")]
    span: Annotated[Span, Field(
        description="The characters it was read from, in the original."
    )]


@dataclass(slots=True)
class SpeechMetadata:
    """Who, when, where: each field read from the speech's own text, null when
    the text does not say (never guessed from a file name)."""

    __pydantic_config__ = _STRICT

    subtitle: Annotated[MetaField | None, Field(
        description="The line under the title (——在…上的讲话)."
    )]
    speaker: Annotated[MetaField | None, Field(
        description="The speaker's name, from a byline or title."
    )]
    speaker_role: Annotated[MetaField | None, Field(
        description="The speaker's office (市委书记, 省长)."
    )]
    date: Annotated[MetaField | None, Field(
        description="When it was given, ISO 8601; partial dates stay partial (2020-06, "
        "--04-24 when the text gives no year)."
    )]
    occasion: Annotated[MetaField | None, Field(
        description="The meeting or event it was given at."
    )]
    place: Annotated[MetaField | None, Field(
        description="Where it was given or written (a dateline)."
    )]
    source: Annotated[MetaField | None, Field(
        description="The origin line of a scraped text (来源：…)."
    )]
    original_title: Annotated[MetaField | None, Field(
        description="The title given after 原标题：."
    )]


@dataclass(slots=True)
class Speech:
    """One speech of a file: its label (第一篇), title, metadata, preamble and sections."""

    __pydantic_config__ = _STRICT

    label: Annotated[str | None, Field(description="Compilation label (第一篇, 篇一) or null.")]
    title: Annotated[str, Field(
        description="The speech's title, cleaned; empty when it has none."
    )]
    title_span: Annotated[Span | None, Field(
        description="Where the title was read; null without one."
    )]
    span: Annotated[Span, Field(description="The speech's stretch of the original text.")]
    metadata: Annotated[SpeechMetadata, Field(description="Who, when, where, as the text says.")]
    preamble: Annotated[list[Block], Field(description="Text before the first node, in order.")]
    sections: Annotated[list[Node], Field(description="The top-level nodes.")]

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


@dataclass(slots=True)
class Source:
    """The input: where it came from and how it was decoded."""

    __pydantic_config__ = _STRICT

    path: Annotated[str | None, Field(
        description="The input path; null for text or standard input."
    )]
    encoding: Annotated[str, Field(
        description="The encoding used, by its canonical codec name (utf-8, utf-8-sig, "
        "gb18030, gbk, big5, utf-16-le, utf-16); unicode when text was given, not bytes."
    )]
    sha256: Annotated[str, Field(
        pattern="^[0-9a-f]{64}$", description="SHA-256 of the decoded text as UTF-8, in hex."
    )]
    length: Annotated[StrictInt, Field(
        ge=0, description="Length of the decoded text in characters."
    )]
    format: Annotated[str, Field(
        description="What the text was read from: text, docx, pdf or html. For the "
        "others every span points into the text the reader extracted.",
    )]
    text: Annotated[str | None, Field(
        description="The text the spans point into, when asked for (--with-text), else "
        "null; Document.from_json makes it the document's original_text again.",
    )]


@dataclass(slots=True)
class OutlineWarning:
    """A numbering problem worth a look; its code is the one lint prints."""

    __pydantic_config__ = _STRICT

    code: Annotated[str, Field(description="The lint code for the problem (ST101 …).")]
    name: Annotated[str, Field(description="The lint rule's name (skipped-ordinal …).")]
    message: Annotated[str, Field(description="What is wrong, with the marker as written.")]
    line: Annotated[StrictInt | None, Field(
        ge=1, description="1-based line; null when not at one place."
    )]
    speech: Annotated[StrictInt | None, Field(
        ge=1, description="1-based number of the speech; null for none."
    )]


# Not slotted: it keeps the original text beside its fields (``_original``).
@dataclass
class Document:
    """The outline of one input file."""

    __pydantic_config__ = _STRICT

    schema_version: Annotated[SchemaVersion, Field(
        description="The version of this JSON shape: speechtree writes 2.1 and reads 2.0 too "
        "(2.1 added styles, warning codes and source.format/text)."
    )]
    source: Annotated[Source, Field(description="The input and how it was decoded.")]
    speeches: Annotated[list[Speech], Field(
        description="One per speech of the file, in order."
    )]
    unplaced: Annotated[list[Block], Field(
        description="Text before the first speech of a compilation."
    )]
    # (The code check needs both fields: a validator of the item, not of one field.)
    warnings: Annotated[list[Annotated[OutlineWarning, AfterValidator(_known_warning)]], Field(
        description="Numbering problems, in text order."
    )]

    # The decoded text, kept beside the outline: not a field (no annotation),
    # so it is outside the JSON (orjson skips ``_`` names too), equality,
    # repr and the schema.
    _original = cast("str | None", None)

    @property
    def original_text(self) -> str | None:
        """The decoded text this outline was parsed from (not serialised;
        None for a Document loaded from JSON without ``source.text``)."""
        return self._original

    def to_dict(self) -> dict[str, Any]:
        """The JSON's data as Python dicts and lists."""
        return cast("dict[str, Any]", orjson.loads(orjson.dumps(self)))

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
        # orjson writes dataclasses natively, fields in their declared order.
        return json_c1_escaped(orjson.dumps(self, option=orjson.OPT_INDENT_2 if indent else 0))

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

    def to_dataframe(self, *, file: str | None = None) -> pandas.DataFrame:
        """:meth:`rows` as a pandas DataFrame with typed columns (see
        :func:`speechtree.rows.to_dataframe`; needs the ``pandas`` extra)."""
        from .rows import to_dataframe

        return to_dataframe([self], files=None if file is None else [file])

    @classmethod
    def from_json(cls, data: str | bytes) -> Document:
        """A Document from its JSON; raises ``pydantic.ValidationError`` for
        anything the schema does not allow (an unknown or missing field, an
        unknown style or warning code, another schema_version), and
        ``orjson.JSONDecodeError`` for text that is not JSON."""
        return cls.from_dict(orjson.loads(data))

    @classmethod
    def from_dict(cls, data: Any) -> Document:
        """A Document from the data :meth:`to_dict` gives (or YAML loads), as
        strictly as :meth:`from_json`."""
        # (Python input, not pydantic's JSON parser: that one stops at 200
        # levels of nesting, and a 100-level outline nests deeper.)
        doc = document_adapter().validate_python(data)
        doc._original = doc.source.text
        return doc


@functools.cache
def document_adapter() -> TypeAdapter[Document]:
    """Pydantic's validator and schema for :class:`Document`, built on first use.

    The annotations above name pydantic's ``Field``, ``AfterValidator`` and
    ``StrictInt`` (no ``"1"``, ``1.0`` or ``true`` for a number: pydantic's
    strict mode cannot be used, as it takes a dataclass only as an
    instance), imported for type checkers only; pydantic evaluates them in this module's
    namespace, so they are bound here, before anything reads them (FastAPI
    reads the same annotations: the web app calls this first)."""
    import pydantic

    globals().update(
        Field=pydantic.Field, AfterValidator=pydantic.AfterValidator, StrictInt=pydantic.StrictInt
    )
    return pydantic.TypeAdapter(Document)


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




@functools.cache
def style_names() -> tuple[str, ...]:
    """Every style a node may have: the names of the style table, in its order."""
    from .styles import STYLES

    return tuple(s.name for s in STYLES)


@functools.cache
def warning_codes() -> dict[str, str]:
    """Every warning code with its rule name: the input codes (ST0xx) and lint's
    rule table, one vocabulary for what parse warns about and what lint reports."""
    from .conventions import INPUT_WARNING_CODES, RULE_NAMES

    return {**INPUT_WARNING_CODES, **RULE_NAMES}


def schema_problems(data: str | bytes) -> list[str]:
    """What keeps ``data`` from being a valid speechtree document: one line
    per problem, where as a JSON Pointer (RFC 6901, so array indexes are
    0-based: ``/speeches/0/sections/2/style: unknown style 'x'``), empty when
    it is valid."""
    from pydantic import ValidationError

    try:
        Document.from_json(data)
    except orjson.JSONDecodeError as exc:
        return [f"not JSON: {exc}"]
    except ValidationError as exc:
        out = []
        for e in exc.errors(include_url=False):
            where = "".join(f"/{x}" for x in e["loc"]) or "/"
            msg = e["msg"].removeprefix("Value error, ")
            out.append(f"{where}: {msg}")
        return out
    return []


def json_schema() -> dict[str, Any]:
    """The JSON Schema of speechtree's output (written to docs/schema.json)."""
    schema = document_adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://speechtree.invalid/schema/{SCHEMA_VERSION}/document.json"
    defs = schema["$defs"]
    # The enums that come from tables rather than type hints: the style table
    # and lint's rule table, so adding a style or a code updates the schema.
    defs["Node"]["properties"]["style"]["enum"] = list(style_names())
    defs["OutlineWarning"]["properties"]["code"]["enum"] = list(warning_codes())
    defs["OutlineWarning"]["properties"]["name"]["enum"] = sorted(set(warning_codes().values()))
    return schema
