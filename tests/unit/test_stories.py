"""Storylines and the events stage end to end on a store (a tiny test embedder, own text)."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from pathlib import Path

import msgspec
import numpy as np
import pytest

from storyline.cluster import EventState, iso_day
from storyline.config import Config
from storyline.events import EventClusterer
from storyline.models import Article, ArticleEntity, Span
from storyline.represent import Representer
from storyline.store import open_store
from storyline.stories import EventFrequencies, StoryLinker, StoryState, event_profile


class HashEmbedder:
    """Bag of hashed words: enough to make texts with shared words alike."""

    name = "test-hash"
    dim = 64

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=4).digest(), "big")
                out[i, h % self.dim] += 1.0 if h & 128 else -1.0
            n = np.linalg.norm(out[i])
            out[i] /= n or 1.0
        return out


def art(id_: str, text: str, day: str, lang: str, people: dict[str, str], places: dict[str, str],
        title: str = "") -> Article:
    ents = []
    for kind, table in (("PER", people), ("LOC", places)):
        for eid, form in table.items():
            spans, i = [], text.find(form)
            while i >= 0:
                spans.append(Span(form, i, i + len(form)))
                i = text.find(form, i + 1)
            ents.append(ArticleEntity(eid, form if kind == "LOC" else f"{form} Full", kind, tuple(spans)))
    return Article(id=id_, content_hash=id_, source=f"/in/{id_}.txt", raw=text, title=title, text=text,
                   published=day, event_date=day, language=lang, entities=tuple(ents))


PEOPLE = {"per-horn": "Horn", "per-reed": "Reed"}
ARTICLES = [
    art("a", "Horn met Reed in Portvale on Friday. Horn said talks on the ferry went well.", "2023-09-15", "en",
        PEOPLE, {"loc-portvale": "Portvale"}, "Horn and Reed meet in Portvale"),
    art("b", "Horn traf Reed am Freitag in Portvale. Reed sagte, die Fähre sei wichtig.", "2023-09-15", "de",
        PEOPLE, {"loc-portvale": "Portvale"}, "Horn trifft Reed"),
    art("c", "Reed besuchte Hillburg. Horn empfing Reed dort zu Gesprächen über die Fähre.", "2024-03-02", "de",
        PEOPLE, {"loc-hillburg": "Hillburg"}),
    art("d", "The orchestra of Lakeby opened its season with a new hall and a full house.", "2023-09-15", "en",
        {"per-moss": "Moss"}, {"loc-lakeby": "Lakeby"}),
]


def run(db: Path, articles: list[Article]) -> None:
    store = open_store(db)
    stage = EventClusterer(Config.load(), store, representer=Representer(HashEmbedder()))
    out = list(stage.pipe(articles))
    store.write(out)
    stage.finish(store)
    store.close()


def test_events_cards_stories_and_meetings(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run(db, ARTICLES)
    store = open_store(db)
    by_id = {a.id: a for a in store.articles()}
    assert by_id["a"].event_id == by_id["b"].event_id  # same meeting, two languages
    assert len({by_id[x].event_id for x in "acd"}) == 3
    card = store.event(by_id["a"].event_id)
    assert card is not None
    assert card.date == "2023-09-15" and card.place == "Portvale"
    assert set(card.actors) == {"per-horn", "per-reed"}
    assert card.title == "Horn and Reed meet in Portvale"  # the English headline
    assert card.languages and set(card.languages) == {"en", "de"}
    # one storyline for the two Horn–Reed events months apart, another for the concert
    assert by_id["a"].story_id == by_id["c"].story_id != by_id["d"].story_id
    story = store.story(by_id["a"].story_id or "")
    assert story is not None and len(story.events) == 2
    # explain: why b joined a's event
    why = store.decision("b")
    assert why is not None and why["decision"] == "joined"
    assert {p.signal for p in why["parts"]} >= {"embedding", "entities", "time"}
    # who met whom
    visit = [m for m in store.meetings("per-reed") if m.event_id == by_id["c"].event_id]
    assert visit and visit[0].guest == "per-reed" and visit[0].host == "per-horn"
    assert store.events(entity="per-moss")[0].id == by_id["d"].event_id
    assert {e.id for e in store.events(lang="de")} == {by_id["a"].event_id, by_id["c"].event_id}
    assert [e.date for e in store.events(since="2024-01-01")] == ["2024-03-02"]
    store.close()


def test_second_run_continues_events_and_storylines(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run(db, ARTICLES[:1])
    first = open_store(db)
    a = first.article("a")
    assert a is not None and a.event_id and a.story_id
    first.close()
    run(db, ARTICLES[1:2])  # the German report of the same meeting, in a later run
    store = open_store(db)
    b = store.article("b")
    assert b is not None and b.event_id == a.event_id and b.story_id == a.story_id
    store.close()


def test_merged_event_id_still_resolves(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run(db, ARTICLES)
    store = open_store(db)
    a = store.article("a")
    d = store.article("d")
    assert a is not None and d is not None and a.event_id and d.event_id
    store.merge_events(a.event_id, d.event_id, "test")
    moved = store.event(d.event_id)
    assert moved is not None and moved.id == a.event_id and "d" in moved.articles
    d_now = store.article("d")  # the stored record (what export writes) names the kept event
    assert d_now is not None and d_now.event_id == a.event_id
    assert store.event_log(d.event_id)[-1]["kind"] == "merge"
    store.close()


def test_set_article_stories_counts_the_articles_it_changed(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run(db, ARTICLES)
    store = open_store(db)
    a = store.article("a")
    assert a is not None and a.event_id
    store.ensure_search_index()  # nothing pending: the update trigger queues the two again
    # the event of "a" and "b": two articles, not the rows the search index's trigger writes
    assert store.set_article_stories({a.event_id: "st-other"}) == 2
    assert store.set_article_stories({a.event_id: "st-other"}) == 0  # already so
    b = store.article("b")  # the stored record (what export writes) names the storyline
    assert b is not None and b.story_id == "st-other"
    store.close()


def state(id_: str, ents: dict[str, float], day: int, vec: list[float], published: bool = True) -> EventState:
    """An event of one article dated ``day`` (published that day unless ``published`` is false)."""
    seen = iso_day(day) if published else None
    return EventState(id=id_, key=1, vsum=vec, n=1, entities=ents, entity_df=dict.fromkeys(ents, 1),
                      days={str(day): 1}, first_seen=seen, last_seen=seen)


def test_linker_joins_by_key_actors_and_respects_the_gap() -> None:
    linker = StoryLinker(threshold=0.3, entity_weight=1.0, gap_days=100, merge_threshold=0.9, idf_power=1.0)
    s1 = linker.learn_one(state("e1", {"x": 3.0, "y": 1.0}, 738000, [1.0, 0.0]))
    s2 = linker.learn_one(state("e2", {"q": 1.0, "r": 1.0}, 738010, [1.0, 0.0]))
    s3 = linker.learn_one(state("e3", {"x": 3.0, "z": 1.0}, 738050, [0.0, 1.0]))
    s4 = linker.learn_one(state("e4", {"x": 3.0, "y": 1.0}, 738400, [1.0, 0.0]))  # too long after
    assert s1 == s3 and s2 != s1 and s4 != s1
    # an event without a publication date is dated by a date its text mentions, maybe a
    # historical one: it is placed nowhere in time, so the gap does not keep it out
    s5 = linker.learn_one(state("e5", {"x": 3.0, "y": 1.0}, 700000, [1.0, 0.0], published=False))
    assert s5 in (s1, s4)
    assert linker.story_of("e3") == s1 and linker.story_of("nope") is None
    assert repr(linker.clone()) == repr(linker)


def test_an_actor_in_every_event_does_not_glue_storylines() -> None:
    """The Belarus–China and Russia–Belarus shape: one leader in all four events, the
    partner and the places tell the two storylines apart."""
    linker = StoryLinker(threshold=0.1, entity_weight=1.0, merge_threshold=0.3, idf_power=0.5)
    day = 738000
    visits = [
        ("v1", {"per-lead": 2.0, "per-east": 2.0, "loc-capital-e": 1.0, "loc-land-e": 1.0}),
        ("v2", {"per-lead": 2.0, "per-north": 2.0, "loc-resort": 1.0, "loc-land-n": 1.0}),
        ("v3", {"per-lead": 2.0, "per-east": 2.0, "loc-capital-e": 1.0, "loc-land-e": 1.0, "loc-home": 1.0}),
        ("v4", {"per-lead": 2.0, "per-north": 2.0, "loc-home": 1.0, "loc-land-n": 1.0}),
    ]
    story = {eid: linker.learn_one(state(eid, ents, day + 60 * i, [1.0, 0.0])) for i, (eid, ents) in
             enumerate(visits)}
    linker.merge_pass()
    story = {eid: linker.story_of(eid) for eid in story}
    assert story["v1"] == story["v3"] != story["v2"] == story["v4"]
    assert linker.frequencies.idf("per-lead") == 0.0


def long_before(day: int) -> list[EventState]:
    """Events years earlier (outside the gap: they only teach the frequencies) naming q
    and r once each, among other names."""
    return [
        state("o1", {"q": 1.0, "old-1": 1.0}, day - 1000, [0.0, 1.0]),
        state("o2", {"r": 1.0, "old-2": 1.0}, day - 990, [0.0, 1.0]),
        state("o3", {"old-3": 1.0, "old-4": 1.0}, day - 980, [0.0, 1.0]),
        state("o4", {"old-5": 1.0}, day - 970, [0.0, 1.0]),
    ]


def test_merge_pass_joins_storylines_that_came_to_agree_and_old_ids_resolve() -> None:
    linker = StoryLinker(threshold=0.99, entity_weight=1.0, merge_threshold=0.4, idf_power=1.0)
    day = 738000
    for ev in long_before(day):
        linker.learn_one(ev)
    a = linker.learn_one(state("a", {"p": 1.0, "q": 1.0}, day, [1.0, 0.0]))
    b = linker.learn_one(state("b", {"p": 1.0, "r": 1.0}, day + 1, [1.0, 0.0]))  # 0.5 < 0.99: a new storyline
    assert a != b
    merges = linker.merge_pass()
    assert [(kept, gone) for kept, gone, _ in merges] == [(a, b)]  # the older storyline keeps its id
    assert linker.story_of("b") == a and linker.resolve(b) == a
    assert b not in linker.stories and linker.stories[a].events == ["a", "b"]


def test_frequencies_round_trip_and_reject_bad_input() -> None:
    freq = EventFrequencies()
    freq.observe(state("e", {"x": 1.0}, 738000, [1.0]), ["x"])
    again = EventFrequencies.from_dict(freq.to_dict())
    assert again.to_dict() == freq.to_dict() and again.idf("x") == 0.0 and again.idf("new") > 0
    with pytest.raises(ValueError):
        EventFrequencies.from_dict({"events": "many"})


def test_storylines_merge_across_runs_and_the_old_id_resolves(tmp_path: Path) -> None:
    """Two runs: the second brings the event that shows two storylines are one; the
    merged-away id still finds the storyline, its articles follow, the merge is logged."""
    from storyline.stories import StorySettings, link_stories

    store = open_store(tmp_path / "m.db")
    day = 738000

    def save(evs: list[EventState]) -> None:
        from storyline.events import card

        store.save_events(((card(ev), ev.n, msgspec.msgpack.encode(ev)) for ev in evs), {})

    noise = long_before(day)
    first = [state("a", {"p": 1.0, "q": 1.0}, day, [1.0, 0.0]), state("b", {"p": 1.0, "r": 1.0}, day + 1, [1.0, 0.0])]
    save(noise + first)
    strict = StorySettings(threshold=0.99, merge_threshold=1.01, entity_weight=1.0)
    link_stories(store, strict)
    sa, sb = (store.event(e).story_id for e in ("a", "b"))  # type: ignore[union-attr]
    assert sa and sb and sa != sb
    save([state("c", {"p": 1.0, "q": 1.0, "r": 1.0}, day + 2, [1.0, 0.0])])
    link_stories(store, StorySettings(threshold=0.3, merge_threshold=0.4, entity_weight=1.0))
    now = {e: store.event(e).story_id for e in ("a", "b", "c")}  # type: ignore[union-attr]
    assert len(set(now.values())) == 1
    kept = now["a"]
    gone = sa if kept == sb else sb
    story = store.story(gone)
    assert story is not None and story.id == kept and set(story.events) >= {"a", "b", "c"}
    assert any(row["kind"] == "story-merge" and row["other"] == gone for row in store.event_log(kept))
    store.close()


def test_entity_names_prefer_the_knowledge_base(tmp_path: Path) -> None:
    """Event cards show an actor by the knowledge base's canonical name; a name kept with
    the event actors is the fallback, the id itself the last resort."""
    from storyline.models import Entity, Event

    store = open_store(tmp_path / "s.db")
    ev = Event(id="ev-1", title="", date=None, place=None, actors=("per-a", "per-b"), languages=(), articles=())
    store.save_events([(ev, 1, None)], {"per-a": "Wladimir Putin", "per-b": "Xi Jinping"})
    store.save_entities([Entity("per-a", "Vladimir Putin", "PER", (), 1)])
    assert store.entity_names(["per-a", "per-b", "per-c"]) == {
        "per-a": "Vladimir Putin",
        "per-b": "Xi Jinping",
        "per-c": "per-c",
    }
    assert store.find_entity_ids("xi") == ["per-b"]
    store.close()


def linker_with(stories: dict[str, list[EventState]], background: list[EventState], margin: float) -> StoryLinker:
    """A linker holding ``stories`` as given (not as online linking would make them), its
    frequencies taught by every event."""
    linker = StoryLinker(threshold=0.1, entity_weight=1.0, merge_threshold=0.9, idf_power=1.0, move_margin=margin)
    for ev in [*background, *(ev for evs in stories.values() for ev in evs)]:
        linker.frequencies.observe(ev, ev.entities)
    states = []
    for sid, evs in stories.items():
        st = StoryState(id=sid, events=[ev.id for ev in evs], first_day=738000, last_day=738010)
        for ev in evs:
            for e, w in event_profile(ev, linker.profile_size, linker.frequencies).items():
                st.entities[e] = st.entities.get(e, 0.0) + w
        states.append(st)
    linker.load(states)
    return linker


def test_refinement_moves_an_event_to_the_storyline_that_fits_it() -> None:
    """The ferry event joined the bridge storyline early (on the one name it shares);
    once the ferry storyline exists, the refinement pass moves it there, and only it."""
    day = 738000
    bridge = [state("b1", {"per-mayor": 1.0, "loc-river": 1.0, "org-bridgeco": 1.0}, day, [1.0, 0.0]),
              state("b2", {"per-mayor": 1.0, "org-bridgeco": 1.0}, day + 1, [1.0, 0.0]),
              state("f0", {"per-mayor": 1.0, "org-ferryline": 1.0, "loc-harbour": 1.0}, day + 2, [1.0, 0.0])]
    ferry = [state("f1", {"org-ferryline": 1.0, "loc-harbour": 1.0}, day + 5, [1.0, 0.0]),
             state("f2", {"org-ferryline": 1.0, "loc-harbour": 1.0, "per-captain": 1.0}, day + 6, [1.0, 0.0])]
    noise = long_before(day)
    linker = linker_with({"st-bridge": bridge, "st-ferry": ferry}, noise, margin=0.1)
    moves = linker.refine([*bridge, *ferry])
    assert moves == [("f0", "st-bridge", "st-ferry")]
    assert linker.story_of("f0") == "st-ferry" and linker.stories["st-bridge"].events == ["b1", "b2"]
    assert linker.stories["st-ferry"].events == ["f1", "f2", "f0"]
    # the ferry line's name left the bridge storyline's profile with the event
    assert "org-ferryline" not in linker.stories["st-bridge"].entities
    # with no margin fitted (infinite), nothing moves
    still = linker_with({"st-bridge": bridge, "st-ferry": ferry}, noise, margin=math.inf)
    assert still.refine([*bridge, *ferry]) == [] and still.story_of("f0") == "st-bridge"


def test_refinement_leaves_an_event_that_fits_both_storylines_about_equally() -> None:
    """An event naming both storylines' people a little more on one side than on the
    other stays where it is: the margin keeps the pass from shuffling such events."""
    day = 738000
    left = [state("l1", {"per-a": 1.0, "per-b": 1.0}, day, [1.0, 0.0]),
            state("l2", {"per-a": 1.0, "per-b": 1.0, "per-c": 1.0, "per-d": 1.0, "per-e": 1.0}, day + 1, [1.0, 0.0])]
    right = [state("r1", {"per-c": 1.0, "per-d": 1.0}, day + 2, [1.0, 0.0]),
             state("r2", {"per-c": 1.0, "per-d": 1.0, "per-e": 1.0}, day + 3, [1.0, 0.0])]
    linker = linker_with({"st-l": left, "st-r": right}, long_before(day), margin=0.1)
    assert linker.refine([*left, *right]) == [] and linker.story_of("l2") == "st-l"
    eager = linker_with({"st-l": left, "st-r": right}, long_before(day), margin=0.0)
    assert eager.refine([*left, *right]) == [("l2", "st-l", "st-r")]


def test_an_undated_event_is_offered_the_storylines_of_its_run_not_every_one_stored(tmp_path: Path) -> None:
    """A later run with an undated event loads only the storylines open in the run's
    window, not the store's whole history (the start-up cost must not grow with it)."""
    from storyline.stories import StorySettings, link_stories

    store = open_store(tmp_path / "u.db")
    day = 738000

    def save(evs: list[EventState]) -> None:
        from storyline.events import card

        store.save_events(((card(ev), ev.n, msgspec.msgpack.encode(ev)) for ev in evs), {})

    settings = StorySettings(threshold=0.3, merge_threshold=1.01, entity_weight=1.0)
    save([state("old", {"p": 1.0, "q": 1.0}, day - 2000, [1.0, 0.0])])
    link_stories(store, settings)
    save([state("new", {"p": 1.0, "q": 1.0}, day, [1.0, 0.0]), state("odd", {"p": 1.0}, day, [1.0, 0.0], False)])
    asked: list[str | None] = []
    states = store.story_states
    store.story_states = lambda since=None: asked.append(since) or states(since)  # type: ignore[method-assign]
    link_stories(store, settings)
    assert asked == [iso_day(day - settings.gap_days)]  # not None: the years-old storyline stays unread
    stories = {e: store.event(e).story_id for e in ("old", "new", "odd")}  # type: ignore[union-attr]
    assert stories["new"] != stories["old"]
    # a run of undated events only: the storylines open at the store's latest day
    save([state("lone", {"q": 1.0}, day, [1.0, 0.0], False)])
    link_stories(store, settings)
    assert store.latest_story_day() == iso_day(day)
    assert asked[-1] == iso_day(day - settings.gap_days)
    store.close()


def test_a_storyline_title_says_a_name_once_when_two_ids_carry_it() -> None:
    from storyline.stories import StoryState, title_of

    st = StoryState(id="st-x", entities={"org:a": 3.0, "per:a": 2.5, "loc:b": 2.0, "per:c": 1.0},
                    names={"org:a": "Nordair", "per:a": "NORDAIR", "loc:b": "Tallinn", "per:c": "Ida Lind"})
    assert title_of(st) == "Nordair – Tallinn – Ida Lind"


def test_a_storyline_title_names_one_place_beside_its_actors() -> None:
    from storyline.stories import StoryState, title_of

    st = StoryState(id="st-y", entities={"LOC:EE": 3.0, "LOC:FI": 2.8, "org:a": 2.5, "loc:c": 2.0, "per:d": 1.0},
                    names={"LOC:EE": "Estonia", "LOC:FI": "Finland", "org:a": "Nordair", "loc:c": "Tartu",
                           "per:d": "Ida Lind"})
    assert title_of(st) == "Estonia – Nordair – Ida Lind"
