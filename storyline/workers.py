"""Worker processes for the pure stages at the head of the pipeline.

A stage whose output depends only on the article and the configuration declares
``parallel_safe = True`` (clean, language). :class:`~storyline.pipeline.Pipeline` runs
the leading run of such stages here, in a pool of processes, and the stateful stages
(entity linking against the store's knowledge base, event clustering) in the parent, in
input order. The workers work ahead on the next batches while the parent runs the
stateful stages and writes the store.

What crosses the process boundary, both ways, is msgpack (msgspec), not pickle: a
batch of :class:`~storyline.models.Article` records in, a :class:`BatchResult` out (the
analysed articles, the rejections and quarantines with their place in the batch, and
the articles' text folded for the search index, which is pure CPU the store would
otherwise spend in the parent).

The workers are forked from the parent: they inherit the stages already built (and any
model the parent has loaded) instead of building and loading their own, and they start
in milliseconds. Fork needs a POSIX system; elsewhere the pipeline stays in one process.
A worker that dies (killed, segfault) breaks the pool. Each batch it took down is run
again in a process of its own; if that dies too, the batch is halved and each half tried
the same way, down to the one article that kills any process analysing it, which is
quarantined ("the process analysing it died") while the rest of its batch goes on. So a
native crash on one hostile input costs that input, never the run, and a worker killed
from outside (the OOM killer, an operator) costs nothing: its batch succeeds on retry. A
new pool is started for the rest of the run; after :data:`MAX_RESTARTS` deaths that
retrying did not pin on an article, the run goes on in the parent alone.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec

from storyline.models import Article, Quarantine, Rejection
from storyline.search import FoldedText

if TYPE_CHECKING:
    from storyline.pipeline import Stage

log = logging.getLogger(__name__)

Prepare = Callable[[Article], FoldedText]
# a later (stateful) stage's pure part: one encoded result per article of a batch
Preparer = Callable[[Sequence[Article]], list[bytes]]

# the pool is given up (the run goes on in one process) after this many worker deaths
# that no single article explains
MAX_RESTARTS = 3
# the stage name a quarantine carries when the process analysing the article died
DIED = "worker"
# a worker exits when its parent is gone (killed): checked this often, in seconds
ORPHAN_CHECK_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What the head stages made of one batch.

    ``rejections`` and ``quarantines`` carry their index in the batch's list of failures
    (stage by stage, article by article, as :func:`~storyline.pipeline.apply_stage`
    makes them), so that the parent lists them in the same order as an in-process run.
    ``folded`` is empty or has one entry per article; so has each list in ``prepared``
    (a later stage's name -> what its pure part made of each article, see
    :class:`~storyline.pipeline.Preparing`).
    """

    articles: list[Article]
    rejections: list[tuple[int, Rejection]] = field(default_factory=list)
    quarantines: list[tuple[int, Quarantine]] = field(default_factory=list)
    folded: list[FoldedText] = field(default_factory=list)
    prepared: dict[str, list[bytes]] = field(default_factory=dict)

    def failures(self) -> list[Quarantine | Rejection]:
        """Rejections and quarantines in the order the stages produced them."""
        both: list[tuple[int, Quarantine | Rejection]] = [*self.rejections, *self.quarantines]
        return [item for _, item in sorted(both, key=lambda pair: pair[0])]


def run_batch(
    stages: Sequence[Stage],
    batch: list[Article],
    prepare: Prepare | None,
    preparers: Sequence[tuple[str, Preparer]] = (),
) -> BatchResult:
    """Run ``stages`` over ``batch`` with failures isolated per article (in a worker or
    not), then each of ``preparers`` (a later stage's name and its pure part)."""
    from storyline.pipeline import run_stages  # the pipeline imports this module

    articles, failed = run_stages(stages, batch)
    rejections = [(i, x) for i, x in enumerate(failed) if isinstance(x, Rejection)]
    quarantines = [(i, x) for i, x in enumerate(failed) if isinstance(x, Quarantine)]
    folded = [prepare(a) for a in articles] if prepare is not None else []
    prepared: dict[str, list[bytes]] = {}
    for name, preparer in preparers:
        try:
            made = preparer(articles) if articles else []
        except Exception as exc:  # noqa: BLE001 - nothing is lost: the stage does this work itself
            log.warning("stage %s could not prepare a batch ahead (%r); it does the work itself", name, exc)
            continue
        if len(made) != len(articles):
            log.warning("stage %s prepared %d of %d articles; it does the work itself", name, len(made), len(articles))
            continue
        prepared[name] = made
    return BatchResult(
        articles=articles, rejections=rejections, quarantines=quarantines, folded=folded, prepared=prepared
    )


# -- inside a worker ---------------------------------------------------------------

_ENCODER = msgspec.msgpack.Encoder()
_BATCH = msgspec.msgpack.Decoder(list[Article])
_RESULT = msgspec.msgpack.Decoder(BatchResult)


@dataclass(slots=True)
class _WorkerState:
    stages: tuple[Stage, ...] = ()
    prepare: Prepare | None = None
    preparers: tuple[tuple[str, Preparer], ...] = ()


_STATE = _WorkerState()


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone: a killed run must not leave workers behind."""
    while True:
        time.sleep(ORPHAN_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(
    stages: tuple[Stage, ...], prepare: Prepare | None, preparers: tuple[tuple[str, Preparer], ...], parent: int
) -> None:
    """Set a forked worker up: keep the inherited stages, leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run and the pool
    gc.enable()
    _STATE.stages = stages
    _STATE.prepare = prepare
    _STATE.preparers = preparers
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="orphan-check").start()


def _work(payload: bytes) -> bytes:
    """One batch in, its :class:`BatchResult` out (msgpack both ways)."""
    return _ENCODER.encode(run_batch(_STATE.stages, _BATCH.decode(payload), _STATE.prepare, _STATE.preparers))


# -- in the parent -----------------------------------------------------------------


def can_fork() -> bool:
    """Whether worker processes can be forked here: on a POSIX system, from the main
    thread (a server running a pipeline in a request thread, like the web API's upload,
    stays in one process: other threads could hold locks at the moment of the fork)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.current_thread() is threading.main_thread()


class WorkerPool:
    """Forked processes running ``stages`` on batches, results fetched in order.

    :meth:`submit` hands a batch to the pool and returns a ticket; :meth:`result`
    waits for that batch's :class:`BatchResult`. If the pool broke (a worker died), the
    batch is run again in a process of its own, halved down to the article that kills
    its process (quarantined), and the next :meth:`submit` starts a new pool — until
    :data:`MAX_RESTARTS` deaths no article explains, then everything stays in the parent.
    """

    def __init__(
        self,
        stages: Sequence[Stage],
        workers: int,
        prepare: Prepare | None = None,
        preparers: Sequence[tuple[str, Preparer]] = (),
    ) -> None:
        self.stages = tuple(stages)
        self.workers = workers
        self.prepare = prepare
        self.preparers = tuple(preparers)
        self._executor: ProcessPoolExecutor | None = self._pool(workers)
        self._generation = 0  # which pool is running: 0 the first, 1 the first restart, ...
        self._pool_of: dict[Future[bytes], int] = {}  # a ticket's pool, until its result is taken
        self._deaths: dict[int, bool] = {}  # each pool that died: whether an article explained it
        log.info("started %d worker processes for %s", workers, ", ".join(stage.name for stage in self.stages))

    @property
    def unexplained_deaths(self) -> int:
        """Pools that died with no article found to kill its process (one per pool, however
        many batches it had in flight)."""
        return sum(not explained for explained in self._deaths.values())

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("fork")
        # objects alive now are shared with the workers: frozen, a worker's garbage
        # collector does not write to them, so their pages stay shared (copy-on-write)
        gc.freeze()
        try:
            executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self.stages, self.prepare, self.preparers, os.getpid()),
            )
            # with fork, every worker is started by the first submit, here: under the freeze
            executor.submit(int).result()
        finally:
            gc.unfreeze()
        return executor

    def submit(self, batch: list[Article]) -> Future[bytes] | None:
        """Hand ``batch`` to a worker; ``None`` when the pool is gone (run it here)."""
        if self._executor is None and self.unexplained_deaths < MAX_RESTARTS:
            log.warning("restarting the worker pool (%d deaths not pinned on an article)", self.unexplained_deaths)
            self._executor = self._pool(self.workers)
            self._generation += 1
        if self._executor is None:
            return None
        try:
            payload = _ENCODER.encode(batch)
        except (UnicodeEncodeError, msgspec.EncodeError) as exc:  # e.g. a lone surrogate in a text
            log.warning("a batch cannot be sent to a worker (%s); it runs in the parent", exc)
            return None
        try:
            ticket = self._executor.submit(_work, payload)
        except BrokenProcessPool:
            self._broken()
            return None
        self._pool_of[ticket] = self._generation
        return ticket

    def result(self, ticket: Future[bytes] | None, batch: list[Article]) -> BatchResult:
        """The result for ``batch`` (submitted as ``ticket``), from its worker or from here."""
        if ticket is not None:
            pool = self._pool_of.pop(ticket, self._generation)
            try:
                return _RESULT.decode(ticket.result())
            except (BrokenProcessPool, CancelledError):  # cancelled: dropped with a broken pool
                if pool == self._generation:
                    # the pool running now died; a ticket of a pool already replaced must not
                    # take its healthy successor down with it
                    self._broken()
                log.warning("a worker process died; its batch of %d articles is run again on its own", len(batch))
                result, culprits = self._isolated(batch)
                self._deaths[pool] = self._deaths.get(pool, False) or culprits > 0
                return result
            except Exception as exc:  # noqa: BLE001 - not lost: the batch runs again here, failures isolated
                # stage errors are caught per article inside the worker; this is the batch
                # around them (e.g. a result that cannot be encoded)
                log.warning("a worker failed on a batch of %d articles (%r); it runs in the parent", len(batch), exc)
        return run_batch(self.stages, batch, self.prepare, self.preparers)

    def _isolated(self, batch: list[Article]) -> tuple[BatchResult, int]:
        """``batch`` run in a process of its own, halved while that process dies; an
        article that kills its process alone is quarantined. Returns the result and how
        many articles were quarantined so."""
        try:
            payload = _ENCODER.encode(batch)
        except (UnicodeEncodeError, msgspec.EncodeError):
            return run_batch(self.stages, batch, self.prepare, self.preparers), 0  # cannot reach a process: here
        executor = self._pool(1)
        try:
            return _RESULT.decode(executor.submit(_work, payload).result()), 0
        except (BrokenProcessPool, CancelledError) as exc:
            death = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001 - as in result(): the batch runs here, failures isolated
            log.warning("a batch of %d articles failed in a process of its own (%r); it runs in the parent",
                        len(batch), exc)
            return run_batch(self.stages, batch, self.prepare, self.preparers), 0
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        if len(batch) == 1:
            article = batch[0]
            log.error("the process analysing %s died twice: quarantined", article.source)
            died = Quarantine(
                source=article.source,
                stage=DIED,
                error="the process analysing this article died (a crash in native code, or killed)",
                traceback=f"{death} (twice: in the worker pool, then alone; stages: "
                f"{', '.join(stage.name for stage in self.stages)})",
                input_key=f"{article.source}#{article.content_hash}",
                article_id=article.id,
            )
            return BatchResult(articles=[], quarantines=[(0, died)]), 1
        half = len(batch) // 2
        first, bad_first = self._isolated(batch[:half])
        second, bad_second = self._isolated(batch[half:])
        return _joined(first, second), bad_first + bad_second

    def _broken(self) -> None:
        """Drop a broken pool (its other workers are stopped and joined here)."""
        self.close(cancel=True)

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers and wait for them to exit. ``cancel`` drops the batches not
        started yet (Ctrl-C: a worker finishes the batch it has, a fraction of a second)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=cancel)
            self._executor = None


def _joined(a: BatchResult, b: BatchResult) -> BatchResult:
    """Two halves of a batch as one result (``b``'s failures after ``a``'s)."""
    shift = len(a.rejections) + len(a.quarantines)
    return BatchResult(
        articles=[*a.articles, *b.articles],
        rejections=[*a.rejections, *((i + shift, x) for i, x in b.rejections)],
        quarantines=[*a.quarantines, *((i + shift, x) for i, x in b.quarantines)],
        folded=[*a.folded, *b.folded],
        # a stage's part is kept only when both halves have it (one per article)
        prepared={k: [*v, *b.prepared[k]] for k, v in a.prepared.items() if k in b.prepared},
    )


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
