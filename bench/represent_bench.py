"""Throughput of the representation step (embedding title + lead) on the BSNLP texts.

Not a test: run it by hand and compare with ``bench/results/represent_bench.md``::

    python bench/represent_bench.py [--data ../shared/data/bsnlp] [--e5-sample 40] [--batch 64]

Timed: :func:`storyline.represent.represent_many` for every document, in batches, with
the static embedder — once with a cold word cache (a fresh process's first pass) and
once warm. The e5 path is timed on a sample (it is ~100x slower). Loading the static
table is timed separately (once per process). The articles carry no entities here
(this measures the embedding cost, which dominates).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from storyline.evaluate.bsnlp_data import load_topic_docs
from storyline.represent import E5Embedder, EntityFrequencies, StaticEmbedder, load_static_table, represent_many

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "bsnlp"


def _rate(embedder: object, articles: list, batch: int, lead: int) -> float:
    freq = EntityFrequencies()
    started = time.perf_counter()
    for lo in range(0, len(articles), batch):
        represent_many(articles[lo : lo + batch], embedder, freq, lead_chars=lead)  # type: ignore[arg-type]
    return len(articles) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lead", type=int, default=1000)
    parser.add_argument("--e5-sample", type=int, default=40)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no BSNLP data at {args.data}", file=sys.stderr)
        return 2
    articles = [d.article() for d in load_topic_docs(args.data, annotations=False)]

    started = time.perf_counter()
    table = load_static_table()
    load_s = time.perf_counter() - started
    static = StaticEmbedder(table)
    cold = _rate(static, articles, args.batch, args.lead)
    warm = _rate(static, articles, args.batch, args.lead)
    result = {
        "articles": len(articles),
        "lead_chars": args.lead,
        "static_table_load_s": round(load_s, 2),
        "static_cold_articles_per_s": round(cold, 1),
        "static_warm_articles_per_s": round(warm, 1),
    }
    if args.e5_sample:
        e5 = E5Embedder(cache_size=0)
        sample = articles[:: max(1, len(articles) // args.e5_sample)][: args.e5_sample]
        result["e5_sample"] = len(sample)
        result["e5_articles_per_s_600"] = round(_rate(e5, sample, args.batch, 600), 2)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
