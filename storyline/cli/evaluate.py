"""``storyline eval KIND PATH``: one JSON object of metrics, last line of stdout."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from storyline.config import Config
from storyline.errors import EvaluationError


def eval_(
    kind: str = typer.Argument(..., help="What to score: see `storyline eval --help` for kinds."),
    path: Path = typer.Argument(..., help="Evaluation data (a folder or file)."),
    config: Path | None = typer.Option(None, "--config", help="TOML file overriding the defaults."),
) -> None:
    """Score storyline on annotated data; print one JSON object (last line)."""
    from storyline.evaluate import KINDS, run_kind

    if kind not in KINDS:
        raise typer.BadParameter(f"unknown kind {kind!r}; one of: {', '.join(sorted(KINDS))}")
    try:
        result = run_kind(kind, path, Config.load(config))
    except EvaluationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(result, ensure_ascii=False, sort_keys=False))


def register(app: typer.Typer) -> None:
    from storyline.evaluate import KINDS

    eval_.__doc__ = (eval_.__doc__ or "") + "\n\nKinds: " + ", ".join(f"{k} ({v[1]})" for k, v in sorted(KINDS.items()))
    app.command("eval")(eval_)
