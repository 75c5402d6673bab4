"""BSNLP part ``language``: document language accuracy, per language and overall.

The documents go through the clean and language stages *without* their gold language
as a hint (the data's labels would make the score meaningless). The data's ``cz`` and
``ua`` labels are read as ``cs`` and ``uk``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from storyline.config import Config
from storyline.evaluate.bsnlp_data import BsnlpDoc
from storyline.evaluate.metrics import accuracy
from storyline.pipeline import build_pipeline

#: Done when at least this share of documents gets its language right (issue 2).
TARGET = 0.99


def score(docs: list[BsnlpDoc], config: Config) -> dict[str, Any]:
    """Language accuracy of the pipeline up to ``language`` on ``docs``."""
    pipeline = build_pipeline(config, upto="language")
    articles, failed = pipeline.process([d.article(hint=False) for d in docs])
    predicted = {a.id: a.language for a in articles}
    gold = {f"bsnlp:{d.key}": d.language for d in docs}
    result = accuracy(predicted, gold)
    confusions = Counter(f"{g}->{predicted.get(i)}" for i, g in gold.items() if predicted.get(i) != g)
    result["failed"] = len(failed)
    result["confusions"] = dict(confusions.most_common(10))
    result["target"] = TARGET
    result["ok"] = result["accuracy"] >= TARGET
    return result
