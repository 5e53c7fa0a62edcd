"""Models: the typed outline (pydantic v2) and its JSON/YAML forms."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from .printable import json_c1_escaped

if TYPE_CHECKING:
    import pandas

    from .rows import Row

#: The version of the JSON shape below. It changes as README.md ("The JSON
#: shape") says: the major number for a breaking change (a field removed,
#: renamed, retyped or made required, a value no longer produced, 0-based
#: becoming 1-based), the minor number for an additive one (a new optional
#: field, a new style, warning code or block kind).
SCHEMA_VERSION: Literal["2.0"] = "2.0"

#: Block kinds, in the order a speech's text meets them.
BlockKind = Literal["label", "title", "paragraph", "contents", "unplaced"]
NodeKind = Literal["heading", "item"]

#: Every model rejects fields it does not know: a typo or a field from
#: another version is an error, not silently dropped. Validators and
#: serialisers are built when first needed (``defer_build``): the parser
#: builds models without validating (``trusted_builder``) and JSON is written
#: from their fields (``_fields``), so ``speechtree parse`` never pays for
#: pydantic's schema build (and plugin scan) at start-up.
_STRICT = ConfigDict(extra="forbid", defer_build=True)


class Span(BaseModel):
    """Character offsets ``[start, end)`` into the decoded original text, and
    the 1-based lines of its first and last character."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    start: int = Field(ge=0, description="Offset of the first character (0-based, in characters).")
    end: int = Field(ge=0, description="Offset just after the last character.")
    line: int = Field(ge=1, description="1-based line of the first character.")
    end_line: int = Field(ge=1, description="1-based line of the last character.")


class Block(BaseModel):
    """A stretch of text that is not an outline node, kept so nothing is lost."""

    model_config = _STRICT

    kind: BlockKind = Field(
        description="label (第一篇), title, paragraph (salutation, byline, opening text), "
        "contents (a table of contents), unplaced (before a compilation's first speech)."
    )
    text: str = Field(description="The block's text, cleaned (see Node.text).")
    span: Span = Field(description="Where the block is in the original text.")


class Node(BaseModel):
    """One outline node: a block heading or an enumerated item.

    ``span`` runs from the marker to the end of the node's own body (before
    its first child or the next node); ``title_span`` is the part the title
    was read from (trailing punctuation and whitespace included), so the
    marker is ``original[span.start:title_span.start]`` and the body
    ``original[title_span.end:span.end]``.
    """

    model_config = _STRICT

    kind: NodeKind = Field(
        description="heading (a numbered heading opening a paragraph) or item (an "
        "enumeration inside a paragraph, or any 一是-style item)."
    )
    style: str = Field(description="The marker style's name (speechtree/styles.py).")
    marker: str = Field(description="The marker exactly as written: （一）, １．, 第一，.")
    ordinal: int | None = Field(description="The marker's number; null when it has none.")
    level: int = Field(ge=1, description="Depth in the speech's outline, 1 = top.")
    title: str = Field(
        description="The heading or item text, cleaned: one line, no stray spaces between "
        "Han characters, no zero-width characters, edge punctuation dropped."
    )
    text: str = Field(
        description="The node's own body (after its title, up to the next node), cleaned: "
        "lines trimmed, blank lines dropped, no stray spaces between Han characters, no "
        "zero-width characters. The original is original[title_span.end:span.end]."
    )
    span: Span = Field(description="From the marker to the end of the node's own body.")
    title_span: Span = Field(description="Where the title was read, in the original.")
    children: list[Node] = Field(description="The nodes under this one, in order.")

    @field_validator("style")
    @classmethod
    def _known_style(cls, v: str) -> str:
        if v not in style_names():
            raise ValueError(f"unknown style {v!r} (known: {', '.join(style_names())})")
        return v


class MetaField(BaseModel):
    """One fact about a speech, as read from its text, with where it was read."""

    model_config = _STRICT

    value: str = Field(description="The fact, cleaned (a date in ISO 8601).")
    span: Span = Field(description="The characters it was read from, in the original.")


class SpeechMetadata(BaseModel):
    """Who, when, where: each field read from the speech's own text, null when
    the text does not say (never guessed from a file name)."""

    model_config = _STRICT

    subtitle: MetaField | None = Field(description="The line under the title (——在…上的讲话).")
    speaker: MetaField | None = Field(description="The speaker's name, from a byline or title.")
    speaker_role: MetaField | None = Field(description="The speaker's office (市委书记, 省长).")
    date: MetaField | None = Field(
        description="When it was given, ISO 8601; partial dates stay partial (2020-06, "
        "--04-24 when the text gives no year)."
    )
    occasion: MetaField | None = Field(description="The meeting or event it was given at.")
    place: MetaField | None = Field(description="Where it was given or written (a dateline).")
    source: MetaField | None = Field(description="The origin line of a scraped text (来源：…).")
    original_title: MetaField | None = Field(description="The title given after 原标题：.")


class Speech(BaseModel):
    """One speech of a file: its label (第一篇), title, metadata, preamble and sections."""

    model_config = _STRICT

    label: str | None = Field(description="Compilation label (第一篇, 篇一) or null.")
    title: str = Field(description="The speech's title, cleaned; empty when it has none.")
    title_span: Span | None = Field(description="Where the title was read; null without one.")
    span: Span = Field(description="The speech's stretch of the original text.")
    metadata: SpeechMetadata = Field(description="Who, when, where, as the text says.")
    preamble: list[Block] = Field(description="Text before the first node, in order.")
    sections: list[Node] = Field(description="The top-level nodes.")

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
    """The input: where it came from and how it was decoded."""

    model_config = _STRICT

    path: str | None = Field(description="The input path; null for text or standard input.")
    encoding: str = Field(
        description="The encoding used, by its canonical codec name (utf-8, utf-8-sig, "
        "gb18030, gbk, big5, utf-16-le, utf-16); unicode when text was given, not bytes."
    )
    sha256: str = Field(
        pattern="^[0-9a-f]{64}$", description="SHA-256 of the decoded text as UTF-8, in hex."
    )
    length: int = Field(ge=0, description="Length of the decoded text in characters.")
    format: str = Field(
        description="What the text was read from: text, docx, pdf or html. For the "
        "others every span points into the text the reader extracted.",
    )
    text: str | None = Field(
        description="The text the spans point into, when asked for (--with-text), else "
        "null; Document.from_json makes it the document's original_text again.",
    )


class OutlineWarning(BaseModel):
    """A numbering problem worth a look; its code is the one lint prints."""

    model_config = _STRICT

    code: str = Field(description="The lint code for the problem (ST101 …).")
    name: str = Field(description="The lint rule's name (skipped-ordinal …).")
    message: str = Field(description="What is wrong, with the marker as written.")
    line: int | None = Field(ge=1, description="1-based line; null when not at one place.")
    speech: int | None = Field(ge=1, description="1-based number of the speech; null for none.")

    @model_validator(mode="after")
    def _known_code(self) -> OutlineWarning:
        codes = warning_codes()
        if self.code not in codes:
            raise ValueError(f"unknown warning code {self.code!r} (known: {', '.join(codes)})")
        if codes[self.code] != self.name:
            raise ValueError(
                f"warning {self.code} is named {codes[self.code]!r}, not {self.name!r}"
            )
        return self


class Document(BaseModel):
    """The outline of one input file."""

    model_config = _STRICT

    schema_version: Literal["2.0"] = Field(description="The version of this JSON shape.")
    source: Source = Field(description="The input and how it was decoded.")
    speeches: list[Speech] = Field(description="One per speech of the file, in order.")
    unplaced: list[Block] = Field(description="Text before the first speech of a compilation.")
    warnings: list[OutlineWarning] = Field(description="Numbering problems, in text order.")

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
        return self.model_dump(mode="json")

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
        # Every field is str, int, bool, None, list or a model, so a model's
        # fields, in their order, are what model_dump() would give
        # (tests/test_schema.py holds them equal) without building its serialiser.
        return json_c1_escaped(orjson.dumps(self, default=_fields, option=opt))

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
        unknown style or warning code, another schema_version)."""
        doc = cls.model_validate(orjson.loads(data), strict=True)
        doc._original = doc.source.text
        return doc


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


def _fields(model: object) -> dict[str, Any]:
    """A model's fields for orjson, in the order the class declares them
    (the order of ``__dict__`` for every model pydantic or
    :func:`trusted_builder` makes)."""
    if isinstance(model, BaseModel):
        return model.__dict__
    raise TypeError(f"{type(model).__name__} is not JSON serialisable")


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
    order = tuple(cls.model_fields)
    private = {k: a.get_default() for k, a in cls.__private_attributes__.items()}

    def build(**values: Any) -> _M:
        m = new(cls)
        # In the declared order, as pydantic keeps them (the JSON follows it);
        # a missing field is a KeyError here, not a broken model later. (Most
        # callers pass them in that order: checking costs a third of copying.)
        if tuple(values) != order:
            values = {f: values[f] for f in order}
        _set(m, "__dict__", values)
        set_fields(m, fields)
        set_extra(m, None)
        set_private(m, dict(private) if private else None)
        return m

    return build


@functools.cache
def style_names() -> tuple[str, ...]:
    """Every style a node may have: the names of the style table, in its order."""
    from .styles import STYLES

    return tuple(s.name for s in STYLES)


@functools.cache
def warning_codes() -> dict[str, str]:
    """Every warning code with its rule name: the input codes (ST0xx) and lint's
    rule table, one vocabulary for what parse warns about and what lint reports."""
    from .conventions import INPUT_WARNING_CODES
    from .lint import RULES  # lint reads the models: imported when first asked

    return {**INPUT_WARNING_CODES, **{r.code: r.name for r in RULES}}


def schema_problems(data: str | bytes) -> list[str]:
    """What keeps ``data`` from being a valid speechtree document: one line
    per problem, where as a JSON Pointer (RFC 6901, so array indexes are
    0-based: ``/speeches/0/sections/2/style: unknown style 'x'``), empty when
    it is valid."""
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
    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://speechtree.invalid/schema/{SCHEMA_VERSION}/document.json"
    defs = schema["$defs"]
    # The enums that come from tables rather than type hints: the style table
    # and lint's rule table, so adding a style or a code updates the schema.
    defs["Node"]["properties"]["style"]["enum"] = list(style_names())
    defs["OutlineWarning"]["properties"]["code"]["enum"] = list(warning_codes())
    defs["OutlineWarning"]["properties"]["name"]["enum"] = sorted(set(warning_codes().values()))
    return schema
