"""Scoring functions and the seeds cleaning scorer on tiny hand-made cases."""

from __future__ import annotations

from storyline.evaluate.metrics import accuracy, bcubed, prf
from storyline.evaluate.seeds_cleaning import covered, score, score_article, sentences
from storyline.models import Article, Caption, Paragraph


def test_prf() -> None:
    assert prf(2, 2, 0) == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    assert prf(0, 0, 0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_bcubed() -> None:
    gold = {"a": 1, "b": 1, "c": 2}
    assert bcubed({"a": "x", "b": "x", "c": "y"}, gold)["f1"] == 1.0
    one = bcubed({"a": "x", "b": "x", "c": "x"}, gold)
    assert one["recall"] == 1.0 and one["precision"] < 1.0


def test_accuracy() -> None:
    result = accuracy({"d1": "pl", "d2": "cs", "d3": "ru"}, {"d1": "pl", "d2": "sk", "d3": "ru", "d4": "ru"})
    assert result["accuracy"] == 0.5 and result["correct"] == 2 and result["total"] == 4
    assert result["per_label"] == {
        "pl": {"accuracy": 1.0, "n": 1},
        "ru": {"accuracy": 0.5, "n": 2},
        "sk": {"accuracy": 0.0, "n": 1},
    }
    assert accuracy({}, {})["accuracy"] == 0.0


RAW = (
    "Bridge reopens after repairs\n"
    "42\n"
    "The old bridge over the river reopened on Monday. Traffic was light in the morning.\n"
    "Workers (l) remove the last barrier from the bridge. photo\n"
    "© Ana Silva/Lusa\n"
)


BODY = "The old bridge over the river reopened on Monday. Traffic was light in the morning."


def cleaned(**changes: object) -> Article:
    base = {
        "id": "x",
        "content_hash": "x",
        "source": "001_x.txt",
        "raw": RAW,
        "title": "Bridge reopens after repairs",
        "text": BODY,
        "paragraphs": (Paragraph(BODY, 0, len(BODY)),),
        "captions": (
            Caption("Workers (l) remove the last barrier from the bridge."),
            Caption("© Ana Silva/Lusa", "credit"),
        ),
        "removed": ("42", "photo"),
        "language": "en",
    }
    base.update(changes)
    return Article(**base)  # type: ignore[arg-type]


GOLD = {
    "languages": {"001": "en"},
    "titles": {"001": "Bridge reopens after repairs"},
    "cleaning": {"001": {"not_body_text": ["42", "Workers (l) remove the last barrier", "© Ana Silva/Lusa"]}},
}


def test_sentences_and_cover() -> None:
    found = [s for _, s in sentences(RAW)]
    assert "The old bridge over the river reopened on Monday." in found
    assert covered("a b c d", ["a b", "c d e"])
    assert not covered("a b x", ["a b", "c d"])


def test_a_good_cleaning_passes() -> None:
    result = score(GOLD, {"001": cleaned()}, None)
    assert result["ok"] and result["titles_right"] == "1/1" and result["sentences_lost"] == 0


def test_a_leftover_in_the_body_fails() -> None:
    art = cleaned(text="42\n\n" + cleaned().text, removed=("photo",))
    result = score_article(art, "001", GOLD)
    assert not result["leftovers_out"] and result["leftovers_in_body"] == ["42"] and not result["ok"]


def test_a_lost_sentence_fails() -> None:
    art = cleaned(text="The old bridge over the river reopened on Monday.",
                  paragraphs=(Paragraph("The old bridge over the river reopened on Monday.", 0, 49),))
    result = score_article(art, "001", GOLD)
    assert result["lost"] == ["Traffic was light in the morning."] and not result["ok"]


def test_real_text_moved_out_of_the_body_fails() -> None:
    text = "The old bridge over the river reopened on Monday."
    art = cleaned(text=text, paragraphs=(Paragraph(text, 0, len(text)),),
                  removed=("42", "photo", "Traffic was light in the morning."))
    result = score_article(art, "001", GOLD)
    assert result["moved_out"] == ["Traffic was light in the morning."] and not result["ok"]


def test_wrong_language_and_title_fail() -> None:
    result = score_article(cleaned(language="de", title="Bridge"), "001", GOLD)
    assert result["language"] is False and result["title"] is False and not result["ok"]
