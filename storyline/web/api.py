"""The JSON API (``/api/...``): every list pages with ``limit``/``offset`` and exports as
CSV with ``?format=csv``. The schema is served at ``/api/openapi.json``."""

from __future__ import annotations

import hmac
import logging
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from storyline.export import article_row, to_csv
from storyline.models import Article, Entity, Event, Meeting, to_dict
from storyline.search import MAX_QUERY_CHARS, Hit, ParsedQuery, SearchQuery, search, store_expression
from storyline.store.search import COUNT_CAP
from storyline.store.sqlite import SQLiteStore
from storyline.web import views

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"])

Format = Literal["json", "csv"]


# FastAPI keeps state on a parameter's FieldInfo: each parameter gets a fresh one
def FORMAT() -> Any:
    return Query("json", description="json, or csv to download the list")


def LIMIT() -> Any:
    return Query(None, ge=1, description="Page size (capped by [web] max_page_size).")


def OFFSET() -> Any:
    return Query(0, ge=0, description="Rows to skip.")


DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
LANG_RE = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$"


def SINCE() -> Any:
    return Query(None, pattern=DATE, description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD), inclusive.")


def UNTIL() -> Any:
    return Query(None, pattern=DATE, description="ISO date, inclusive.")


def LANG() -> Any:
    return Query(None, max_length=16, pattern=LANG_RE, description="Language code.")


def ID(what: str) -> Any:
    return Query(None, max_length=300, description=f"Only {what}.")


def request_store(request: Request) -> SQLiteStore:
    # opened in the thread that runs the endpoint (a dependency may run in another)
    store: SQLiteStore = request.app.state.stores.get()
    return store


def _page(request: Request, limit: int | None, offset: int) -> tuple[int, int]:
    s = request.app.state.settings
    if offset > s.max_offset:
        raise HTTPException(422, f"offset is capped at {s.max_offset}")
    return min(limit or s.page_size, s.max_page_size), offset


class Page:
    """The paging and format parameters every list takes (``limit`` capped by settings)."""

    def __init__(
        self, request: Request, limit: int | None = LIMIT(), offset: int = OFFSET(), format: Format = FORMAT()
    ) -> None:
        self.limit, self.offset = _page(request, limit, offset)
        self.format: Format = format

    def listing(self, rows: list[dict[str, Any]], name: str, total: int | None = None) -> Response:
        return _listing(rows, self.format, name, self.limit, self.offset, total)


class ArticleFilters:
    """The filters of the article lists (``/search`` and ``/articles``)."""

    def __init__(
        self,
        lang: str | None = LANG(),
        since: str | None = SINCE(),
        until: str | None = UNTIL(),
        entity: str | None = ID("those of this entity (id or any name)"),
        event: str | None = ID("articles of this event (id)"),
        story: str | None = ID("articles of this storyline (id)"),
    ) -> None:
        self.lang, self.since, self.until = lang, since, until
        self.entity, self.event, self.story = entity, event, story

    def query(self, store: SQLiteStore, page: Page, q: str = "") -> SearchQuery:
        """The search for these filters, the entity resolved to its id (404 when unknown)."""
        return SearchQuery(
            q=q,
            language=self.lang,
            since=self.since,
            until=self.until,
            entity=_entity_id(store, self.entity),
            event=self.event,
            story=self.story,
            limit=page.limit,
            offset=page.offset,
        )


def _listing(
    rows: list[dict[str, Any]], fmt: Format, name: str, limit: int, offset: int, total: int | None = None
) -> Response:
    if fmt == "csv":
        return StreamingResponse(
            _csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    body: dict[str, Any] = {"limit": limit, "offset": offset, "results": rows}
    if total is not None:
        body = {"total": total, **body}
    body["next_offset"] = (
        offset + limit
        if (total is None and len(rows) == limit) or (total is not None and offset + limit < total)
        else None
    )
    return JSONResponse(body)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV rows; a text cell that a spreadsheet would run as a formula gets a leading quote."""

    def cell(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and value.startswith(_FORMULA) else value

    yield from to_csv({k: cell(v) for k, v in row.items()} for row in rows)


def article_summary(a: Article, event_id: str | None = None, story_id: str | None = None) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "language": a.language,
        "published": a.published,
        "url": views.safe_url(a.url),
        "source": a.source,
        "event_id": event_id if event_id is not None else a.event_id,
        "story_id": story_id if story_id is not None else a.story_id,
        "duplicate_of": a.duplicate_of,
    }


def hit_row(h: Hit) -> dict[str, Any]:
    return {
        "id": h.id,
        "title": h.title,
        "language": h.language,
        "published": h.published,
        "snippet": h.snippet,
        "highlights": [list(x) for x in h.highlights],
        "url": views.safe_url(h.url),
        "event_id": h.event_id,
        "story_id": h.story_id,
        "duplicate_of": h.duplicate_of,
        "score": round(-h.score, 4),
    }


def entity_or_404(store: SQLiteStore, id_or_name: str) -> Entity:
    """The entity of an id or any of its names (404 when unknown)."""
    ent = views.find_entity(store, id_or_name)
    if ent is None:
        raise HTTPException(404, "no such entity")
    return ent


def _entity_id(store: SQLiteStore, value: str | None) -> str | None:
    """An entity filter given as id or any name → the id (404 when unknown)."""
    return entity_or_404(store, value).id if value else None


# -- search and articles ----------------------------------------------------------------


@router.get("/search", summary="Full-text search, cross-lingual by entity")
def api_search(
    request: Request,
    q: str = Query("", max_length=MAX_QUERY_CHARS, description="Words; quotes for a phrase; word* for a prefix."),
    filters: ArticleFilters = Depends(),
    page: Page = Depends(),
) -> Response:
    store = request_store(request)
    result = search(store, filters.query(store, page, q))
    rows = [hit_row(h) for h in result.hits]
    if page.format == "csv":
        return page.listing(rows, "search", result.total)
    limit, offset = page.limit, page.offset
    names = store.entity_names(result.entities)
    return JSONResponse(
        {
            "total": result.total,
            "total_is_lower_bound": result.total > COUNT_CAP,  # counting stops there
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if offset + limit < result.total else None,
            "entities": [{"id": e, "name": names.get(e, e)} for e in result.entities],
            "results": rows,
        }
    )


@router.get("/articles", summary="Articles, newest first, with filters")
def api_articles(
    request: Request,
    filters: ArticleFilters = Depends(),
    page: Page = Depends(),
) -> Response:
    store = request_store(request)
    query = filters.query(store, page)
    total, found = store.search_rows(*store_expression(store, ParsedQuery(terms=()), query))
    rows = [article_summary(r.article, r.event_id, r.story_id) for r in found]
    return page.listing(rows, "articles", total)


@router.get("/articles/{article_id:path}", summary="One article, whole, and why it is in its event")
def api_article(request: Request, article_id: str) -> Response:
    store = request_store(request)
    article = store.article(article_id)
    if article is None:
        raise HTTPException(404, "no such article")
    row = article_row(article)
    row["url"] = views.safe_url(article.url)
    row["why"] = _why(store.decision(article.id))
    return JSONResponse(row)


def _why(decision: dict[str, Any] | None) -> dict[str, Any] | None:
    """The clustering decision as ``storyline explain`` prints it: ``joined`` or ``new``
    (or ``copy``), the score (for a new event: the best candidate's, below the
    threshold), each signal's value and weight, the candidates as ``[event, score]``."""
    if decision is None:
        return None
    why = {k: v for k, v in decision.items() if k != "article"}
    why["parts"] = [to_dict(p) for p in decision["parts"]]
    return why


# -- events, storylines, meetings -------------------------------------------------------


@router.get("/events", summary="Events in date order")
def api_events(
    request: Request,
    since: str | None = SINCE(),
    until: str | None = UNTIL(),
    entity: str | None = ID("those of this entity (id or any name)"),
    lang: str | None = LANG(),
    page: Page = Depends(),
) -> Response:
    store = request_store(request)
    events = store.events(
        since=since, until=until, entity=_entity_id(store, entity), lang=lang, limit=page.limit, offset=page.offset
    )
    names = store.entity_names(a for e in events for a in e.actors)
    return page.listing([views.event_row(e, names) for e in events], "events")


@router.get("/events/{event_id:path}", summary="One event with its articles and meeting")
def api_event(request: Request, event_id: str) -> Response:
    store = request_store(request)
    event = store.event(event_id)
    if event is None:
        raise HTTPException(404, "no such event")
    articles = store.event_articles(event.id)
    meetings = event_meetings(store, event)
    names = store.entity_names([*event.actors, *(p for m in meetings for p in m.participants)])
    row = views.event_row(event, names)
    row["article_list"] = [article_summary(a) for a in articles]
    row["meetings"] = [views.meeting_row(m, names) for m in meetings]
    return JSONResponse(row)


def event_meetings(store: SQLiteStore, event: Event) -> list[Meeting]:
    """The meetings found in an event (those of its first actor, which every one has)."""
    if not event.actors:
        return []
    return [m for m in store.meetings(entity=event.actors[0]) if m.event_id == event.id]


@router.get("/storylines", summary="Storylines")
def api_storylines(
    request: Request,
    entity: str | None = ID("those of this entity (id or any name)"),
    since: str | None = SINCE(),
    until: str | None = UNTIL(),
    page: Page = Depends(),
) -> Response:
    store = request_store(request)
    stories = store.stories(
        entity=_entity_id(store, entity), since=since, until=until, limit=page.limit, offset=page.offset
    )
    names = store.entity_names(a for s in stories for a in s.actors)
    return page.listing([views.story_row(s, names) for s in stories], "storylines")


@router.get("/storylines/{story_id:path}", summary="One storyline with its events")
def api_storyline(request: Request, story_id: str) -> Response:
    store = request_store(request)
    story = store.story(story_id)
    if story is None:
        raise HTTPException(404, "no such storyline")
    events = [e for e in (store.event(i) for i in story.events) if e is not None]
    names = store.entity_names([*story.actors, *(a for e in events for a in e.actors)])
    row = views.story_row(story, names)
    row["event_list"] = [views.event_row(e, names) for e in events]
    return JSONResponse(row)


@router.get("/meetings", summary="Who met whom, where and when")
def api_meetings(
    request: Request,
    entity: str | None = ID("those of this entity (id or any name)"),
    page: Page = Depends(),
) -> Response:
    store = request_store(request)
    meetings = store.meetings(entity=_entity_id(store, entity), limit=page.limit + page.offset)[page.offset :]
    names = store.entity_names(p for m in meetings for p in m.participants)
    return page.listing([views.meeting_row(m, names) for m in meetings], "meetings")


# -- entities -----------------------------------------------------------------------------


@router.get("/entities", summary="Entities, most mentioned first")
def api_entities(
    request: Request,
    type: Literal["PER", "LOC", "ORG", "MISC"] | None = Query(None, description="PER, LOC, ORG or MISC"),
    page: Page = Depends(),
) -> Response:
    store = request_store(request)
    rows = [views.entity_row(e) for e in views.entities_list(store, page.limit, page.offset, type)]
    if page.format == "csv":
        for r in rows:
            r["variants"] = [v["text"] for v in r["variants"]]
    return page.listing(rows, "entities")


@router.get("/entities/{entity_id:path}", summary="One entity: names, events, who it met")
def api_entity(request: Request, entity_id: str) -> Response:
    store = request_store(request)
    entity = entity_or_404(store, entity_id)
    settings = request.app.state.settings
    events = store.events(entity=entity.id, limit=settings.timeline_events)
    met = views.met_counts(store.meetings(entity=entity.id), entity.id)
    names = store.entity_names(met)
    row = views.entity_row(entity)
    row["events"] = [{"id": e.id, "title": e.title, "date": e.date, "place": e.place} for e in events]
    row["met"] = [{"id": i, "name": names.get(i, i), "meetings": n} for i, n in met.most_common()]
    return JSONResponse(row)


# -- what was not stored ------------------------------------------------------------------


@router.get("/rejections", summary="Inputs refused, with the reason")
def api_rejections(request: Request, page: Page = Depends()) -> Response:
    items = request_store(request).rejections()
    rows = [to_dict(r) for r in items[page.offset : page.offset + page.limit]]
    return page.listing(rows, "rejections", len(items))


@router.get("/quarantine", summary="Inputs a stage failed on, with the stage and traceback")
def api_quarantine(request: Request, page: Page = Depends()) -> Response:
    items = request_store(request).quarantined()
    rows = [to_dict(q) for q in items[page.offset : page.offset + page.limit]]
    return page.listing(rows, "quarantine", len(items))


# -- stats ------------------------------------------------------------------------------


@router.get("/coverage", summary="Articles per language per day")
def api_coverage(
    request: Request, since: str | None = SINCE(), until: str | None = UNTIL(), format: Format = FORMAT()
) -> Response:
    store = request_store(request)
    rows = [{"day": d, "language": lang, "articles": n} for d, lang, n in views.coverage_counts(store, since, until)]
    return _listing(rows, format, "coverage", len(rows), 0, len(rows))


@router.get("/stats", summary="What the database holds")
def api_stats(request: Request) -> Response:
    store = request_store(request)
    one = store.db.execute
    languages = one("SELECT coalesce(language, 'und'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    first, last = store.published_bounds()
    return JSONResponse(
        {
            **store.counts(),
            "events": store.event_count(),
            "storylines": int(one("SELECT count(*) FROM stories").fetchone()[0]),
            "meetings": int(one("SELECT count(*) FROM meetings").fetchone()[0]),
            "languages": {lang: n for lang, n in languages},
            "published": {"first": first, "last": last},
            "search_pending": store.pending_count(),
        }
    )


# -- the one write ------------------------------------------------------------------------


@router.post("/ingest", summary="Analyse and store articles (JSONL body); needs the ingest token")
async def api_ingest(request: Request) -> Response:
    settings = request.app.state.settings
    if not settings.ingest_token:
        raise HTTPException(403, "ingest is disabled: set [web] ingest_token to enable it")
    given = request.headers.get("authorization", "")
    token = given[7:] if given.lower().startswith("bearer ") else ""
    if not token or not hmac.compare_digest(token.encode(), settings.ingest_token.encode()):
        raise HTTPException(401, "a valid token is needed (Authorization: Bearer …)")
    body = await request.body()
    if not body.strip():
        raise HTTPException(422, "empty body: send JSON lines, one article a line")
    from starlette.concurrency import run_in_threadpool

    summary = await run_in_threadpool(_ingest, request, body)
    return JSONResponse(summary)


def _ingest(request: Request, body: bytes) -> dict[str, Any]:
    from storyline.ingest import read_inputs
    from storyline.pipeline import build_pipeline

    config = request.app.state.config
    with request.app.state.ingest_lock, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posted.jsonl"
        path.write_bytes(body)
        with SQLiteStore(request.app.state.db_path) as store:
            pipeline = build_pipeline(config, store)
            summary = pipeline.run(read_inputs([str(path)], meta=None, config=config), store)
            finish = getattr(pipeline, "finish", None)
            if callable(finish):
                finish(store)
            store.record_run(summary)
    return {
        "seen": summary.seen,
        "stored": summary.stored,
        "rejected": summary.rejected,
        "quarantined": summary.quarantined,
        "reasons": dict(summary.reasons),
    }
