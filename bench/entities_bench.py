"""Throughput of the entity stage (articles/s) on this machine.

    python bench/entities_bench.py [--limit N]

Reads the BSNLP documents and the seed articles from ``../shared`` (skips what is
missing), runs them through clean + language once, then times the entity stage alone:

* ``cold``: a fresh stage and empty caches: includes loading the gazetteer, the word
  frequency tables of each language met (``entities/lexicon.py``) and filling the
  per-word caches;
* ``warm``: the same articles again through a new stage (empty knowledge base, warm
  per-word caches), which is what a long run sees after its first few thousand articles.

Target (issue 3): at least 300 articles/s, cold. Peak RSS is the whole process's
(``ru_maxrss``, after each pass); the row ``before`` is the process with the articles
cleaned and their language found, before the entity stage loads anything.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"


def _articles(limit: int) -> list:  # type: ignore[type-arg]
    from storyline.config import Config
    from storyline.evaluate.bsnlp_data import load_topic_docs
    from storyline.ingest import read_inputs
    from storyline.models import Article
    from storyline.pipeline import build_pipeline

    config = Config.load()
    raw: list[Article] = []
    bsnlp = SHARED / "data" / "bsnlp"
    if bsnlp.is_dir():
        raw += [d.article() for d in load_topic_docs(bsnlp)[:limit]]
    seeds = SHARED / "seeds" / "articles"
    if seeds.is_dir():
        meta = SHARED / "seeds" / "meta.jsonl"
        raw += [a for a in read_inputs([str(seeds)], meta=meta, config=config) if isinstance(a, Article)]
    if not raw:
        sys.exit("no articles under ../shared: nothing to time")
    articles, _ = build_pipeline(config, None, upto="language").process(raw)
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=4000, help="BSNLP documents to read")
    args = parser.parse_args()
    from storyline.config import Config
    from storyline.entities import EntityLinker

    articles = _articles(args.limit)
    chars = sum(len(a.text) for a in articles) / len(articles)
    before = _peak_mb()
    rows = []
    for label in ("cold", "warm"):
        started, cpu = time.perf_counter(), time.process_time()
        linker = EntityLinker(Config.load(), None)
        out = list(linker.pipe(articles))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        mentions = sum(len(m.mentions) for a in out for m in a.entities)
        rows.append((label, len(articles), seconds, cpu, mentions, _peak_mb()))
    # CPU seconds are reported beside wall seconds: on a shared machine the wall clock
    # measures the neighbours too; the stage itself is single-threaded
    print(f"entity stage, {len(articles)} articles, {chars:.0f} characters on average")
    print(f"peak RSS before the stage: {before:.0f} MB; load average {_load()}")
    head = f"{'run':<6} {'articles':>8} {'wall s':>7} {'cpu s':>7} {'art/s wall':>10} {'art/s cpu':>10}"
    print(f"{head} {'mentions':>9} {'peak MB':>8}")
    for label, n, seconds, cpu, mentions, peak in rows:
        row = f"{label:<6} {n:>8} {seconds:>7.1f} {cpu:>7.1f} {n / seconds:>10.0f} {n / cpu:>10.0f}"
        print(f"{row} {mentions:>9} {peak:>8.0f}")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
