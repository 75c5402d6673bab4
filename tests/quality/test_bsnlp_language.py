"""Language accuracy on the BSNLP documents (issue 2: at least 99 % of documents)."""

from __future__ import annotations

from collections import Counter

import pytest

from storyline.config import Config
from storyline.evaluate.bsnlp import evaluate
from storyline.evaluate.bsnlp_data import load_topic_docs
from tests.conftest import shared_path

pytestmark = pytest.mark.quality


def test_loader_reads_documents_and_gold_mentions() -> None:
    docs = load_topic_docs(shared_path("data", "bsnlp"))
    assert len({d.key for d in docs}) == len(docs)
    languages = Counter(d.language for d in docs)
    assert {"bg", "cs", "pl", "ru", "sl", "uk"} <= set(languages)
    assert not {"cz", "ua"} & set(languages)  # data labels mapped to ISO codes
    assert all(d.body for d in docs) and sum(1 for d in docs if d.title) >= 0.95 * len(docs)
    annotated = [d for d in docs if d.annotated]
    assert len(annotated) >= 0.9 * len(docs)
    mention = next(m for d in annotated for m in d.mentions)
    assert mention.surface and mention.entity_id and mention.type in {"PER", "LOC", "ORG", "PRO", "EVT", "MISC"}
    article = docs[0].article()
    assert article.language_hint is None and article.title == docs[0].title and article.raw == docs[0].body


def test_language_accuracy() -> None:
    result = evaluate(shared_path("data", "bsnlp"), Config.load(), parts=("language",))
    language = result["language"]
    assert language["failed"] == 0
    assert language["accuracy"] >= 0.99, language
