"""``storyline entities`` (list, or re-link after editing the alias file) and ``storyline entity NAME``."""

from __future__ import annotations

from pathlib import Path

import typer

from storyline.cli.options import CONFIG, DB, open_db
from storyline.config import Config


def entities(
    db: Path | None = DB,
    limit: int = typer.Option(50, "--limit", help="How many entities."),
    kind: str | None = typer.Option(None, "--type", help="PER, LOC, ORG or MISC."),
    relink: bool = typer.Option(False, "--relink", help="Resolve every stored article again (after editing aliases)."),
    config: Path | None = CONFIG,
) -> None:
    """List entities, most mentioned first, with their variant counts."""
    with open_db(db, config, readonly=not relink) as store:
        if relink:
            from storyline.entities import relink as do_relink

            n = do_relink(store, Config.load(config))
            typer.echo(f"re-linked {n} articles")
        for e in store.entities(limit=limit, type=kind):
            total = sum(v.count for v in e.variants)
            typer.echo(
                f"{e.id}\t{e.type}\t{e.name}\t{total} mentions\t{len(e.variants)} variants\t{e.articles} articles"
            )


def entity(name: str = typer.Argument(..., help="An id or any form of the name."), db: Path | None = DB) -> None:
    """Show one entity (found by id or any of its forms) with its variants and articles."""
    with open_db(db, readonly=True) as store:
        e = store.entity(name)
        if e is None:
            typer.echo(f"no entity named {name!r}", err=True)
            raise typer.Exit(1)
        typer.echo(f"{e.id}\t{e.type}\t{e.name}")
        for v in e.variants:
            typer.echo(
                f"  {v.text}\t{v.language or '?'}\t{v.script}\t{v.count}\t{v.first_seen or ''}..{v.last_seen or ''}"
            )
        for article_id in store.entity_articles(e.id):
            typer.echo(f"  article {article_id}")


def register(app: typer.Typer) -> None:
    app.command()(entities)
    app.command()(entity)
