"""Pipeline and clustering benchmarks.

1. ``full``: the whole pipeline (ingest → clean → language → entities → dates → events,
   storylines at the end, stored in SQLite) over the BSNLP raw texts in
   ``../shared/data/bsnlp``: articles per second and peak memory (max RSS).
2. ``growth``: the clustering step alone on a synthetic stream (topic vectors plus
   noise, Zipf-distributed entities, a steady number of articles a day) — the cost per
   article at 10k, 50k, 100k, 250k and 500k articles seen. Flat means candidates come
   from the time window and the ANN index, not from everything seen so far.

Usage::

    python bench/pipeline_bench.py full [--data ../shared/data/bsnlp] [--limit N]
    python bench/pipeline_bench.py growth [--max 500000] [--per-day 400]

Prints one JSON object per benchmark (last line).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def full(data: Path, limit: int | None) -> dict[str, object]:
    from storyline.config import Config
    from storyline.evaluate.bsnlp_data import load_topic_docs
    from storyline.pipeline import build_pipeline
    from storyline.store import open_store

    docs = load_topic_docs(data)
    if limit:
        docs = docs[:limit]
    articles = [d.article() for d in docs]
    config = Config.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        started = time.perf_counter()
        pipeline = build_pipeline(config, store)
        summary = pipeline.run(articles, store)
        pipeline.finish(store)
        seconds = time.perf_counter() - started
        events = store.event_count()
        stories = len(store.stories(limit=10**9))
        store.close()
    return {
        "bench": "full",
        "articles": len(articles),
        "stored": summary.stored,
        "quarantined": summary.quarantined,
        "events": events,
        "stories": stories,
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(articles) / seconds, 1),
        "peak_rss_mb": peak_mb(),
    }


def growth(maximum: int, per_day: int, dim: int = 256, topics: int = 2000, seed: int = 7) -> dict[str, object]:
    """Per-article cost of ``OnlineEventClusterer.learn_one`` as the stream grows."""
    from storyline.cluster import Item, OnlineEventClusterer, iso_day

    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(topics, dim)).astype(np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    ranks = np.arange(1, 50_001)
    zipf = (1.0 / ranks) / (1.0 / ranks).sum()
    model = OnlineEventClusterer()
    checkpoints = [n for n in (10_000, 50_000, 100_000, 250_000, 500_000) if n <= maximum]
    window = 5_000
    rows: list[dict[str, object]] = []
    start_day = 738_000
    times = np.zeros(maximum, dtype=np.float64)
    chunk = 10_000
    for i in range(maximum):
        if i % chunk == 0:  # draw the random parts in bulk: the bench should time the clusterer
            offsets = rng.integers(0, 40, size=chunk)
            jitter = rng.integers(-1, 2, size=chunk)
            noise = (0.5 * rng.normal(size=(chunk, dim)) / np.sqrt(dim)).astype(np.float32)
            drawn = rng.choice(len(zipf), size=(chunk, 4), p=zipf)
        j = i % chunk
        day = start_day + i // per_day
        # a topic is "live" for a few weeks: topics rotate as the days pass
        topic = int((offsets[j] + (day - start_day) * 3) % topics)
        vec = centers[topic] + noise[j]
        vec /= np.linalg.norm(vec)
        ents = {f"t{topic}": 3.0}
        for e in drawn[j]:
            ents[f"e{e}"] = 1.0
        item = Item(id=f"a{i}", vector=vec, entities=ents, date=iso_day(day + int(jitter[j])))
        t0 = time.process_time()  # CPU time: other processes on the machine do not count
        model.learn_one(item)
        times[i] = time.process_time() - t0
        model.retired.clear()
        if i + 1 in checkpoints:
            recent = times[i + 1 - window : i + 1]
            rows.append(
                {
                    "articles": i + 1,
                    "cpu_us_per_article": round(float(recent.mean()) * 1e6, 1),
                    "events_in_memory": len(model.events),
                    "peak_rss_mb": peak_mb(),
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    first = float(rows[0]["cpu_us_per_article"]) if rows else 0.0  # type: ignore[arg-type]
    last = float(rows[-1]["cpu_us_per_article"]) if rows else 0.0  # type: ignore[arg-type]
    return {
        "bench": "growth",
        "per_day": per_day,
        "dim": dim,
        "table": rows,
        "last_over_first": round(last / first, 2) if first else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    f = sub.add_parser("full")
    f.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data" / "bsnlp")
    f.add_argument("--limit", type=int, default=None)
    g = sub.add_parser("growth")
    g.add_argument("--max", type=int, default=500_000)
    g.add_argument("--per-day", type=int, default=400)
    args = parser.parse_args()
    if args.what == "full":
        if not args.data.exists():
            sys.exit(f"no BSNLP data at {args.data}")
        result = full(args.data, args.limit)
    else:
        result = growth(args.max, args.per_day)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
