"""Named schema migrations, applied in order and recorded in ``migrations``.

Append new migrations at the end with a new name; never edit one that has shipped.
Each stage that needs tables adds its own migration here.
"""

from __future__ import annotations

CORE: list[tuple[str, str]] = [
    (
        "001_articles",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            published TEXT,
            language TEXT,
            event_date TEXT,
            event_id TEXT,
            story_id TEXT,
            duplicate_of TEXT,
            record BLOB NOT NULL,
            ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_language ON articles(language);
        CREATE INDEX articles_event ON articles(event_id);
        CREATE INDEX articles_story ON articles(story_id);
        CREATE TABLE rejections (
            input_key TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE quarantine (
            input_key TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            stage TEXT NOT NULL,
            error TEXT NOT NULL,
            traceback TEXT NOT NULL,
            article_id TEXT,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            seen INTEGER, stored INTEGER, rejected INTEGER, quarantined INTEGER,
            reasons TEXT, seconds REAL
        );
        """,
    ),
]


def all_migrations() -> list[tuple[str, str]]:
    """Core migrations, then each stage's, in a fixed order."""
    from storyline.store import entities, events, search

    return CORE + entities.MIGRATIONS + events.MIGRATIONS + search.MIGRATIONS
