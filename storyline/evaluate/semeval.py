"""``storyline eval semeval PATH``: article similarity against human judgements.

SemEval-2022 Task 8 pairs (``pairs.dev.csv``): two news texts, possibly in two
languages, and the annotators' Overall score on 1–4 where 1 means *very similar*.
We score each pair with :func:`storyline.represent.similarity` (embedding, entities,
places, time, with the shipped fitted weights) after running the project's analysis
stages (clean, language, entities, dates — every stage before event clustering) on
each text, and report the Pearson correlation with ``-Overall``, overall and per
language pair.

Baselines on the same texts, side by side: TF-IDF cosine (word unigrams, IDF over
the texts of the file), and the embedding cosine alone for each embedder.

The file is read only from ``PATH``; nothing of it is kept.
"""

from __future__ import annotations

import csv
import logging
import math
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from storyline.config import Config
from storyline.errors import EvaluationError
from storyline.models import Article, Quarantine, Rejection, replace
from storyline.represent import (
    SIGNALS,
    E5Embedder,
    Embedder,
    EntityFrequencies,
    Representation,
    StaticEmbedder,
    load_weights,
    represent_many,
    settings,
    signal_values,
    similarity,
)

log = logging.getLogger(__name__)

BASELINES = ("tfidf", "static", "e5")


@dataclass(frozen=True, slots=True)
class Pair:
    pair_id: str
    lang1: str
    lang2: str
    text1: str
    text2: str
    overall: float  # 1 = very similar … 4 = very different

    @property
    def lang_pair(self) -> str:
        return f"{self.lang1}-{self.lang2}"


def read_pairs(path: Path) -> list[Pair]:
    """The pairs of a SemEval-2022 Task 8 CSV (columns named in its header)."""
    csv.field_size_limit(1 << 24)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"pair_id", "lang1", "lang2", "text1", "text2", "Overall"}
        missing = need - set(reader.fieldnames or ())
        if missing:
            raise EvaluationError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        pairs: list[Pair] = []
        for row in reader:
            try:
                overall = float(row["Overall"])
            except ValueError as exc:
                raise EvaluationError(f"{path}: pair {row['pair_id']}: Overall {row['Overall']!r}") from exc
            pairs.append(
                Pair(row["pair_id"], row["lang1"], row["lang2"], row["text1"] or "", row["text2"] or "", overall)
            )
    if not pairs:
        raise EvaluationError(f"{path}: no pairs")
    return pairs


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


# --------------------------------------------------------------------------- analysis


def analyse_texts(texts: Sequence[str], languages: Sequence[str], config: Config) -> tuple[list[Article], int]:
    """Run every stage before event clustering on each text; one article per text.

    A text a stage rejects or fails on still gets an article (the raw text, no
    entities or dates) so every pair is scored; the count of such texts is returned.
    """
    from storyline.ingest.base import make_article
    from storyline.pipeline import Pipeline, build_pipeline

    base = [
        make_article(f"semeval:{i}", text.strip(), fmt="text", language=lang)
        for i, (text, lang) in enumerate(zip(texts, languages, strict=True))
    ]
    with tempfile.TemporaryDirectory() as tmp:
        from storyline.store import open_store

        store = open_store(Path(tmp) / "semeval.db")
        try:
            full = build_pipeline(config, store)
            names = [s.name for s in full.stages]
            stop = names.index("events") if "events" in names else len(names)
            pipeline = Pipeline(stages=list(full.stages[:stop]), batch_size=full.batch_size)
            done, bad = pipeline.process(base)
        finally:
            store.close()
    by_source = {a.source: a for a in done}
    failed = 0
    for item in bad:
        reason = item.reason if isinstance(item, Rejection) else item.error if isinstance(item, Quarantine) else ""
        log.info("semeval text %s not analysed: %s", item.source, reason)
        failed += 1
    out = [by_source.get(a.source) or replace(a, text=a.raw) for a in base]
    return out, failed


# --------------------------------------------------------------------------- baselines

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tfidf_cosines(texts: Sequence[str], pairs: Sequence[tuple[int, int]]) -> list[float]:
    """TF-IDF (log tf, smoothed idf over ``texts``) cosine of each index pair."""
    bags = [Counter(_TOKEN.findall(t.lower())) for t in texts]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(texts)
    vectors: list[dict[str, float]] = []
    for bag in bags:
        vec = {w: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    out = []
    for i, j in pairs:
        a, b = vectors[i], vectors[j]
        if len(a) > len(b):
            a, b = b, a
        out.append(sum(v * b.get(w, 0.0) for w, v in a.items()))
    return out


def _embedder(name: str, cache_size: int) -> Embedder:
    return E5Embedder(cache_size=cache_size) if name == "e5" else StaticEmbedder()


# --------------------------------------------------------------------------- evaluation


def pair_signals(
    articles: Sequence[Article], pairs: Sequence[tuple[int, int]], embedder: Embedder, lead_chars: int
) -> tuple[list[Representation], list[dict[str, float | None]]]:
    """Representations of every article (IDF over all of them) and each pair's raw signals."""
    frequencies = EntityFrequencies()
    for article in articles:
        frequencies.observe(e.id for e in article.entities)
    reps = represent_many(articles, embedder, frequencies, lead_chars=lead_chars, observe=False)
    values = [signal_values(reps[i], reps[j]) for i, j in pairs]
    return reps, values


def evaluate(path: Path, config: Config, *, baselines: Sequence[str] = BASELINES) -> dict[str, Any]:
    """Pearson of our similarity with ``-Overall``, per language pair, with baselines."""
    file = path / "pairs.dev.csv" if path.is_dir() else path
    if not file.exists():
        raise EvaluationError(f"no SemEval pairs at {file}")
    pairs = read_pairs(file)
    texts = [p.text1 for p in pairs] + [p.text2 for p in pairs]
    langs = [p.lang1 for p in pairs] + [p.lang2 for p in pairs]
    index = [(k, k + len(pairs)) for k in range(len(pairs))]
    gold = [-p.overall for p in pairs]

    s = settings(config)
    articles, failed = analyse_texts(texts, langs, config)
    lead = {"static": s.lead_chars, "e5": s.e5_lead_chars}

    ours_name = s.embedder
    embedders = {ours_name: _embedder(ours_name, s.cache_size)}
    reps, values = pair_signals(articles, index, embedders[ours_name], lead[ours_name])
    weights = load_weights(ours_name)
    scores = [similarity(reps[i], reps[j], weights) for i, j in index]

    by_lang: dict[str, dict[str, Any]] = {}
    for lp in sorted({p.lang_pair for p in pairs}, key=lambda k: -sum(p.lang_pair == k for p in pairs)):
        rows = [k for k, p in enumerate(pairs) if p.lang_pair == lp]
        cos = [values[k]["embedding"] or 0.0 for k in rows]
        by_lang[lp] = {
            "pairs": len(rows),
            "pearson": _r(pearson([scores[k] for k in rows], [gold[k] for k in rows])),
            "embedding": _r(pearson(cos, [gold[k] for k in rows])),
        }

    signals: dict[str, Any] = {}
    for signal in SIGNALS:
        have = [k for k, v in enumerate(values) if v[signal] is not None]
        signals[signal] = {
            "pairs": len(have),
            "pearson": _r(pearson([values[k][signal] or 0.0 for k in have], [gold[k] for k in have])),
        }

    base: dict[str, float] = {}
    clean_texts = [a.text or a.raw for a in articles]
    for name in baselines:
        if name == "tfidf":
            base["tfidf"] = _r(pearson(tfidf_cosines(clean_texts, index), gold))
            continue
        embedder = embedders.get(name) or _embedder(name, s.cache_size)
        _, vals = pair_signals(articles, index, embedder, lead[name])
        base[f"{name}_cosine"] = _r(pearson([v["embedding"] or 0.0 for v in vals], gold))

    return {
        "kind": "semeval",
        "pairs": len(pairs),
        "pearson": _r(pearson(scores, gold)),
        "embedder": ours_name,
        "weights": dict(weights.weights),
        "weights_fitted": weights.fitted,
        "by_lang_pair": by_lang,
        "signals": signals,
        "baselines": base,
        "texts_not_analysed": failed,
    }


def _r(value: float) -> float:
    return round(value, 4) if not math.isnan(value) else value


__all__ = ["BASELINES", "Pair", "analyse_texts", "evaluate", "pair_signals", "pearson", "read_pairs", "tfidf_cosines"]
