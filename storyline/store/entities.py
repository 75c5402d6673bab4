"""SQLite tables and queries for entities (a mixin of :class:`~storyline.store.sqlite.SQLiteStore`)."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[tuple[str, str]] = []


class EntitiesTables:
    """Methods over the entities tables; ``self.db`` is the open connection."""

    db: sqlite3.Connection
