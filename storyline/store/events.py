"""SQLite tables and queries for events, storylines and meetings (a mixin of
:class:`~storyline.store.sqlite.SQLiteStore`).

Tables:

- ``events``: one row per event card, plus the clusterer's state for the event
  (``state``: centroid and entity profile) so a later run continues where this one
  stopped.
- ``event_aliases``: ids that no longer name an event (merged away) and the id that
  took them over; :meth:`EventsTables.event` follows them, so old links keep working.
- ``event_log``: every create, merge and split, with what caused it.
- ``decisions``: why each article joined its event (the score parts), for
  ``storyline explain``.
- ``stories`` and ``meetings``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from storyline.models import Article, Event, Meeting, ScorePart, Story, from_json, replace, to_json

MIGRATIONS: list[tuple[str, str]] = [
    (
        "events_001_events",
        """
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            date TEXT,
            place TEXT,
            actors TEXT NOT NULL DEFAULT '[]',
            languages TEXT NOT NULL DEFAULT '[]',
            sources TEXT NOT NULL DEFAULT '[]',
            n_articles INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT,
            last_seen TEXT,
            story_id TEXT,
            state BLOB,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX events_date ON events(date);
        CREATE INDEX events_story ON events(story_id);
        CREATE TABLE event_aliases (
            old_id TEXT PRIMARY KEY,
            new_id TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE event_log (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            event_id TEXT NOT NULL,
            other_id TEXT,
            detail TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE decisions (
            article_id TEXT PRIMARY KEY,
            event_id TEXT,
            decision TEXT NOT NULL,
            score REAL,
            threshold REAL,
            parts TEXT NOT NULL DEFAULT '[]',
            candidates TEXT NOT NULL DEFAULT '[]',
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            actors TEXT NOT NULL DEFAULT '[]',
            start TEXT,
            end TEXT,
            state BLOB
        );
        CREATE TABLE meetings (
            event_id TEXT PRIMARY KEY,
            participants TEXT NOT NULL,
            host TEXT,
            guest TEXT,
            place TEXT,
            date TEXT,
            evidence TEXT NOT NULL DEFAULT '',
            article_id TEXT
        );
        CREATE TABLE meeting_participants (
            event_id TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            PRIMARY KEY (event_id, entity_id)
        );
        CREATE INDEX meeting_participants_entity ON meeting_participants(entity_id);
        CREATE TABLE event_entities (
            event_id TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (event_id, entity_id)
        );
        CREATE INDEX event_entities_entity ON event_entities(entity_id);
        CREATE TABLE events_meta (
            key TEXT PRIMARY KEY,
            value BLOB NOT NULL
        );
        """,
    ),
    (
        "events_003_last_day_index",
        # events by last and first day (the ends of their date range), covering the id:
        # the late-article window search reads the index alone instead of every row
        "CREATE INDEX events_days ON events(substr(date, -10), substr(date, 1, 10), id) WHERE state IS NOT NULL;",
    ),
    (
        "events_004_story_aliases",
        """
        CREATE TABLE story_aliases (
            old_id TEXT PRIMARY KEY,
            new_id TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        """,
    ),
    (
        "events_005_meeting_planned",
        # a meeting the reports speak of only as to come ("will meet"): Meeting.planned
        "ALTER TABLE meetings ADD COLUMN planned INTEGER NOT NULL DEFAULT 0;",
    ),
]

_T = TypeVar("_T")
_CHUNK = 500  # ids per ``IN (...)`` query: well under SQLite's limit on bound parameters


def _in_chunks(ids: Sequence[_T]) -> Iterator[tuple[Sequence[_T], str]]:
    """``ids`` in slices for ``IN (...)`` queries, each with its ``?,?,…`` placeholders."""
    for k in range(0, len(ids), _CHUNK):
        chunk = ids[k : k + _CHUNK]
        yield chunk, ",".join("?" * len(chunk))


# why an article is in its event: (article, event, decision, score, threshold, parts, candidates, detail)
DecisionRow = tuple[str, str | None, str, float | None, float | None, Sequence[ScorePart], list[object], str]

_EVENT_COLS = "id, title, date, place, actors, languages, sources, first_seen, last_seen, story_id"


def date_range(
    since: str | None, until: str | None, start: str, end: str | None = None
) -> tuple[list[str], list[object]]:
    """SQL conditions (and their parameters) for rows whose dates touch ``since``..``until``
    (ISO prefixes, both inclusive: ``until`` "2024-05" takes all of May). ``start`` and
    ``end`` are the SQL expressions of a row's first and last date (``end`` defaults to
    ``start``)."""
    where: list[str] = []
    params: list[object] = []
    if since:
        where.append(f"{end or start} >= ?")
        params.append(since)
    if until:
        where.append(f"{start} <= ?")
        params.append(until + "\uffff")
    return where, params


def _event(row: Sequence[object], articles: tuple[str, ...]) -> Event:
    id_, title, date, place, actors, languages, sources, first, last, story = row
    return Event(
        id=str(id_),
        title=str(title),
        date=date if isinstance(date, str) else None,
        place=place if isinstance(place, str) else None,
        actors=tuple(json.loads(str(actors))),
        languages=tuple(json.loads(str(languages))),
        articles=articles,
        sources=tuple(json.loads(str(sources))),
        first_seen=first if isinstance(first, str) else None,
        last_seen=last if isinstance(last, str) else None,
        story_id=story if isinstance(story, str) else None,
    )


class EventsTables:
    """Methods over the events tables; ``self.db`` is the open connection."""

    db: sqlite3.Connection

    # -- writing -----------------------------------------------------------
    def save_events(
        self, events: Iterable[tuple[Event, int, bytes | None]], names: dict[str, str] | None = None
    ) -> None:
        """Insert or replace event cards: ``(event, article count, clusterer state)``;
        ``names`` gives the display name of entity ids."""
        names = names or {}
        with self.db:
            self._write_events(events, names)

    def _write_events(self, events: Iterable[tuple[Event, int, bytes | None]], names: dict[str, str]) -> None:
        for ev, n, state in events:
            self.db.execute(
                "INSERT INTO events(id, title, date, place, actors, languages, sources, n_articles,"
                " first_seen, last_seen, story_id, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET title=excluded.title, date=excluded.date,"
                " place=excluded.place, actors=excluded.actors, languages=excluded.languages,"
                " sources=excluded.sources, n_articles=excluded.n_articles,"
                " first_seen=excluded.first_seen, last_seen=excluded.last_seen,"
                " story_id=COALESCE(excluded.story_id, events.story_id), state=excluded.state,"
                " updated_at=strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (
                    ev.id,
                    ev.title,
                    ev.date,
                    ev.place,
                    json.dumps(list(ev.actors), ensure_ascii=False),
                    json.dumps(list(ev.languages)),
                    json.dumps(list(ev.sources), ensure_ascii=False),
                    n,
                    ev.first_seen,
                    ev.last_seen,
                    ev.story_id,
                    state,
                ),
            )
            self.db.execute("DELETE FROM event_entities WHERE event_id = ?", (ev.id,))
            self.db.executemany(
                "INSERT OR IGNORE INTO event_entities(event_id, entity_id, name) VALUES (?,?,?)",
                [(ev.id, a, names.get(a, a)) for a in ev.actors],
            )

    def merge_events(self, kept: str, gone: str, reason: str) -> None:
        """Fold event ``gone`` into ``kept``: move its articles, alias its id, log it."""
        with self.db:
            self._write_merge(kept, gone, reason)

    def _write_merge(self, kept: str, gone: str, reason: str) -> None:
        # the JSON record too, so an exported article names the event it is in now
        moved = self.db.execute("SELECT id, record FROM articles WHERE event_id = ?", (gone,)).fetchall()
        self.db.executemany(
            "UPDATE articles SET event_id = ?, record = ? WHERE id = ?",
            [(kept, to_json(replace(from_json(record, Article), event_id=kept)), i) for i, record in moved],
        )
        self.db.execute("UPDATE decisions SET event_id = ? WHERE event_id = ?", (kept, gone))
        self.db.execute("UPDATE event_aliases SET new_id = ? WHERE new_id = ?", (kept, gone))
        self.db.execute(
            "INSERT OR REPLACE INTO event_aliases(old_id, new_id, reason) VALUES (?,?,?)", (gone, kept, reason)
        )
        self.db.execute("DELETE FROM events WHERE id = ?", (gone,))
        self.db.execute("DELETE FROM event_entities WHERE event_id = ?", (gone,))
        self.db.execute("DELETE FROM meetings WHERE event_id = ?", (gone,))
        self.db.execute("DELETE FROM meeting_participants WHERE event_id = ?", (gone,))
        self.db.execute(
            "INSERT INTO event_log(kind, event_id, other_id, detail) VALUES ('merge', ?, ?, ?)",
            (kept, gone, reason),
        )

    def log_event(self, kind: str, event_id: str, other_id: str | None = None, detail: str = "") -> None:
        self.log_events([(kind, event_id, other_id, detail)])

    def log_events(self, rows: Iterable[tuple[str, str, str | None, str]]) -> None:
        """Log many ``(kind, event, other event, detail)`` entries in one transaction (a
        batch opens dozens of events: one commit each cost more than the rest of the write)."""
        with self.db:
            self._write_log(rows)

    def _write_log(self, rows: Iterable[tuple[str, str, str | None, str]]) -> None:
        self.db.executemany("INSERT INTO event_log(kind, event_id, other_id, detail) VALUES (?,?,?,?)", rows)

    def save_decisions(
        self,
        rows: Iterable[DecisionRow],
    ) -> None:
        """Record why each article went where it went: ``(article, event, decision, score,
        threshold, parts, candidates, detail)``."""
        with self.db:
            self._write_decisions(rows)

    def _write_decisions(self, rows: Iterable[DecisionRow]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO decisions(article_id, event_id, decision, score, threshold, parts,"
            " candidates, detail) VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    a,
                    e,
                    d,
                    s,
                    t,
                    json.dumps([[p.signal, p.value, p.weight] for p in parts]),
                    json.dumps(c, ensure_ascii=False),
                    detail,
                )
                for a, e, d, s, t, parts, c, detail in rows
            ],
        )

    def save_stories(self, stories: Iterable[tuple[Story, bytes | None]]) -> None:
        with self.db:
            for story, state in stories:
                self.db.execute(
                    "INSERT OR REPLACE INTO stories(id, title, actors, start, end, state) VALUES (?,?,?,?,?,?)",
                    (story.id, story.title, json.dumps(list(story.actors)), story.start, story.end, state),
                )
                self.db.executemany(
                    "UPDATE events SET story_id = ? WHERE id = ?", [(story.id, e) for e in story.events]
                )

    def merge_stories(self, kept: str, gone: str, reason: str) -> None:
        """Storyline ``gone`` joins ``kept``: its events follow, its id becomes an alias
        of ``kept`` (ids pointing at it still resolve) and the merge is logged."""
        with self.db:
            self.db.execute("UPDATE story_aliases SET new_id = ? WHERE new_id = ?", (kept, gone))
            self.db.execute(
                "INSERT OR REPLACE INTO story_aliases(old_id, new_id, reason) VALUES (?,?,?)", (gone, kept, reason)
            )
            self.db.execute("UPDATE events SET story_id = ? WHERE story_id = ?", (kept, gone))
            self.db.execute("DELETE FROM stories WHERE id = ?", (gone,))
            self.db.execute(
                "INSERT INTO event_log(kind, event_id, other_id, detail) VALUES ('story-merge', ?, ?, ?)",
                (kept, gone, reason),
            )

    def story_event_states(self, story_id: str) -> list[tuple[str, bytes]]:
        """The events of a stored storyline with their clusterer state."""
        rows = self.db.execute(
            "SELECT id, state FROM events WHERE story_id = ? AND state IS NOT NULL ORDER BY date, id", (story_id,)
        )
        return [(str(i), bytes(s)) for i, s in rows]

    def resolve_story_id(self, story_id: str) -> str | None:
        """The current id of ``story_id`` (itself, or the storyline it was merged into)."""
        if self.db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone():
            return story_id
        row = self.db.execute("SELECT new_id FROM story_aliases WHERE old_id = ?", (story_id,)).fetchone()
        return str(row[0]) if row else None

    def save_event_batch(
        self,
        *,
        merges: Sequence[tuple[str, str, str]] = (),
        events: Iterable[tuple[Event, int, bytes | None]] = (),
        names: dict[str, str] | None = None,
        decisions: Iterable[DecisionRow] = (),
        log: Iterable[tuple[str, str, str | None, str]] = (),
        meetings: Iterable[Meeting] = (),
        meta: Mapping[str, bytes] | None = None,
    ) -> None:
        """Everything one batch of the events stage writes, in this order and in one
        transaction: merges ``(kept, gone, reason)``, event cards, decisions, log lines,
        meetings, stage state. (A commit per merge, event and log line cost more than
        all the rest of the write; one transaction also keeps a batch whole.)"""
        with self.db:
            for kept, gone, reason in merges:
                self._write_merge(kept, gone, reason)
            self._write_events(events, names or {})
            self._write_decisions(decisions)
            self._write_log(log)
            self._write_meetings(meetings)
            for key, value in (meta or {}).items():
                self._write_meta(key, value)

    def update_event_states(self, states: Iterable[tuple[str, bytes]]) -> None:
        """Rewrite the clusterer state of events (e.g. once they are in a storyline)."""
        with self.db:
            self.db.executemany("UPDATE events SET state = ? WHERE id = ?", [(b, i) for i, b in states])

    def save_meetings(self, meetings: Iterable[Meeting]) -> None:
        with self.db:
            self._write_meetings(meetings)

    def _write_meetings(self, meetings: Iterable[Meeting]) -> None:
        for m in meetings:
            self.db.execute(
                "INSERT OR REPLACE INTO meetings(event_id, participants, host, guest, place, date, evidence,"
                " article_id, planned) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    m.event_id,
                    json.dumps(list(m.participants)),
                    m.host,
                    m.guest,
                    m.place,
                    m.date,
                    m.evidence,
                    m.article_id,
                    int(m.planned),
                ),
            )
            self.db.execute("DELETE FROM meeting_participants WHERE event_id = ?", (m.event_id,))
            self.db.executemany(
                "INSERT OR IGNORE INTO meeting_participants(event_id, entity_id) VALUES (?,?)",
                [(m.event_id, p) for p in m.participants],
            )

    def set_article_stories(self, story_of: Mapping[str, str]) -> int:
        """Give the articles of each event its storyline: ``{event id: story id}``.

        The JSON record is rewritten too, so an exported article carries the same links
        as the columns — in SQL (``json_set`` on the one key), not by decoding and
        re-encoding every article in Python, which cost more than the linking itself.
        Returns how many articles changed (the statements' own count: ``total_changes``
        would add the rows the search index's update trigger writes).
        """
        with self.db:
            cur = self.db.executemany(
                "UPDATE articles SET story_id = ?1,"
                " record = CAST(json_set(CAST(record AS TEXT), '$.story_id', ?1) AS BLOB)"
                " WHERE event_id = ?2 AND story_id IS NOT ?1",
                [(story_id, event_id) for event_id, story_id in story_of.items()],
            )
        return cur.rowcount

    def set_events_meta(self, key: str, value: bytes) -> None:
        """Keep a piece of the events stage's state (e.g. entity frequencies) between runs."""
        with self.db:
            self._write_meta(key, value)

    def _write_meta(self, key: str, value: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO events_meta(key, value) VALUES (?,?)", (key, value))

# -- reading -----------------------------------------------------------
    def events_meta(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM events_meta WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def resolve_event_id(self, event_id: str) -> str | None:
        """The current id of ``event_id`` (itself, or what it was merged into)."""
        if self.db.execute("SELECT 1 FROM events WHERE id = ?", (event_id,)).fetchone():
            return event_id
        row = self.db.execute("SELECT new_id FROM event_aliases WHERE old_id = ?", (event_id,)).fetchone()
        return str(row[0]) if row else None

    def _article_ids(self, event_id: str) -> tuple[str, ...]:
        rows = self.db.execute(
            "SELECT id FROM articles WHERE event_id = ? ORDER BY published, rowid", (event_id,)
        )
        return tuple(r[0] for r in rows)

    def event(self, event_id: str) -> Event | None:
        """The event card; an id merged into another event resolves to that event."""
        current = self.resolve_event_id(event_id)
        if current is None:
            return None
        row = self.db.execute(f"SELECT {_EVENT_COLS} FROM events WHERE id = ?", (current,)).fetchone()
        return _event(row, self._article_ids(current)) if row else None

    def events(
        self,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        lang: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Event]:
        """Event cards in date order, filtered by date (ISO prefix compare), an entity id
        among the actors, or a language among the articles."""
        where, params = date_range(since, until, "substr(date, 1, 10)")
        if entity:
            where.append("id IN (SELECT event_id FROM event_entities WHERE entity_id = ?)")
            params.append(entity)
        if lang:
            where.append("EXISTS (SELECT 1 FROM json_each(events.languages) WHERE value = ?)")
            params.append(lang)
        sql = f"SELECT {_EVENT_COLS} FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY date IS NULL, date, id LIMIT ? OFFSET ?"
        rows = self.db.execute(sql, (*params, limit, offset)).fetchall()
        articles: dict[str, list[str]] = {str(r[0]): [] for r in rows}
        ids = list(articles)
        for chunk, marks in _in_chunks(ids):  # the articles of the whole page in one query
            for eid, aid in self.db.execute(
                f"SELECT event_id, id FROM articles WHERE event_id IN ({marks}) ORDER BY published, rowid", chunk
            ):
                articles[eid].append(aid)
        return [_event(r, tuple(articles[str(r[0])])) for r in rows]

    def _names_in(self, table: str, id_col: str, name_col: str, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk, marks in _in_chunks(ids):
            rows = self.db.execute(
                f"SELECT {id_col}, {name_col} FROM {table} WHERE {id_col} IN ({marks}) AND {name_col} != ''", chunk
            )
            for i, n in rows:
                out.setdefault(str(i), str(n))
        return out

    def kb_names(self, ids: Iterable[str]) -> dict[str, str]:
        """Canonical names of the entity ids the knowledge base has (others left out)."""
        return self._names_in("entities", "id", "name", list(dict.fromkeys(ids)))

    def entity_names(self, ids: Iterable[str]) -> dict[str, str]:
        """Display names of entity ids: the knowledge base's canonical name, else the
        name stored with the event actors, else the id itself."""
        wanted = list(dict.fromkeys(ids))
        out = self.kb_names(wanted)
        missing = [i for i in wanted if i not in out]
        if missing:
            out.update(self._names_in("event_entities", "entity_id", "name", missing))
        return {i: out.get(i, i) for i in wanted}

    def find_entity_ids(self, query: str) -> list[str]:
        """Entity ids among event actors whose id or name matches ``query`` (case-insensitive)."""
        rows = self.db.execute(
            "SELECT DISTINCT entity_id FROM event_entities WHERE entity_id = ? OR lower(name) LIKE ?",
            (query, "%" + query.lower() + "%"),
        )
        return [str(r[0]) for r in rows]

    def find_article_ids(self, query: str) -> list[str]:
        """Article ids matching ``query``: the id itself, else a file name (or its start)."""
        if self.db.execute("SELECT 1 FROM articles WHERE id = ?", (query,)).fetchone():
            return [query]
        rows = self.db.execute(
            "SELECT id FROM articles WHERE source LIKE ? OR source LIKE ? ORDER BY rowid",
            ("%/" + query + "%", query + "%"),
        )
        return [str(r[0]) for r in rows]

    def event_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM events").fetchone()[0])

    def event_states(self, since: str | None = None) -> list[tuple[str, bytes]]:
        """The clusterer state of stored events (dated on or after ``since``)."""
        if since:
            rows = self.db.execute(
                "SELECT id, state FROM events WHERE state IS NOT NULL AND (date IS NULL OR substr(date, -10) >= ?)",
                (since,),
            )
        else:
            rows = self.db.execute("SELECT id, state FROM events WHERE state IS NOT NULL")
        return [(str(i), bytes(s)) for i, s in rows]

    def latest_event_day(self) -> int | None:
        """The day number of the latest event date stored (``None``: no dated event)."""
        import datetime as dt

        row = self.db.execute("SELECT max(substr(date, -10)) FROM events WHERE date IS NOT NULL").fetchone()
        try:
            return dt.date.fromisoformat(row[0]).toordinal() if row and row[0] else None
        except ValueError:
            return None

    def event_states_between(
        self, first: str, last: str, wanted: Callable[[str], bool] | None = None
    ) -> list[tuple[str, bytes]]:
        """Clusterer state of events whose dates touch ``first``..``last`` (ISO days), in
        the order they were first stored; with ``wanted``, only of the ids it accepts (the
        ids are read first, so the states of events the caller holds are never read)."""
        rows = sorted(  # sorted here: ORDER BY rowid would make SQLite scan the table, not the index
            self.db.execute(
                "SELECT rowid, id FROM events WHERE state IS NOT NULL AND substr(date, -10) >= ?"
                " AND substr(date, 1, 10) <= ?",
                (first, last),
            )
        )
        keep = [(r, str(i)) for r, i in rows if wanted is None or wanted(str(i))]
        out: list[tuple[str, bytes]] = []
        for chunk, marks in _in_chunks(keep):
            states = dict(
                self.db.execute(f"SELECT rowid, state FROM events WHERE rowid IN ({marks})", [r for r, _ in chunk])
            )
            out.extend((i, bytes(states[r])) for r, i in chunk)
        return out

    def event_articles(self, event_id: str) -> list[Article]:
        current = self.resolve_event_id(event_id)
        if current is None:
            return []
        rows = self.db.execute(
            "SELECT record FROM articles WHERE event_id = ? ORDER BY published, rowid", (current,)
        )
        return [from_json(r[0], Article) for r in rows]

    def decision(self, article_id: str) -> dict[str, object] | None:
        """Why ``article_id`` is in its event (see ``storyline explain``)."""
        row = self.db.execute(
            "SELECT event_id, decision, score, threshold, parts, candidates, detail FROM decisions"
            " WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        event_id, decision, score, threshold, parts, candidates, detail = row
        return {
            "article": article_id,
            "event": self.resolve_event_id(event_id) if event_id else None,
            "decision": decision,
            "score": score,
            "threshold": threshold,
            "parts": [ScorePart(signal=s, value=v, weight=w) for s, v, w in json.loads(parts)],
            "candidates": json.loads(candidates),
            "detail": detail,
        }

    def event_log(self, event_id: str | None = None) -> list[dict[str, object]]:
        sql = "SELECT kind, event_id, other_id, detail, at FROM event_log"
        params: tuple[object, ...] = ()
        if event_id:
            sql += " WHERE event_id = ? OR other_id = ?"
            params = (event_id, event_id)
        rows = self.db.execute(sql + " ORDER BY id", params)
        return [{"kind": k, "event": e, "other": o, "detail": d, "at": at} for k, e, o, d, at in rows]

    def _story(self, row: Sequence[object]) -> Story:
        id_, title, actors, start, end = row
        events = tuple(
            r[0] for r in self.db.execute("SELECT id FROM events WHERE story_id = ? ORDER BY date, id", (id_,))
        )
        return Story(
            id=str(id_),
            title=str(title),
            events=events,
            actors=tuple(json.loads(str(actors))),
            start=start if isinstance(start, str) else None,
            end=end if isinstance(end, str) else None,
        )

    def stories(
        self,
        entity: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Story]:
        """Storylines, latest first, filtered by an entity among their actors or by dates."""
        # a storyline without a start (or end) date is open on that side
        where, params = date_range(since, until, "coalesce(start, '')", "coalesce(end, '\uffff')")
        if entity:
            where.append("EXISTS (SELECT 1 FROM json_each(stories.actors) WHERE value = ?)")
            params.append(entity)
        sql = "SELECT id, title, actors, start, end FROM stories"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY end DESC, id LIMIT ? OFFSET ?"
        return [self._story(r) for r in self.db.execute(sql, (*params, limit, offset)).fetchall()]

    def story(self, story_id: str) -> Story | None:
        """The storyline; an id merged into another storyline resolves to that one."""
        current = self.resolve_story_id(story_id)
        if current is None:
            return None
        row = self.db.execute(
            "SELECT id, title, actors, start, end FROM stories WHERE id = ?", (current,)
        ).fetchone()
        return self._story(row) if row else None

    def story_states(self, since: str | None = None) -> list[tuple[str, bytes]]:
        """Storyline states (with ``since``, an ISO day: only storylines still open then)."""
        if since:
            rows = self.db.execute(
                "SELECT id, state FROM stories WHERE state IS NOT NULL AND (end IS NULL OR end >= ?)", (since,)
            )
        else:
            rows = self.db.execute("SELECT id, state FROM stories WHERE state IS NOT NULL")
        return [(str(i), bytes(s)) for i, s in rows]

    def latest_story_day(self) -> str | None:
        """The last day any stored storyline reaches (``None``: no dated storyline)."""
        row = self.db.execute("SELECT MAX(end) FROM stories").fetchone()
        return str(row[0]) if row and row[0] else None

    def events_without_story(self) -> list[tuple[str, bytes]]:
        """Events not yet in a storyline, in date order, with their clusterer state."""
        rows = self.db.execute(
            "SELECT id, state FROM events WHERE story_id IS NULL AND state IS NOT NULL ORDER BY date, id"
        )
        return [(str(i), bytes(s)) for i, s in rows]

    def meetings(self, entity: str | None = None, limit: int = 1000) -> list[Meeting]:
        """Who met whom, in date order; with ``entity``, only meetings it took part in."""
        sql = "SELECT event_id, participants, host, guest, place, date, evidence, article_id, planned FROM meetings"
        params: tuple[object, ...] = ()
        if entity:
            sql += " WHERE event_id IN (SELECT event_id FROM meeting_participants WHERE entity_id = ?)"
            params = (entity,)
        sql += " ORDER BY date, event_id LIMIT ?"
        return [
            Meeting(
                event_id=e,
                participants=tuple(json.loads(p)),
                host=h,
                guest=g,
                place=pl,
                date=d,
                evidence=ev,
                article_id=a,
                planned=bool(planned),
            )
            for e, p, h, g, pl, d, ev, a, planned in self.db.execute(sql, (*params, limit))
        ]
