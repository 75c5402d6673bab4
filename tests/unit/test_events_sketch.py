"""The events stage's per-article sketch (embedding, MinHash signature, translation marks):
made in a worker or here, the stage decides the same."""

from __future__ import annotations

import functools
import itertools
import math
import multiprocessing
import sqlite3
from pathlib import Path

import msgspec
import numpy as np
import pytest

from storyline.config import Config
from storyline.events import EventClusterer, Sketch, sketch_key
from storyline.models import Article, replace
from storyline.pipeline import Pipeline, Preparing, build_pipeline
from storyline.represent import META, load_static_table
from storyline.store import SQLiteStore
from storyline.workers import WorkerPool, can_fork

# hand-written reports: a ferry story, a near copy of it with a new header, the same
# figures in German, and unrelated local news (several languages)
FERRY = (
    "Harbour ferry halted after spring flood\n\n"
    "The ferry between Northby and Southmere stopped on Tuesday after the flood washed away "
    "part of the landing stage, the county office said. About 1,250 passengers a day use the "
    "crossing; repairs costing 340,000 euros will take 6 weeks, and 12 buses replace the boat."
)
TEXTS = {
    "ferry-en": ("en", "2031-04-08", FERRY),
    "ferry-copy": ("en", "2031-04-08", "Regional desk. " + FERRY),
    "ferry-de": (
        "de",
        "2031-04-08",
        "Hafenfähre nach Frühjahrshochwasser eingestellt\n\n"
        "Die Fähre zwischen Northby und Southmere fährt seit Dienstag nicht mehr, weil das Hochwasser "
        "einen Teil des Anlegers fortgerissen hat, teilte das Kreisamt mit. Rund 1.250 Fahrgäste am "
        "Tag nutzen die Verbindung; die Reparatur für 340.000 Euro dauert 6 Wochen, 12 Busse ersetzen das Boot.",
    ),
    "library-fr": (
        "fr",
        "2031-04-09",
        "Le conseil municipal vote le budget de la médiathèque\n\n"
        "Le conseil municipal de Valmont a adopté lundi soir le budget de la nouvelle médiathèque. "
        "La maire Claire Dufresne a salué un projet attendu depuis des années par les familles.",
    ),
    "choir-lv": (
        "lv",
        "2031-04-10",
        "Koris uzvar konkursā Rīgā\n\n"
        "Skolas koris no Valmieras sestdien uzvarēja dziesmu konkursā Rīgā. Diriģente Anna Kalniņa "
        "pateicās vecākiem par atbalstu un solīja jaunu koncertu vasarā.",
    ),
    "bridge-es": (
        "es",
        "2031-04-11",
        "Abren el puente nuevo sobre el río Tormes\n\n"
        "El alcalde Julio Marín inauguró el jueves el puente nuevo sobre el río Tormes. La obra "
        "costó 8 millones de euros y une los barrios del norte con el centro de Salamanca.",
    ),
}


def article(id_: str, n: int = 0) -> Article:
    lang, day, raw = TEXTS[id_]
    raw = raw if n == 0 else raw.replace("\n\n", f" ({n})\n\n", 1)
    return Article(id=f"{id_}-{n}", content_hash=f"h-{id_}-{n}", source=f"{id_}-{n}.txt", raw=raw,
                   published=day, language_hint=lang)


def analysed(articles: list[Article]) -> list[Article]:
    """The articles as the stages before ``events`` leave them (one process)."""
    head = build_pipeline(Config.load(), upto="entities")
    done, failed = head.process(articles)
    assert not failed
    return done


@functools.lru_cache(maxsize=1)
def _batch() -> tuple[Article, ...]:
    return tuple(analysed([article(k) for k in TEXTS]))


def batch() -> list[Article]:
    return list(_batch())


def stage() -> EventClusterer:
    return EventClusterer(Config.load())


def placed(articles: list[Article]) -> list[tuple[str, str | None, str | None]]:
    return [(a.id, a.event_id, a.duplicate_of) for a in articles]


def test_the_stage_is_a_preparing_stage() -> None:
    assert isinstance(stage(), Preparing)


def test_sketches_prepared_ahead_give_the_same_events() -> None:
    articles = batch()
    worker_side, alone, given = stage(), stage(), stage()
    given.take_prepared({a.id: s for a, s in zip(articles, worker_side.sketch_batch(articles), strict=True)})
    with_sketches = list(given.pipe(articles))
    without = list(alone.pipe(articles))
    assert placed(with_sketches) == placed(without)
    assert given.sketched == {"worker": len(articles)} and alone.sketched == {"here": len(articles)}
    # the copy with a new header is found by its MinHash signature
    by_id = {a.id: a for a in with_sketches}
    assert by_id["ferry-copy-0"].duplicate_of == "ferry-en-0"
    assert by_id["library-fr-0"].duplicate_of is None


def test_a_stale_or_foreign_sketch_is_not_used() -> None:
    articles = batch()
    made = dict(zip((a.id for a in articles), stage().sketch_batch(articles), strict=True))
    changed = [replace(a, text=a.text + " Updated.") if a.id == "bridge-es-0" else a for a in articles]
    late = stage()
    late.take_prepared(made)
    out = list(late.pipe(changed))
    assert late.sketched == {"here": len(articles)}  # one vector is stale: the batch is embedded here
    assert placed(out) == placed(list(stage().pipe(changed)))
    # a sketch of another batch: its signature serves, its vector is made again with this batch
    part = stage()
    part.take_prepared(made)
    assert placed(list(part.pipe(articles[:3]))) == placed(list(stage().pipe(articles[:3])))
    assert part.sketched == {"here": 3}


def test_a_sketch_names_what_it_was_made_from() -> None:
    a, b = batch()[:2]
    sketch = msgspec.msgpack.decode(stage().sketch_batch([a])[0], type=Sketch)
    assert sketch.key == sketch_key(a) != sketch_key(b)
    assert sketch.key != sketch_key(replace(a, language="xx"))
    assert sketch.batch == (a.id,)
    assert np.frombuffer(sketch.vector, dtype=np.float32).shape == (stage().representer.embedder.dim,)


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked (POSIX only)")
def test_a_worker_makes_the_sketches_this_process_makes() -> None:
    articles = batch()
    events = stage()
    pool = WorkerPool([], workers=1, preparers=[(events.name, events.preparer())])
    try:
        result = pool.result(pool.submit(articles), articles)
    finally:
        pool.close()
    assert result.prepared["events"] == events.sketch_batch(articles)
    assert not multiprocessing.active_children()


def _dump(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    con = sqlite3.connect(db)
    try:
        return (
            con.execute("SELECT id, event_id, story_id, duplicate_of FROM articles ORDER BY id").fetchall(),
            con.execute("SELECT article_id, event_id, decision, score, parts, candidates, detail FROM decisions"
                        " ORDER BY article_id").fetchall(),
            con.execute("SELECT id, title, date, place, actors, n_articles FROM events ORDER BY id").fetchall(),
        )
    finally:
        con.close()


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked (POSIX only)")
def test_the_pipeline_stores_the_same_events_with_workers(tmp_path: Path) -> None:
    """The whole pipeline, sketches made in two workers or in this process: the same store."""
    inputs = [article(k, n) for n in range(3) for k in TEXTS]
    dumps = []
    for workers in (1, 2):
        config = Config.load(pipeline={"workers": workers, "parallel_from": 0, "batch_size": 5})
        with SQLiteStore(tmp_path / f"w{workers}.db") as store:
            pipeline = build_pipeline(config, store)
            summary = pipeline.run(inputs, store)
            pipeline.finish(store)
        assert summary.stored == len(inputs)
        events = next(s for s in pipeline.stages if isinstance(s, EventClusterer))
        # batches of 5 inputs over 6 texts: every batch whole in the workers, none here
        assert events.sketched == ({"here": len(inputs)} if workers == 1 else {"worker": len(inputs)})
        dumps.append(_dump(tmp_path / f"w{workers}.db"))
    assert dumps[0] == dumps[1]
    assert len({row[1] for row in dumps[0][0]}) < len(inputs)  # some articles did join events


def test_full_collections_are_rarer_during_a_run_only() -> None:
    import gc

    seen: list[tuple[int, int, int]] = []

    class Watch:
        name = "watch"

        def __call__(self, a: Article) -> Article:
            seen.append(gc.get_threshold())
            return a

        def pipe(self, articles: object, batch_size: int = 64) -> object:
            return map(self, articles)  # type: ignore[call-overload]

    from tests.unit.test_pipeline import ListSink

    before = gc.get_threshold()
    Pipeline([Watch()]).run([article("ferry-en")], ListSink())
    assert gc.get_threshold() == before
    assert seen and seen[0][2] >= 100 and seen[0][:2] == before[:2]


# --- the tokenizer behind the embedding --------------------------------------------


def _best_score(text: str, scores: dict[str, tuple[int, float]]) -> float:
    """The best unigram score of ``text`` over every way to cut it (brute force)."""
    best = -math.inf
    n = len(text)
    for cuts in itertools.product((False, True), repeat=n - 1):
        pieces, start = [], 0
        for i, cut in enumerate(cuts, start=1):
            if cut:
                pieces.append(text[start:i])
                start = i
        pieces.append(text[start:])
        # a piece the table lacks may only be one unknown character (-30)
        total = 0.0
        for piece in pieces:
            hit = scores.get(piece)
            if hit is not None:
                total += hit[1]
            elif len(piece) == 1:
                total += -30.0
            else:
                total = -math.inf
                break
        best = max(best, total)
    return best


@pytest.mark.parametrize("word", ["Fährschiff", "Hafenamt", "лодочка", "Valmieras", "ŽŽx😀q", "médiathèque"])
def test_tokenize_finds_the_best_cut(word: str) -> None:
    table = load_static_table()
    rows = table._tokenize(word)
    score_of_row = {row: score for row, score in table.piece_scores.values()}
    text = META + word
    covered = sum(len(table.tokens[r]) for r in rows)
    score = sum(score_of_row[r] for r in rows) - 30.0 * (len(text) - covered)
    assert score == pytest.approx(_best_score(text, dict(table.piece_scores)))
    # the pieces follow one another through the word (a character no piece covers is skipped)
    at = 0
    for r in rows:
        found = text.find(table.tokens[r], at)
        assert found >= at
        at = found + len(table.tokens[r])
