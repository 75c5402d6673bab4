"""Options shared by several commands (one definition, one help text)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from storyline.config import Config
from storyline.errors import StorylineError

if TYPE_CHECKING:
    from storyline.store import SQLiteStore

DB = typer.Option(
    None, "--db", help="SQLite database file [default: the config's [store] path, storyline.db].", show_default=False
)
CONFIG = typer.Option(
    None, "--config", envvar="STORYLINE_CONFIG", help="TOML file overriding the defaults ($STORYLINE_CONFIG)."
)


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """``[store]``: where the embedded SQLite database lives when ``--db`` is not given."""

    path: str = "storyline.db"


def db_path(db: Path | None, config: Path | None = None) -> Path:
    """``--db`` when given, else ``[store] path`` of the config (``--config``, then
    ``$STORYLINE_CONFIG``, then the defaults)."""
    if db is not None:
        return db
    source = config if config is not None else os.environ.get("STORYLINE_CONFIG") or None
    return Path(Config.load(source).section("store", StoreSettings).path)


def open_db(db: Path | None, config: Path | None = None, *, readonly: bool = False) -> SQLiteStore:
    """The store at :func:`db_path`, or exit 2 with the reason on stderr."""
    from storyline.store import open_store

    try:
        return open_store(db_path(db, config), readonly=readonly)
    except StorylineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
