"""A stateful stage that fails inside a batch: the articles before the failure are kept,
only the rest is retried one by one, and no article is counted or clustered twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline import meetings
from storyline.config import Config
from storyline.entities import EntityLinker
from storyline.events import EventClusterer
from storyline.models import Article, Quarantine
from storyline.pipeline import apply_stage
from storyline.represent import Representer
from storyline.store import open_store
from tests.unit.test_stories import ARTICLES, HashEmbedder


def _plain(ident: str, text: str) -> Article:
    return Article(id=ident, content_hash=ident, source=f"{ident}.txt", raw=text, text=text, language="en")


def test_the_linker_counts_each_article_once_when_one_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    linker = EntityLinker(Config.load(), None)
    analyse = linker._analyse

    def fragile(article: Article) -> Article:
        if article.id == "bad":
            raise ValueError("broken page")
        return analyse(article)

    monkeypatch.setattr(linker, "_analyse", fragile)
    batch = [
        _plain("one", "Yesterday Olga Brenner opened the harbour in Lisbon."),
        _plain("bad", "Olga Brenner again."),
        _plain("two", "Later Olga Brenner spoke in Porto about the harbour."),
    ]
    good, bad = apply_stage(linker, batch)
    assert [a.id for a in good] == ["one", "two"]
    assert [(x.source, x.stage) for x in bad if isinstance(x, Quarantine)] == [("bad.txt", "entities")]
    brenner = next(e for e in good[0].entities if e.type == "PER")
    assert linker.kb.entities[brenner.id].articles == 2  # not 3: "one" was not analysed twice


def test_the_event_stage_clusters_each_article_once_when_one_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = open_store(tmp_path / "e.db")
    stage = EventClusterer(Config.load(), store, representer=Representer(HashEmbedder()))
    original = meetings.extract

    def fragile(article: Article) -> meetings.ArticleMeeting | None:
        if article.id == "c":
            raise ValueError("broken page")
        return original(article)

    monkeypatch.setattr(meetings, "extract", fragile)
    good, bad = apply_stage(stage, list(ARTICLES))
    assert [a.id for a in good] == ["a", "b", "d"]
    assert [x.source for x in bad] == ["/in/c.txt"]
    # a and b once each (not again on the retry), c not at all (it failed before anything was learned)
    assert sum(ev.n for ev in stage.clusterer.events.values()) == 3
    assert stage.frequencies.documents == 3  # nor are c and d counted twice into the entity frequencies
    assert good[0].event_id == good[1].event_id
    store.close()


class _Counting:
    """A stage that counts what it sees; its ``pipe`` silently leaves out one article."""

    name = "counting"

    def __init__(self, drop: str) -> None:
        self.drop = drop
        self.seen: list[str] = []

    def __call__(self, article: Article) -> Article:
        self.seen.append(article.id)
        return article

    def pipe(self, articles: list[Article], batch_size: int = 1) -> Iterator[Article]:
        for article in articles:
            if article.id != self.drop:
                yield self(article)


def test_a_stage_that_returns_too_few_without_failing_sees_only_the_missing_one_again() -> None:
    stage = _Counting(drop="two")
    batch = [_plain("one", "First."), _plain("two", "Second."), _plain("three", "Third.")]
    good, bad = apply_stage(stage, batch)  # type: ignore[arg-type]
    assert [a.id for a in good] == ["one", "two", "three"]  # the batch's order
    assert bad == []
    assert sorted(stage.seen) == ["one", "three", "two"]  # each once: "one" and "three" not again


def test_two_articles_with_one_id_are_both_kept_when_a_batch_is_retried() -> None:
    stage = _Counting(drop="other")
    twins = [_plain("same", "Twin text."), _plain("other", "Else."), _plain("same", "Twin text.")]
    good, _ = apply_stage(stage, twins)  # type: ignore[arg-type]
    assert [a.id for a in good] == ["same", "other", "same"]
    assert len(stage.seen) == 3
