"""Quality gate for events and storylines on ../shared (skipped when it is absent).

Minimums are pinned in ``events_minimums.json`` beside this file; a score that drops
below fails the suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.config import Config

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
MINIMUMS = json.loads((Path(__file__).with_name("events_minimums.json")).read_text("utf-8"))

pytestmark = pytest.mark.quality


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is missing (the shared evaluation data sits beside the repository)")
    return path


@pytest.fixture(scope="module")
def seeds() -> dict:  # type: ignore[type-arg]
    from storyline.evaluate.seeds import evaluate

    return evaluate(need(SHARED / "seeds"), Config.load())


def test_seed_events_are_the_gold_events(seeds: dict) -> None:  # type: ignore[type-arg]
    ev = seeds["events"]
    assert ev["partition"] == [["000"], ["001", "004"], ["002"], ["003"]]
    assert ev["exact"] is True
    assert ev["dates_ok"] >= MINIMUMS["seeds"]["dates_ok"]
    assert ev["places_ok"] >= MINIMUMS["seeds"]["places_ok"]
    assert min(c["actors_recall"] for c in ev["cards"]) >= MINIMUMS["seeds"]["actors_recall"]


def test_seed_storylines_and_explanation(seeds: dict) -> None:  # type: ignore[type-arg]
    ev = seeds["events"]
    assert any({"000", "002"} <= set(s) for s in ev["storylines"])
    # the Sochi meeting is not glued to the Beijing visits by the leader they share
    assert ev["storylines_bcubed"]["f1"] >= MINIMUMS["seeds"]["storylines_f1"]
    joined = ev["joined_why"]
    assert set(joined) & {"001", "004"}, "no recorded reason for 001/004 joining"
    why = next(iter(joined.values()))
    assert {"embedding", "entities", "time"} <= set(why["parts"])


@pytest.mark.corpus
def test_bsnlp_storylines_match_topics() -> None:
    from storyline.evaluate.bsnlp import evaluate

    result = evaluate(need(SHARED / "data" / "bsnlp"), Config.load(), parts=("clustering",))
    assert result["clustering"]["storylines"]["f1"] >= MINIMUMS["bsnlp"]["storylines_f1"]


@pytest.mark.corpus
def test_cltls_storylines_match_topics() -> None:
    from storyline.evaluate.clustering import score_clustering
    from storyline.evaluate.timeline_clustering import load

    articles, gold = load(need(SHARED / "data" / "cltls"))
    result = score_clustering(articles, gold, Config.load(), baselines=False)
    assert result["storylines"]["f1"] >= MINIMUMS["cltls"]["storylines_f1"]
