"""Options shared by several commands (one definition, one help text)."""

from __future__ import annotations

from pathlib import Path

import typer

DB = typer.Option(Path("storyline.db"), "--db", help="SQLite database file.")
CONFIG = typer.Option(None, "--config", help="TOML file overriding the defaults.")
