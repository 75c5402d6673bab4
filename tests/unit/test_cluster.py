"""The online event clusterer: river's contract, time window, explained decisions, merges."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.baselines import CosineThresholdClusterer, DBStreamClusterer
from storyline.cluster import Item, OnlineEventClusterer, day_number, event_id_for


def unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def item(id_: str, vec: np.ndarray, ents: dict[str, float], date: str | None, places: dict[str, float] | None = None,
         lang: str = "en") -> Item:
    return Item(id=id_, vector=vec, entities=ents, places=places or {}, date=date, language=lang,
                title=f"title {id_}", names={e: e.title() for e in ents}, persons=frozenset(ents))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-15", 738778),
        ("2023-09-15/2023-09-17", 738779),
        ("2023-09", 738778 - 15 + 15),  # the middle of the month
        ("2023", None),  # a year says nothing about an event's day
        ("", None),
        (None, None),
        ("not a date", None),
    ],
)
def test_day_number(value: str | None, expected: int | None) -> None:
    got = day_number(value)
    if expected is None:
        assert got is None
    else:
        assert got is not None and abs(got - expected) <= 1


def test_entities_and_dates_separate_events_the_embedding_confuses() -> None:
    # a is nearer to c than to b by embedding, but a and b share people, place and day
    a = item("a", unit(1, 0.2, 0), {"anna": 2.0, "boris": 2.0}, "2023-09-15", {"sochi": 1.0})
    b = item("b", unit(0.6, 1, 0.3), {"anna": 2.0, "boris": 1.5}, "2023-09-15", {"sochi": 1.0})
    c = item("c", unit(1, 0.25, 0), {"anna": 2.0, "boris": 2.0}, "2024-05-23", {"minsk": 1.0})
    assert float(a.vector @ c.vector) > float(a.vector @ b.vector)
    # explicit weights: the test is about the signals, not the shipped fit
    model = OnlineEventClusterer(threshold=0.5, weights={"embedding": 1.0, "entities": 0.5, "place": 0.2, "time": 0.3})
    da, db, dc = model.learn_one(a), model.learn_one(b), model.learn_one(c)
    assert db.joined and db.event == da.event
    assert not dc.joined and dc.event != da.event
    signals = {p.signal for p in db.parts}
    assert {"embedding", "entities", "place", "time"} <= signals
    assert db.score is not None and db.score == pytest.approx(sum(p.value * p.weight for p in db.parts))


def test_candidates_only_from_the_time_window() -> None:
    model = OnlineEventClusterer(threshold=0.0, window_days=3)
    first = model.learn_one(item("a", unit(1, 0, 0), {"x": 1.0}, "2023-01-01"))
    # identical in every way but a month later: never a candidate, so a new event
    later = model.learn_one(item("b", unit(1, 0, 0), {"x": 1.0}, "2023-02-01"))
    assert not later.joined and later.event != first.event
    assert later.candidates == ()


def test_ids_are_persistent_and_deterministic() -> None:
    a = item("a", unit(1, 0), {"x": 1.0}, "2023-01-01")
    assert OnlineEventClusterer().learn_one(a).event == event_id_for("a")
    assert OnlineEventClusterer().learn_one(a).event == OnlineEventClusterer().learn_one(a).event


def test_an_article_matching_two_events_merges_them() -> None:
    import math

    def angle(deg: float) -> np.ndarray:
        return unit(math.cos(math.radians(deg)), math.sin(math.radians(deg)))

    model = OnlineEventClusterer(threshold=0.8, weights={"embedding": 1.0})
    e1 = model.learn_one(item("a", angle(0), {}, "2023-01-01")).event
    e2 = model.learn_one(item("b", angle(40), {}, "2023-01-01")).event  # cos 40° < 0.8: apart
    assert e1 != e2
    bridge = model.learn_one(item("c", angle(20), {}, "2023-01-01"))  # near both; joins one
    assert bridge.joined and len(bridge.merged) == 1
    gone = bridge.merged[0]
    assert {gone, bridge.event} == {e1, e2}
    assert model.merged_into[gone] == bridge.event
    assert set(model.events) == {bridge.event}
    assert sorted(model.events[bridge.event].articles) == ["a", "b", "c"]


def test_old_events_leave_memory() -> None:
    model = OnlineEventClusterer(threshold=0.5, retention_days=30)
    model.learn_one(item("a", unit(1, 0), {"x": 1.0}, "2023-01-01"))
    model.learn_one(item("b", unit(1, 0), {"x": 1.0}, "2023-06-01"))
    assert len(model.events) == 1
    assert [st.id for st in model.retired] == [event_id_for("a")]


def _dense(i: int) -> np.ndarray:
    rng = np.random.default_rng(i % 3)
    return unit(*rng.normal(size=8))


IMPLEMENTATIONS = [
    pytest.param(lambda: OnlineEventClusterer(threshold=0.5),
                 lambda i: item(str(i), _dense(i), {f"e{i % 3}": 1.0}, "2023-01-0" + str(1 + i % 3)), id="ours"),
    pytest.param(lambda: CosineThresholdClusterer(0.5), _dense, id="cosine-threshold"),
    pytest.param(lambda: DBStreamClusterer(clustering_threshold=0.5), _dense, id="river-dbstream"),
]


@pytest.mark.parametrize(("make", "x"), IMPLEMENTATIONS)
def test_conformance(make, x) -> None:  # type: ignore[no-untyped-def]
    """Every clusterer: stored params (repr/clone), labels, predict without learning."""
    model = make()
    clone = model.clone()
    assert repr(clone) == repr(model)
    assert type(clone) is type(model) and clone is not model
    labels = []
    for i in range(9):
        out = model.learn_one(x(i))
        labels.append(out.event if hasattr(out, "event") else out)
    assert len(labels) == 9 and all(label is not None for label in labels)
    # the same kind of input is grouped with its kind
    assert labels[0] == labels[3] == labels[6]
    before = repr(model), getattr(model, "learned", None)
    p1 = model.predict_one(x(10))
    p2 = model.predict_one(x(10))
    assert p1 == p2
    assert (repr(model), getattr(model, "learned", None)) == before
    # a clone has learned nothing
    fresh = model.clone()
    first = fresh.learn_one(x(0))
    assert (first.joined is False) if hasattr(first, "joined") else first == 0


def test_a_late_window_is_read_from_the_store_once_until_events_leave_memory() -> None:
    """Late articles revive the events of their time window from the store; a second late
    article in the same window finds them in memory (no second read), and once events
    leave memory again the window is read afresh."""
    model = OnlineEventClusterer(threshold=0.5, retention_days=30)
    stored = [item("old", unit(1, 0), {"x": 1.0}, "2023-01-01")]
    side = OnlineEventClusterer(threshold=0.5)
    side.learn_one(stored[0])
    states = list(side.events.values())
    calls: list[tuple[int, int]] = []

    def loader(lo: int, hi: int, wanted):  # type: ignore[no-untyped-def]
        calls.append((lo, hi))
        return [st for st in states if wanted(st.id)]

    model.loader = loader
    model.learn_one(item("new", unit(0, 1), {"y": 1.0}, "2023-06-01"))
    late = model.learn_one(item("late1", unit(1, 0), {"x": 1.0}, "2023-01-02"))
    assert late.joined and late.event == event_id_for("old")
    assert model.learn_one(item("late2", unit(1, 0), {"x": 1.0}, "2023-01-02")).event == event_id_for("old")
    assert len(calls) == 1
    model.learn_one(item("newer", unit(0, 1), {"y": 1.0}, "2023-08-01"))  # the revived event leaves memory
    assert event_id_for("old") in {st.id for st in model.retired}
    model.retired.clear()
    model.learn_one(item("late3", unit(1, 0), {"x": 1.0}, "2023-01-02"))
    assert len(calls) == 2


def test_a_card_names_the_people_a_report_is_about_not_the_rarest_name() -> None:
    from storyline.cluster import prominence
    from storyline.events import card
    from storyline.models import ArticleEntity, Span

    def ent(id_: str, *fields: str) -> ArticleEntity:
        return ArticleEntity(id=id_, name=id_.title(), type="PER", mentions=tuple(Span(id_, 0, 1, f) for f in fields))

    found = (ent("host", "title", "text", "text"), ent("guest", "title", "text"), ent("aside", "text"),
             ent("photo", "caption"))
    share = prominence(found)
    assert share["host"] > share["guest"] > share["aside"] and "photo" not in share
    assert abs(sum(share.values()) - 1.0) < 1e-9 and prominence(()) == {}
    c = OnlineEventClusterer(threshold=0.5)
    # the clustering weights favour the rare name; the card must not
    c.learn_one(Item(id="a", vector=unit(1, 0), entities={"aside": 5.0, "host": 0.1, "guest": 0.2}, date="2024-05-02",
                     names={"host": "Hana Host", "guest": "Gus Guest", "aside": "Ada Aside"},
                     persons=frozenset({"host", "guest", "aside"}), prominence=share))
    (state,) = c.events.values()
    ev = card(state)
    assert ev.actors[:2] == ("host", "guest")
    assert ev.title == "Hana Host – Gus Guest"


def test_a_gist_title_says_a_name_once_when_two_ids_carry_it() -> None:
    from storyline.events import card

    c = OnlineEventClusterer(threshold=0.5)
    c.learn_one(Item(id="a", vector=unit(1, 0), entities={"p:one": 1.0, "p:two": 0.9, "p:three": 0.5},
                     date="2024-05-02", names={"p:one": "Nordair", "p:two": "NordAir", "p:three": "Ida Lind"},
                     persons=frozenset({"p:one", "p:two", "p:three"})))
    (state,) = c.events.values()
    assert card(state).title == "Nordair – Ida Lind"
