"""Web app: the HTTP API and the page, a thin FastAPI layer over the library.

Every route calls what the CLI calls (``parse``, ``lint``, ``diff``) and
answers with the CLI's JSON, byte for byte. Nothing is written to disk or
kept: a request's body is read into memory under ``max_bytes`` and dropped
with the answer.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import orjson
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..diff import DEFAULT_SIMILARITY, Change, diff
from ..errors import InputError, LimitError, SpeechtreeError
from ..lint import Diagnostic, UnknownCodeError, lint, select_rules
from ..lint_report import to_json as lint_json
from ..models import Document, document_adapter
from ..options import DEFAULT_MAX_BYTES, ParseOptions
from ..parser import parse
from ..render import render
from ..render.html import SCRIPT, STYLESHEET
from . import views
from .inputs import DiffRequest, Draft, RequestError, Upload, drafts, read_body

#: No inline script or style, nothing from elsewhere, no framing, no forms
#: posted anywhere: the page's own files and its own API only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")

#: The page's files: served from the package, so an installed wheel has them.
STATIC: dict[str, str] = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


class ErrorInfo(BaseModel):
    """One error, as the library raised it."""

    model_config = ConfigDict(populate_by_name=True)

    error_class: str = Field(alias="class", description="The library's error class: "
                             "InputError, DecodeError, LimitError, RequestError, InternalError.")
    message: str
    exit_code: int = Field(description="The CLI's exit code for this error (3, 4, 2, 70).")
    path: str | None = None
    line: int | None = None
    column: int | None = None


class ErrorAnswer(BaseModel):
    error: ErrorInfo


class DiffAnswer(BaseModel):
    """``speechtree diff --format json``: the changes and their counts."""

    a: str
    b: str
    changes: list[Change]
    counts: dict[str, int]


def _status(exc: SpeechtreeError) -> int:
    if isinstance(exc, LimitError):
        return 413
    if isinstance(exc, RequestError):
        return 400
    if isinstance(exc, InputError):
        return 422
    return 400


def error_response(status: int, cls: str, message: str, exit_code: int,
                   path: str | None = None, line: int | None = None,
                   column: int | None = None) -> Response:
    body = {"error": {"class": cls, "message": message, "exit_code": exit_code,
                      "path": path, "line": line, "column": column}}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _from_exc(exc: SpeechtreeError) -> Response:
    return error_response(_status(exc), type(exc).__name__, exc.message, exc.exit_code,
                          exc.path, exc.line, exc.column)


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorAnswer, "description": "No draft in the request, or a bad parameter."},
    413: {"model": ErrorAnswer, "description": "Over max_bytes (LimitError)."},
    422: {"model": ErrorAnswer, "description": "Not text: binary or undecodable (InputError)."},
}


def _one_draft_body() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Draft"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary",
                                     "description": "The draft as a file (its name is kept)."},
                            "text": {"type": "string", "description": "Or its text."},
                        },
                    }
                },
                "text/plain": {"schema": {"type": "string"},
                               "description": "Or the draft itself as the body."},
            },
        }
    }


def _two_drafts_body() -> dict[str, Any]:
    part = {"type": "string", "format": "binary"}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/DiffRequest"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"a": part, "b": part, "a_text": {"type": "string"},
                                       "b_text": {"type": "string"}},
                    }
                },
            },
        }
    }


def create_app(*, max_bytes: int = DEFAULT_MAX_BYTES,
               allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES) -> FastAPI:
    """The app. ``allowed_hosts`` are the Host headers it answers (DNS rebinding:
    a page elsewhere must not reach a server on 127.0.0.1 by a name of its own)."""
    opts = ParseOptions(max_bytes=max_bytes)
    # FastAPI reads the models' annotations (response_model=Document) as
    # pydantic does: what they name must be bound first.
    document_adapter()
    app = FastAPI(
        title="speechtree",
        version=__version__,
        description="The outline, numbering checks and comparison of Chinese official texts. "
        "Answers are the JSON of the speechtree CLI.",
        docs_url=None,  # Swagger UI would load its files from a CDN: /openapi.json only
        redoc_url=None,
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        if request.url.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(SpeechtreeError)
    async def on_library_error(request: Request, exc: SpeechtreeError) -> Response:
        return _from_exc(exc)

    @app.exception_handler(RequestValidationError)
    async def on_bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "request"
        return error_response(400, "RequestError", f"{where}: {first.get('msg')}", 2)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        return error_response(500, "InternalError",
                              f"internal error ({type(exc).__name__}); please report it", 70)

    async def uploads(request: Request, names: tuple[str, ...]) -> list[Upload]:
        body = await read_body(request.stream(), request.headers.get("content-length"),
                               max_bytes)
        return drafts(body, request.headers.get("content-type", ""), names,
                      request.query_params.get("filename"))

    def load(up: Upload) -> Document:
        return parse(up.data, path=up.filename, options=opts)

    def codes(value: str | None) -> list[str] | None:
        return [c for c in value.split(",") if c.strip()] if value else None

    def lint_doc(doc: Document, select: str | None, ignore: str | None) -> list[Diagnostic]:
        sel, ign = codes(select), codes(ignore)
        try:
            select_rules(sel, ign)
        except UnknownCodeError as exc:
            raise RequestError(str(exc)) from None
        return lint(doc, path=doc.source.path or "<stdin>", select=sel, ignore=ign)

    def json_answer(text: str | bytes) -> Response:
        return Response(text, media_type="application/json")

    # -- the API: the CLI's answers ---------------------------------------------

    @app.post("/api/parse", response_model=Document, responses={
        **_ERRORS,
        200: {"content": {"text/markdown": {}, "text/csv": {}},
              "description": "The outline: `speechtree parse -f json` (or markdown, CSV)."},
    }, openapi_extra=_one_draft_body(), tags=["api"])
    async def parse_route(
        request: Request,
        format: Literal["json", "markdown", "csv"] = Query(
            "json", description="json: the Document; markdown: -f markdown; csv: batch's table"),
        filename: str | None = Query(None, description="The name of a raw-body draft."),
    ) -> Response:
        """Parse one draft; the answer is `speechtree parse -f json` for the same bytes."""
        (up,) = await uploads(request, ("draft",))
        doc = await run_in_threadpool(load, up)
        if format == "markdown":
            return Response(render(doc, "markdown"), media_type="text/markdown; charset=utf-8")
        if format == "csv":
            return Response(views.table_csv(doc), media_type="text/csv; charset=utf-8")
        return json_answer(render(doc, "json"))

    @app.post("/api/lint", response_model=list[Diagnostic], responses=_ERRORS,
              openapi_extra=_one_draft_body(), tags=["api"])
    async def lint_route(
        request: Request,
        select: str | None = Query(None, description="Codes or prefixes, comma-separated."),
        ignore: str | None = Query(None, description="Codes or prefixes to skip."),
        filename: str | None = Query(None, description="The name of a raw-body draft."),
    ) -> Response:
        """Lint one draft; the answer is `speechtree lint --format json`."""
        (up,) = await uploads(request, ("draft",))

        def work() -> str:
            return lint_json(lint_doc(load(up), select, ignore))

        return json_answer(await run_in_threadpool(work))

    @app.post("/api/diff", response_model=DiffAnswer, responses=_ERRORS,
              openapi_extra=_two_drafts_body(), tags=["api"])
    async def diff_route(
        request: Request,
        similarity: float = Query(DEFAULT_SIMILARITY, ge=0.0, le=1.0,
                                  description="How alike two titles must be to pair."),
    ) -> Response:
        """Compare two drafts; the answer is `speechtree diff --format json`."""
        a, b = await uploads(request, ("a", "b"))

        def work() -> str:
            return diff(load(a), load(b), similarity=similarity).to_json() + "\n"

        return json_answer(await run_in_threadpool(work))

    # -- what the page asks for -------------------------------------------------

    @app.post("/api/view", responses=_ERRORS, openapi_extra=_one_draft_body(), tags=["page"])
    async def view_route(request: Request) -> Response:
        """The page's main view: the Document, its lint findings and the panes' HTML."""
        (up,) = await uploads(request, ("draft",))

        def work() -> bytes:
            doc = load(up)
            return orjson.dumps(views.view(doc, lint_doc(doc, None, None)))

        return json_answer(await run_in_threadpool(work))

    @app.post("/api/compare", responses=_ERRORS, openapi_extra=_two_drafts_body(),
              tags=["page"])
    async def compare_route(request: Request) -> Response:
        """The page's comparison: the diff, both outlines, and the nodes it names."""
        a, b = await uploads(request, ("a", "b"))

        def work() -> bytes:
            doc_a, doc_b = load(a), load(b)
            return orjson.dumps(views.compare(doc_a, doc_b, diff(doc_a, doc_b)))

        return json_answer(await run_in_threadpool(work))

    # -- the page and its files -------------------------------------------------

    static = importlib.resources.files("speechtree.web") / "static"
    page = (static / "index.html").read_bytes()
    files = {name: (static / name).read_bytes() for name in STATIC}
    files["outline.css"] = STYLESHEET.encode("utf-8")
    files["outline.js"] = SCRIPT.encode("utf-8")
    types = {**STATIC, "outline.css": STATIC["app.css"], "outline.js": STATIC["app.js"]}

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in files:
            return error_response(404, "RequestError", f"no file {name}", 2)
        return Response(files[name], media_type=types[name])

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            comps = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in (Draft, DiffRequest):
                s = model.model_json_schema(ref_template="#/components/schemas/{model}")
                comps.update(s.pop("$defs", {}))
                comps[model.__name__] = s
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
