"""SQLite tables and queries for search (a mixin of :class:`~storyline.store.sqlite.SQLiteStore`).

- ``search_fts``: an FTS5 table over app-folded text (see :mod:`storyline.search`):
  ``title``, ``body``, ``latin`` (transliteration of non-Latin articles) and ``ents``
  (one token per entity mention). Its rowid is ``search_docs.rowid``, an explicit
  INTEGER PRIMARY KEY, so a VACUUM of ``articles`` cannot break the link.
- ``search_docs``: FTS rowid ↔ article id.
- ``search_names``: name key (transliterated surface form) → entity id, from every
  form under which an article mentioned an entity: a query naming any of them finds
  the entity's articles in every language.
- ``search_pending``: articles to (re)index. Triggers on ``articles`` fill it on
  insert and when the title, text or entities change, whoever writes; the folding is
  Python, so :meth:`SearchTables.index_pending` runs after each write (the store
  calls it in the same transaction) and before serving.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.models import Article, from_json
from storyline.search import FoldedText, IndexRow

if TYPE_CHECKING:
    from storyline.search import SearchQuery

log = logging.getLogger(__name__)

MIGRATIONS: list[tuple[str, str]] = [
    (
        "search_001_fts",
        """
        CREATE TABLE search_docs (
            rowid INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL UNIQUE
        );
        CREATE VIRTUAL TABLE search_fts USING fts5(
            title, body, latin, ents,
            tokenize = 'unicode61 remove_diacritics 0'
        );
        CREATE TABLE search_names (
            key TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            PRIMARY KEY (key, entity_id)
        ) WITHOUT ROWID;
        CREATE TABLE search_pending (article_id TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TRIGGER search_articles_insert AFTER INSERT ON articles BEGIN
            INSERT OR IGNORE INTO search_pending(article_id) VALUES (new.id);
        END;
        CREATE TRIGGER search_articles_update AFTER UPDATE OF title, text, record ON articles
        WHEN old.title IS NOT new.title OR old.text IS NOT new.text
          OR json_extract(CAST(old.record AS TEXT), '$.entities')
             IS NOT json_extract(CAST(new.record AS TEXT), '$.entities')
        BEGIN
            INSERT OR IGNORE INTO search_pending(article_id) VALUES (new.id);
        END;
        CREATE TRIGGER search_articles_delete AFTER DELETE ON articles BEGIN
            DELETE FROM search_fts WHERE rowid = (SELECT rowid FROM search_docs WHERE article_id = old.id);
            DELETE FROM search_docs WHERE article_id = old.id;
            DELETE FROM search_pending WHERE article_id = old.id;
        END;
        INSERT INTO search_pending(article_id) SELECT id FROM articles;
        """,
    ),
]

MIGRATIONS.append(
    (
        "search_002_meta",
        # a column of language and month tokens, so that filters narrow matches inside
        # FTS5; the index is rebuilt (pending) because the FTS table is new
        """
        DROP TABLE search_fts;
        CREATE VIRTUAL TABLE search_fts USING fts5(
            title, body, latin, ents, meta,
            tokenize = 'unicode61 remove_diacritics 0'
        );
        DELETE FROM search_docs;
        DROP TRIGGER search_articles_update;
        CREATE TRIGGER search_articles_update AFTER UPDATE OF title, text, language, published, record ON articles
        WHEN old.title IS NOT new.title OR old.text IS NOT new.text
          OR old.language IS NOT new.language OR old.published IS NOT new.published
          OR json_extract(CAST(old.record AS TEXT), '$.entities')
             IS NOT json_extract(CAST(new.record AS TEXT), '$.entities')
        BEGIN
            INSERT OR IGNORE INTO search_pending(article_id) VALUES (new.id);
        END;
        INSERT OR IGNORE INTO search_pending(article_id) SELECT id FROM articles;
        """,
    )
)

MIGRATIONS.append(
    (
        "search_003_links",
        # event and storyline tokens joined the meta column: reindex when the links change
        """
        DROP TRIGGER search_articles_update;
        CREATE TRIGGER search_articles_update
        AFTER UPDATE OF title, text, language, published, event_id, story_id, record ON articles
        WHEN old.title IS NOT new.title OR old.text IS NOT new.text
          OR old.language IS NOT new.language OR old.published IS NOT new.published
          OR old.event_id IS NOT new.event_id OR old.story_id IS NOT new.story_id
          OR json_extract(CAST(old.record AS TEXT), '$.entities')
             IS NOT json_extract(CAST(new.record AS TEXT), '$.entities')
        BEGIN
            INSERT OR IGNORE INTO search_pending(article_id) VALUES (new.id);
        END;
        INSERT OR IGNORE INTO search_pending(article_id) SELECT id FROM articles;
        """,
    )
)

MIGRATIONS.append(
    (
        "search_004_coverage_index",
        # the coverage chart counts articles per day and language: a covering index makes
        # that an index scan instead of a walk over every article record
        "CREATE INDEX IF NOT EXISTS articles_published_language ON articles(published, language);",
    )
)

MIGRATIONS.append(
    (
        "search_005_prefix",
        # prefix indexes: 'word*' queries read one term list instead of merging every
        # word that starts so; the FTS table is rebuilt and every article queued again
        """
        DROP TABLE search_fts;
        CREATE VIRTUAL TABLE search_fts USING fts5(
            title, body, latin, ents, meta,
            tokenize = 'unicode61 remove_diacritics 0',
            prefix = '2 3 4'
        );
        DELETE FROM search_docs;
        INSERT OR IGNORE INTO search_pending(article_id) SELECT id FROM articles;
        """,
    )
)

MIGRATIONS.append(
    (
        "search_006_automerge",
        # FTS5 merges its segments as batches are written: merging once 8 segments of a
        # level exist instead of 4 writes each term fewer times (store CPU per article
        # -20% on the BSNLP texts in batches of 64, bench/README.md) for a few more
        # segments to read per query (no change measured in query time)
        "INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 8);",
    )
)

# bm25 weights of title, body, latin, ents, meta: a word in the title says more than one in
# the body; a transliterated match is weaker evidence; an entity match is strong.
WEIGHTS = (4.0, 1.0, 0.5, 2.0, 0.0)
# above this many matches, results are listed newest first instead of by bm25 (see search_rows);
# set with bench/search_bench.py: bm25 costs 20-100 µs a match on this machine
RANK_LIMIT = 1_000
# totals are counted up to this (so a count costs at most this many matches); a larger total
# is reported as COUNT_CAP + 1, "more than"
COUNT_CAP = 1_000
INDEX_CHUNK = 200


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One ranked result: the article and its bm25 score (lower is better, as in FTS5)."""

    article: Article
    score: float
    event_id: str | None
    story_id: str | None


class SearchTables:
    """Methods over the search tables; ``self.db`` is the open connection."""

    db: sqlite3.Connection
    readonly: bool

    # -- indexing -----------------------------------------------------------------
    def pending_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM search_pending").fetchone()[0])

    def index_pending(
        self,
        fresh: Mapping[str, Article] | None = None,
        folded: Mapping[str, FoldedText] | None = None,
    ) -> int:
        """Index every article waiting in ``search_pending``; return how many.

        Runs in the caller's transaction when there is one (the store's ``write``).
        ``fresh`` holds articles this transaction has just inserted, which need not be
        read back and decoded; ``folded`` their text already folded (by a pipeline
        worker). Other pending articles are read from the table.
        """
        from storyline.search import index_row

        fresh = fresh or {}
        folded = folded or {}
        db = self.db
        done = 0
        while True:
            ids = [r[0] for r in db.execute("SELECT article_id FROM search_pending LIMIT ?", (INDEX_CHUNK,))]
            if not ids:
                return done
            rows: list[tuple[str, IndexRow]] = []
            stored = [i for i in ids if i not in fresh]
            for i in ids:
                if i in fresh:
                    a = fresh[i]
                    rows.append((i, index_row(a, a.event_id, a.story_id, folded.get(i))))
            if stored:
                marks = ",".join("?" * len(stored))
                sql = f"SELECT id, record, event_id, story_id FROM articles WHERE id IN ({marks})"
                for article_id, record, event_id, story_id in db.execute(sql, stored).fetchall():
                    rows.append((article_id, index_row(from_json(record, Article), event_id, story_id)))
            db.executemany("INSERT OR IGNORE INTO search_docs(article_id) VALUES (?)", [(i,) for i, _ in rows])
            marks = ",".join("?" * len(ids))
            docids = dict(db.execute(f"SELECT article_id, rowid FROM search_docs WHERE article_id IN ({marks})", ids))
            db.executemany("DELETE FROM search_fts WHERE rowid = ?", [(docids[i],) for i, _ in rows])
            db.executemany(
                "INSERT INTO search_fts(rowid, title, body, latin, ents, meta) VALUES (?,?,?,?,?,?)",
                [(docids[i], r.title, r.body, r.latin, r.ents, r.meta) for i, r in rows],
            )
            db.executemany(
                "INSERT OR IGNORE INTO search_names(key, entity_id) VALUES (?,?)", [n for _, r in rows for n in r.names]
            )
            db.execute(f"DELETE FROM search_pending WHERE article_id IN ({marks})", ids)
            done += len(ids)

    def reindex_search(self) -> int:
        """Rebuild the whole index (after a change to :func:`storyline.search.fold`)."""
        with self.db:
            self.db.execute("DELETE FROM search_fts")
            self.db.execute("DELETE FROM search_docs")
            self.db.execute("DELETE FROM search_names")
            self.db.execute("INSERT OR IGNORE INTO search_pending(article_id) SELECT id FROM articles")
            n = self.index_pending()
        self.db.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        return n

    def ensure_search_index(self) -> int:
        """Index what is pending, in its own transaction (before serving a database)."""
        if self.readonly:
            return 0
        with self.db:
            return self.index_pending()

    # -- queries ------------------------------------------------------------------
    def published_bounds(self) -> tuple[str | None, str | None]:
        """The first and last publication date stored (closes open date ranges)."""
        # two queries: SQLite answers a lone min() or max() from the index, both at once by a scan
        first = self.db.execute("SELECT min(published) FROM articles").fetchone()[0]
        last = self.db.execute("SELECT max(published) FROM articles").fetchone()[0]
        return first, last

    def entities_named(self, key: str) -> list[str]:
        """Entity ids one of whose surface forms has this name key."""
        return [r[0] for r in self.db.execute("SELECT entity_id FROM search_names WHERE key = ?", (key,))]

    def search_rows(self, expr: str, query: SearchQuery) -> tuple[int, list[SearchRow]]:
        """Total and one page of articles matching the FTS5 ``expr`` and the filters.

        With no ``expr`` the filters alone select, newest first.
        """
        where: list[str] = []
        params: list[object] = []
        if query.language:
            where.append("a.language = ?")
            params.append(query.language)
        if query.since:
            where.append("a.published >= ?")
            params.append(query.since)
        if query.until:
            # an ISO prefix compares below the longer date: '2023-09' < '2023-09-15'
            where.append("a.published <= ?")
            params.append(query.until + "\uffff")
        if query.event:
            where.append("a.event_id = ?")
            params.append(query.event)
        if query.story:
            where.append("a.story_id = ?")
            params.append(query.story)
        limit, offset = max(0, query.limit), max(0, query.offset)
        if expr:
            # CROSS JOIN: FTS5 first. Left to itself the planner may walk an articles index
            # and run the whole MATCH once per row.
            base = (
                " FROM search_fts CROSS JOIN search_docs d ON d.rowid = search_fts.rowid"
                " CROSS JOIN articles a ON a.id = d.article_id WHERE search_fts MATCH ?"
            )
            args: list[object] = [expr, *params]
            cond = "".join(" AND " + w for w in where)
            # counting stops at COUNT_CAP: beyond it the exact number costs a scan of every match
            total = self.db.execute(
                f"SELECT count(*) FROM (SELECT 1{base}{cond} LIMIT {COUNT_CAP + 1})"
                if where
                else f"SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT {COUNT_CAP + 1})",
                args if where else [expr],
            ).fetchone()[0]
            if total > RANK_LIMIT:
                # bm25 would score every match and says little about words in thousands of
                # articles: newest-indexed first, which FTS5 streams without sorting
                order = " ORDER BY search_fts.rowid DESC"
                select = "SELECT a.id, 0.0"
            else:
                w = ",".join(str(x) for x in WEIGHTS)
                order = " ORDER BY score"
                select = f"SELECT a.id, bm25(search_fts, {w}) AS score"
            page = self.db.execute(
                select + base + cond + order + " LIMIT ? OFFSET ?", [*args, limit, offset]
            ).fetchall()
        else:
            cond = (" WHERE " + " AND ".join(where)) if where else ""
            total = self.db.execute("SELECT count(*) FROM articles a" + cond, params).fetchone()[0]
            page = self.db.execute(
                "SELECT a.id, 0.0 FROM articles a" + cond + " ORDER BY a.published DESC, a.rowid DESC LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return int(total), self._rows(page)

    def _rows(self, page: Sequence[tuple[str, float]]) -> list[SearchRow]:
        if not page:
            return []
        ids = [r[0] for r in page]
        marks = ",".join("?" * len(ids))
        found = {
            r[0]: r[1:]
            for r in self.db.execute(f"SELECT id, record, event_id, story_id FROM articles WHERE id IN ({marks})", ids)
        }
        out: list[SearchRow] = []
        for article_id, score in page:
            record, event_id, story_id = found[article_id]
            out.append(
                SearchRow(article=from_json(record, Article), score=float(score), event_id=event_id, story_id=story_id)
            )
        return out
