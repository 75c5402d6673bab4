"""Pipeline and clustering benchmarks.

1. ``full``: the whole pipeline (ingest → clean → language → entities → dates → events,
   storylines at the end, stored in SQLite) over the BSNLP raw texts in
   ``../shared/data/bsnlp``, as configured (worker processes included): articles per
   second of wall time, **CPU seconds** of this process and of its worker processes
   (CPU time is what other load on the machine distorts least), the load average
   before and after (wall time means little on a busy machine), and peak memory (max
   RSS of this process and of the largest worker; RSS counts the pages a forked worker
   shares with this process in both, so on Linux the peak of the summed PSS, which
   splits shared pages between the processes sharing them, is sampled too).
   With ``--stages`` the run is serial (one process) and every stage's ``pipe``, the
   store writes and the finish step are timed in CPU milliseconds per article — where
   the time goes.
2. ``growth``: the clustering step alone on a synthetic stream (topic vectors plus
   noise, Zipf-distributed entities, a steady number of articles a day) — the cost per
   article at 10k, 50k, 100k, 250k and 500k articles seen. Flat means candidates come
   from the time window and the ANN index, not from everything seen so far.

Usage::

    python bench/pipeline_bench.py full [--data ../shared/data/bsnlp] [--limit N] [--stages]
    python bench/pipeline_bench.py growth [--max 500000] [--per-day 400]

Prints one JSON object per benchmark (last line); ``--stages`` also prints the table.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def children_peak_mb() -> float:
    """Max RSS of the largest finished child process (the pipeline's workers)."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def cpu_seconds() -> tuple[float, float]:
    """(this process, its finished children): user + system CPU seconds."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def _pss_kb(pid: int | str) -> int:
    """Proportional set size of a process in kB (0 when unreadable: not Linux, gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


class PssSampler:
    """Samples, every ``interval`` seconds (a read costs ~0.5 ms of CPU), the PSS of this
    process plus its children (the pipeline's workers): the memory the run really holds,
    shared pages counted once."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.peak_total_kb = 0
        self.peak_worker_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="pss-sampler")

    def _children(self) -> list[str]:
        kids: list[str] = []
        for task in Path("/proc/self/task").glob("*/children"):
            try:
                kids.extend(task.read_text().split())
            except OSError:
                continue
        return kids

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            workers = [_pss_kb(pid) for pid in self._children()]
            self.peak_worker_kb = max([self.peak_worker_kb, *workers])
            self.peak_total_kb = max(self.peak_total_kb, _pss_kb("self") + sum(workers))

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class _Timed:
    """CPU seconds spent in a callable (the stage's ``pipe`` drained inside, so a lazy
    generator is timed where it runs, not where it is consumed)."""

    def __init__(self, fn: Callable[..., Any], drain: bool = False) -> None:
        self.fn = fn
        self.drain = drain
        self.seconds = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            out = self.fn(*args, **kwargs)
            return iter(list(out)) if self.drain else out
        finally:
            self.seconds += time.process_time() - started


def full(data: Path, limit: int | None, stages: bool = False) -> dict[str, object]:
    from storyline.config import Config
    from storyline.evaluate.bsnlp_data import load_topic_docs
    from storyline.pipeline import build_pipeline
    from storyline.store import open_store

    docs = load_topic_docs(data)
    if limit:
        docs = docs[:limit]
    articles = [d.article() for d in docs]
    config = Config.load()
    load_before = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        cpu0, kids0 = cpu_seconds()
        started = time.perf_counter()
        pipeline = build_pipeline(config, store)
        built = time.perf_counter()
        cpu_built = cpu_seconds()[0]
        timers: dict[str, _Timed] = {}
        if stages:  # one process, every stage timed
            if hasattr(pipeline, "workers"):
                pipeline.workers = 1
            for stage in pipeline.stages:
                timer = timers[stage.name] = _Timed(stage.pipe, drain=True)
                stage.pipe = timer  # type: ignore[method-assign]
            timers["store write"] = _Timed(store.write)
            store.write = timers["store write"]  # type: ignore[method-assign]
        with PssSampler() as pss:
            summary = pipeline.run(articles, store)
        ran = time.perf_counter()
        finish = _Timed(pipeline.finish)
        finish(store)
        seconds = time.perf_counter() - started
        cpu1, kids1 = cpu_seconds()
        # where the events stage's per-article sketches (embedding, MinHash) were made
        sketched = {st.name: dict(st.sketched) for st in pipeline.stages if getattr(st, "sketched", None)}
        events = store.event_count()
        stories = len(store.stories(limit=10**9))
        store.close()
    n = len(articles)
    result: dict[str, object] = {
        "bench": "full",
        "articles": n,
        "stored": summary.stored,
        "quarantined": summary.quarantined,
        "events": events,
        "stories": stories,
        "workers": getattr(pipeline, "workers", 1),
        "seconds": round(seconds, 2),
        "articles_per_s": round(n / seconds, 1),
        "build_seconds": round(built - started, 2),
        "run_seconds": round(ran - built, 2),
        "finish_cpu_seconds": round(finish.seconds, 2),
        "cpu_seconds": round(cpu1 - cpu0, 2),
        "cpu_seconds_workers": round(kids1 - kids0, 2),
        "cpu_build_seconds": round(cpu_built - cpu0, 2),
        "articles_per_cpu_s": round(n / max(cpu1 - cpu0 + kids1 - kids0, 1e-9), 1),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "peak_rss_mb": peak_mb(),
        "peak_rss_worker_mb": children_peak_mb(),
        "peak_pss_total_mb": round(pss.peak_total_kb / 1024, 1),
        "peak_pss_worker_mb": round(pss.peak_worker_kb / 1024, 1),
        "sketched": sketched,
    }
    if stages:
        table = {name: round(t.seconds * 1000 / n, 3) for name, t in timers.items()}
        table["finish (storylines)"] = round(finish.seconds * 1000 / n, 3)
        result["cpu_ms_per_article"] = table
        print(f"{'stage':24s} CPU ms/article", file=sys.stderr)
        for name, ms in table.items():
            print(f"{name:24s} {ms:8.3f}", file=sys.stderr)
        print(f"{'(building the stages)':24s} {result['cpu_build_seconds']:8} s", file=sys.stderr)
    return result


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
        "load_average": load_average(),
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
    f.add_argument("--stages", action="store_true", help="serial run, CPU ms per article for every stage")
    g = sub.add_parser("growth")
    g.add_argument("--max", type=int, default=500_000)
    g.add_argument("--per-day", type=int, default=400)
    args = parser.parse_args()
    if args.what == "full":
        if not args.data.exists():
            sys.exit(f"no BSNLP data at {args.data}")
        result = full(args.data, args.limit, args.stages)
    else:
        result = growth(args.max, args.per_day)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
