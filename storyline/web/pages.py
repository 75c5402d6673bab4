"""Server-rendered pages: timeline, event, entity, storyline, article, search, coverage.

Every page works without JavaScript; charts are inline SVG drawn from layouts in
:mod:`storyline.web.views`, each with a list or table beside it for keyboards and
screen readers.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from storyline.search import MAX_QUERY_CHARS, SearchQuery, search
from storyline.store.sqlite import SQLiteStore
from storyline.web import views
from storyline.web.api import DATE, LANG, LANG_RE, entity_or_404, event_meetings, request_store

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, **context: Any) -> HTMLResponse:
    env = request.app.state.env
    context.setdefault("q", "")
    return HTMLResponse(env.get_template(template).render(path=request.url.path, **context))


# ``?dates=all``: a time axis over every event date, not only the dense range
DATES = Query(None, pattern=r"^all$", description="all: the time axis spans every event date")


def _dates_link(request: Request, whole: bool) -> str:
    """This page's address with the other choice of time axis (filters kept)."""
    url = request.url.remove_query_params("dates")
    if not whole:
        url = url.include_query_params(dates="all")
    return url.path + (f"?{url.query}" if url.query else "")


def _languages(store: SQLiteStore) -> list[str]:
    sql = "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY 1"
    return [r[0] for r in store.db.execute(sql)]


@router.get("/", response_class=HTMLResponse)
def timeline_page(
    request: Request,
    since: str | None = Query(None, pattern=DATE),
    until: str | None = Query(None, pattern=DATE),
    entity: str | None = Query(None, max_length=300),
    lang: str | None = LANG(),
    dates: str | None = DATES,
) -> HTMLResponse:
    store = request_store(request)
    settings = request.app.state.settings
    entity_obj = entity_or_404(store, entity) if entity else None
    whole = dates == "all" or bool(since or until)  # a range asked for is shown whole
    events = store.events(
        since=since or None,
        until=until or None,
        entity=entity_obj.id if entity_obj else None,
        lang=lang or None,
        limit=settings.timeline_events,
    )
    story_ids = {e.story_id for e in events if e.story_id}
    stories = {s.id: s for s in (store.story(i) for i in story_ids) if s is not None}
    layout = views.timeline(events, stories, whole=whole)
    names = store.entity_names(a for e in events for a in e.actors)
    return _render(
        request,
        "timeline.html",
        layout=layout,
        dates_link=_dates_link(request, dates == "all"),
        whole=dates == "all",
        events=events,
        names=names,
        stories=stories,
        filters={"since": since or "", "until": until or "", "entity": entity or "", "lang": lang or ""},
        entity=entity_obj,
        languages=_languages(store),
        capped=len(events) >= settings.timeline_events,
    )


@router.get("/events/{event_id:path}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str) -> HTMLResponse:
    store = request_store(request)
    event = store.event(event_id)
    if event is None:
        raise HTTPException(404, "no such event")
    settings = request.app.state.settings
    articles = store.event_articles(event.id)
    shown = articles[: settings.page_articles * 4]
    meetings = event_meetings(store, event)
    names = store.entity_names([*event.actors, *(p for m in meetings for p in m.participants)])
    story = store.story(event.story_id) if event.story_id else None
    return _render(
        request,
        "event.html",
        event=event,
        columns=views.language_columns(shown),
        total_articles=len(articles),
        names=names,
        meetings=meetings,
        story=story,
    )


@router.get("/entities", response_class=HTMLResponse)
def entities_page(
    request: Request,
    type: str | None = Query(None, pattern=r"^(PER|LOC|ORG|MISC)$"),
    offset: int = Query(0, ge=0, le=100_000),
) -> HTMLResponse:
    store = request_store(request)
    size = request.app.state.settings.page_size
    entities = views.entities_list(store, size, offset, type or None)
    return _render(request, "entities.html", entities=entities, type=type or "", offset=offset, size=size)


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str, dates: str | None = DATES) -> HTMLResponse:
    store = request_store(request)
    entity = entity_or_404(store, entity_id)
    settings = request.app.state.settings
    events = store.events(entity=entity.id, limit=settings.timeline_events)
    stories = {s.id: s for s in (store.story(i) for i in {e.story_id for e in events if e.story_id}) if s}
    meetings = store.meetings(entity=entity.id)
    met = views.met_counts(meetings, entity.id)
    names = store.entity_names([*met, *(a for e in events for a in e.actors)])
    articles = search(store, SearchQuery(entity=entity.id, limit=20))
    return _render(
        request,
        "entity.html",
        entity=entity,
        scripts=views.variants_by_script(entity),
        events=events,
        layout=views.timeline(events, stories, width=960, lane_height=40, whole=dates == "all"),
        dates_link=_dates_link(request, dates == "all"),
        whole=dates == "all",
        met=met.most_common(),
        graph=views.meeting_graph(entity.id, entity.name, met, names),
        meetings=meetings,
        names=names,
        articles=articles,
    )


@router.get("/storylines", response_class=HTMLResponse)
def storylines_page(request: Request, offset: int = Query(0, ge=0, le=100_000)) -> HTMLResponse:
    store = request_store(request)
    size = request.app.state.settings.page_size
    stories = store.stories(limit=size, offset=offset)
    names = store.entity_names(a for s in stories for a in s.actors)
    return _render(request, "storylines.html", stories=stories, names=names, offset=offset, size=size)


@router.get("/storylines/{story_id:path}", response_class=HTMLResponse)
def storyline_page(request: Request, story_id: str, dates: str | None = DATES) -> HTMLResponse:
    store = request_store(request)
    story = store.story(story_id)
    if story is None:
        raise HTTPException(404, "no such storyline")
    events = [e for e in (store.event(i) for i in story.events[:300]) if e is not None]
    names = store.entity_names([*story.actors, *(a for e in events for a in e.actors)])
    return _render(
        request,
        "storyline.html",
        story=story,
        events=events,
        layout=views.timeline(events, {story.id: story}, whole=dates == "all"),
        dates_link=_dates_link(request, dates == "all"),
        whole=dates == "all",
        names=names,
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    store = request_store(request)
    article = store.article(article_id)
    if article is None:
        raise HTTPException(404, "no such article")
    row = store.db.execute("SELECT event_id, story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
    event = store.event(row[0]) if row and row[0] else None
    why = store.decision(article.id)
    return _render(request, "article.html", article=article, event=event, why=why)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: str = Query("", max_length=MAX_QUERY_CHARS),
    lang: str | None = Query(None, max_length=16),
    since: str | None = Query(None, max_length=10),
    until: str | None = Query(None, max_length=10),
    entity: str | None = Query(None, max_length=300),
    event: str | None = Query(None, max_length=300),
    story: str | None = Query(None, max_length=300),
    offset: int = Query(0, ge=0, le=100_000),
) -> HTMLResponse:
    store = request_store(request)
    size = request.app.state.settings.page_size
    problems: list[str] = []
    if lang and not re.fullmatch(LANG_RE, lang):
        problems.append("language code not understood")
        lang = None
    for name, value in (("from", since), ("to", until)):
        if value and not re.fullmatch(DATE, value):
            problems.append(f"'{name}' date must be YYYY, YYYY-MM or YYYY-MM-DD")
    since = since if since and re.fullmatch(DATE, since) else None
    until = until if until and re.fullmatch(DATE, until) else None
    entity_obj = views.find_entity(store, entity) if entity else None
    if entity and entity_obj is None:
        problems.append("no entity of that name")
    query = SearchQuery(
        q=q,
        language=lang or None,
        since=since,
        until=until,
        entity=entity_obj.id if entity_obj else None,
        event=event or None,
        story=story or None,
        limit=size,
        offset=offset,
    )
    result = search(store, query) if (q.strip() or entity_obj or event or story) else None
    names = store.entity_names(result.entities) if result else {}
    return _render(
        request,
        "search.html",
        q=q,
        result=result,
        names=names,
        filters={
            "lang": lang or "",
            "since": since or "",
            "until": until or "",
            "entity": entity or "",
            "event": event or "",
            "story": story or "",
        },
        languages=_languages(store),
        problems=problems,
        offset=offset,
        size=size,
    )


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    since: str | None = Query(None, pattern=DATE),
    until: str | None = Query(None, pattern=DATE),
) -> HTMLResponse:
    store = request_store(request)
    chart = views.coverage(views.coverage_counts(store, since, until))
    return _render(request, "coverage.html", chart=chart, counts=store.counts(), since=since or "", until=until or "")
