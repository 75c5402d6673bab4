"""The sample articles through ingest, clean and language, scored against gold.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline.config import Config
from storyline.evaluate.seeds_cleaning import score
from storyline.ingest import read_inputs
from storyline.models import Article
from storyline.pipeline import build_pipeline
from tests.conftest import shared_path

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def analysed() -> tuple[dict[str, Any], dict[str, Article]]:
    seeds = shared_path("seeds")
    config = Config.load()
    items = list(read_inputs([str(seeds / "articles")], meta=seeds / "meta.jsonl", config=config))
    articles, failed = build_pipeline(config, upto="language").process([a for a in items if isinstance(a, Article)])
    assert not failed, failed
    gold = json.loads((seeds / "gold.json").read_text("utf-8"))
    return gold, {Path(a.source).name[:3]: a for a in articles}


def test_every_seed_is_cleaned_as_gold_says(analysed: tuple[dict[str, Any], dict[str, Article]]) -> None:
    gold, articles = analysed
    result = score(gold, articles, None)
    assert result["ok"], json.dumps(result, ensure_ascii=False, indent=1)
    assert result["languages_right"] == f"{len(gold['languages'])}/{len(gold['languages'])}"


def test_captions_and_paragraph_languages(analysed: tuple[dict[str, Any], dict[str, Article]]) -> None:
    gold, articles = analysed
    for seed, article in articles.items():
        for para in article.paragraphs:
            assert article.text[para.start : para.end] == para.text
            assert para.language is not None
        assert article.language == gold["languages"][seed]
    # a document may carry captions in other languages than its own
    languages = {c.language for a in articles.values() for c in a.captions if c.kind == "caption"}
    assert len(languages - {None}) >= 2
