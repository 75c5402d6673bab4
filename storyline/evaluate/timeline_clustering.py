"""CL-TLS storyline clustering: every article of ``LANG/TOPIC/YYYY-MM-DD/*.tokenized``
through the pipeline, storylines scored against the topic (egypt, libya) as B-cubed F1,
with the baselines beside it (see :mod:`storyline.evaluate.clustering`).

Meant as a part of ``storyline eval timeline``; callable alone as
:func:`evaluate` ``(path, config)``. The publication date is the folder's date (as a
crawler would give it); the language is *not* passed as a hint.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import replace
from pathlib import Path
from typing import Any

from storyline.config import Config
from storyline.errors import EvaluationError
from storyline.evaluate.clustering import score_clustering
from storyline.models import Article

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load(path: Path) -> tuple[list[Article], dict[str, Hashable]]:
    """The CL-TLS articles under ``path`` and their topic."""
    from storyline.ingest.base import make_article

    articles: list[Article] = []
    gold: dict[str, Hashable] = {}
    for file in sorted(path.glob("*/*/*/*.tokenized")):
        day, topic, lang = file.parent.name, file.parent.parent.name, file.parent.parent.parent.name
        if not _DAY.match(day):
            continue
        text = file.read_text("utf-8", errors="replace")
        key = f"cltls:{lang}/{topic}/{day}/{file.stem}"
        article = make_article(str(file), text, fmt="text", id=key)
        articles.append(replace(article, published=day, published_source="meta", published_precision="day"))
        gold[key] = topic
    if not articles:
        raise EvaluationError(f"no CL-TLS articles (LANG/TOPIC/YYYY-MM-DD/*.tokenized) under {path}")
    return articles, gold


def score(path: Path, config: Config) -> dict[str, Any]:
    articles, gold = load(path)
    return score_clustering(articles, gold, config)


def evaluate(path: Path, config: Config) -> dict[str, Any]:
    return {"kind": "timeline-clustering", **score(path, config)}
