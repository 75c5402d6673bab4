"""The worker pool inside the pipeline: order, failures, dead workers, same results as one process."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from storyline.config import Config
from storyline.errors import ConfigError, RejectedInput
from storyline.ingest import read_inputs
from storyline.models import Article, Quarantine, Rejection, replace
from storyline.pipeline import Item, MapStage, Pipeline, PipelineSettings, build_pipeline
from storyline.store import SQLiteStore
from storyline.workers import BatchResult, WorkerPool, can_fork, run_batch
from tests.ingest_samples import ARTICLES, write
from tests.unit.test_pipeline import ListSink

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes are forked (POSIX only)")

PARENT = os.getpid()


class Shout(MapStage):
    """Pure: upper-cases the text, notes the process it ran in; fails on 'boom', rejects 'nothing'."""

    name = "shout"
    parallel_safe = True

    def __call__(self, article: Article) -> Article:
        if "boom" in article.raw:
            raise ZeroDivisionError("boom")
        if "nothing" in article.raw:
            raise RejectedInput("empty", "nothing to keep")
        return replace(article, text=article.raw.upper(), author=str(os.getpid()))


class Mortal(MapStage):
    """Pure, but kills the worker process that meets 'die' (in the parent it passes):
    every time (an input that crashes native code), or with a ``marker`` file only the
    first time (a worker killed from outside)."""

    name = "mortal"
    parallel_safe = True

    def __init__(self, marker: Path | None = None) -> None:
        self.marker = marker

    def __call__(self, article: Article) -> Article:
        if "die" in article.raw and os.getpid() != PARENT:
            if self.marker is None:
                os._exit(3)
            if not self.marker.exists():
                self.marker.touch()
                os._exit(3)
        return article


class Ledger(MapStage):
    """Stateful (not parallel-safe): numbers the articles in the order it sees them."""

    name = "ledger"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, article: Article) -> Article:
        self.seen.append(article.id)
        return replace(article, title=f"#{len(self.seen)}", author=f"{article.author}@{os.getpid()}")


def art(raw: str) -> Article:
    return Article(id=raw, content_hash=f"h-{raw}", source=f"{raw}.txt", raw=raw)


def inputs(n: int, odd: dict[int, str] | None = None) -> list[Item]:
    odd = odd or {}
    return [art(f"{odd.get(i, 'line')} {i}") for i in range(n)]


def run(items: list[Item], *, workers: int, parallel_from: int = 0, extra: tuple[MapStage, ...] = ()) -> ListSink:
    sink = ListSink()
    ledger = Ledger()
    summary = Pipeline([Shout(), *extra, ledger], batch_size=4, workers=workers, parallel_from=parallel_from).run(
        items, sink
    )
    assert summary.reconciles and summary.seen == len(items)
    assert ledger.seen == [a.id for a in sink.items if isinstance(a, Article)]  # input order
    return sink


def assert_workers_change_nothing(items: list[Item], extra: tuple[MapStage, ...] = ()) -> None:
    """Two worker processes write the same as one process does."""
    one = run(items, workers=1, extra=extra)
    two = run(items, workers=2, extra=extra)
    assert comparable(two.items) == comparable(one.items)


def comparable(items: list[Item]) -> list[object]:
    """Written items without the process ids the test stages note."""
    out: list[object] = []
    for item in items:
        if isinstance(item, Article):
            out.append(replace(item, author=None))
        elif isinstance(item, Quarantine):
            out.append((item.source, item.stage, item.error, item.input_key))
        else:
            out.append(item)
    return out


def test_pure_stages_run_in_workers_in_input_order() -> None:
    sink = run(inputs(40), workers=2)
    done = [a for a in sink.items if isinstance(a, Article)]
    assert [a.id for a in done] == [f"line {i}" for i in range(40)]
    head_pids = {int(a.author.split("@")[0]) for a in done if a.author}
    tail_pids = {int(a.author.split("@")[1]) for a in done if a.author}
    assert head_pids - {PARENT}, "no article went through a worker process"
    assert tail_pids == {PARENT}  # the stateful stage stays in the parent


def test_same_items_as_in_process() -> None:
    odd = {3: "boom", 7: "nothing", 18: "boom", 30: "nothing"}
    assert_workers_change_nothing(inputs(40, odd))


def test_a_failure_in_a_worker_quarantines_that_article_only() -> None:
    sink = run(inputs(24, {5: "boom", 6: "nothing"}), workers=2)
    bad = [x for x in sink.items if isinstance(x, Quarantine)]
    assert [(q.source, q.stage) for q in bad] == [("boom 5.txt", "shout")]
    assert "ZeroDivisionError: boom" in bad[0].traceback
    assert [r.reason for r in sink.items if isinstance(r, Rejection)] == ["empty"]
    assert sum(isinstance(a, Article) for a in sink.items) == 22


def test_a_worker_killed_from_outside_loses_no_article(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    odd = {9: "die"}
    assert_workers_change_nothing(inputs(32, odd), extra=(Mortal(tmp_path / "died-once"),))
    assert "worker process died" in caplog.text
    assert not multiprocessing.active_children()


def test_an_article_that_kills_every_process_is_quarantined_and_the_run_goes_on() -> None:
    sink = run(inputs(32, {9: "die", 20: "boom"}), workers=2, extra=(Mortal(),))
    bad = [x for x in sink.items if isinstance(x, Quarantine)]
    assert sorted((q.source, q.stage) for q in bad) == [("boom 20.txt", "shout"), ("die 9.txt", "worker")]
    assert "died" in next(q.error for q in bad if q.stage == "worker")
    assert sum(isinstance(a, Article) for a in sink.items) == 30
    assert not multiprocessing.active_children()


def test_one_hostile_article_does_not_cost_the_pool(caplog: pytest.LogCaptureFixture) -> None:
    """The batches in flight when a worker died are re-run too, but the death is one, and
    an article explains it: the new pool runs the rest of the run, not the parent alone."""
    sink = run(inputs(64, {9: "die"}), workers=2, extra=(Mortal(),))
    done = [a for a in sink.items if isinstance(a, Article)]
    assert len(done) == 63
    assert all(int(a.author.split("@")[0]) != PARENT for a in done[-24:] if a.author)
    assert caplog.text.count("restarting the worker pool") == 1
    assert not multiprocessing.active_children()


class Unsendable(MapStage):
    """Kills the first worker that meets 'die'; in any other worker process it makes a
    text that cannot be sent back (a lone surrogate); in the parent it passes."""

    name = "unsendable"
    parallel_safe = True

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __call__(self, article: Article) -> Article:
        if "die" in article.raw and os.getpid() != PARENT:
            if not self.marker.exists():
                self.marker.touch()
                os._exit(3)
            return replace(article, text="\ud800")
        return article


def test_a_batch_rerun_after_a_death_that_fails_otherwise_runs_in_the_parent(tmp_path: Path) -> None:
    sink = run(inputs(16, {5: "die"}), workers=2, extra=(Unsendable(tmp_path / "died-once"),))
    assert not any(isinstance(x, Quarantine) for x in sink.items)
    assert sum(isinstance(a, Article) for a in sink.items) == 16
    assert not multiprocessing.active_children()


def test_a_small_run_stays_in_process() -> None:
    sink = run(inputs(12), workers=2, parallel_from=256)
    assert {a.author for a in sink.items if isinstance(a, Article)} == {f"{PARENT}@{PARENT}"}


def test_an_interrupted_run_stops_its_workers() -> None:
    def interrupted() -> Iterator[Item]:
        for i, item in enumerate(inputs(40)):
            if i == 30:
                raise KeyboardInterrupt
            yield item

    sink = ListSink()
    with pytest.raises(KeyboardInterrupt):
        Pipeline([Shout(), Ledger()], batch_size=4, workers=2, parallel_from=0).run(interrupted(), sink)
    assert not multiprocessing.active_children()
    written = [a.id for a in sink.items if isinstance(a, Article)]
    assert written == [f"line {i}" for i in range(len(written))]  # whole batches, in order
    assert len(written) % 4 == 0


def test_pool_results_match_run_batch_here() -> None:
    batch = [art("alpha"), art("boom x"), art("nothing y"), art("omega")]
    here = run_batch([Shout()], batch, None)
    pool = WorkerPool([Shout()], workers=1)
    try:
        there = pool.result(pool.submit(batch), batch)
    finally:
        pool.close()
    assert isinstance(there, BatchResult)
    assert [a.text for a in there.articles] == [a.text for a in here.articles] == ["ALPHA", "OMEGA"]
    assert [type(x).__name__ for x in there.failures()] == ["Quarantine", "Rejection"]


def test_workers_setting() -> None:
    assert PipelineSettings(workers=3).worker_count() == 3
    assert 1 <= PipelineSettings().worker_count() <= 4
    with pytest.raises(ConfigError):
        PipelineSettings(workers="many")
    with pytest.raises(ConfigError):
        PipelineSettings(workers=0)
    config = Config.load(pipeline={"workers": 2})
    assert build_pipeline(config, upto="clean").workers == 2


def _dump(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    con = sqlite3.connect(db)
    try:
        return (
            con.execute(
                "SELECT id, content_hash, source, title, text, language, record FROM articles ORDER BY id"
            ).fetchall(),
            con.execute(
                "SELECT d.article_id, f.title, f.body, f.latin, f.meta FROM search_fts f"
                " JOIN search_docs d ON d.rowid = f.rowid ORDER BY d.article_id"
            ).fetchall(),
            con.execute("SELECT input_key, reason FROM rejections ORDER BY input_key").fetchall(),
            con.execute("SELECT count(*) FROM search_pending").fetchall(),
        )
    finally:
        con.close()


def test_the_store_is_the_same_with_workers(tmp_path: Path) -> None:
    """Clean + language + the search index's folding in workers: the same database."""
    for i in range(60):
        _, title, body = ARTICLES[i % len(ARTICLES)]
        write(tmp_path / "in" / f"{i:03d}.txt", "" if i == 13 else f"{title} {i}\n\n{body} ({i})\n")
    dumps = []
    for workers in (1, 2):
        config = Config.load(pipeline={"workers": workers, "parallel_from": 0, "batch_size": 8})
        db = tmp_path / f"w{workers}.db"
        with SQLiteStore(db) as store:
            pipeline = build_pipeline(config, store, upto="language")
            summary = pipeline.run(read_inputs([str(tmp_path / "in")], config=config), store)
        assert (summary.seen, summary.stored, summary.rejected) == (60, 59, 1)
        dumps.append(_dump(db))
    assert dumps[0] == dumps[1]
    assert len(dumps[0][1]) == 59 and dumps[0][3] == [(0,)]


def test_a_run_in_another_thread_stays_in_process() -> None:
    """A server thread (the web API's upload) never forks: other threads may hold locks."""
    import threading

    box: list[ListSink] = []
    thread = threading.Thread(target=lambda: box.append(run(inputs(12), workers=2)))
    thread.start()
    thread.join()
    assert {a.author for a in box[0].items if isinstance(a, Article)} == {f"{PARENT}@{PARENT}"}


class Retitle(MapStage):
    """Stateful stage after the workers that changes the title: their folded text is stale."""

    name = "retitle"

    def __call__(self, article: Article) -> Article:
        return replace(article, title=f"Ünïcode Überschrift {article.id}") if article.id.endswith("3") else article


def test_the_store_folds_again_what_a_later_stage_changed(tmp_path: Path) -> None:
    items: list[Item] = [
        replace(art(f"Straße {i}"), title=f"Grüße {i}", text=f"Straße {i} ist lang.") for i in range(20)
    ]
    with SQLiteStore(tmp_path / "s.db") as store:
        summary = Pipeline([Shout(), Retitle()], batch_size=4, workers=2, parallel_from=0).run(items, store)
        assert summary.stored == 20
        titles = dict(
            store.db.execute(
                "SELECT d.article_id, f.title FROM search_fts f JOIN search_docs d ON d.rowid = f.rowid"
            ).fetchall()
        )
    assert titles["Straße 13"] == "unicode uberschrift strasse 13"
    assert titles["Straße 12"] == "grusse 12"


class Surrogate(MapStage):
    """Pure, but leaves a lone surrogate in one text: that batch's result cannot be sent back."""

    name = "surrogate"
    parallel_safe = True

    def __call__(self, article: Article) -> Article:
        return replace(article, text=article.text + "\udcff") if "odd" in article.raw else article


def test_a_batch_a_worker_cannot_send_back_runs_in_the_parent(caplog: pytest.LogCaptureFixture) -> None:
    odd = {6: "odd"}
    assert_workers_change_nothing(inputs(20, odd), extra=(Surrogate(),))
    assert "runs in the parent" in caplog.text


class Measured:
    """Stateful, with a pure part: notes each text's length, as its preparer (run in a
    worker) found it when the text is unchanged, else measured here; 'fragile' texts make
    the preparer fail for the whole batch."""

    name = "measured"

    def __init__(self) -> None:
        self.prepared: Mapping[str, bytes] = {}
        self.where: list[str] = []

    def preparer(self) -> Callable[[Sequence[Article]], list[bytes]]:
        def measure(articles: Sequence[Article]) -> list[bytes]:
            if any("fragile" in a.raw for a in articles):
                raise ValueError("cannot measure this batch")
            return [f"{len(a.text)}|{a.text}|{os.getpid()}".encode() for a in articles]

        return measure

    def take_prepared(self, prepared: Mapping[str, bytes]) -> None:
        self.prepared = prepared

    def __call__(self, article: Article) -> Article:
        given = self.prepared.get(article.id, b"").decode().split("|")
        if len(given) == 3 and given[1] == article.text:  # still the text it was made from
            self.where.append("worker" if int(given[2]) != PARENT else "here")
            return replace(article, title=given[0])
        self.where.append("here")
        return replace(article, title=str(len(article.text)))

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]:
        return map(self, articles)


def test_a_stateful_stage_gets_its_pure_part_from_the_workers() -> None:
    items = inputs(24, {5: "fragile"})
    stages: dict[int, Measured] = {}
    sinks = []
    for workers in (1, 2):
        stage = stages[workers] = Measured()
        sink = ListSink()
        summary = Pipeline([Shout(), stage], batch_size=4, workers=workers, parallel_from=0).run(items, sink)
        assert summary.stored == 24
        sinks.append(sink)
    assert comparable(sinks[0].items) == comparable(sinks[1].items)
    assert stages[1].where == ["here"] * 24
    # the batch the preparer failed on (inputs 4-7, logged in the worker) is measured here
    assert stages[2].where == ["worker"] * 4 + ["here"] * 4 + ["worker"] * 16
