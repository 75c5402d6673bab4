"""The run: inputs → stages → store, with every input accounted for.

A stage is a small protocol (spaCy's ``pipe`` contract): ``__call__(article)`` returns a
new article and ``pipe(articles, batch_size)`` does the same for a stream, which is
where batching pays. :class:`Pipeline` feeds batches through the stages; when a batch
fails it retries the articles one by one so that only the failing article is
quarantined (with the stage and traceback) and the run goes on.

Every input ends in exactly one of: stored, rejected (a reason), quarantined.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Protocol, runtime_checkable

from storyline.config import Config
from storyline.errors import ConfigError, RejectedInput
from storyline.models import Article, Quarantine, Rejection, RunSummary
from storyline.search import FoldedText
from storyline.workers import BatchResult, Preparer, WorkerPool, can_fork, cpu_count

log = logging.getLogger(__name__)

Item = Article | Rejection | Quarantine

# "auto" workers: one per CPU up to this many (each holds its own copy of what its stages load)
MAX_AUTO_WORKERS = 4
# during a run, a full garbage collection at most once per this many collections of the
# middle generation (Python's default: 10)
FULL_COLLECTION_EVERY = 100


@runtime_checkable
class Stage(Protocol):
    """One step of the analysis.

    A stage whose output depends only on the article and the configuration (no store,
    no state carried from one article to the next) says so with a class attribute
    ``parallel_safe = True``: the leading run of such stages may run in worker processes
    (:mod:`storyline.workers`).
    """

    name: str

    def __call__(self, article: Article) -> Article: ...

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]: ...


@runtime_checkable
class Preparing(Protocol):
    """A stage that keeps state (so it stays in this process) but has a pure part per
    article, which worker processes can do ahead, like the events stage's embedding and
    MinHash signature.

    ``preparer()`` is asked once, in this process before the workers are forked (what it
    loads now is shared with them; what the function loads when it first runs, each
    worker loads for itself); it returns a function of a batch of articles, as the pure
    stages left them, giving one encoded result per article. Before the stage sees
    a batch, ``take_prepared`` gets those results by article id (empty when there are
    none). The stage must check that each result still fits the article it gets (a
    stage in between may have changed it) and do the work itself where it does not, so
    its output is the same with workers or without.
    """

    name: str

    def preparer(self) -> Preparer: ...

    def take_prepared(self, prepared: Mapping[str, bytes]) -> None: ...


class MapStage:
    """Base for stages with no batch speed-up: ``pipe`` maps ``__call__``."""

    name = "stage"

    def __call__(self, article: Article) -> Article:  # pragma: no cover - abstract
        raise NotImplementedError

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]:
        for article in articles:
            yield self(article)


class Sink(Protocol):
    """Where a run's results go (a store)."""

    def known_hashes(self, hashes: Sequence[str]) -> dict[str, str]:
        """The given content hashes already stored, each with its article's source."""
        ...

    def known_ids(self, ids: Sequence[str]) -> dict[str, str]:
        """The given article ids already stored, each with its content hash."""
        ...

    def write(self, items: Sequence[Item]) -> None: ...


@runtime_checkable
class FoldingSink(Sink, Protocol):
    """A sink with a search index whose pure-CPU part (folding the text) workers can do.

    ``prepare_article`` must be a plain function of the article (it runs in the
    worker processes); ``write`` takes its results by article id.
    """

    def prepare_article(self, article: Article) -> FoldedText: ...

    def write(self, items: Sequence[Item], folded: Mapping[str, FoldedText] | None = None) -> None: ...


def _quarantine(article: Article, stage: str, exc: BaseException) -> Quarantine:
    return Quarantine(
        source=article.source,
        stage=stage,
        error=f"{type(exc).__name__}: {exc}",
        traceback="".join(traceback.format_exception(exc)),
        input_key=f"{article.source}#{article.content_hash}",
        article_id=article.id,
    )


def _rejection(article: Article, exc: RejectedInput) -> Rejection:
    return Rejection(
        source=article.source,
        reason=exc.reason,
        detail=exc.detail,
        input_key=f"{article.source}#{article.content_hash}",
    )


def apply_stage(stage: Stage, batch: list[Article]) -> tuple[list[Article], list[Quarantine | Rejection]]:
    """Run one stage on a batch; isolate failures to the articles that cause them.

    A stage rejects an article on purpose by raising :class:`RejectedInput`; anything
    else it raises quarantines the article. What the stage yielded before it failed, or
    all it returned when it returned too few, is kept, and only the rest is retried one
    by one: a stateful stage (the entity linker counting names into its knowledge base)
    must not see an article twice.
    """
    out: list[Article] = []
    try:
        for article in stage.pipe(batch, batch_size=len(batch) or 1):
            out.append(article)
    except Exception:  # noqa: BLE001 - retried one by one below, failures quarantined
        log.debug("stage %s failed on a batch after %d articles; retrying the rest one by one", stage.name, len(out))
    else:
        if len(out) == len(batch):
            return out, []
        log.warning(
            "stage %s returned %d of %d articles; retrying the missing ones singly", stage.name, len(out), len(batch)
        )
    # what came back is matched to the batch by id (a stage keeps ids; the same id twice
    # in a batch is matched in order): only the articles it did not return are retried,
    # so none is seen twice, and the batch keeps its order
    returned: dict[str, deque[Article]] = {}
    for article in out:
        returned.setdefault(article.id, deque()).append(article)
    good: list[Article] = []
    bad: list[Quarantine | Rejection] = []
    for article in batch:
        again = returned.get(article.id)
        if again:
            good.append(again.popleft())
            continue
        try:
            good.append(stage(article))
        except RejectedInput as exc:
            bad.append(_rejection(article, exc))
        except Exception as exc:  # noqa: BLE001 - quarantined with traceback
            log.warning("quarantined %s at %s: %s", article.source, stage.name, exc)
            bad.append(_quarantine(article, stage.name, exc))
    return good, bad


def run_stages(stages: Sequence[Stage], articles: list[Article]) -> tuple[list[Article], list[Quarantine | Rejection]]:
    """Run ``stages`` in order over ``articles``, failures isolated per article and
    listed stage by stage (as :func:`apply_stage` makes them)."""
    failed: list[Quarantine | Rejection] = []
    for stage in stages:
        articles, bad = apply_stage(stage, articles)
        failed.extend(bad)
    return articles, failed


def _triage(
    articles: list[Article],
    sink: Sink,
    seen_hashes: set[str],
    seen_ids: dict[str, str],
    refused_keys: Counter[str],
) -> tuple[list[Article], list[Rejection], int]:
    """Split a batch into new articles, duplicate or id-conflict rejections, and re-runs.

    An article whose content is already stored *from the same source* is a re-run of the
    same input: it is counted but nothing is written, so re-running changes nothing. The
    same content from another source, or an id that already names other content, is a
    stored rejection, keyed by its source, hash and how many times this run refused that
    pair, so that two identical lines of one file both stay on record.
    """
    known = sink.known_hashes([a.content_hash for a in articles])
    taken = sink.known_ids([a.id for a in articles])
    fresh: list[Article] = []
    refused: list[Rejection] = []
    again = 0
    for article in articles:
        if known.get(article.content_hash) == article.source and article.content_hash not in seen_hashes:
            again += 1  # stored by an earlier run from this very input
            continue
        base = f"{article.source}#{article.content_hash}"
        refused_keys[base] += 1
        key = f"{base}#refused{refused_keys[base]}"
        if article.content_hash in known or article.content_hash in seen_hashes:
            original = known.get(article.content_hash, "an article earlier in this run")
            detail = f"same content as {original} ({article.content_hash})"
            refused.append(Rejection(source=article.source, reason="duplicate", detail=detail, input_key=key))
            continue
        other = taken.get(article.id) or seen_ids.get(article.id)
        if other is not None and other != article.content_hash:
            detail = f"id {article.id!r} already names a different article ({other})"
            refused.append(Rejection(source=article.source, reason="id-conflict", detail=detail, input_key=key))
            continue
        refused_keys[base] -= 1  # not refused after all
        seen_hashes.add(article.content_hash)
        seen_ids[article.id] = article.content_hash
        fresh.append(article)
    return fresh, refused, again


@contextmanager
def _rare_full_collections() -> Iterator[None]:
    """Fewer full garbage collections while a run lasts.

    What survives in a run is what it keeps on purpose: models, gazetteers, the
    knowledge base, open events. A full collection scans all of it and finds next to
    nothing (the batches' records are freed by reference counting): with Python's
    default thresholds that was ~2.4 s of the parent's CPU on the 3,889 BSNLP texts
    (12 full collections), ~0.5 s with :data:`FULL_COLLECTION_EVERY`. Young cycles are
    still collected as usual. Only the main thread changes the process-wide setting (a
    server's request threads could otherwise restore each other's values wrongly).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    first, second, third = gc.get_threshold()
    gc.set_threshold(first, second, max(third, FULL_COLLECTION_EVERY))
    try:
        yield
    finally:
        gc.set_threshold(first, second, third)


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


@dataclass(slots=True)
class _Pending:
    """A batch read and triaged, its head stages submitted, not yet written."""

    out: list[Item]  # non-articles and triage rejections, in input order
    fresh: list[Article]  # the articles to analyse
    ticket: Future[bytes] | None  # the head stages' work in a worker process
    size: int  # inputs in the batch (for the progress bar)


@dataclass(slots=True)
class _Tally:
    """A run's counts so far."""

    seen: int = 0
    stored: int = 0
    rejected: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def count(self, items: Iterable[Item]) -> None:
        for item in items:
            if isinstance(item, Rejection):
                self.rejected += 1
                self.reasons[item.reason] += 1
            elif isinstance(item, Quarantine):
                self.quarantined += 1
                self.reasons[f"quarantined:{item.stage}"] += 1
            else:
                self.stored += 1


@dataclass
class Pipeline:
    """Stages in order, applied in batches; results written to a sink.

    With ``workers`` > 1 the leading stages that declare ``parallel_safe = True`` run
    in that many worker processes (:mod:`storyline.workers`), working ahead while this
    process runs the other stages and writes. A run reads ``parallel_from`` inputs ahead
    and starts workers only when there are more, so a small run pays no start-up. The
    stored result is the same either way.
    """

    stages: Sequence[Stage]
    batch_size: int = 64
    workers: int = 1
    parallel_from: int = 256

    def finish(self, store: object) -> None:
        """End of a run: each stage with a ``finish(store)`` step runs it (storylines)."""
        for stage in self.stages:
            step = getattr(stage, "finish", None)
            if callable(step):
                step(store)

    def process(self, articles: list[Article]) -> tuple[list[Article], list[Quarantine | Rejection]]:
        """Run every stage over ``articles`` (no store involved)."""
        return run_stages(self.stages, articles)

    def parallel_stages(self) -> int:
        """How many leading stages are pure (``parallel_safe``): the ones workers can run."""
        n = 0
        while n < len(self.stages) and getattr(self.stages[n], "parallel_safe", False) is True:
            n += 1
        return n

    def run(
        self,
        items: Iterable[Item],
        sink: Sink,
        progress: Callable[[int], None] | None = None,
    ) -> RunSummary:
        """Process every input and write it to ``sink``; return the reconciled counts."""
        with _rare_full_collections():
            return self._run(items, sink, progress)

    def _run(
        self,
        items: Iterable[Item],
        sink: Sink,
        progress: Callable[[int], None] | None,
    ) -> RunSummary:
        started = time.perf_counter()
        tally = _Tally()
        seen_hashes: set[str] = set()
        seen_ids: dict[str, str] = {}
        refused_keys: Counter[str] = Counter()
        head = self.parallel_stages()
        pool: WorkerPool | None = None
        if self.workers > 1 and head > 0 and can_fork():
            # read ahead: a run with fewer inputs than parallel_from stays in this process
            items = iter(items)
            first = list(islice(items, self.parallel_from + 1))
            if len(first) > self.parallel_from:
                prepare = sink.prepare_article if isinstance(sink, FoldingSink) else None
                preparers = [(s.name, s.preparer()) for s in self.stages[head:] if isinstance(s, Preparing)]
                pool = WorkerPool(self.stages[:head], self.workers, prepare, preparers)
            items = chain(first, items)
        pending: deque[_Pending] = deque()
        try:
            for batch in _batches(items, self.batch_size):
                tally.seen += len(batch)
                articles = [x for x in batch if isinstance(x, Article)]
                out: list[Item] = [x for x in batch if not isinstance(x, Article)]
                fresh, refused, again = _triage(articles, sink, seen_hashes, seen_ids, refused_keys)
                out.extend(refused)
                if again:  # the same input re-run: counted, nothing written
                    tally.rejected += again
                    tally.reasons["duplicate"] += again
                ticket = pool.submit(fresh) if pool is not None and fresh else None
                pending.append(_Pending(out, fresh, ticket, len(batch)))
                # the workers hold two batches each while this process finishes the oldest
                while len(pending) > (2 * self.workers if pool is not None else 0):
                    self._write(pending.popleft(), pool, head, sink, tally, progress)
            while pending:
                self._write(pending.popleft(), pool, head, sink, tally, progress)
        finally:
            if pool is not None:
                pool.close(cancel=bool(pending))  # batches still pending: the run was interrupted
        return RunSummary(
            seen=tally.seen,
            stored=tally.stored,
            rejected=tally.rejected,
            quarantined=tally.quarantined,
            reasons=tuple(sorted(tally.reasons.items())),
            seconds=time.perf_counter() - started,
        )

    def _write(
        self,
        job: _Pending,
        pool: WorkerPool | None,
        head: int,
        sink: Sink,
        tally: _Tally,
        progress: Callable[[int], None] | None,
    ) -> None:
        """Finish one batch in input order: head results, the other stages here, write."""
        out = job.out
        folded: dict[str, FoldedText] = {}
        if pool is None:  # in process: every stage here, the sink folds for itself
            done, bad = self.process(job.fresh)
        else:
            result = pool.result(job.ticket, job.fresh) if job.fresh else BatchResult(articles=[])
            _hand_prepared(self.stages[head:], result)
            done, later = run_stages(self.stages[head:], result.articles)
            bad = [*result.failures(), *later]
            folded = _still_folded(result, done)
        out.extend(done)
        out.extend(bad)
        tally.count(out)
        if folded and isinstance(sink, FoldingSink):
            sink.write(out, folded=folded)
        else:
            sink.write(out)
        if progress is not None:
            progress(job.size)


def _hand_prepared(stages: Sequence[Stage], result: BatchResult) -> None:
    """Give each :class:`Preparing` stage what the workers prepared for it of this batch."""
    for stage in stages:
        if isinstance(stage, Preparing):
            made = result.prepared.get(stage.name)
            stage.take_prepared(dict(zip((a.id for a in result.articles), made, strict=True)) if made else {})


def _still_folded(result: BatchResult, done: list[Article]) -> dict[str, FoldedText]:
    """The worker's folded text of each article whose title and text no later stage changed."""
    if not result.folded:
        return {}
    before = {a.id: (a, f) for a, f in zip(result.articles, result.folded, strict=True)}
    folded: dict[str, FoldedText] = {}
    for article in done:
        then = before.get(article.id)
        if then is not None and then[0].title == article.title and then[0].text == article.text:
            folded[article.id] = then[1]
    return folded


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """``[pipeline]``: batches, and the worker processes for the pure stages."""

    batch_size: int = 64
    # processes for the leading parallel-safe stages: "auto" (one per CPU, at most
    # MAX_AUTO_WORKERS) or a number; 1 runs everything in this process
    workers: int | str = "auto"
    # a run with at most this many inputs stays in one process
    parallel_from: int = 256

    def __post_init__(self) -> None:
        fine = self.workers == "auto" or (
            isinstance(self.workers, int) and not isinstance(self.workers, bool) and self.workers >= 1
        )
        if not fine:
            raise ConfigError(f'[pipeline] workers must be "auto" or a number >= 1, not {self.workers!r}')

    def worker_count(self) -> int:
        """``workers`` as a number of processes."""
        if isinstance(self.workers, int):
            return self.workers
        return max(1, min(cpu_count(), MAX_AUTO_WORKERS))


def _stage_factories(config: Config, store: object | None) -> list[tuple[str, Callable[[], Stage]]]:
    """The default stages in order, by name, built only when asked for (some load models)."""

    def clean() -> Stage:
        from storyline.clean import Cleaner

        return Cleaner(config)

    def language() -> Stage:
        from storyline.language import LanguageIdentifier

        return LanguageIdentifier(config)

    def entities() -> Stage:
        from storyline.entities import EntityLinker

        return EntityLinker(config, store)

    def dates() -> Stage:
        from storyline.dates import DateResolver

        return DateResolver(config)

    def events() -> Stage:
        from storyline.events import EventClusterer

        return EventClusterer(config, store)  # last: it needs every field above

    # dates read neither entities nor the store: they come before entities so that the
    # leading pure stages (clean, language, dates) all run in the worker processes
    return [("clean", clean), ("language", language), ("dates", dates), ("entities", entities), ("events", events)]


def build_pipeline(config: Config, store: object | None = None, *, upto: str | None = None) -> Pipeline:
    """The default stages, in order. ``upto`` stops after the named stage (later stages
    are not even built). Stateful stages (entity resolution, clustering) get the store to
    keep their state."""
    factories = _stage_factories(config, store)
    names = [name for name, _ in factories]
    if upto is not None and upto not in names:
        raise ValueError(f"no stage named {upto!r}; stages are {names}")
    last = names.index(upto) if upto is not None else len(names) - 1
    stages = [make() for _, make in factories[: last + 1]]
    settings = config.section("pipeline", PipelineSettings)
    return Pipeline(
        stages=stages,
        batch_size=settings.batch_size,
        workers=settings.worker_count(),
        parallel_from=settings.parallel_from,
    )
