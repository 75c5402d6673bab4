"""The web app: JSON API and server-rendered pages over one storyline database.

Safe by default, because article text is hostile input and the database is someone's
work: the database is opened read-only; the only write endpoint (``POST /api/ingest``)
answers 403 unless ``[web] ingest_token`` is set, and then wants that token; every
template autoescapes; URLs become links only when they are http(s); a Content Security
Policy allows scripts and styles from this server only (nothing from a CDN); requests
and pages are size-capped; an error shows a generic message, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from storyline.config import Config
from storyline.errors import StoreError
from storyline.store.sqlite import SQLiteStore

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class WebSettings:
    """``[web]`` in defaults.toml."""

    host: str = "127.0.0.1"
    port: int = 8765
    page_size: int = 20
    max_page_size: int = 200
    max_offset: int = 100_000
    max_request_bytes: int = 2_000_000
    ingest_token: str = ""
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
    timeline_events: int = 300
    page_articles: int = 60


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class Stores:
    """One read-only connection per worker thread (SQLite connections are not shared)."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = str(db_path)
        self._local = threading.local()
        self._all: list[SQLiteStore] = []
        self._lock = threading.Lock()

    def get(self) -> SQLiteStore:
        store: SQLiteStore | None = getattr(self._local, "store", None)
        if store is None:
            store = SQLiteStore(self.path, readonly=True)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                store.close()
            self._all.clear()


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (by header, and while reading)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _too_large(send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = b'{"error":"request body too large"}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def templates() -> Environment:
    """The Jinja2 environment: autoescape on for every template."""
    from storyline.search import split_marks
    from storyline.store.search import COUNT_CAP
    from storyline.web.views import excerpt, host_of, language_name, safe_url

    env = Environment(
        loader=PackageLoader("storyline.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["host"] = host_of
    env.filters["language_name"] = language_name
    env.filters["excerpt"] = excerpt
    env.globals["split_marks"] = split_marks
    env.globals["count_cap"] = COUNT_CAP
    return env


def create_app(db_path: str | Path, config: Config | None = None) -> FastAPI:
    """The app over the database at ``db_path`` (which must exist)."""
    config = config or Config.load()
    settings = config.section("web", WebSettings)
    if not Path(db_path).exists():
        raise StoreError(f"no database at {db_path}")
    stores = Stores(db_path)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()

    app = FastAPI(
        lifespan=lifespan,
        title="storyline",
        description="Events, storylines and entities from multilingual news (read-only).",
        version="0.1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads from a CDN: not here
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.config = config
    app.state.stores = stores
    app.state.db_path = str(db_path)
    app.state.env = templates()
    app.state.ingest_lock = threading.Lock()

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if _wants_json(request):
            return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)
        return _error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(x) for x in e.get("loc", ())), "problem": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"error": "invalid request", "problems": problems}, status_code=422)
        text = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
        return _error_page(request, 422, f"The request was not understood ({text}).")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("error serving %s", request.url.path, exc_info=exc)
        if _wants_json(request):
            return JSONResponse({"error": "internal error"}, status_code=500)
        return _error_page(request, 500, "Something went wrong on our side. The error was logged.")

    from storyline.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files("storyline.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    hosts = list(settings.allowed_hosts)
    if "*" not in hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=[h.strip("[]") for h in hosts] + hosts)
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
    env: Environment = request.app.state.env
    html = env.get_template("error.html").render(status=status, message=message, q="", path=request.url.path)
    return HTMLResponse(html, status_code=status)
