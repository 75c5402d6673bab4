"""``storyline eval seeds PATH``: run the whole pipeline on the sample articles and score
each part against ``PATH/gold.json``.

Each part lives in its own module (``seeds_<part>.py``) with
``score(gold, articles, store) -> dict``; ``articles`` maps the seed number ("000") to
the analysed :class:`~storyline.models.Article`.
"""

from __future__ import annotations

import importlib
import json
import tempfile
from pathlib import Path
from typing import Any

from storyline.config import Config
from storyline.errors import EvaluationError
from storyline.models import Article

PARTS = ("cleaning", "entities", "dates", "events")


def analyse(path: Path, config: Config, db: Path) -> tuple[dict[str, Article], Any]:
    """Run the pipeline over ``path/articles`` with ``path/meta.jsonl`` into ``db``."""
    from storyline.ingest import read_inputs
    from storyline.pipeline import build_pipeline
    from storyline.store import open_store

    store = open_store(db)
    pipeline = build_pipeline(config, store)
    meta = path / "meta.jsonl"
    summary = pipeline.run(
        read_inputs([str(path / "articles")], meta=meta if meta.exists() else None, config=config), store
    )
    pipeline.finish(store)
    if summary.quarantined:
        raise EvaluationError(f"seeds quarantined: {[q.error for q in store.quarantined()]}")
    articles = {Path(a.source).name[:3]: a for a in store.articles()}
    return articles, store


def evaluate(path: Path, config: Config) -> dict[str, Any]:
    gold_file = path / "gold.json"
    if not gold_file.exists():
        raise EvaluationError(f"{gold_file} is missing")
    gold = json.loads(gold_file.read_text("utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        articles, store = analyse(path, config, Path(tmp) / "seeds.db")
        result: dict[str, Any] = {"kind": "seeds", "articles": len(articles)}
        try:
            for part in PARTS:
                module = importlib.import_module(f"storyline.evaluate.seeds_{part}")
                result[part] = module.score(gold, articles, store)
        finally:
            store.close()
    return result
