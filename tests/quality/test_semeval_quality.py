"""SemEval-2022 Task 8 dev pairs: our article similarity against the human Overall score.

The minimums are pinned in ``semeval_minimums.json`` with the hash of the data they
were measured on; a drop below them fails. The e5 baseline is left out here (it takes
minutes); ``storyline eval semeval`` reports it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from storyline.config import Config
from storyline.evaluate.semeval import evaluate
from tests.conftest import shared_path

pytestmark = pytest.mark.quality

MINIMUMS = json.loads((Path(__file__).with_name("semeval_minimums.json")).read_text("utf-8"))


@pytest.fixture(scope="module")
def result() -> dict:
    path = shared_path("data", "semeval22", "pairs.dev.csv")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MINIMUMS["sha256"]:
        pytest.skip(f"{path} changed (sha256 {digest[:12]}): re-measure and re-pin semeval_minimums.json")
    return evaluate(path, Config.load(), baselines=("tfidf",))


def test_every_pair_is_scored(result: dict) -> None:
    assert result["pairs"] == MINIMUMS["pairs"]
    assert sum(row["pairs"] for row in result["by_lang_pair"].values()) == result["pairs"]


def test_default_mode_pearson(result: dict) -> None:
    assert result["embedder"] == "static"
    assert result["pearson"] >= MINIMUMS["pearson"], result


def test_beats_the_tfidf_baseline(result: dict) -> None:
    assert result["pearson"] > result["baselines"]["tfidf"] + 0.05, result


@pytest.mark.parametrize("lang_pair", ["en-en", "de-de", "de-en", "es-es", "tr-tr"])
def test_per_language_pair(result: dict, lang_pair: str) -> None:
    assert result["by_lang_pair"][lang_pair]["pearson"] >= MINIMUMS["by_lang_pair"][lang_pair], result["by_lang_pair"]
