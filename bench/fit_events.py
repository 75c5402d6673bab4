"""Fit the event threshold and the storyline parameters on dev data; write
``storyline/data/events_fit.json`` with a note of how.

- **Event threshold** — SemEval-2022 Task 8 dev pairs (``../shared/data/semeval22/pairs.dev.csv``):
  a pair whose human *Overall* score is ≤ 1.5 (1 = very similar) reports the same
  event. Each pair is scored exactly as the clusterer scores an article against a
  one-article event (:meth:`OnlineEventClusterer.parts`, signal weights from
  ``represent``'s fitted ``similarity_weights.json``). The pairs carry no dates; they
  were drawn from articles published close together, so both sides get the same day
  (the time part is 1 for every pair, as it is for same-week articles in a stream).
  The threshold is the one with the best F1 for "same event".
The storyline parameters are fitted by ``bench/fit_stories.py`` (BSNLP and CL-TLS dev
jointly) into ``storyline/data/stories_fit.json``.

Usage: ``python bench/fit_events.py [--data ../shared/data] [--write]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIT_FILE = ROOT / "storyline" / "data" / "events_fit.json"


def _analyse(articles: list[Any], config: Any) -> list[Any]:
    """Every stage but ``events`` (no store)."""
    from storyline.pipeline import Pipeline, build_pipeline

    stages = [s for s in build_pipeline(config, None).stages if s.name != "events"]
    done, _ = Pipeline(stages=stages).process(articles)
    return done


def fit_threshold(data: Path, config: Any) -> dict[str, Any]:
    from dataclasses import replace

    from storyline.cluster import SIGNALS, Item, OnlineEventClusterer
    from storyline.evaluate.semeval import read_pairs
    from storyline.ingest.base import make_article
    from storyline.represent import Representer

    rows = read_pairs(data / "semeval22" / "pairs.dev.csv")
    articles = []
    for r in rows:
        for side, text in (("1", r.text1), ("2", r.text2)):
            a = make_article(f"semeval:{r.pair_id}:{side}", text, fmt="text", id=f"{r.pair_id}:{side}")
            articles.append(replace(a, published="2020-01-01"))
    done = {a.id: a for a in _analyse(articles, config)}
    rep = Representer.from_config(config)
    ordered = [done[k] for k in sorted(done)]
    rep.represent(ordered)  # count entity frequencies over the whole set first
    reps = {r.article_id: r for r in rep.represent(ordered, observe=False)}
    values: list[tuple[dict[str, float], bool]] = []
    for r in rows:
        a, b = f"{r.pair_id}:1", f"{r.pair_id}:2"
        if a not in done or b not in done:
            continue
        model = OnlineEventClusterer(threshold=2.0, merge=False, weights={s: 1.0 for s in SIGNALS})
        model.learn_one(Item.of(reps[b], done[b]))
        ev = next(iter(model.events.values()))
        parts = model.parts(Item.of(reps[a], done[a]), ev)
        values.append(({p.signal: p.value for p in parts}, r.overall <= 1.5))
    best: dict[str, Any] = {}
    grid = (0.2, 0.4, 0.6, 0.8, 1.0)
    for we in grid:
        for wn in grid:
            for wp in (0.0, 0.1, 0.3):
                weights = {"embedding": we, "entities": wn, "place": wp, "time": 0.3}
                scores = []
                for vals, y in values:
                    total = sum(weights[k] for k in vals if weights[k] > 0)
                    score = sum(v * weights[k] for k, v in vals.items()) / total if total else 0.0
                    scores.append((score, y))
                t, f, p, rc = _best_threshold(scores)
                if not best or f > best["f1"]:
                    best = {"threshold": t, "f1": round(f, 4), "precision": round(p, 4), "recall": round(rc, 4),
                            "weights": weights}
    best["pairs"] = len(values)
    best["positives"] = sum(y for _, y in values)
    return best


def _best_threshold(scores: list[tuple[float, bool]]) -> tuple[float, float, float, float]:
    best = (0.0, 0.0, 0.0, 0.0)
    for t in [x / 100 for x in range(20, 96)]:
        tp = sum(1 for s, y in scores if s >= t and y)
        fp = sum(1 for s, y in scores if s >= t and not y)
        fn = sum(1 for s, y in scores if s < t and y)
        p = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * rc / (p + rc) if p + rc else 0.0
        if f > best[1]:
            best = (t, f, p, rc)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data")
    parser.add_argument("--write", action="store_true", help="write storyline/data/events_fit.json")
    args = parser.parse_args()
    from storyline.config import Config
    from storyline.represent import settings

    config = Config.load()
    fit = json.loads(FIT_FILE.read_text("utf-8")) if FIT_FILE.exists() else {}
    t = fit_threshold(args.data, config)
    print(json.dumps({"event_threshold": t}))
    fit["threshold"] = t["threshold"]
    fit["weights"] = t["weights"]
    fit["threshold_fit"] = t
    fit.pop("stories", None)  # storyline parameters: storyline/data/stories_fit.json
    fit["embedder"] = settings(config).embedder
    fit["fitted"] = (
        "bench/fit_events.py: event threshold and signal weights = best F1 for 'same event' (Overall <= 1.5) on "
        "SemEval-2022 dev pairs scored as article-vs-event"
    )
    if args.write:
        FIT_FILE.write_text(json.dumps(fit, indent=2) + "\n", "utf-8")
        print(f"wrote {FIT_FILE}", file=sys.stderr)


if __name__ == "__main__":
    main()
