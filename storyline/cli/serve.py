"""``storyline serve``: the web app and API over a database, on 127.0.0.1 by default."""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

import typer

from storyline.cli.options import CONFIG, DB, db_path
from storyline.config import Config
from storyline.errors import StorylineError

log = logging.getLogger(__name__)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    db: Path | None = DB,
    port: int | None = typer.Option(None, "--port", help="Port (default: port in the web section of the config)."),
    host: str | None = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1: this machine only)."),
    config: Path | None = CONFIG,
) -> None:
    """Serve pages and the JSON API over the database (read-only)."""
    import uvicorn

    from storyline.store import open_store
    from storyline.web import WebSettings, create_app

    try:
        cfg = Config.load(config)
        settings = cfg.section("web", WebSettings)
        db = db_path(db, config)
        if not db.exists():
            raise StorylineError(f"no database at {db}: run `storyline run` first")
        # bring the schema and the search index up to date once; the app itself only reads
        with open_store(db) as store:
            indexed = store.ensure_search_index()
        if indexed:
            typer.echo(f"indexed {indexed} articles for search", err=True)
        app = create_app(db, cfg)
    except StorylineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    bind = host or settings.host
    if not _loopback(bind):
        typer.echo(
            f"warning: serving on {bind}: other machines can read this database"
            " (they also need their host name in [web] allowed_hosts)",
            err=True,
        )
    typer.echo(f"storyline on http://{bind}:{port or settings.port}/  (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=bind, port=port or settings.port, log_level="warning", server_header=False)


def register(app: typer.Typer) -> None:
    app.command()(serve)
