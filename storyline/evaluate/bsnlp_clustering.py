"""BSNLP part ``clustering``: storylines of all documents against the 7 topics (B-cubed F1),
with the baselines beside it (see :mod:`storyline.evaluate.clustering`)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from storyline.config import Config
from storyline.evaluate.bsnlp_data import BsnlpDoc
from storyline.evaluate.clustering import score_clustering


def score(docs: Sequence[BsnlpDoc], config: Config) -> dict[str, Any]:
    articles = [d.article() for d in docs]
    gold: dict[str, Hashable] = {a.id: d.topic for a, d in zip(articles, docs, strict=True)}
    return score_clustering(articles, gold, config)
