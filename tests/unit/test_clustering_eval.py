"""The per-topic table of the storyline clustering evaluation and the BERTopic baseline (hand-made data)."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.evaluate.clustering import bertopic_baseline, per_topic
from storyline.models import Article


def test_per_topic_says_how_whole_and_how_pure_each_topic_stays() -> None:
    pred = {"a": "s1", "b": "s1", "c": "s2", "d": "s2", "e": "s2"}
    gold = {"a": "ferry", "b": "ferry", "c": "ferry", "d": "concert", "e": "concert"}
    table = per_topic(pred, gold)
    assert table["ferry"] == {"documents": 3, "storylines": 2, "in_main_storyline": 0.6667,
                              "main_storyline_purity": 1.0, "split": [2, 1], "merged_with": {}}
    assert table["concert"] == {"documents": 2, "storylines": 1, "in_main_storyline": 1.0,
                                "main_storyline_purity": 0.6667, "split": [2], "merged_with": {"ferry": 1}}


def test_per_topic_names_the_topics_a_storyline_mixes_most_first() -> None:
    pred = {"a": "s", "b": "s", "c": "s", "d": "s", "e": "t", "f": "u", "g": "u"}
    gold = {"a": "flood", "b": "flood", "c": "vote", "d": "strike", "e": "strike", "f": "vote", "g": "vote"}
    table = per_topic(pred, gold)
    assert table["flood"]["merged_with"] == {"strike": 1, "vote": 1}
    assert table["vote"]["split"] == [2, 1] and table["vote"]["merged_with"] == {}
    assert table["strike"]["split"] == [1, 1]


def test_a_document_without_a_storyline_counts_alone() -> None:
    table = per_topic({}, {"x": "t", "y": "t"})
    assert table["t"]["storylines"] == 2 and table["t"]["in_main_storyline"] == 0.5


@pytest.mark.slow
def test_bertopic_baseline_finds_well_separated_topics() -> None:
    """Three topics whose embeddings sit apart: BERTopic over them recovers the topics."""
    pytest.importorskip("bertopic", reason="the BERTopic baseline needs pip install 'storyline[baselines]'")
    rng = np.random.default_rng(0)
    words = {"ferry": "harbour ferry crossing", "concert": "orchestra concert hall", "harvest": "farm grain harvest"}
    articles, vectors, gold = [], [], {}
    for k, (topic, text) in enumerate(words.items()):
        centre = np.zeros(32)
        centre[k * 8] = 1.0
        for i in range(40):
            ident = f"{topic}-{i}"
            articles.append(Article(id=ident, content_hash=ident, source=ident, raw=text, text=f"{text} {i}"))
            vectors.append(centre + rng.normal(0, 0.05, 32))
            gold[ident] = topic
    result = bertopic_baseline(articles, vectors, gold)
    assert result["f1"] > 0.9, result


def test_the_best_setting_of_a_grid_is_reported_and_an_edge_is_flagged() -> None:
    from storyline.evaluate.clustering import best_of_grid

    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    split = {0: {"a": 0, "b": 1, "c": 2, "d": 3}, 1: {"a": 0, "b": 0, "c": 1, "d": 1}, 2: dict.fromkeys(gold, 0)}
    inside = best_of_grid((0, 1, 2), "k", split.__getitem__, gold)
    assert (inside["k"], inside["f1"], inside["clusters"], inside["at_grid_edge"]) == (1, 1.0, 2, False)
    edge = best_of_grid((0, 2), "k", split.__getitem__, gold)
    assert edge["at_grid_edge"] is True
