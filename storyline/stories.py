"""Storylines: events linked over months by their key actors and places.

An event is described by its *key actors*: the entity weights summed over its articles
(salience × rarity, from :mod:`storyline.represent`), plus its centroid. Events are
taken in date order; each joins the storyline whose profile it resembles most, if that
storyline was active within ``gap_days`` and the score reaches ``threshold``, else it
starts a new storyline. So an event belongs to exactly one storyline, and a storyline
id, once given, never changes (ids derive from the first event).

Candidates come from an inverted list over the stories' key actors (only stories
that share one of the event's heaviest entities are scored), never from a scan.

The threshold and the weights of the two parts are fitted on BSNLP dev
(``bench/fit_events.py``; stored in ``storyline/data/events_fit.json`` under ``stories``).
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
import numpy as np

from storyline.cluster import EventState, day_number, fitted, iso_day
from storyline.models import Story

log = logging.getLogger(__name__)


def _story_key(story_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(story_id.encode("utf-8"), digest_size=7).digest(), "big")


def story_id_for(event_id: str) -> str:
    return "st-" + hashlib.blake2b(event_id.encode("utf-8"), digest_size=6).hexdigest()


class StoryState(msgspec.Struct):
    id: str
    entities: dict[str, float] = {}
    vsum: list[float] = []
    events: list[str] = []
    first_day: int | None = None
    last_day: int | None = None
    names: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class StorySettings:
    """``[stories]`` in defaults.toml (negative threshold: the fitted one)."""

    threshold: float = -1.0
    gap_days: int = 365
    top_entities: int = 16


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(k, 0.0) for k, w in a.items())
    if dot <= 0:
        return 0.0
    return dot / (math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values())))


def _top(weights: Mapping[str, float], n: int) -> dict[str, float]:
    return dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


class StoryLinker:
    """Online linking of events into storylines (river-style ``learn_one``)."""

    def __init__(
        self,
        threshold: float | None = None,
        entity_weight: float | None = None,
        gap_days: int = 365,
        top_entities: int = 16,
        k: int = 10,
    ) -> None:
        self.threshold = threshold
        self.entity_weight = entity_weight
        self.gap_days = gap_days
        self.top_entities = top_entities
        self.k = k
        fit = fitted().get("stories", {})
        self._threshold = float(fit.get("threshold", 0.35) if threshold is None else threshold)
        self._we = float(fit.get("entity_weight", 0.7) if entity_weight is None else entity_weight)
        self.stories: dict[str, StoryState] = {}
        self._by_entity: dict[str, list[str]] = {}
        self._ann: Any = None  # usearch index of story centroids (an event's topic finds its story)
        self._keys: dict[int, str] = {}
        # single link: earlier events themselves, so a story grows along a chain of close events
        self._ev_ann: Any = None
        self._ev: dict[int, tuple[str, dict[str, float], np.ndarray, int | None]] = {}  # key -> (story, top, vec, day)

    def __repr__(self) -> str:
        return (
            f"StoryLinker(threshold={self.threshold!r}, entity_weight={self.entity_weight!r},"
            f" gap_days={self.gap_days!r}, top_entities={self.top_entities!r}, k={self.k!r})"
        )

    def clone(self) -> StoryLinker:
        return StoryLinker(self.threshold, self.entity_weight, self.gap_days, self.top_entities, self.k)

    def load(self, states: Iterable[StoryState]) -> None:
        for st in states:
            self._index(st)

    def _index(self, st: StoryState) -> None:
        self.stories[st.id] = st
        if st.vsum:
            from usearch.index import Index

            v = np.asarray(st.vsum, dtype=np.float32)
            norm = float(np.linalg.norm(v))
            if norm:
                if self._ann is None:
                    self._ann = Index(ndim=len(v), metric="cos", dtype="f32")
                key = _story_key(st.id)
                if key in self._keys:
                    self._ann.remove(key)
                self._ann.add(key, v / norm)
                self._keys[key] = st.id
        for e in _top(st.entities, self.top_entities * 2):
            ids = self._by_entity.setdefault(e, [])
            if st.id not in ids:
                ids.append(st.id)

    def score(self, ev: EventState, st: StoryState) -> float:
        ent = _cos(_top(ev.entities, self.top_entities), _top(st.entities, self.top_entities * 2))
        va, vb = ev.centroid(), np.asarray(st.vsum, dtype=np.float32)
        nb = float(np.linalg.norm(vb))
        emb = float(np.dot(va, vb) / nb) if nb else 0.0
        return self._we * ent + (1.0 - self._we) * emb

    def learn_one(self, ev: EventState) -> str:
        """Put event ``ev`` into a storyline; return the storyline id."""
        day = day_number(ev.date())
        best: tuple[float, str] | None = None
        found: list[str] = [sid for e in _top(ev.entities, self.top_entities) for sid in self._by_entity.get(e, ())]
        if self._ann is not None and len(self._ann):
            hits = self._ann.search(ev.centroid(), min(self.k, len(self._ann)))
            found.extend(self._keys[int(k)] for k in hits.keys if int(k) in self._keys)
        for sid in dict.fromkeys(found):
            st = self.stories[sid]
            if day is not None and st.last_day is not None and st.first_day is not None:
                if day - st.last_day > self.gap_days or st.first_day - day > self.gap_days:
                    continue
            s = self.score(ev, st)
            if best is None or (s, sid) > best:
                best = (s, sid)
        top = _top(ev.entities, self.top_entities)
        centroid = ev.centroid()
        if self._ev_ann is not None and len(self._ev_ann):
            hits = self._ev_ann.search(centroid, min(self.k, len(self._ev_ann)))
            for key in hits.keys:
                sid, other_top, vec, other_day = self._ev[int(key)]
                if day is not None and other_day is not None and abs(day - other_day) > self.gap_days:
                    continue
                s = self._we * _cos(top, other_top) + (1.0 - self._we) * float(np.dot(centroid, vec))
                if best is None or (s, sid) > best:
                    best = (s, sid)
        if best is not None and best[0] >= self._threshold:
            st = self.stories[best[1]]
        else:
            st = StoryState(id=story_id_for(ev.id), vsum=[0.0] * len(ev.vsum))
        self._add(st, ev, day)
        if centroid.any():
            from usearch.index import Index

            if self._ev_ann is None:
                self._ev_ann = Index(ndim=len(centroid), metric="cos", dtype="f32")
            key = _story_key(ev.id)
            self._ev_ann.add(key, centroid)
            self._ev[key] = (st.id, top, centroid, day)
        return st.id

    def _add(self, st: StoryState, ev: EventState, day: int | None) -> None:
        for e, w in _top(ev.entities, self.top_entities).items():
            st.entities[e] = st.entities.get(e, 0.0) + w / max(ev.n, 1)
        c = ev.centroid()
        st.vsum = (np.asarray(st.vsum, dtype=np.float32) + c).tolist() if st.vsum else c.tolist()
        if ev.id not in st.events:
            st.events.append(ev.id)
        if day is not None:
            st.first_day = day if st.first_day is None else min(st.first_day, day)
            st.last_day = day if st.last_day is None else max(st.last_day, day)
        for e in _top(ev.entities, self.top_entities):
            if e in ev.names:
                st.names[e] = ev.names[e]
        self._index(st)


def title_of(st: StoryState) -> str:
    """The names of a storyline's heaviest actors: "Alexander Lukashenko – Xi Jinping – Beijing"."""
    top = [e for e, _ in sorted(st.entities.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    names = [st.names.get(e, e) for e in top]
    return " – ".join(names) if names else st.id


def to_story(st: StoryState) -> Story:
    return Story(
        id=st.id,
        title=title_of(st),
        events=tuple(st.events),
        actors=tuple(e for e, _ in sorted(st.entities.items(), key=lambda kv: (-kv[1], kv[0]))[:8]),
        start=iso_day(st.first_day) if st.first_day is not None else None,
        end=iso_day(st.last_day) if st.last_day is not None else None,
    )


_enc = msgspec.msgpack.Encoder()


def link_stories(store: object, settings: StorySettings) -> int:
    """Put every stored event not yet in a storyline into one; return how many were linked.

    Runs at the end of a run (the pipeline's ``finish``): an event's key actors are then
    known from all the articles the run brought it.
    """
    from storyline.store.sqlite import SQLiteStore

    assert isinstance(store, SQLiteStore)
    linker = StoryLinker(None if settings.threshold < 0 else settings.threshold, None, settings.gap_days,
                         settings.top_entities)
    dec = msgspec.msgpack.Decoder(StoryState)
    linker.load(dec.decode(blob) for _, blob in store.story_states())
    ev_dec = msgspec.msgpack.Decoder(EventState)
    todo = [ev_dec.decode(blob) for _, blob in store.events_without_story()]
    touched: dict[str, StoryState] = {}
    story_of: dict[str, str] = {}
    for ev in todo:
        sid = linker.learn_one(ev)
        touched[sid] = linker.stories[sid]
        story_of[ev.id] = sid
        ev.story_id = sid
    store.save_stories((to_story(st), _enc.encode(st)) for st in touched.values())
    ev_enc = msgspec.msgpack.Encoder()
    store.update_event_states((ev.id, ev_enc.encode(ev)) for ev in todo)
    store.set_article_stories(story_of)
    log.info("linked %d events into %d storylines", len(todo), len(touched))
    return len(todo)
