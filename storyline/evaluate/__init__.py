"""Scorers: each kind reads its data only from the path given and returns metrics.

A kind is ``(module:function, description)``; the function takes ``(path, config)``
and returns a JSON-able dict.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from storyline.config import Config
from storyline.errors import EvaluationError

KINDS: dict[str, tuple[str, str]] = {
    "seeds": ("storyline.evaluate.seeds:evaluate", "the sample articles against gold.json"),
    "bsnlp": ("storyline.evaluate.bsnlp:evaluate", "BSNLP: language, entities, topic clustering"),
    "timex": ("storyline.evaluate.timex:evaluate", "TimeBank: DATE expressions found and resolved"),
    "timeline": ("storyline.evaluate.timeline:evaluate", "CL-TLS: timeline date selection vs publication count"),
    "semeval": ("storyline.evaluate.semeval:evaluate", "SemEval-2022 Task 8: article similarity vs human Overall"),
}


def run_kind(kind: str, path: Path, config: Config) -> dict[str, Any]:
    target, _ = KINDS[kind]
    if not Path(path).exists():
        raise EvaluationError(f"no evaluation data at {path}")
    module, func = target.split(":")
    result: dict[str, Any] = getattr(importlib.import_module(module), func)(Path(path), config)
    return result
