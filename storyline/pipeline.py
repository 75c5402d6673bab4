"""The run: inputs → stages → store, with every input accounted for.

A stage is a small protocol (spaCy's ``pipe`` contract): ``__call__(article)`` returns a
new article and ``pipe(articles, batch_size)`` does the same for a stream, which is
where batching pays. :class:`Pipeline` feeds batches through the stages; when a batch
fails it retries the articles one by one so that only the failing article is
quarantined (with the stage and traceback) and the run goes on.

Every input ends in exactly one of: stored, rejected (a reason), quarantined.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Protocol, runtime_checkable

from storyline.config import Config
from storyline.errors import RejectedInput
from storyline.models import Article, Quarantine, Rejection, RunSummary

log = logging.getLogger(__name__)

Item = Article | Rejection | Quarantine


@runtime_checkable
class Stage(Protocol):
    """One step of the analysis."""

    name: str

    def __call__(self, article: Article) -> Article: ...

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]: ...


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
    else it raises quarantines the article.
    """
    try:
        out = list(stage.pipe(batch, batch_size=len(batch) or 1))
        if len(out) != len(batch):
            raise RuntimeError(f"stage {stage.name} returned {len(out)} of {len(batch)}")
        return out, []
    except Exception:  # noqa: BLE001 - retried one by one below, failures quarantined
        log.debug("stage %s failed on a batch; retrying one by one", stage.name)
    good: list[Article] = []
    bad: list[Quarantine | Rejection] = []
    for article in batch:
        try:
            good.append(stage(article))
        except RejectedInput as exc:
            bad.append(_rejection(article, exc))
        except Exception as exc:  # noqa: BLE001 - quarantined with traceback
            log.warning("quarantined %s at %s: %s", article.source, stage.name, exc)
            bad.append(_quarantine(article, stage.name, exc))
    return good, bad


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


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


@dataclass
class Pipeline:
    """Stages in order, applied in batches; results written to a sink."""

    stages: Sequence[Stage]
    batch_size: int = 64

    def finish(self, store: object) -> None:
        """End of a run: each stage with a ``finish(store)`` step runs it (storylines)."""
        for stage in self.stages:
            step = getattr(stage, "finish", None)
            if callable(step):
                step(store)

    def process(self, articles: list[Article]) -> tuple[list[Article], list[Quarantine | Rejection]]:
        """Run every stage over ``articles`` (no store involved)."""
        quarantined: list[Quarantine | Rejection] = []
        for stage in self.stages:
            articles, bad = apply_stage(stage, articles)
            quarantined.extend(bad)
        return articles, quarantined

    def run(
        self,
        items: Iterable[Item],
        sink: Sink,
        progress: Callable[[int], None] | None = None,
    ) -> RunSummary:
        """Process every input and write it to ``sink``; return the reconciled counts."""
        started = time.perf_counter()
        reasons: Counter[str] = Counter()
        seen = stored = rejected = quarantined = 0
        seen_hashes: set[str] = set()
        seen_ids: dict[str, str] = {}
        refused_keys: Counter[str] = Counter()
        for batch in _batches(items, self.batch_size):
            seen += len(batch)
            articles = [x for x in batch if isinstance(x, Article)]
            out: list[Item] = [x for x in batch if not isinstance(x, Article)]
            fresh, refused, again = _triage(articles, sink, seen_hashes, seen_ids, refused_keys)
            out.extend(refused)
            if again:  # the same input re-run: counted, nothing written
                rejected += again
                reasons["duplicate"] += again
            done, bad = self.process(fresh)
            out.extend(done)
            out.extend(bad)
            for item in out:
                if isinstance(item, Rejection):
                    rejected += 1
                    reasons[item.reason] += 1
                elif isinstance(item, Quarantine):
                    quarantined += 1
                    reasons[f"quarantined:{item.stage}"] += 1
                else:
                    stored += 1
            sink.write(out)
            if progress is not None:
                progress(len(batch))
        return RunSummary(
            seen=seen,
            stored=stored,
            rejected=rejected,
            quarantined=quarantined,
            reasons=tuple(sorted(reasons.items())),
            seconds=time.perf_counter() - started,
        )


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """``[pipeline]``: articles analysed together and written in one transaction."""

    batch_size: int = 64


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

    return [("clean", clean), ("language", language), ("entities", entities), ("dates", dates), ("events", events)]


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
    return Pipeline(stages=stages, batch_size=settings.batch_size)
