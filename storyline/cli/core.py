"""``storyline run`` and ``storyline export``."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from storyline.cli.options import CONFIG, DB, open_db
from storyline.config import Config
from storyline.errors import StorylineError


def run(
    paths: list[str] = typer.Argument(..., help="Files, folders, feed URLs, or - for JSONL on stdin."),
    meta: Path | None = typer.Option(None, "--meta", help="Sidecar JSONL: {file, published, language, url, source}."),
    db: Path | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Ingest and analyse everything given; print a summary that reconciles."""
    from storyline.ingest import read_inputs
    from storyline.pipeline import build_pipeline

    try:
        cfg = Config.load(config)
    except StorylineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    with open_db(db, config) as store:
        pipeline = build_pipeline(cfg, store)
        try:
            items = read_inputs(paths, meta=meta, config=cfg)  # reads the --meta file now
        except StorylineError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            with Progress(TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
                task = bar.add_task("run", total=None)
                summary = pipeline.run(items, store, progress=lambda n: bar.advance(task, n))
        else:
            summary = pipeline.run(items, store)
        pipeline.finish(store)
        store.record_run(summary)
    reasons = ", ".join(f"{k}: {v}" for k, v in summary.reasons) or "none"
    rate = summary.seen / summary.seconds if summary.seconds else 0.0
    # before the summary, which stays the last line (scripts read it)
    hints = [f"--what {w}" for w, n in (("rejections", summary.rejected), ("quarantine", summary.quarantined)) if n]
    if hints:
        typer.echo(f"reasons and tracebacks: storyline export {' / '.join(hints)}", err=True)
    typer.echo(
        f"in {summary.seen} = stored {summary.stored} + rejected {summary.rejected}"
        f" + quarantined {summary.quarantined}  ({reasons})  {summary.seconds:.1f}s, {rate:.0f}/s"
    )
    if not summary.reconciles:  # pragma: no cover - a bug if it happens
        typer.echo("error: counts do not reconcile", err=True)
        raise typer.Exit(1)


RECORDS = ("events", "stories", "meetings", "rejections", "quarantine")


def export(
    db: Path | None = DB,
    fmt: str = typer.Option("jsonl", "--format", help="jsonl or csv."),
    what: str = typer.Option(
        "articles", "--what", help="articles, events, stories, meetings, rejections or quarantine."
    ),
) -> None:
    """Write stored records to stdout, one a line."""
    from storyline.export import article_row, to_csv, to_jsonl

    if fmt not in {"jsonl", "csv"}:
        raise typer.BadParameter("--format must be jsonl or csv")
    with open_db(db, readonly=True) as store:
        rows: Iterable[dict[str, Any]]
        if what == "articles":
            names = store.canonical_names()
            rows = (article_row(a, names) for a in store.articles())
        elif what in RECORDS:
            from storyline.export import record_rows

            rows = record_rows(store, what)
        else:
            raise typer.BadParameter(f"unknown --what {what!r}; one of articles, {', '.join(RECORDS)}")
        write = to_jsonl if fmt == "jsonl" else to_csv
        for line in write(rows):
            sys.stdout.write(line)


def register(app: typer.Typer) -> None:
    app.command()(run)
    app.command()(export)
