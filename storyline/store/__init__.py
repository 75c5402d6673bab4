"""Where analysed articles are kept. SQLite (one file, no server) is the default."""

from __future__ import annotations

from pathlib import Path

from storyline.store.sqlite import SQLiteStore


def open_store(path: str | Path, *, readonly: bool = False) -> SQLiteStore:
    """Open (and migrate) the store at ``path``."""
    return SQLiteStore(path, readonly=readonly)


__all__ = ["SQLiteStore", "open_store"]
