"""Dates on the shared evaluation data: seeds, TimeBank (en, es) and CL-TLS timelines.

The bars are the issue's: every gold seed expression found and resolved right and
every event date right; TimeBank DATE relaxed F1 ≥ 0.85 and value accuracy ≥ 0.80
per language; on CL-TLS our timeline dates beat the publication-count baseline on
every language and topic. Skipped with a message when ../shared is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline.config import Config
from storyline.evaluate import seeds_dates
from storyline.evaluate.timeline import evaluate as evaluate_timeline
from storyline.evaluate.timex import evaluate as evaluate_timex
from storyline.ingest import read_inputs
from storyline.models import Article
from storyline.pipeline import build_pipeline
from tests.conftest import shared_path

pytestmark = pytest.mark.quality


def test_seed_dates_and_event_dates() -> None:
    seeds = shared_path("seeds")
    config = Config.load()
    items = list(read_inputs([str(seeds / "articles")], meta=seeds / "meta.jsonl", config=config))
    articles, failed = build_pipeline(config, upto="dates").process([a for a in items if isinstance(a, Article)])
    assert not failed, failed
    gold = json.loads((seeds / "gold.json").read_text("utf-8"))
    result: dict[str, Any] = seeds_dates.score(gold, {Path(a.source).name[:3]: a for a in articles}, None)
    detail = json.dumps(result, ensure_ascii=False, indent=1)
    assert result["resolved_right"] == result["expressions"] > 0, detail
    assert result["event_dates_right"] == result["event_dates"] > 0, detail


@pytest.mark.parametrize("language", ["en", "es"])
def test_timebank_dates(language: str) -> None:
    path = shared_path("data", "timex", "timebank", language)
    scores = evaluate_timex(path, Config.load())["languages"][language]
    assert scores["date_f1_relaxed"] >= 0.85, scores
    assert scores["date_value_accuracy"] >= 0.80, scores


@pytest.mark.slow
def test_cltls_timelines_beat_publication_counts() -> None:
    result = evaluate_timeline(shared_path("data", "cltls"), Config.load(), parts=("dates",))
    losing = {k: v for k, v in result["topics"].items() if not v["beats_baseline"]}
    assert not losing, losing
    assert len(result["topics"]) >= 6
