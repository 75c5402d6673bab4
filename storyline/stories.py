"""Storylines: events linked over months by their key actors and places.

A storyline has a *profile*: the bag of its events' key entities (people, places,
organisations), plus the sum of its events' embedding centroids. Each event adds, per
entity, the share of its articles naming it × how prominently they do (mentions, title;
:func:`event_profile`), so a big event does not drown a storyline and a name in passing
weighs little. An event and a storyline (or two storylines) are compared by

    score = entity_weight × cos(idf^p ⊙ event entities, idf^p ⊙ storyline entities)
          + (1 − entity_weight) × cos(event centroid − m, storyline mean centroid − m)

where ``idf`` is an *event-level* inverse document frequency, ``log((1 + N) / (1 + df))``
over the N events seen so far (no +1 floor), ``p`` a fitted power (< 1: it tempers the
idf, because the names that tell a storyline — Egypt, Mubarak, Tahrir — recur in many of
its events and must not weigh less than a stray name), and ``m`` the mean event
centroid (what all news shares). An entity in every event — the president every
article of a corpus mentions, the site name on every page of an outlet — weighs nothing,
so it can neither glue unrelated storylines together nor make one; the commoner a name,
the less it weighs, mildly with a power as low as 0.1 (the fitted one when this was
written: of 2000 events, a name in 1999 of them then weighs 0.4 of a name in two of them,
a name in half of them 0.8); a name only one event has (``df`` 1) is no evidence of a
link and is left out of both sides. A town or first-level region also counts, at
``country_weight`` of its share, for its country (:func:`with_countries`, from the
gazetteer): a storyline's reports name Cairo, then Alexandria, then Egypt, and a town a
gazetteer rebuild links differently (another town of that name, a region for its
capital) still counts for the same country, so one changed link does not split a
storyline. The country's idf counts the events that name it (one no event names is no
evidence, like any name of one event).

Events are taken in date order; each joins the best storyline active within
``gap_days`` if the score reaches ``threshold``, else it starts a new one (an event whose
articles have no publication date is placed nowhere in time: :func:`event_day`). At the end of
a run an agglomerative merge pass joins storylines whose profiles agree (score ≥
``merge_threshold``, the most alike pair first): storylines that an early, still
uninformed idf split apart. Then a refinement pass (:meth:`StoryLinker.refine`, one
k-means-like step over the run's events) re-scores each event, with the final idf,
against its own storyline *without itself* and against the other candidates, and moves
it when another storyline fits it better by ``move_margin``: an event that joined early
on thin evidence, or came along when two storylines merged, goes where it belongs. The
margin keeps the pass from shuffling events between storylines that fit them about
equally (without it, big storylines, whose wide profiles fit everything a little, pull
events in). So an event belongs to exactly one storyline; a storyline id, once given,
stays (ids derive from the first event; a merged-away id is recorded as an alias of the
surviving one, still resolves, and the merge is logged).

Candidates come from an inverted list over the storylines' most telling entities (only
storylines sharing one of the event's most telling entities are scored) and, when the
embedding part counts, a small ANN index over storyline centroids — never from a scan
of all storylines. A storyline's weighted profile is cached until it changes or the
event count grows by 2%, so the cost per event stays flat.

The threshold, the merge threshold, the move margin, the idf power, the entity weight, the
profile size and the country weight are fitted jointly on BSNLP dev and CL-TLS dev, each scored
also on copies of its events with some entity links changed, so that the point chosen does
not hang on one exact set of links (``bench/fit_stories.py``; stored with how in
``storyline/data/stories_fit.json``).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import msgspec
import numpy as np

from storyline.cluster import EventState, day_number, distinct_names, iso_day
from storyline.models import Story

log = logging.getLogger(__name__)

#: events_meta key of the event-level entity frequencies (kept between runs)
FREQUENCIES_KEY = "story_entity_frequencies"


@lru_cache(maxsize=1)
def fitted() -> dict[str, Any]:
    """The fitted storyline parameters shipped in the package (with how they were fitted)."""
    text = resources.files("storyline").joinpath("data/stories_fit.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _story_key(story_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(story_id.encode("utf-8"), digest_size=7).digest(), "big")


def story_id_for(event_id: str) -> str:
    return "st-" + hashlib.blake2b(event_id.encode("utf-8"), digest_size=6).hexdigest()


class StoryState(msgspec.Struct):
    id: str
    entities: dict[str, float] = {}  # entity id -> summed per-article weight over the events
    vsum: list[float] = []  # sum of the events' unit centroids
    events: list[str] = []
    first_day: int | None = None
    last_day: int | None = None
    names: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class StorySettings:
    """``[stories]`` in defaults.toml (a negative value: the fitted one)."""

    threshold: float = -1.0
    gap_days: int = 365
    top_entities: int = 16
    merge_threshold: float = -1.0
    entity_weight: float = -1.0
    move_margin: float = -1.0
    country_weight: float = -1.0


class EventFrequencies:
    """How many events (and articles) name each entity.

    Event level: ``idf(e) = log((1 + N) / (1 + df(e)))`` — zero for an entity every event
    names. Article level (:meth:`article_idf`, the smoothed form the representation uses):
    to turn an event's article weights back into how prominently its articles name an
    entity (:func:`event_profile`)."""

    def __init__(
        self,
        events: int = 0,
        counts: Mapping[str, int] | None = None,
        articles: int = 0,
        article_counts: Mapping[str, int] | None = None,
    ) -> None:
        self.events = events
        self.counts: Counter[str] = Counter(counts or {})
        self.articles = articles
        self.article_counts: Counter[str] = Counter(article_counts or {})
        self.vsum: np.ndarray | None = None  # sum of the events' unit centroids

    def mean_vector(self) -> np.ndarray | None:
        """The mean event centroid: what all news shares, taken out before comparing."""
        return self.vsum / self.events if self.vsum is not None and self.events else None

    def observe(self, ev: EventState, profile: Iterable[str]) -> None:
        """Count event ``ev`` (its articles too); ``profile``: the entities it counts for."""
        self.events += 1
        self.counts.update(set(profile))
        self.articles += max(ev.n, 1)
        self.article_counts.update(ev.entity_df or dict.fromkeys(ev.entities, 1))
        if ev.vsum:
            c = ev.centroid()
            self.vsum = c.copy() if self.vsum is None or self.vsum.shape != c.shape else self.vsum + c

    def idf(self, entity_id: str) -> float:
        return max(0.0, math.log((1 + self.events) / (1 + self.counts.get(entity_id, 0))))

    def article_idf(self, entity_id: str) -> float:
        return math.log((1 + self.articles) / (1 + self.article_counts.get(entity_id, 0))) + 1.0

    def to_dict(self) -> dict[str, object]:
        return {"events": self.events, "counts": dict(self.counts), "articles": self.articles,
                "article_counts": dict(self.article_counts),
                "vsum": [] if self.vsum is None else [float(x) for x in self.vsum]}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> EventFrequencies:
        counts, events = data.get("counts", {}), data.get("events", 0)
        art_counts, articles = data.get("article_counts", {}), data.get("articles", 0)
        if not (isinstance(counts, Mapping) and isinstance(events, int) and isinstance(art_counts, Mapping)
                and isinstance(articles, int)):
            raise ValueError("storyline frequencies: expected {'events': int, 'counts': {id: int}, 'articles': int,"
                             " 'article_counts': {id: int}}")
        out = cls(events, {str(k): int(v) for k, v in counts.items()}, articles,
                  {str(k): int(v) for k, v in art_counts.items()})
        vsum = data.get("vsum", [])
        if not isinstance(vsum, list):
            raise ValueError("storyline frequencies: 'vsum' must be a list of numbers")
        out.vsum = np.asarray(vsum, dtype=np.float32) if vsum else None
        return out


def _top(weights: Mapping[str, float], n: int) -> dict[str, float]:
    return dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def _cos(a: tuple[dict[str, float], float], b: tuple[dict[str, float], float]) -> float:
    """Cosine of two idf-weighted profiles, each given with its norm."""
    (wa, na), (wb, nb) = a, b
    if not na or not nb:
        return 0.0
    if len(wa) > len(wb):
        wa, wb = wb, wa
    return sum(w * wb.get(e, 0.0) for e, w in wa.items()) / (na * nb)


def event_day(ev: EventState) -> int | None:
    """The day an event is placed at for the gap rule and a storyline's span: its date,
    when its articles carry a publication date. Without one, the date is the first one
    the text mentions, which may be a historical one (a 1946 treaty, an 1885 founding):
    such an event is placed nowhere in time rather than decades away from its news."""
    if ev.first_seen is None and ev.last_seen is None:
        return None
    return day_number(ev.date())


@lru_cache(maxsize=1)
def place_countries() -> dict[str, str]:
    """Gazetteer place id -> the id of its country (``LOC:g360630`` -> ``LOC:EG``, a
    first-level region ``LOC:IT-25`` -> ``LOC:IT``), for the places that have one and are
    not the country itself. Read from the shipped gazetteer once per process (the entity
    stage has it loaded already)."""
    from storyline.entities.knowledge import base_gazetteer

    gaz = base_gazetteer()
    out: dict[str, str] = {}
    for table in (gaz.by_key, gaz.by_fold, gaz.acronyms):
        for entry in table.values():
            if entry.country and entry.id.startswith("LOC:") and entry.id != f"LOC:{entry.country}":
                out[entry.id] = f"LOC:{entry.country}"
    return out


def with_countries(shares: Mapping[str, float], weight: float,
                   countries: Mapping[str, str] | None = None) -> dict[str, float]:
    """``shares`` plus, for each town or region in it, ``weight`` × its share credited to
    its country. A storyline is told by where it happens at the level of countries as much
    as of towns: one report says Cairo, the next Alexandria or Egypt, and a town the
    gazetteer links differently after a rebuild (another town of the same name, a region
    instead of its capital) then still counts for the same country, so one changed link
    does not split a storyline or move an event out of it."""
    out = dict(shares)
    if weight <= 0.0:
        return out
    table = place_countries() if countries is None else countries
    for e, w in shares.items():
        country = table.get(e)
        if country is not None:
            out[country] = out.get(country, 0.0) + weight * w
    return out


def event_profile(ev: EventState, n: int, frequencies: EventFrequencies, country_weight: float = 0.0,
                  countries: Mapping[str, str] | None = None) -> dict[str, float]:
    """An event's ``n`` key entities: per entity, the share of the event's articles that
    name it × how prominently they do (mentions, title), which is the article weight with
    its rarity factor divided out. Rarity is left to the event-level idf: the article
    weights favour rare names, and for a storyline rare names are mostly noise (a
    storyline is told by the names its events keep repeating). With ``country_weight``,
    a place also counts for its country (:func:`with_countries`; ``countries``: place id ->
    country id, the gazetteer's by default)."""
    per = 1.0 / max(ev.n, 1)
    if ev.entity_df:
        shares = {
            e: per * ev.entities.get(e, 0.0) / frequencies.article_idf(e) for e in ev.entity_df
        }
    else:
        shares = dict.fromkeys(ev.entities, per)
    shares = with_countries(shares, country_weight, countries)
    return _top(shares, n) if len(shares) > n else shares


class StoryLinker:
    """Online linking of events into storylines (river-style ``learn_one``), and the
    merge pass (:meth:`merge_pass`) and refinement pass (:meth:`refine`) run at the end
    of a run."""

    def __init__(
        self,
        threshold: float | None = None,
        entity_weight: float | None = None,
        gap_days: int = 365,
        top_entities: int = 16,
        merge_threshold: float | None = None,
        k: int = 8,
        profile_size: int | None = None,
        frequencies: EventFrequencies | None = None,
        idf_power: float | None = None,
        move_margin: float | None = None,
        country_weight: float | None = None,
        countries: Mapping[str, str] | None = None,
    ) -> None:
        fit = fitted()
        # a place also counts for its country this much (0: not at all; fits before it: 0)
        self.country_weight = float(fit.get("country_weight", 0.0) if country_weight is None else country_weight)
        self.countries = countries  # place id -> country id; None: the gazetteer's
        self.idf_power = float(fit["idf_power"] if idf_power is None else idf_power)
        self.threshold = float(fit["threshold"] if threshold is None else threshold)
        self.entity_weight = float(fit["entity_weight"] if entity_weight is None else entity_weight)
        self.merge_threshold = float(fit["merge_threshold"] if merge_threshold is None else merge_threshold)
        self.gap_days = gap_days
        self.top_entities = top_entities
        self.k = k
        self.profile_size = int(fit.get("profile_size", 64) if profile_size is None else profile_size)
        # no fitted margin (null): no refinement pass (an infinite margin moves nothing)
        margin = fit.get("move_margin") if move_margin is None else move_margin
        self.move_margin = math.inf if margin is None else float(margin)
        self.frequencies = frequencies if frequencies is not None else EventFrequencies()
        self.stories: dict[str, StoryState] = {}
        self.story_of_event: dict[str, str] = {}
        self.merged_into: dict[str, str] = {}  # merged-away story id -> the one that took it
        self.merges: list[tuple[str, str, float]] = []  # (kept, gone, score)
        self._by_entity: dict[str, set[str]] = {}
        self._indexed: dict[str, tuple[str, ...]] = {}  # story -> the entities it is listed under
        self._ann: Any = None  # usearch index of story centroids
        self._keys: dict[int, str] = {}
        self._weighted_cache: dict[str, tuple[int, dict[str, float], float]] = {}

    def __repr__(self) -> str:
        return (
            f"StoryLinker(threshold={self.threshold!r}, entity_weight={self.entity_weight!r},"
            f" gap_days={self.gap_days!r}, top_entities={self.top_entities!r},"
            f" merge_threshold={self.merge_threshold!r}, k={self.k!r}, profile_size={self.profile_size!r},"
            f" idf_power={self.idf_power!r}, move_margin={self.move_margin!r},"
            f" country_weight={self.country_weight!r})"
        )

    def clone(self) -> StoryLinker:
        return StoryLinker(self.threshold, self.entity_weight, self.gap_days, self.top_entities,
                           self.merge_threshold, self.k, self.profile_size, idf_power=self.idf_power,
                           move_margin=self.move_margin, country_weight=self.country_weight,
                           countries=self.countries)

    # -- state ----------------------------------------------------------------
    def load(self, states: Iterable[StoryState]) -> None:
        for st in states:
            self._index(st)
            for e in st.events:
                self.story_of_event[e] = st.id

    def story_of(self, event_id: str) -> str | None:
        sid = self.story_of_event.get(event_id)
        return self.resolve(sid) if sid is not None else None

    def resolve(self, story_id: str) -> str:
        while story_id in self.merged_into:
            story_id = self.merged_into[story_id]
        return story_id

    def _index(self, st: StoryState) -> None:
        self.stories[st.id] = st
        self._weighted_cache.pop(st.id, None)
        for e in self._indexed.get(st.id, ()):
            ids = self._by_entity.get(e)
            if ids is not None:
                ids.discard(st.id)
        keys = tuple(_top(st.entities, self.top_entities))
        for e in keys:
            self._by_entity.setdefault(e, set()).add(st.id)
        self._indexed[st.id] = keys
        if self.entity_weight >= 1.0 or not st.vsum:
            return  # the centroid index only finds storylines for the embedding part
        v = np.asarray(st.vsum, dtype=np.float32)
        norm = float(np.linalg.norm(v))
        if norm:
            from usearch.index import Index

            if self._ann is None:
                self._ann = Index(ndim=len(v), metric="cos", dtype="f32")
            key = _story_key(st.id)
            if key in self._keys:
                self._ann.remove(key)
            self._ann.add(key, v / norm)
            self._keys[key] = st.id

    def _unindex(self, st: StoryState) -> None:
        self._weighted_cache.pop(st.id, None)
        for e in self._indexed.pop(st.id, ()):
            ids = self._by_entity.get(e)
            if ids is not None:
                ids.discard(st.id)
        key = _story_key(st.id)
        if key in self._keys and self._ann is not None:
            self._ann.remove(key)
            del self._keys[key]
        self.stories.pop(st.id, None)

    # -- scoring --------------------------------------------------------------
    def _profile(self, ev: EventState) -> dict[str, float]:
        return event_profile(ev, self.profile_size, self.frequencies, self.country_weight, self.countries)

    def _weighted(self, profile: Mapping[str, float]) -> tuple[dict[str, float], float]:
        """``profile`` weighted by idf; names only one event has (``df`` 1) are left out:
        they cannot be evidence of a link, and counted in the norm they would drown it."""
        freq = self.frequencies
        counts, base = freq.counts, 1 + freq.events
        out: dict[str, float] = {}
        for e, w in profile.items():
            df = counts.get(e, 0)
            if df >= 2 and df + 1 < base:
                out[e] = w * math.log(base / (1 + df)) ** self.idf_power
        return out, math.sqrt(sum(w * w for w in out.values()))

    def _story_weighted(self, st: StoryState) -> tuple[dict[str, float], float]:
        """``_weighted(st.entities)``, kept until the storyline changes or the event count
        grows by 2% (the idf moves slowly; this keeps the cost per event flat)."""
        n = self.frequencies.events
        hit = self._weighted_cache.get(st.id)
        if hit is not None and (n == hit[0] or (hit[0] >= 100 and n <= hit[0] * 1.02)):
            return hit[1], hit[2]
        w, norm = self._weighted(st.entities)
        self._weighted_cache[st.id] = (n, w, norm)
        return w, norm

    def _score(self, ents: tuple[dict[str, float], float], vec: np.ndarray, st: StoryState) -> float:
        """``ents``: the weighted profile (and its norm) of the event or storyline compared
        with ``st``; ``vec``: its mean centroid."""
        return self._score_with(ents, vec, self._story_weighted(st), st.vsum, len(st.events))

    def _score_with(
        self,
        ents: tuple[dict[str, float], float],
        vec: np.ndarray,
        story: tuple[dict[str, float], float],
        vsum: list[float],
        n: int,
    ) -> float:
        """The score against a storyline given by its weighted profile (and norm), the sum
        of its events' centroids and its event count."""
        emb = 0.0
        if self.entity_weight < 1.0 and vsum and n:
            mean = self.frequencies.mean_vector()
            va = vec - mean if mean is not None else vec
            vb = np.asarray(vsum, dtype=np.float32) / n
            if mean is not None:
                vb = vb - mean
            nb = float(np.linalg.norm(vb))
            na = float(np.linalg.norm(va))
            emb = max(0.0, float(np.dot(va, vb) / (na * nb))) if na and nb else 0.0
        return self.entity_weight * _cos(ents, story) + (1.0 - self.entity_weight) * emb

    def _within_gap(self, first: int | None, last: int | None, st: StoryState) -> bool:
        if first is None or last is None or st.first_day is None or st.last_day is None:
            return True
        return first - st.last_day <= self.gap_days and st.first_day - last <= self.gap_days

    def _candidates(self, weighted: Mapping[str, float], vec: np.ndarray, exclude: str | None = None) -> list[str]:
        """Storylines listed under one of the most telling entities of ``weighted`` (an
        idf-weighted profile), and the nearest storyline centroids."""
        found: list[str] = []
        for e in _top(weighted, self.top_entities):
            found.extend(sorted(self._by_entity.get(e, ())))
        if self._ann is not None and len(self._ann) and vec.any():
            hits = self._ann.search(vec, min(self.k, len(self._ann)))
            found.extend(self._keys[int(k)] for k in hits.keys if int(k) in self._keys)
        return [s for s in dict.fromkeys(found) if s != exclude and s in self.stories]

    def _best(
        self,
        weighted: tuple[dict[str, float], float],
        vec: np.ndarray,
        first: int | None,
        last: int | None,
        exclude: str | None = None,
    ) -> tuple[float, str] | None:
        """The best-scoring candidate storyline for ``weighted`` (an idf-weighted profile
        and its norm) and ``vec`` spanning days ``first``..``last``, among those within
        the gap: (score, id), ties to the greater id; None when there is none."""
        best: tuple[float, str] | None = None
        for sid in self._candidates(weighted[0], vec, exclude=exclude):
            st = self.stories[sid]
            if not self._within_gap(first, last, st):
                continue
            s = self._score(weighted, vec, st)
            if best is None or (s, sid) > best:
                best = (s, sid)
        return best

    # -- linking --------------------------------------------------------------
    def learn_one(self, ev: EventState) -> str:
        """Put event ``ev`` into a storyline; return the storyline id."""
        known = self.story_of(ev.id)
        if known is not None:
            return known
        self.frequencies.observe(ev, ev.entity_df or ev.entities)
        profile = self._profile(ev)
        day = event_day(ev)
        vec = ev.centroid()
        weighted = self._weighted(profile)
        best = self._best(weighted, vec, day, day)
        if best is not None and best[0] >= self.threshold:
            st = self.stories[best[1]]
        else:
            st = StoryState(id=story_id_for(ev.id))
        self._add(st, ev, profile, day)
        self.story_of_event[ev.id] = st.id
        return st.id

    def _add(self, st: StoryState, ev: EventState, profile: Mapping[str, float], day: int | None) -> None:
        for e, w in profile.items():
            st.entities[e] = st.entities.get(e, 0.0) + w
        if len(st.entities) > self.profile_size:
            st.entities = _top(st.entities, self.profile_size)
        c = ev.centroid()
        st.vsum = (np.asarray(st.vsum, dtype=np.float32) + c).tolist() if st.vsum else c.tolist()
        if ev.id not in st.events:
            st.events.append(ev.id)
        if day is not None:
            st.first_day = day if st.first_day is None else min(st.first_day, day)
            st.last_day = day if st.last_day is None else max(st.last_day, day)
        for e in profile:
            if e in ev.names:
                st.names[e] = ev.names[e]
        self._index(st)

    def _best_partner(self, sid: str) -> tuple[float, str] | None:
        st = self.stories[sid]
        vec = np.asarray(st.vsum, dtype=np.float32) / max(len(st.events), 1)
        return self._best(self._story_weighted(st), vec, st.first_day, st.last_day, exclude=sid)

    def merge_pass(self, only: Iterable[str] | None = None) -> list[tuple[str, str, float]]:
        """Join storylines whose profiles agree (score ≥ ``merge_threshold``), the most
        alike pair first (agglomerative: the order of arrival does not decide), until no
        pair does; ``only``: the storylines to start from (e.g. the ones a run touched).
        Returns the merges made as (kept, gone, score)."""
        done: list[tuple[str, str, float]] = []
        version: dict[str, int] = {}
        heap: list[tuple[float, str, str, int, int]] = []

        def push(sid: str) -> None:
            best = self._best_partner(sid)
            if best is not None and best[0] >= self.merge_threshold:
                heapq.heappush(heap, (-best[0], sid, best[1], version.get(sid, 0), version.get(best[1], 0)))

        for sid in sorted(s for s in (self.stories if only is None else set(only)) if s in self.stories):
            push(sid)
        while heap:
            neg, sid, other, v1, v2 = heapq.heappop(heap)
            if sid not in self.stories or other not in self.stories:
                continue
            if version.get(sid, 0) != v1 or version.get(other, 0) != v2:
                push(sid)  # one of the two changed since: score again
                continue
            kept, gone = self._merge(self.stories[other], self.stories[sid])
            version[kept.id] = version.get(kept.id, 0) + 1
            done.append((kept.id, gone.id, -neg))
            push(kept.id)
        self.merges.extend(done)
        return done

    def _merge(self, a: StoryState, b: StoryState) -> tuple[StoryState, StoryState]:
        """Fold one storyline into the other: the older id (earlier first event) stays."""
        if (b.first_day or 0, len(b.events) * -1, b.id) < (a.first_day or 0, len(a.events) * -1, a.id):
            a, b = b, a
        for e, w in b.entities.items():
            a.entities[e] = a.entities.get(e, 0.0) + w
        a.entities = _top(a.entities, self.profile_size)
        if b.vsum:
            a.vsum = (np.asarray(a.vsum, dtype=np.float32) + np.asarray(b.vsum, dtype=np.float32)).tolist() \
                if a.vsum else list(b.vsum)
        a.events.extend(e for e in b.events if e not in a.events)
        days = [d for d in (a.first_day, b.first_day) if d is not None]
        a.first_day = min(days) if days else None
        days = [d for d in (a.last_day, b.last_day) if d is not None]
        a.last_day = max(days) if days else None
        for e, name in b.names.items():
            a.names.setdefault(e, name)
        self._unindex(b)
        self.merged_into[b.id] = a.id
        for e in b.events:
            self.story_of_event[e] = a.id
        self._index(a)
        return a, b

    def refine(self, events: Iterable[EventState]) -> list[tuple[str, str, str]]:
        """One k-means-like pass over ``events`` (the run's, in date order): each event is
        scored against its storyline without itself and against the other candidates, with
        the idf as it stands now, and moves when one of them scores at least ``threshold``
        and ``move_margin`` more. A storyline left with one event keeps it (there is nothing
        to compare it with). Returns the moves as (event, from, to).

        An event's share is taken out of its storyline's profile as its profile reads now;
        what it added when it joined was weighed with the idf of that time, so the
        subtraction is close, not exact (a name it took to zero leaves the profile).
        A storyline's date span stays as it was (a hull of the events it has had)."""
        moves: list[tuple[str, str, str]] = []
        if not math.isfinite(self.move_margin):
            return moves
        for ev in events:
            sid = self.story_of(ev.id)
            st = self.stories.get(sid) if sid is not None else None
            if st is None or len(st.events) < 2:
                continue
            profile = self._profile(ev)
            weighted = self._weighted(profile)
            if not weighted[1]:
                continue
            vec = ev.centroid()
            rest = {e: r for e, w in st.entities.items() if (r := w - profile.get(e, 0.0)) > 1e-9}
            rest_vsum = (np.asarray(st.vsum, dtype=np.float32) - vec).tolist() if st.vsum else []
            own = self._score_with(weighted, vec, self._weighted(rest), rest_vsum, len(st.events) - 1)
            day = event_day(ev)
            best = self._best(weighted, vec, day, day, exclude=st.id)
            if best is None or best[0] < max(self.threshold, own + self.move_margin):
                continue
            st.entities = rest
            st.vsum = rest_vsum
            st.events.remove(ev.id)
            self._index(st)
            target = self.stories[best[1]]
            self._add(target, ev, profile, day)
            self.story_of_event[ev.id] = target.id
            moves.append((ev.id, st.id, target.id))
        log.debug("refinement moved %d events", len(moves))
        return moves


def _actors(st: StoryState, frequencies: EventFrequencies | None) -> list[str]:
    """A storyline's entities, most telling first (weight × idf when known)."""
    idf = frequencies.idf if frequencies is not None and frequencies.events else (lambda _e: 1.0)
    return [e for e, _ in sorted(st.entities.items(), key=lambda kv: (-kv[1] * idf(kv[0]), kv[0]))]


def title_of(st: StoryState, frequencies: EventFrequencies | None = None, actors: list[str] | None = None) -> str:
    """The names of a storyline's most telling actors: "Alexander Lukashenko – Xi Jinping
    – Beijing" (``actors``: :func:`_actors` of ``st`` when the caller has it)."""
    ids = _actors(st, frequencies) if actors is None else actors
    names = distinct_names((st.names.get(e, e) for e in _one_place(ids)), 3)
    return " – ".join(names) if names else st.id


def _one_place(ids: Iterable[str]) -> Iterator[str]:
    """``ids`` with only the first place among them: a title says who the story is about,
    and where ("Germany – Portugal – Spain" says little). A place's id starts ``LOC:``
    (gazetteer) or ``loc:`` (recognised), see :mod:`storyline.entities`."""
    place = False
    for e in ids:
        if e[:4].casefold() == "loc:":
            if place:
                continue
            place = True
        yield e


def to_story(st: StoryState, frequencies: EventFrequencies | None = None) -> Story:
    actors = _actors(st, frequencies)
    return Story(
        id=st.id,
        title=title_of(st, frequencies, actors),
        events=tuple(st.events),
        actors=tuple(actors[:8]),
        start=iso_day(st.first_day) if st.first_day is not None else None,
        end=iso_day(st.last_day) if st.last_day is not None else None,
    )


_enc = msgspec.msgpack.Encoder()


def link_stories(store: object, settings: StorySettings) -> int:
    """Put every stored event not yet in a storyline into one, then merge the storylines
    that now agree and move the run's events that another storyline fits better; return
    how many events were linked.

    Runs at the end of a run (the pipeline's ``finish``): an event's key actors are then
    known from all the articles the run brought it.
    """
    from storyline.store.sqlite import SQLiteStore

    if not isinstance(store, SQLiteStore):
        raise TypeError(f"link_stories needs a SQLiteStore, not {type(store).__name__}")
    raw = store.events_meta(FREQUENCIES_KEY)
    frequencies = EventFrequencies.from_dict(msgspec.json.decode(raw)) if raw is not None else EventFrequencies()
    linker = StoryLinker(
        None if settings.threshold < 0 else settings.threshold,
        None if settings.entity_weight < 0 else settings.entity_weight,
        settings.gap_days,
        settings.top_entities,
        None if settings.merge_threshold < 0 else settings.merge_threshold,
        frequencies=frequencies,
        move_margin=None if settings.move_margin < 0 else settings.move_margin,
        country_weight=None if settings.country_weight < 0 else settings.country_weight,
    )
    ev_dec = msgspec.msgpack.Decoder(EventState)
    todo = [ev_dec.decode(blob) for _, blob in store.events_without_story()]
    if not todo:
        return 0
    # only storylines still open when the run's first dated event happened can take events;
    # an undated event is news of the run (or, in a run of undated events only, of the
    # store's latest day): it is offered those storylines too, not every one ever stored,
    # so the start-up cost does not grow with the store
    days = [d for d in (event_day(ev) for ev in todo) if d is not None]
    latest = day_number(store.latest_story_day()) if not days else None
    first = min(days) if days else latest
    since = iso_day(first - settings.gap_days) if first is not None else None
    dec = msgspec.msgpack.Decoder(StoryState)
    linker.load(dec.decode(blob) for _, blob in store.story_states(since))
    touched: set[str] = set()
    for ev in todo:
        touched.add(linker.learn_one(ev))
    merges = linker.merge_pass(touched)
    moves = linker.refine(todo)
    touched = {linker.resolve(s) for s in touched} | {s for _, _, s in moves}
    for ev in todo:
        ev.story_id = linker.story_of(ev.id)
    story_of = {ev.id: ev.story_id for ev in todo if ev.story_id is not None}
    moved: list[tuple[str, bytes]] = []
    for kept, gone, s in merges:
        # events of earlier runs follow a merged-away storyline (state and articles too)
        current = linker.resolve(kept)
        for eid, blob in store.story_event_states(gone):
            ev = ev_dec.decode(blob)
            ev.story_id = current
            moved.append((eid, _enc.encode(ev)))
            story_of[eid] = current
        store.merge_stories(current, gone, f"profiles agree (score {s:.3f})")
    store.save_stories((to_story(linker.stories[s], frequencies), _enc.encode(linker.stories[s]))
                       for s in sorted(touched))
    store.update_event_states([*((ev.id, _enc.encode(ev)) for ev in todo), *moved])
    store.set_article_stories(story_of)
    store.set_events_meta(FREQUENCIES_KEY, msgspec.json.encode(frequencies.to_dict()))
    log.info("linked %d events into %d storylines (%d merged away, %d events moved)", len(todo), len(touched),
             len(merges), len(moves))
    return len(todo)
