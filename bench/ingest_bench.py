"""Throughput and peak memory of ingest + clean + language + store on the BSNLP raw texts.

Not a test: run it by hand and compare with the table in ``bench/README.md``::

    python bench/ingest_bench.py [--data ../shared/data/bsnlp] [--workers N] [--repeat 1]

The BSNLP documents are first written to a temporary JSONL file (``id``, ``title``,
``text``, ``url``, ``published``; no language, so the detector does the work), which is
not timed. The timed path is what ``storyline run FILE.jsonl`` does up to the language
stage: ``storyline.ingest.read_inputs`` → ``Pipeline.run`` with the clean and language
stages → ``SQLiteStore`` in a fresh temporary database. ``--workers N`` runs the clean
and language stages in N processes (see :class:`ParallelStages`).

Peak RSS is the largest resident set of this process and of any worker (getrusage).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from storyline.config import Config
from storyline.evaluate.bsnlp_data import load_topic_docs
from storyline.ingest import read_inputs
from storyline.models import Article
from storyline.pipeline import Pipeline, Stage, build_pipeline
from storyline.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "bsnlp"

_worker_stages: list[Stage] = []


def _init_worker() -> None:
    global _worker_stages
    _worker_stages = list(build_pipeline(Config.load(), upto="language").stages)


def _run_chunk(articles: list[Article]) -> list[Article]:
    for stage in _worker_stages:
        articles = list(stage.pipe(articles))
    return articles


class ParallelStages:
    """The clean and language stages as one stage whose ``pipe`` fans batches out to processes.

    Only for the benchmark: it shows what a process pool buys on this machine. A batch
    that fails in a worker is retried one by one in the parent by the pipeline, as
    with any stage.
    """

    name = "clean+language"

    def __init__(self, workers: int) -> None:
        self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker)
        self.local = list(build_pipeline(Config.load(), upto="language").stages)
        self.workers = workers

    def __call__(self, article: Article) -> Article:
        for stage in self.local:
            article = stage(article)
        return article

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]:
        batch = list(articles)
        size = max(1, -(-len(batch) // self.workers))
        chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
        for done in self.pool.map(_run_chunk, chunks):
            yield from done

    def close(self) -> None:
        self.pool.shutdown()


def _cpu() -> float:
    """CPU seconds of this process and its finished children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    """Largest resident set so far of this process and of its finished children (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports KiB


def bench(data: Path, workers: int, batch: int) -> dict[str, float]:
    docs = load_topic_docs(data, annotations=False)
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "bsnlp.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            for doc in docs:
                fh.write(json.dumps(doc.record(hint=False), ensure_ascii=False) + "\n")
        config = Config.load()
        store = open_store(Path(tmp) / "bench.db")
        parallel = ParallelStages(workers) if workers > 1 else None
        pipeline = (
            Pipeline(stages=[parallel], batch_size=batch) if parallel else build_pipeline(config, upto="language")
        )
        if parallel is None:
            pipeline.batch_size = batch
        # load the detector before timing (it is loaded once per process in a real run too)
        pipeline.process([docs[0].article()]) if parallel is None else None
        load = os.getloadavg()[0]
        cpu0 = _cpu()
        started = time.perf_counter()
        summary = pipeline.run(read_inputs([str(jsonl)], config=config), store)
        seconds = time.perf_counter() - started
        if parallel is not None:
            parallel.close()  # workers end here, so their CPU time is counted below
        cpu = _cpu() - cpu0
        store.close()
    return {
        "articles": summary.seen,
        "stored": summary.stored,
        "seconds": seconds,
        "rate": summary.seen / seconds if seconds else 0.0,
        "rss": peak_rss_mb(),
        "cpu": cpu,
        "load": load,
    }


def stage_breakdown(data: Path) -> list[tuple[str, float]]:
    """CPU seconds of each step over the whole data set, one step after the other.

    CPU time, not wall time, so that other work on the machine does not blur where the
    time goes. The store is timed on the analysed articles (duplicates left out).
    """
    docs = load_topic_docs(data, annotations=False)
    config = Config.load()
    out: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "bsnlp.jsonl"
        jsonl.write_text("".join(json.dumps(d.record(), ensure_ascii=False) + "\n" for d in docs), "utf-8")
        t = time.process_time()
        articles = [a for a in read_inputs([str(jsonl)], config=config) if isinstance(a, Article)]
        out.append(("ingest (JSONL)", time.process_time() - t))
        for stage in build_pipeline(config, upto="language").stages:
            stage(articles[0])  # load models first
            t = time.process_time()
            articles = list(stage.pipe(articles))
            out.append((stage.name, time.process_time() - t))
        unique = list({a.content_hash: a for a in articles}.values())
        store = open_store(Path(tmp) / "stages.db")
        t = time.process_time()
        for i in range(0, len(unique), 256):
            store.write(unique[i : i + 256])
        out.append(("store (SQLite + search index)", time.process_time() - t))
        store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workers", type=int, default=1, help="processes for clean+language (1: in process)")
    parser.add_argument("--batch", type=int, default=256, help="articles per pipeline batch")
    parser.add_argument("--stages", action="store_true", help="also print CPU seconds per step")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no BSNLP data at {args.data}", file=sys.stderr)
        return 2
    result = bench(args.data, args.workers, args.batch)
    print(f"# ingest+clean+language+store, BSNLP raw texts, {os.cpu_count()} CPUs, workers={args.workers}")
    print(f"# load average when started: {result['load']:.1f} (other work on the machine slows the wall clock)")
    print(f"{'articles':>9} {'stored':>7} {'seconds':>8} {'articles/s':>11} {'CPU s':>7} {'peak RSS MB':>12}")
    print(
        f"{result['articles']:>9} {result['stored']:>7} {result['seconds']:>8.2f} {result['rate']:>11.0f}"
        f" {result['cpu']:>7.2f} {result['rss']:>12.0f}"
    )
    if args.stages:
        steps = stage_breakdown(args.data)
        print(f"\n{'step':<32} {'CPU s':>7} {'ms/article':>11}")
        for name, cpu in steps:
            print(f"{name:<32} {cpu:>7.2f} {1000 * cpu / result['articles']:>11.3f}")
        total = sum(c for _, c in steps)
        print(f"{'total':<32} {total:>7.2f} {1000 * total / result['articles']:>11.3f}"
              f"   (one core: {result['articles'] / total:.0f} articles/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
