"""What the pages and the API show, computed from the store: pure functions, no HTTP.

Charts are laid out here (coordinates for inline SVG) so the templates only draw, and
so a test can check a layout without a browser. Everything a page lists is capped: a
page costs the same on five articles and on a hundred thousand.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from storyline.models import Article, Entity, Event, Meeting, Story, Variant, from_json

if TYPE_CHECKING:
    from storyline.store.sqlite import SQLiteStore

log = logging.getLogger(__name__)


# -- small helpers ----------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link a page may point to, else None.

    Article URLs are hostile input: ``javascript:``, ``data:`` and odd schemes are not links.
    """
    if not url or not isinstance(url, str) or len(url) > 2048:
        return None
    url = url.strip()
    if any(ord(c) < 32 or c in '<>"\\' for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def host_of(url: str | None) -> str:
    safe = safe_url(url)
    return urlsplit(safe).hostname or "" if safe else ""


@functools.lru_cache(maxsize=512)
def language_name(code: str | None) -> str:
    """English name of a language code (``lv`` → ``Latvian``), the code when unknown."""
    if not code:
        return "unknown"
    from babel import Locale

    name = Locale.parse("en").languages.get(code.replace("-", "_").split("_")[0])
    return str(name) if name else code


def parse_day(value: str | None) -> dt.date | None:
    """The first day of an ISO date, month, year or range; None when unreadable."""
    if not value:
        return None
    value = value.split("/")[0].strip()
    for size, fmt in ((10, "%Y-%m-%d"), (7, "%Y-%m"), (4, "%Y")):
        try:
            return dt.datetime.strptime(value[:size], fmt).date()
        except ValueError:
            continue
    return None


# -- entities ---------------------------------------------------------------------------


def _kb(store: SQLiteStore, method: str) -> Any | None:
    """A method of the entity knowledge base, or None when this database has none
    (written before the entity stage existed, opened read-only so not migrated)."""
    fn = getattr(store, method, None)
    if not callable(fn):
        return None
    has = store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entities'").fetchone()
    return fn if has else None


def find_entity(store: SQLiteStore, id_or_name: str) -> Entity | None:
    """An entity by id or any of its names: the knowledge base when it is there, else
    what the articles say about it (their mentions)."""
    kb = _kb(store, "entity")
    if kb is not None:
        ent = kb(id_or_name)
        if isinstance(ent, Entity):
            return ent
    from storyline.search import name_key

    ids = [id_or_name] if _entity_seen(store, id_or_name) else store.entities_named(name_key(id_or_name))
    if not ids:
        return None
    return _entity_from_articles(store, ids[0])


def _entity_seen(store: SQLiteStore, entity_id: str) -> bool:
    from storyline.search import entity_token

    row = store.db.execute(
        "SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT 1", (f"ents : {entity_token(entity_id)}",)
    ).fetchone()
    return row is not None


def _entity_from_articles(store: SQLiteStore, entity_id: str, sample: int = 200) -> Entity | None:
    """An entity card built from the mentions in (up to ``sample``) articles."""
    from storyline.search import ParsedQuery, SearchQuery, expression

    # the rows carry the articles: no snippets to cut, no second read of each article
    expr, residual = expression(ParsedQuery(terms=()), SearchQuery(entity=entity_id, limit=sample))
    total, rows = store.search_rows(expr, residual)
    forms: Counter[tuple[str, str | None]] = Counter()
    name, kind = "", "MISC"
    for row in rows:
        article = row.article
        for ent in article.entities:
            if ent.id == entity_id:
                name, kind = ent.name, ent.type
                for m in ent.mentions:
                    forms[(m.text, article.language)] += 1
    if not name:
        return None
    variants = tuple(
        Variant(text=t, language=lang, script=script_of(t), count=n) for (t, lang), n in forms.most_common()
    )
    return Entity(id=entity_id, name=name, type=kind, variants=variants, articles=total)  # type: ignore[arg-type]


def script_of(text: str) -> str:
    """The Unicode script of the first letter of ``text`` (Latin, Greek, Cyrillic, …)."""
    import unicodedata

    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            word = name.split(" ")[0] if name else ""
            return {"CJK": "Han", "HANGUL": "Hangul"}.get(word, word.title() or "Unknown")
    return "Unknown"


def entities_list(store: SQLiteStore, limit: int, offset: int, type_: str | None) -> list[Entity]:
    """Entities, most mentioned first: the knowledge base, else event actors (typed
    from an article that mentions them)."""
    kb = _kb(store, "entities")
    if kb is not None:
        return list(kb(limit=limit, offset=offset, type=type_))
    sql = "SELECT entity_id, max(name), count(*) AS n FROM event_entities GROUP BY entity_id ORDER BY n DESC, 1"
    out: list[Entity] = []
    skipped = 0
    for entity_id, name, _n in store.db.execute(sql + " LIMIT 5000").fetchall():
        kind = _entity_type(store, entity_id)
        if type_ is not None and kind != type_:
            continue
        if skipped < offset:
            skipped += 1
            continue
        out.append(Entity(id=entity_id, name=name or entity_id, type=kind))  # type: ignore[arg-type]
        if len(out) >= limit:
            break
    return out


def _entity_type(store: SQLiteStore, entity_id: str) -> str:
    from storyline.search import entity_token

    row = store.db.execute(
        "SELECT a.record FROM search_fts JOIN search_docs d ON d.rowid = search_fts.rowid"
        " JOIN articles a ON a.id = d.article_id WHERE search_fts MATCH ? LIMIT 1",
        (f"ents : {entity_token(entity_id)}",),
    ).fetchone()
    if row:
        for ent in from_json(row[0], Article).entities:
            if ent.id == entity_id:
                return ent.type
    return "MISC"


def variants_by_script(entity: Entity) -> list[tuple[str, list[Variant]]]:
    """The entity's names grouped by script, most used first."""
    groups: dict[str, list[Variant]] = defaultdict(list)
    for v in entity.variants:
        groups[v.script or script_of(v.text)].append(v)
    out = [(script, sorted(vs, key=lambda v: (-v.count, v.text))) for script, vs in groups.items()]
    out.sort(key=lambda g: -sum(v.count for v in g[1]))
    return out


# -- meetings graph -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphNode:
    id: str
    name: str
    x: float
    y: float
    r: float
    weight: int  # meetings with the centre (0 for the centre)
    centre: bool = False


@dataclass(frozen=True, slots=True)
class Graph:
    nodes: tuple[GraphNode, ...]
    width: int
    height: int


def met_counts(meetings: Sequence[Meeting], entity_id: str) -> Counter[str]:
    """How often ``entity_id`` met each other participant (a planned meeting is none yet)."""
    met: Counter[str] = Counter()
    for m in meetings:
        if entity_id in m.participants and not m.planned:
            met.update(p for p in set(m.participants) if p != entity_id)
    return met


def meeting_graph(entity_id: str, name: str, met: Counter[str], names: dict[str, str], most: int = 12) -> Graph:
    """A star: the entity in the middle, who it met on a circle, bigger for more meetings."""
    width, height = 480, 360
    cx, cy = width / 2, height / 2
    nodes = [GraphNode(entity_id, name, cx, cy, 26.0, 0, centre=True)]
    top = met.most_common(most)
    for k, (other, n) in enumerate(top):
        angle = -math.pi / 2 + 2 * math.pi * k / max(1, len(top))
        nodes.append(
            GraphNode(
                other,
                names.get(other, other),
                round(cx + 130 * math.cos(angle), 1),
                round(cy + 130 * math.sin(angle), 1),
                round(10 + 6 * math.log1p(n), 1),
                n,
            )
        )
    return Graph(tuple(nodes), width, height)


# -- timeline -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    event: Event
    x: float
    y: float
    r: float
    shown: bool = True  # drawn on the axis (False: dated outside the range shown, or undated)


@dataclass(frozen=True, slots=True)
class Lane:
    story: Story | None
    label: str
    y: float
    marks: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    lanes: tuple[Lane, ...]
    ticks: tuple[tuple[float, str], ...]
    width: int
    height: int
    left: int
    start: dt.date | None
    end: dt.date | None
    outside: int = 0  # dated events outside ``start``..``end`` (listed, not drawn)
    first: dt.date | None = None  # the earliest and latest event dates of all
    last: dt.date | None = None


# the axis shows the events between these percentiles of their dates by default …
DENSE_PERCENTILES = (2.0, 98.0)
# … and inside Tukey's fences: at most this many interquartile ranges beyond the quartiles,
# and never nearer than STRAY_MIN_DAYS to them (news of one week has no stray a month on)
FENCE_IQR = 1.5
STRAY_MIN_DAYS = 90


def dense_range(days: Sequence[dt.date]) -> tuple[dt.date, dt.date] | None:
    """The range where the event dates are dense: the 2nd to the 98th percentile
    (nearest rank), without the dates beyond Tukey's fences (1.5 interquartile ranges
    past the quartiles). An undated article's event is dated by a year its text names
    (1967, 1884): such strays must not squeeze a year of news into a corner of the axis,
    while news spread evenly over years keeps all of it. None when there are no dates."""
    if not days:
        return None
    ordered = sorted(days)
    n = len(ordered)
    ords = [d.toordinal() for d in ordered]

    def quantile(q: float) -> float:
        pos = q * (n - 1)
        i = math.floor(pos)
        return ords[i] + (ords[min(i + 1, n - 1)] - ords[i]) * (pos - i)

    q1, q3 = quantile(0.25), quantile(0.75)
    reach = max(FENCE_IQR * (q3 - q1), STRAY_MIN_DAYS)
    lo = math.floor(DENSE_PERCENTILES[0] / 100 * (n - 1))
    hi = math.ceil(DENSE_PERCENTILES[1] / 100 * (n - 1))
    kept = [d for d, o in zip(ordered[lo : hi + 1], ords[lo : hi + 1], strict=True) if q1 - reach <= o <= q3 + reach]
    return (kept[0], kept[-1]) if kept else (ordered[lo], ordered[hi])


def timeline(
    events: Sequence[Event],
    stories: dict[str, Story],
    width: int = 960,
    lane_height: int = 44,
    *,
    whole: bool = False,
) -> Timeline:
    """Events laid out on a time axis, one lane per storyline (events of no storyline
    share the last lane), dot size by article count. The axis spans the dense range of
    the event dates (:func:`dense_range`); events dated outside it stay in their lane's
    list but are not drawn. ``whole``: the axis spans every date."""
    left = 190
    dated = [(e, parse_day(e.date)) for e in events]
    days = [d for _, d in dated if d]
    first, last = (min(days), max(days)) if days else (None, None)
    start, end = (first, last) if whole else (dense_range(days) or (None, None))
    span = max(1, (end - start).days) if start and end else 1
    by_lane: dict[str | None, list[tuple[Event, dt.date | None]]] = defaultdict(list)
    for e, d in dated:
        by_lane[e.story_id if e.story_id in stories else None].append((e, d))
    named = sorted((k for k in by_lane if k is not None), key=lambda k: (stories[k].start or "", k))
    order: list[str | None] = list(named)
    if None in by_lane:
        order.append(None)
    lanes: list[Lane] = []
    plot = width - left - 20
    for i, key in enumerate(order):
        y = 30 + i * lane_height + lane_height / 2
        marks = []
        for e, d in by_lane[key]:
            shown = d is not None and start is not None and end is not None and start <= d <= end
            x = left + (plot * (d - start).days / span if d and start and shown else 0)
            marks.append(Mark(e, round(x, 1), y, round(4 + 2.5 * math.log1p(len(e.articles)), 1), shown))
        story = stories.get(key) if key else None
        label = story.title if story else "other events"
        lanes.append(Lane(story, label, y, tuple(marks)))
    ticks: list[tuple[float, str]] = []
    if start and end:
        step = max(1, span // 6)
        for k in range(0, span + 1, step):
            day = start + dt.timedelta(days=k)
            ticks.append((round(left + plot * k / span, 1), day.isoformat()))
    height = 40 + lane_height * max(1, len(lanes))
    outside = sum(1 for d in days if start is not None and end is not None and not start <= d <= end)
    return Timeline(tuple(lanes), tuple(ticks), width, height, left, start, end, outside, first, last)


# -- coverage ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoverageRow:
    language: str
    total: int
    path: str  # SVG path of the daily counts (an area)
    peak: int


@dataclass(frozen=True, slots=True)
class Coverage:
    rows: tuple[CoverageRow, ...]
    start: str | None
    end: str | None
    days: int
    width: int
    row_height: int
    counts: tuple[tuple[str, str, int], ...]  # (day, language, articles)


def coverage_counts(
    store: SQLiteStore, since: str | None = None, until: str | None = None
) -> list[tuple[str, str, int]]:
    """Articles per (day, language)."""
    where = ["published IS NOT NULL"]
    params: list[object] = []
    if since:
        where.append("published >= ?")
        params.append(since)
    if until:
        where.append("published <= ?")
        params.append(until + "\uffff")
    sql = (
        "SELECT substr(published, 1, 10) AS day, coalesce(language, 'und'), count(*) FROM articles"
        " WHERE " + " AND ".join(where) + " GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return [(str(d), str(lang), int(n)) for d, lang, n in store.db.execute(sql, params)]


def coverage(counts: Sequence[tuple[str, str, int]], width: int = 720, row_height: int = 36) -> Coverage:
    """Small multiples: one row per language, an area of articles per day."""
    days = sorted({d for d, _, _ in counts if parse_day(d)})
    if not days:
        return Coverage((), None, None, 0, width, row_height, tuple(counts))
    first, last = parse_day(days[0]), parse_day(days[-1])
    assert first is not None and last is not None
    span = max(1, (last - first).days)
    per: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for d, lang, n in counts:
        day = parse_day(d)
        if day is not None:
            per[lang][(day - first).days] += n
    rows: list[CoverageRow] = []
    for lang, series in sorted(per.items(), key=lambda kv: -sum(kv[1].values())):
        peak = max(series.values())
        points = [f"M0,{row_height}"]
        bar = max(1.0, width / span * 0.8)
        for k in sorted(series):
            x = round(width * k / span, 1)
            x2 = round(x + bar, 1)
            h = round((row_height - 2) * series[k] / peak, 1)
            points.append(f"L{x},{row_height}L{x},{row_height - h}L{x2},{row_height - h}L{x2},{row_height}")
        points.append(f"L{width},{row_height}Z")
        rows.append(CoverageRow(lang, sum(series.values()), "".join(points), peak))
    return Coverage(tuple(rows), days[0], days[-1], span + 1, width, row_height, tuple(counts))


# -- event page -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleCard:
    article: Article
    duplicates: tuple[Article, ...]


def language_columns(articles: Sequence[Article]) -> list[tuple[str, list[ArticleCard]]]:
    """Articles grouped by language (most articles first), duplicates folded under the
    article they copy."""
    ids = {a.id for a in articles}
    dups: dict[str, list[Article]] = defaultdict(list)
    kept: list[Article] = []
    for a in articles:
        if a.duplicate_of and a.duplicate_of in ids and a.duplicate_of != a.id:
            dups[a.duplicate_of].append(a)
        else:
            kept.append(a)
    cols: dict[str, list[ArticleCard]] = defaultdict(list)
    for a in kept:
        cols[a.language or "und"].append(ArticleCard(a, tuple(dups.get(a.id, ()))))
    return sorted(cols.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def excerpt(text: str, size: int = 600) -> str:
    """The opening of ``text``, cut at a word."""
    if len(text) <= size:
        return text
    cut = text.rfind(" ", 0, size)
    return text[: cut if cut > size // 2 else size] + " …"


def event_row(e: Event, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The API/CSV shape of an event."""
    names = names or {}
    return {
        "id": e.id,
        "title": e.title,
        "date": e.date,
        "place": e.place,
        "actors": [{"id": a, "name": names.get(a, a)} for a in e.actors],
        "languages": list(e.languages),
        "articles": len(e.articles),
        "article_ids": list(e.articles),
        "sources": list(e.sources),
        "first_seen": e.first_seen,
        "last_seen": e.last_seen,
        "story_id": e.story_id,
    }


def story_row(s: Story, names: dict[str, str] | None = None) -> dict[str, Any]:
    names = names or {}
    return {
        "id": s.id,
        "title": s.title,
        "events": list(s.events),
        "actors": [{"id": a, "name": names.get(a, a)} for a in s.actors],
        "start": s.start,
        "end": s.end,
    }


def entity_row(e: Entity) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "articles": e.articles,
        "variants": [
            {"text": v.text, "language": v.language, "script": v.script, "count": v.count} for v in e.variants
        ],
    }


def meeting_row(m: Meeting, names: dict[str, str] | None = None) -> dict[str, Any]:
    names = names or {}
    return {
        "event_id": m.event_id,
        "participants": [{"id": p, "name": names.get(p, p)} for p in m.participants],
        "host": m.host,
        "guest": m.guest,
        "place": m.place,
        "date": m.date,
        "evidence": m.evidence,
        "article_id": m.article_id,
        "planned": m.planned,
    }
