"""The embedded store: one SQLite file in WAL mode, no server.

Articles are kept whole (the JSON of the :class:`~storyline.models.Article` record)
beside the columns that queries filter on. Writes go in one transaction per batch, so
a run killed halfway leaves only whole batches behind and a re-run finishes the job:
content-hash ids make writing the same article twice a no-op.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from storyline.errors import StoreError
from storyline.models import Article, Quarantine, Rejection, RunSummary, from_json, to_json
from storyline.search import FoldedText, fold_article
from storyline.store.entities import EntitiesTables
from storyline.store.events import EventsTables
from storyline.store.migrations import all_migrations
from storyline.store.search import SearchTables

log = logging.getLogger(__name__)

Item = Article | Rejection | Quarantine

# the record's fields kept as columns for queries to filter on (the whole record is in ``record``)
_COLUMNS = ("title", "text", "published", "language", "event_date", "event_id", "story_id", "duplicate_of")


_INSERT = (
    f"INSERT INTO articles(id, content_hash, source, url, {', '.join(_COLUMNS)}, record)"
    f" VALUES (?,?,?,?,{','.join('?' * len(_COLUMNS))},?) ON CONFLICT(content_hash) DO NOTHING"
)
_UPDATE = f"UPDATE articles SET {', '.join(c + '=?' for c in _COLUMNS)}, record=? WHERE id=?"


def _values(a: Article) -> tuple[object, ...]:
    """The column values of ``_COLUMNS`` then the record's JSON."""
    return (*(getattr(a, c) for c in _COLUMNS), to_json(a))


class SQLiteStore(EntitiesTables, EventsTables, SearchTables):
    """Articles, rejections and quarantine in one SQLite file."""

    def __init__(self, path: str | Path = "storyline.db", *, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        try:
            if readonly:
                if self.path != ":memory:" and not Path(self.path).exists():
                    raise StoreError(f"no database at {self.path}")
                uri = f"file:{Path(self.path).resolve()}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                self.db = sqlite3.connect(self.path, check_same_thread=False)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {self.path}: {exc}") from exc
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=10000")
        if not readonly:
            self.migrate()

    # -- schema -------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded; return their names."""
        db = self.db
        db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL"
            " DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
        )
        done = {row[0] for row in db.execute("SELECT name FROM migrations")}
        migrations = all_migrations()
        known = {name for name, _ in migrations}
        if done - known:
            raise StoreError(f"{self.path} was written by a newer storyline: {sorted(done - known)}")
        applied = []
        for name, sql in migrations:
            if name in done:
                continue
            try:
                with db:
                    db.executescript("BEGIN;" + sql + ";INSERT INTO migrations(name) VALUES ('" + name + "');COMMIT;")
            except sqlite3.Error as exc:
                raise StoreError(f"migration {name} failed: {exc}") from exc
            applied.append(name)
            log.info("applied migration %s", name)
        return applied

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM migrations ORDER BY name")]

    # -- writing ------------------------------------------------------------
    # the search index's pure-CPU part, which a pipeline's worker processes compute
    # for :meth:`write` (``storyline.pipeline.FoldingSink``)
    prepare_article = staticmethod(fold_article)

    def _lookup(self, column: str, keys: Sequence[str], value: str) -> dict[str, str]:
        found: dict[str, str] = {}
        keys = list(keys)
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {column}, {value} FROM articles WHERE {column} IN ({marks})"
            found.update((k, v) for k, v in self.db.execute(sql, chunk))
        return found

    def known_hashes(self, hashes: Sequence[str]) -> dict[str, str]:
        """The given content hashes already stored, each with its article's source."""
        return self._lookup("content_hash", hashes, "source")

    def known_ids(self, ids: Sequence[str]) -> dict[str, str]:
        """The given article ids already stored, each with its content hash."""
        return self._lookup("id", ids, "content_hash")

    def write(self, items: Sequence[Item], folded: Mapping[str, FoldedText] | None = None) -> None:
        """Write a batch in one transaction, search index included.

        ``folded`` maps an article id to its text already folded for the index (by a
        pipeline worker, see :mod:`storyline.workers`); the rest is folded here.
        """
        with self.db:
            for item in items:
                if isinstance(item, Rejection):
                    self.db.execute(
                        "INSERT OR REPLACE INTO rejections(input_key, source, reason, detail) VALUES (?,?,?,?)",
                        (item.input_key or f"{item.source}#{item.reason}", item.source, item.reason, item.detail),
                    )
                elif isinstance(item, Quarantine):
                    self.db.execute(
                        "INSERT OR REPLACE INTO quarantine(input_key, source, stage, error, traceback,"
                        " article_id) VALUES (?,?,?,?,?,?)",
                        (
                            item.input_key or f"{item.source}#{item.stage}",
                            item.source,
                            item.stage,
                            item.error,
                            item.traceback,
                            item.article_id,
                        ),
                    )
            written = self._write_articles([item for item in items if isinstance(item, Article)])
            self.index_pending(written, folded)  # search index, in the same transaction

    def _write_articles(self, articles: Sequence[Article]) -> dict[str, Article]:
        """Insert ``articles``; return the ones this call inserted, by id.

        Rejections and quarantine are written before (see :meth:`write`), so that an
        input that failed before and now passes leaves those lists here.
        """
        if not articles:
            return {}
        db = self.db
        taken = self.known_ids([a.id for a in articles])
        written: dict[str, Article] = {}
        cleared: list[tuple[str, str]] = []
        for a in articles:
            other = taken.get(a.id)
            if other is not None and other != a.content_hash:
                db.execute(
                    "INSERT OR REPLACE INTO rejections(input_key, source, reason, detail) VALUES (?,?,?,?)",
                    (
                        f"{a.source}#{a.content_hash}",
                        a.source,
                        "id-conflict",
                        f"id {a.id!r} already names a different article",
                    ),
                )
                continue
            if db.execute(_INSERT, (a.id, a.content_hash, a.source, a.url, *_values(a))).rowcount == 1:
                written[a.id] = a
                taken[a.id] = a.content_hash  # a second article with this id in the batch is a conflict
            # an input that was rejected or quarantined before and now passes leaves those lists
            cleared.append((f"{a.source}#{a.content_hash}", a.source))
        db.executemany("DELETE FROM quarantine WHERE input_key IN (?, ?)", cleared)
        db.executemany("DELETE FROM rejections WHERE input_key IN (?, ?)", cleared)
        return written

    def update_articles(self, articles: Sequence[Article]) -> None:
        """Rewrite stored articles (a later stage re-ran over them)."""
        with self.db:
            self.db.executemany(_UPDATE, [(*_values(a), a.id) for a in articles])
            self.index_pending()  # search index, in the same transaction

    def record_run(self, summary: RunSummary) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO runs(seen, stored, rejected, quarantined, reasons, seconds) VALUES (?,?,?,?,?,?)",
                (
                    summary.seen,
                    summary.stored,
                    summary.rejected,
                    summary.quarantined,
                    json.dumps(dict(summary.reasons)),
                    summary.seconds,
                ),
            )

    # -- reading ------------------------------------------------------------
    def articles(self, where: str = "", params: Sequence[object] = ()) -> Iterator[Article]:
        """Stored articles in ingest order, optionally filtered by an SQL ``where``."""
        sql = "SELECT record FROM articles" + (f" WHERE {where}" if where else "") + " ORDER BY rowid"
        for (record,) in self.db.execute(sql, tuple(params)):
            yield from_json(record, Article)

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        return from_json(row[0], Article) if row else None

    def rejections(self) -> list[Rejection]:
        rows = self.db.execute("SELECT source, reason, detail, input_key FROM rejections ORDER BY at")
        return [Rejection(source=s, reason=r, detail=d, input_key=k) for s, r, d, k in rows]

    def quarantined(self) -> list[Quarantine]:
        rows = self.db.execute(
            "SELECT source, stage, error, traceback, input_key, article_id FROM quarantine ORDER BY at"
        )
        return [
            Quarantine(source=s, stage=st, error=e, traceback=t, input_key=k, article_id=a)
            for s, st, e, t, k, a in rows
        ]

    def counts(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "rejections": one("SELECT count(*) FROM rejections").fetchone()[0],
            "quarantined": one("SELECT count(*) FROM quarantine").fetchone()[0],
        }

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
