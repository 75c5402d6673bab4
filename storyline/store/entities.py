"""SQLite tables and queries for entities (a mixin of :class:`~storyline.store.sqlite.SQLiteStore`).

The knowledge base of the entity stage lives here: one row per entity (id, canonical name,
type), its variants (surface form, language, script, matching key, count, first/last
seen) and which articles mention it. The stage loads it when it starts and writes what
changed after each batch, so a later run resolves new articles against everything seen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from storyline.models import Entity, EntityType, Variant

MIGRATIONS: list[tuple[str, str]] = [
    (
        "010_entities",
        """
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            mentions INTEGER NOT NULL DEFAULT 0,
            articles INTEGER NOT NULL DEFAULT 0,
            updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX entities_type ON entities(type, mentions);
        CREATE TABLE entity_variants (
            entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            language TEXT NOT NULL DEFAULT '',
            script TEXT NOT NULL DEFAULT '',
            key TEXT NOT NULL DEFAULT '',
            count INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT,
            last_seen TEXT,
            PRIMARY KEY (entity_id, text, language)
        );
        CREATE INDEX entity_variants_text ON entity_variants(text COLLATE NOCASE);
        CREATE INDEX entity_variants_key ON entity_variants(key);
        CREATE TABLE article_entities (
            article_id TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            mentions INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (article_id, entity_id)
        );
        CREATE INDEX article_entities_entity ON article_entities(entity_id);
        """,
    ),
]


class EntitiesTables:
    """Methods over the entities tables; ``self.db`` is the open connection."""

    db: sqlite3.Connection

    # -- writing (the entity stage) ------------------------------------------------------
    def save_entities(self, entities: Sequence[Entity], keys: dict[tuple[str, str, str], str] | None = None) -> None:
        """Insert or replace entities with their variants (counts are totals, not increments).

        ``keys`` maps ``(entity_id, text, language)`` to the variant's matching key.
        """
        keys = keys or {}
        entity_rows = [(e.id, e.name, e.type, sum(v.count for v in e.variants), e.articles) for e in entities]
        variant_rows = [
            (
                e.id,
                v.text,
                v.language or "",
                v.script,
                keys.get((e.id, v.text, v.language or ""), ""),
                v.count,
                v.first_seen,
                v.last_seen,
            )
            for e in entities
            for v in e.variants
        ]
        with self.db:
            self.db.executemany(
                "INSERT INTO entities(id, name, type, mentions, articles) VALUES (?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET name=excluded.name, type=excluded.type,"
                " mentions=excluded.mentions, articles=excluded.articles,"
                " updated=strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                entity_rows,
            )
            self.db.executemany(
                "INSERT INTO entity_variants(entity_id, text, language, script, key, count, first_seen,"
                " last_seen) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(entity_id, text, language) DO UPDATE SET"
                " count=excluded.count, first_seen=excluded.first_seen, last_seen=excluded.last_seen,"
                " key=excluded.key, script=excluded.script",
                variant_rows,
            )

    def link_article_entities(self, links: Iterable[tuple[str, str, int]]) -> None:
        """Record ``(article_id, entity_id, mentions)``; re-linking an article replaces its rows."""
        links = list(links)
        with self.db:
            for article_id in {a for a, _, _ in links}:
                self.db.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
            self.db.executemany(
                "INSERT OR REPLACE INTO article_entities(article_id, entity_id, mentions) VALUES (?,?,?)", links
            )

    def delete_entities(self, ids: Sequence[str]) -> None:
        """Remove entities merged into others (their variants moved with them)."""
        rows = [(ident,) for ident in ids]
        with self.db:
            self.db.executemany("DELETE FROM entity_variants WHERE entity_id = ?", rows)
            self.db.executemany("DELETE FROM entities WHERE id = ?", rows)

    def clear_entities(self) -> None:
        """Forget the knowledge base (before re-linking every stored article)."""
        with self.db:
            self.db.execute("DELETE FROM article_entities")
            self.db.execute("DELETE FROM entity_variants")
            self.db.execute("DELETE FROM entities")

    # -- reading ---------------------------------------------------------------------------
    def _variants(self, entity_id: str) -> tuple[Variant, ...]:
        rows = self.db.execute(
            "SELECT text, language, script, count, first_seen, last_seen FROM entity_variants"
            " WHERE entity_id = ? ORDER BY count DESC, text",
            (entity_id,),
        )
        return tuple(Variant(t, lang or None, s, c, f, la) for t, lang, s, c, f, la in rows)

    def _entity(self, row: tuple[str, str, str, int]) -> Entity:
        ident, name, kind, articles = row
        entity_type: EntityType = kind  # type: ignore[assignment]
        return Entity(ident, name, entity_type, self._variants(ident), articles)

    def entities(self, limit: int = 100, offset: int = 0, type: str | None = None) -> list[Entity]:
        """Entities, most mentioned first, optionally of one type (PER, LOC, ORG, MISC)."""
        sql = "SELECT id, name, type, articles FROM entities"
        params: list[object] = []
        if type:
            sql += " WHERE type = ?"
            params.append(type.upper())
        sql += " ORDER BY mentions DESC, name LIMIT ? OFFSET ?"
        params += [limit, offset]
        return [self._entity(r) for r in self.db.execute(sql, params).fetchall()]

    def entity(self, id_or_any_name: str) -> Entity | None:
        """An entity by id, by any of its variants (any case), or by the name's matching key."""
        row = self.db.execute(
            "SELECT id, name, type, articles FROM entities WHERE id = ?", (id_or_any_name,)
        ).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT e.id, e.name, e.type, e.articles FROM entity_variants v JOIN entities e ON e.id = v.entity_id"
                " WHERE v.text = ? COLLATE NOCASE OR e.name = ? COLLATE NOCASE ORDER BY e.mentions DESC LIMIT 1",
                (id_or_any_name, id_or_any_name),
            ).fetchone()
        if row is None:
            from storyline.entities.normalize import text_key

            key = text_key(id_or_any_name)
            if key:
                row = self.db.execute(
                    "SELECT e.id, e.name, e.type, e.articles FROM entity_variants v JOIN entities e"
                    " ON e.id = v.entity_id WHERE v.key = ? ORDER BY e.mentions DESC LIMIT 1",
                    (key,),
                ).fetchone()
        return self._entity(row) if row else None

    def canonical_names(self) -> dict[str, str]:
        """Every entity id with its canonical name as the knowledge base has it now.

        A name copied onto an article is the canonical name when that article was
        analysed; readers that show names use this to show today's.
        """
        return {str(i): str(n) for i, n in self.db.execute("SELECT id, name FROM entities")}

    def entity_articles(self, entity_id: str) -> list[str]:
        """Ids of the stored articles that mention the entity, most mentions first."""
        rows = self.db.execute(
            "SELECT article_id FROM article_entities WHERE entity_id = ? ORDER BY mentions DESC, article_id",
            (entity_id,),
        )
        return [r[0] for r in rows]

    def load_entities(self) -> Iterator[tuple[Entity, dict[tuple[str, str], str]]]:
        """Every entity with its variants' keys ``{(text, language): key}`` (for the stage)."""
        variants: dict[str, list[tuple[str, str, str, str, int, str | None, str | None]]] = {}
        for row in self.db.execute(
            "SELECT entity_id, text, language, script, key, count, first_seen, last_seen FROM entity_variants"
        ):
            variants.setdefault(row[0], []).append(row[1:])
        for ident, name, kind, articles in self.db.execute("SELECT id, name, type, articles FROM entities"):
            vs = variants.get(ident, [])
            entity_type: EntityType = kind
            entity = Entity(
                ident,
                name,
                entity_type,
                tuple(Variant(t, lang or None, s, c, f, la) for t, lang, s, _k, c, f, la in vs),
                articles,
            )
            yield entity, {(t, lang): k for t, lang, _s, k, _c, _f, _la in vs}
