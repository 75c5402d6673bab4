"""The per-topic table of the storyline clustering evaluation (hand-made labels)."""

from __future__ import annotations

from storyline.evaluate.clustering import per_topic


def test_per_topic_says_how_whole_and_how_pure_each_topic_stays() -> None:
    pred = {"a": "s1", "b": "s1", "c": "s2", "d": "s2", "e": "s2"}
    gold = {"a": "ferry", "b": "ferry", "c": "ferry", "d": "concert", "e": "concert"}
    table = per_topic(pred, gold)
    assert table["ferry"] == {"documents": 3, "storylines": 2, "in_main_storyline": 0.6667,
                              "main_storyline_purity": 1.0}
    assert table["concert"] == {"documents": 2, "storylines": 1, "in_main_storyline": 1.0,
                                "main_storyline_purity": 0.6667}


def test_a_document_without_a_storyline_counts_alone() -> None:
    table = per_topic({}, {"x": "t", "y": "t"})
    assert table["t"]["storylines"] == 2 and table["t"]["in_main_storyline"] == 0.5
