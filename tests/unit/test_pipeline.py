from collections.abc import Sequence

from storyline.errors import RejectedInput
from storyline.models import Article, Quarantine, Rejection, replace
from storyline.pipeline import Item, MapStage, Pipeline


class Upper(MapStage):
    name = "upper"

    def __call__(self, article: Article) -> Article:
        return replace(article, text=article.raw.upper())


class Picky(MapStage):
    """Fails on 'boom', rejects 'nothing', passes the rest."""

    name = "picky"

    def __call__(self, article: Article) -> Article:
        if "boom" in article.raw:
            raise ZeroDivisionError("boom")
        if "nothing" in article.raw:
            raise RejectedInput("empty", "nothing to keep")
        return article


class ListSink:
    def __init__(self) -> None:
        self.items: list[Item] = []

    def known_hashes(self, hashes: Sequence[str]) -> dict[str, str]:
        mine = {i.content_hash: i.source for i in self.items if isinstance(i, Article)}
        return {h: mine[h] for h in hashes if h in mine}

    def known_ids(self, ids: Sequence[str]) -> dict[str, str]:
        mine = {i.id: i.content_hash for i in self.items if isinstance(i, Article)}
        return {k: mine[k] for k in ids if k in mine}

    def write(self, items: Sequence[Item]) -> None:
        self.items.extend(items)


def art(raw: str, source: str = "") -> Article:
    return Article(id=raw, content_hash=f"h-{raw}", source=source or f"{raw}.txt", raw=raw)


def test_every_input_lands_exactly_once() -> None:
    inputs: list[Item] = [
        art("one"),
        art("boom"),
        art("nothing"),
        art("one", "copy.txt"),
        Rejection(source="bin", reason="x"),
    ]
    sink = ListSink()
    summary = Pipeline([Upper(), Picky()], batch_size=2).run(inputs, sink)
    assert summary.seen == 5
    assert (summary.stored, summary.rejected, summary.quarantined) == (1, 3, 1)
    assert summary.reconciles
    quarantined = [i for i in sink.items if isinstance(i, Quarantine)]
    assert quarantined[0].stage == "picky" and "ZeroDivisionError" in quarantined[0].traceback
    reasons = sorted(i.reason for i in sink.items if isinstance(i, Rejection))
    assert reasons == ["duplicate", "empty", "x"]


def test_rerun_stores_nothing_new() -> None:
    sink = ListSink()
    Pipeline([Upper()]).run([art("a"), art("b")], sink)
    again = Pipeline([Upper()]).run([art("a"), art("b")], sink)
    assert again.stored == 0 and again.rejected == 2 and again.reconciles
    assert sum(isinstance(i, Article) for i in sink.items) == 2


def test_a_copy_under_another_name_gets_a_stored_rejection_naming_the_original() -> None:
    sink = ListSink()
    Pipeline([Upper()]).run([art("a")], sink)
    Pipeline([Upper()]).run([art("a", "mirror/a.txt")], sink)
    (rejection,) = [i for i in sink.items if isinstance(i, Rejection)]
    assert rejection.reason == "duplicate" and "a.txt" in rejection.detail


def test_an_id_that_names_other_content_is_rejected_and_counted_as_such() -> None:
    sink = ListSink()
    first = Article(id="x", content_hash="h1", source="a.jsonl", raw="one")
    other = Article(id="x", content_hash="h2", source="a.jsonl", raw="two")
    summary = Pipeline([Upper()]).run([first, other], sink)
    assert (summary.stored, summary.rejected) == (1, 1)
    again = Pipeline([Upper()]).run([other], sink)
    assert (again.stored, again.rejected) == (0, 1)
    assert [i.reason for i in sink.items if isinstance(i, Rejection)] == ["id-conflict", "id-conflict"]


def test_identical_inputs_in_one_file_each_stay_on_record_across_batches() -> None:
    sink = ListSink()
    lines = [art("same", "feed.jsonl") for _ in range(3)]
    summary = Pipeline([Upper()], batch_size=1).run(lines, sink)
    assert (summary.stored, summary.rejected) == (1, 2)
    keys = [i.input_key for i in sink.items if isinstance(i, Rejection)]
    assert len(set(keys)) == 2  # distinct keys: neither overwrites the other
    again = Pipeline([Upper()], batch_size=1).run(lines, sink)
    assert (again.stored, again.rejected) == (0, 3) and len(sink.items) == 3


class Tally(MapStage):
    """Stateful: counts each article it analyses (as the entity linker counts names); fails on 'boom'."""

    name = "tally"

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, article: Article) -> Article:
        if "boom" in article.raw:
            raise ZeroDivisionError("boom")
        self.counts[article.id] = self.counts.get(article.id, 0) + 1
        return article


def test_a_failure_inside_a_batch_does_not_run_the_articles_before_it_twice() -> None:
    tally = Tally()
    sink = ListSink()
    inputs: list[Item] = [art(f"a{i}") for i in range(3)] + [art("boom")] + [art(f"b{i}") for i in range(3)]
    summary = Pipeline([tally], batch_size=7).run(inputs, sink)
    assert summary.reconciles and summary.quarantined == 1
    assert tally.counts == {a: 1 for a in ("a0", "a1", "a2", "b0", "b1", "b2")}
    assert [i.id for i in sink.items if isinstance(i, Article)] == ["a0", "a1", "a2", "b0", "b1", "b2"]
