"""Throughput and peak memory of ingest + clean + language + store on the BSNLP raw texts.

Not a test: run it by hand and compare with the table in ``bench/README.md``::

    python bench/ingest_bench.py [--data ../shared/data/bsnlp] [--workers 1 auto] [--stages]

The BSNLP documents are first written to a temporary JSONL file (``id``, ``title``,
``text``, ``url``, ``published``; no language, so the detector does the work), which is
not timed. The timed path is what ``storyline run FILE.jsonl`` does up to the language
stage: ``storyline.ingest.read_inputs`` → ``Pipeline.run`` with the clean and language
stages → ``SQLiteStore`` in a fresh temporary database, with ``[pipeline] workers`` set
to each value of ``--workers`` in turn (``auto`` is the default configuration: clean,
language and the search-index folding in worker processes, see ``storyline/workers.py``).

CPU seconds are this process's and its workers' (getrusage, the workers are joined at
the end of the run). Memory is sampled every 0.1 s from ``/proc/PID/smaps_rollup`` of
this process and its live children: the peak of the summed RSS (which counts the pages
a forked worker shares with its parent twice) and of the summed PSS (which splits them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from storyline.config import Config
from storyline.evaluate.bsnlp_data import load_topic_docs
from storyline.ingest import read_inputs
from storyline.models import Article
from storyline.pipeline import build_pipeline
from storyline.search import fold_article
from storyline.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "bsnlp"


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _children() -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()]
    except OSError:
        return []


class MemoryWatch:
    """Samples the live RSS and PSS of this process and its children (workers) every 0.1 s."""

    def __init__(self) -> None:
        self.peak_rss = 0.0
        self.peak_pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            rss, pss = _memory([os.getpid(), *_children()])
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _memory(pids: list[int]) -> tuple[float, float]:
    """Summed RSS and PSS (MB) of ``pids`` (Linux ``smaps_rollup``; zeros elsewhere)."""
    rss = pss = 0.0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss += int(line.split()[1]) / 1024
    return rss, pss


def bench(data: Path, workers: int, batch: int) -> dict[str, float]:
    docs = load_topic_docs(data, annotations=False)
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "bsnlp.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            for doc in docs:
                fh.write(json.dumps(doc.record(hint=False), ensure_ascii=False) + "\n")
        config = Config.load(pipeline={"workers": workers, "batch_size": batch})
        store = open_store(Path(tmp) / "bench.db")
        pipeline = build_pipeline(config, upto="language")
        load = os.getloadavg()[0]
        cpu0 = _cpu()
        started = time.perf_counter()
        with MemoryWatch() as memory:
            summary = pipeline.run(read_inputs([str(jsonl)], config=config), store)
        seconds = time.perf_counter() - started
        cpu1 = _cpu()  # the workers have ended with the run: their CPU time is counted
        store.close()
    return {
        "articles": summary.seen,
        "stored": summary.stored,
        "seconds": seconds,
        "rate": summary.seen / seconds if seconds else 0.0,
        "rss": memory.peak_rss,
        "pss": memory.peak_pss,
        "cpu": cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1],
        "parent_cpu": cpu1[0] - cpu0[0],
        "load": load,
        "workers": pipeline.workers,
    }


def stage_breakdown(data: Path) -> list[tuple[str, float]]:
    """CPU seconds of each step over the whole data set, one step after the other.

    CPU time, not wall time, so that other work on the machine does not blur where the
    time goes. The store is timed on the analysed articles (duplicates left out), apart
    from the folding of their text for the search index, which the workers do when there
    are any.
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
        t = time.process_time()
        folded = {a.id: fold_article(a) for a in unique}  # in the workers when there are any
        out.append(("search-index folding", time.process_time() - t))
        store = open_store(Path(tmp) / "stages.db")
        t = time.process_time()
        for i in range(0, len(unique), 64):
            store.write(unique[i : i + 64], folded=folded)
        out.append(("store (SQLite + FTS5 writes)", time.process_time() - t))
        store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--workers", nargs="+", default=["1", "auto"], help='[pipeline] workers values to run ("auto" or N)'
    )
    parser.add_argument("--batch", type=int, default=64, help="articles per pipeline batch")
    parser.add_argument("--stages", action="store_true", help="also print CPU seconds per step")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no BSNLP data at {args.data}", file=sys.stderr)
        return 2
    print(f"# ingest+clean+language+store, BSNLP raw texts, {os.cpu_count()} CPUs, batch {args.batch}")
    print("# load average: when the run started (other work on the machine slows the wall clock)")
    print(
        f"{'workers':>8} {'articles':>9} {'stored':>7} {'seconds':>8} {'articles/s':>11} {'CPU s':>7}"
        f" {'parent CPU s':>13} {'peak RSS MB':>12} {'peak PSS MB':>12} {'load':>5}"
    )
    result: dict[str, float] = {}
    for value in args.workers:
        workers: int | str = int(value) if value.isdigit() else value
        result = bench(args.data, workers, args.batch)
        label = f"{value}={result['workers']:.0f}" if value == "auto" else value
        print(
            f"{label:>8} {result['articles']:>9.0f} {result['stored']:>7.0f} {result['seconds']:>8.2f}"
            f" {result['rate']:>11.0f} {result['cpu']:>7.2f} {result['parent_cpu']:>13.2f}"
            f" {result['rss']:>12.0f} {result['pss']:>12.0f}"
            f" {result['load']:>5.1f}",
            flush=True,
        )
    if args.stages:
        steps = stage_breakdown(args.data)
        print(f"\n{'step':<32} {'CPU s':>7} {'ms/article':>11}")
        for name, cpu in steps:
            print(f"{name:<32} {cpu:>7.2f} {1000 * cpu / result['articles']:>11.3f}")
        total = sum(c for _, c in steps)
        print(
            f"{'total':<32} {total:>7.2f} {1000 * total / result['articles']:>11.3f}"
            f"   (one core: {result['articles'] / total:.0f} articles/s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
