"""Online event clustering: each arriving article joins an event or opens a new one.

The learner follows river's clusterer contract (``learn_one`` / ``predict_one``,
constructor arguments stored unchanged so ``repr`` and :meth:`OnlineEventClusterer.clone`
work), over :class:`Item` records (what the clusterer needs to know of an article).

Why the design is what it is:

- **Candidates never come from a scan.** Event centroids sit in small usearch ANN
  indexes, one per time bucket of ``window_days``; an article searches only the buckets
  around its event date, plus the few events that recently shared one of its rarest
  entities (an inverted list of bounded length). Events whose dates fall behind the
  stream by more than ``retention_days`` leave memory (their state stays in the store),
  so the cost per article stays flat however many articles came before.
- **Embeddings alone fail** (two visits to one city by the same people look alike):
  the decision score adds entity overlap, place agreement and closeness in time, and
  each part is recorded (:class:`~storyline.models.ScorePart`) so ``storyline explain``
  can say why an article joined.
- **Weights and threshold are fitted**, not set by hand: ``storyline/data/events_fit.json``
  holds them with a note of how they were fitted (``bench/fit_events.py``).
- **Ids are persistent**: an event's id derives from its first article; when a later
  article shows two events are one, the smaller is merged into the larger, the merge is
  returned to the caller (the stage logs it and the store aliases the old id).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import msgspec
import numpy as np

from storyline.models import Article, ArticleEntity, ScorePart
from storyline.represent import (
    Representation,
    SimilarityWeights,
    date_interval,
    load_weights,
    similarity_parts,
)

log = logging.getLogger(__name__)

SIGNALS = ("embedding", "entities", "place", "time")


@lru_cache(maxsize=1)
def fitted() -> dict[str, Any]:
    """The fitted weights and threshold shipped in the package (with how they were fitted)."""
    text = resources.files("storyline").joinpath("data/events_fit.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def day_number(value: str | None) -> int | None:
    """The day number of an ISO date (day, week, month or a range: its middle); ``None``
    when unknown or vaguer than about two months (a year says nothing about the event)."""
    span = date_interval(value)
    if span is None or span[1] - span[0] > 62:
        return None
    return (span[0] + span[1]) // 2


def iso_day(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    """What the clusterer knows of one article.

    ``vector`` is unit-normalised; ``entities`` maps entity id to its weight in the
    article (salience × rarity, from :mod:`storyline.represent`); ``places`` the same
    for places; ``date`` is the event date (ISO, any precision) and ``day`` its day
    number, used for the time window (``None`` when unknown).
    """

    id: str
    vector: np.ndarray
    entities: Mapping[str, float] = field(default_factory=dict)
    places: Mapping[str, float] = field(default_factory=dict)
    date: str | None = None
    language: str | None = None
    source: str = ""
    published: str | None = None
    title: str = ""
    names: Mapping[str, str] = field(default_factory=dict)  # entity id -> display name
    persons: frozenset[str] = frozenset()  # entity ids that are people
    prominence: Mapping[str, float] = field(default_factory=dict)  # entity id -> share of the article's mentions
    where: Mapping[str, float] = field(default_factory=dict)  # place id -> meet/visit words naming it (card only)

    @property
    def day(self) -> int | None:
        return day_number(self.date)

    @classmethod
    def of(cls, rep: Representation, article: Article, where: Mapping[str, float] | None = None) -> Item:
        """The item for ``article`` given its representation (``where``: the places its
        lead says it happened at, :func:`storyline.meetings.event_places`)."""
        return cls(
            id=article.id,
            vector=rep.vector,
            entities=rep.entity_weights,
            places=rep.place_weights,
            date=rep.date,
            language=article.language,
            source=_source_name(article),
            published=article.published,
            title=article.title,
            names={e.id: e.name for e in article.entities},
            persons=frozenset(e.id for e in article.entities if e.type == "PER" and _in_body(e)),
            prominence=prominence(article.entities),
            where=dict(where or {}),
        )


#: A mention in the headline counts as this many in the body.
TITLE_MENTION = 3.0


def prominence(entities: Sequence[ArticleEntity]) -> dict[str, float]:
    """How much of an article is about each entity: its share of the article's mentions
    in the body and title (a headline mention counts :data:`TITLE_MENTION` times; photo
    captions not at all). Unlike the rarity weights that decide clustering, this is what
    an event card ranks its main actors by: the people a report is about, not the rarest
    name it mentions in passing."""
    counts = {
        e.id: sum(TITLE_MENTION if m.field == "title" else 1.0 for m in e.mentions if m.field != "caption")
        for e in entities
    }
    total = sum(counts.values())
    return {i: c / total for i, c in counts.items() if c} if total else {}


def _in_body(entity: ArticleEntity) -> bool:
    """Named in the body or title, not only in a photo caption."""
    return not entity.mentions or any(m.field != "caption" for m in entity.mentions)


def _source_name(article: Article) -> str:
    """The outlet an article came from: the URL's host, else the input file's folder."""
    if article.outlet:
        return article.outlet
    if article.url:
        host = urlsplit(article.url).netloc.lower()
        return host.removeprefix("www.")
    return article.source


class EventState(msgspec.Struct):
    """An event as the clusterer keeps it (serialised into the store between runs)."""

    id: str
    key: int
    vsum: list[float]
    n: int = 0
    entities: dict[str, float] = {}
    entity_df: dict[str, int] = {}
    places: dict[str, float] = {}
    days: dict[str, int] = {}  # day number (as str) -> articles
    articles: list[str] = []
    languages: dict[str, int] = {}
    sources: list[str] = []
    titles: list[tuple[str, str, float]] = []  # (language, title, closeness to centroid)
    names: dict[str, str] = {}
    persons: list[str] = []
    prominence: dict[str, float] = {}  # summed over the articles (see :func:`prominence`)
    first_seen: str | None = None
    last_seen: str | None = None
    story_id: str | None = None
    where: dict[str, float] = {}  # place id -> meet/visit words naming it, summed (the card's place)

    # -- derived ------------------------------------------------------------
    def centroid(self) -> np.ndarray:
        v = np.asarray(self.vsum, dtype=np.float32)
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def day_range(self) -> tuple[int, int] | None:
        if not self.days:
            return None
        ds = [int(d) for d in self.days]
        return min(ds), max(ds)

    def date(self) -> str | None:
        """The event's date: its one day, or the range of its articles' days."""
        rng = self.day_range()
        if rng is None:
            return None
        if rng[0] == rng[1]:
            return iso_day(rng[0])
        return f"{iso_day(rng[0])}/{iso_day(rng[1])}"

    def representation(self) -> Representation:
        return _as_rep(self.id, self.centroid(), self.entities, self.places, self.date())

    def main_day(self) -> int | None:
        if not self.days:
            return None
        return int(max(self.days.items(), key=lambda kv: (kv[1], -int(kv[0])))[0])


@dataclass(frozen=True, slots=True)
class Decision:
    """Where an item went and why."""

    item: str
    event: str
    joined: bool  # False: it opened a new event
    score: float | None
    threshold: float
    parts: tuple[ScorePart, ...] = ()
    candidates: tuple[tuple[str, float], ...] = ()  # (event id, score) of the best few
    merged: tuple[str, ...] = ()  # event ids folded into ``event`` because of this item


def _as_rep(
    id_: str, vector: np.ndarray, entities: Mapping[str, float], places: Mapping[str, float], date: str | None
) -> Representation:
    def order(d: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
        return tuple(sorted(d.items(), key=lambda kv: -kv[1]))

    return Representation(article_id=id_, vector=vector, entities=order(entities), places=order(places), date=date)


# sums below run over lists, not generators: the same additions in the same order (so
# the same result to the last bit), without a generator frame per term; they run for
# every candidate event of every article


# an event's cached profile: centroid, entity norm, place norm, day range, centroid non-zero
_Profile = tuple[np.ndarray, float, float, "tuple[int, int] | None", bool]


def _norm(a: Mapping[str, float]) -> float:
    return math.sqrt(sum([w * w for w in a.values()]))


def _overlap(
    a: Mapping[str, float], b: Mapping[str, float], b_norm: float, a_norm: float | None = None
) -> float | None:
    """Cosine of two weighted id sets with ``b``'s norm given (and ``a``'s, when the
    caller compares one item with many events); ``None`` when either is empty."""
    if not a or not b or not b_norm:
        return None
    get = b.get
    dot = sum([w * get(k, 0.0) for k, w in a.items()])
    na = _norm(a) if a_norm is None else a_norm
    return dot / (na * b_norm) if na else 0.0


def better_name(old: str | None, new: str) -> str:
    """The display name to keep for an entity: a Latin-script name over another script
    (cards are read across languages), else the one seen first."""
    if old is None:
        return new
    return new if _latin_share(new) > _latin_share(old) + 0.5 else old


def distinct_names(names: Iterable[str], limit: int) -> list[str]:
    """The first ``limit`` of ``names`` that differ, case aside: two ids can carry one name
    (a split the linker could not join), and a title says it once."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
            if len(out) == limit:
                break
    return out


@lru_cache(maxsize=65536)  # names repeat across articles and batches
def _latin_share(name: str) -> float:
    letters = [c for c in name if c.isalpha()]
    return sum(c < "\u0250" for c in letters) / len(letters) if letters else 0.0


def event_id_for(article_id: str) -> str:
    """A persistent event id derived from the article that opened the event."""
    return "ev-" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=6).hexdigest()


def _key_for(event_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(event_id.encode("utf-8"), digest_size=7).digest(), "big")


class _Bucketed:
    """usearch indexes of event centroids, one per time bucket (``None``: undated)."""

    def __init__(self, ndim: int, width: int) -> None:
        self.ndim = ndim
        self.width = max(1, width)
        self.indexes: dict[int | None, Any] = {}
        self.where: dict[int, int | None] = {}  # key -> bucket

    def _bucket(self, day: int | None) -> int | None:
        return None if day is None else day // self.width

    def put(self, key: int, vector: np.ndarray, day: int | None) -> None:
        from usearch.index import Index

        self.remove(key)
        b = self._bucket(day)
        index = self.indexes.get(b)
        if index is None:
            index = self.indexes[b] = Index(ndim=self.ndim, metric="cos", dtype="f32")
        index.add(key, vector.astype(np.float32, copy=False))
        self.where[key] = b

    def remove(self, key: int) -> None:
        b = self.where.pop(key, "absent")
        if b != "absent":
            index = self.indexes[b]  # type: ignore[index]
            index.remove(key)
            if len(index) == 0:
                del self.indexes[b]  # type: ignore[arg-type]

    def search(self, vector: np.ndarray, day: int | None, window: int, k: int) -> list[int]:
        if day is None:
            buckets: list[int | None] = [None]
        else:
            lo, hi = self._bucket(day - window), self._bucket(day + window)
            assert lo is not None and hi is not None
            buckets = [*range(lo, hi + 1), None]
        hits: list[tuple[float, int]] = []
        q = vector.astype(np.float32, copy=False)
        for b in buckets:
            index = self.indexes.get(b)
            if index is None or len(index) == 0:
                continue
            found = index.search(q, min(k, len(index)))
            hits.extend(zip(found.distances.tolist(), found.keys.tolist(), strict=True))
        hits.sort()
        return [int(key) for _, key in hits[:k]]

    def drop_before(self, day: int) -> list[int]:
        """Forget buckets wholly before ``day``; return the keys dropped."""
        limit = self._bucket(day)
        assert limit is not None
        gone = [b for b in self.indexes if b is not None and b < limit]
        keys: list[int] = []
        for b in gone:
            del self.indexes[b]
        for key, bucket in list(self.where.items()):
            if bucket is not None and bucket < limit:
                keys.append(key)
                del self.where[key]
        return keys


class OnlineEventClusterer:
    """Assign items to events one at a time (river's ``learn_one``/``predict_one``).

    Parameters are stored unchanged (``repr``/``clone``). ``weights`` maps each signal of
    :data:`SIGNALS` to its weight; ``None`` takes the fitted values shipped in the
    package, as does ``threshold=None``.
    """

    def __init__(
        self,
        threshold: float | None = None,
        weights: Mapping[str, float] | None = None,
        window_days: int = 7,
        k: int = 16,
        per_entity: int = 32,
        retention_days: int = 60,
        merge: bool = True,
    ) -> None:
        self.threshold = threshold
        self.weights = weights
        self.window_days = window_days
        self.k = k
        self.per_entity = per_entity
        self.retention_days = retention_days
        self.merge = merge
        fit = fitted()
        self._threshold = float(fit["threshold"] if threshold is None else threshold)
        base = load_weights(str(fit.get("embedder", "static")))
        # the event decision's own fitted weights (bench/fit_events.py), else represent's
        chosen = weights if weights is not None else fit.get("weights")
        self._weights = (
            base
            if chosen is None
            else SimilarityWeights(dict(chosen), fitted="events_fit.json" if weights is None else "given",
                                   time_scale_days=base.time_scale_days)
        )
        self.events: dict[str, EventState] = {}
        self._by_key: dict[int, str] = {}
        self._index: _Bucketed | None = None
        self._by_entity: dict[str, deque[str]] = {}
        self._latest_day: int | None = None
        self.learned = 0
        self._profiles: dict[str, tuple[int, _Profile]] = {}
        self.merged_into: dict[str, str] = {}  # event id merged away -> the id that took it
        self.retired: list[EventState] = []  # events that left memory (behind the stream)
        # events of an old time window, for an article that arrives late:
        # (first day, last day, wanted(event id)) -> the stored states of the wanted events
        self.loader: Callable[[int, int, Callable[[str], bool]], Iterable[EventState]] | None = None
        # windows revived whose events have all stayed in memory since: everything the
        # store holds in them is here, so a second late article in the same window needs
        # no store query
        self._revived: list[tuple[int, int]] = []

    # -- river's contract ---------------------------------------------------
    def _get_params(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "weights": self.weights,
            "window_days": self.window_days,
            "k": self.k,
            "per_entity": self.per_entity,
            "retention_days": self.retention_days,
            "merge": self.merge,
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._get_params().items())
        return f"{type(self).__name__}({args})"

    def clone(self) -> OnlineEventClusterer:
        """A fresh, untrained clusterer with the same parameters."""
        return type(self)(**self._get_params())

    def predict_one(self, x: Item) -> str | None:
        """The event ``x`` would join now (``None``: it would open a new one). Learns nothing."""
        return self.best_of(self.rank(x))

    def rank(self, x: Item) -> list[tuple[str, float, tuple[ScorePart, ...]]]:
        """The candidate events of ``x`` scored, best first: ``(event id, score, parts)``.
        Learns nothing; pass the result to :meth:`learn_one` if nothing is learned between."""
        return self._score_candidates(x)

    def best_of(self, ranked: Sequence[tuple[str, float, tuple[ScorePart, ...]]]) -> str | None:
        """The event a ranking from :meth:`rank` joins (``None``: a new event)."""
        if ranked and ranked[0][1] >= self._threshold:
            eid: str = ranked[0][0]
            return eid
        return None

    def learn_one(self, x: Item, ranked: list[tuple[str, float, tuple[ScorePart, ...]]] | None = None) -> Decision:
        """Put ``x`` in its event (joining or opening one) and return the decision.
        ``ranked``: :meth:`rank` of ``x`` computed just before (saves scoring twice)."""
        if ranked is None:
            ranked = self._score_candidates(x)
        self.learned += 1
        top = [(eid, round(s, 4)) for eid, s, _ in ranked[:5]]
        if ranked and ranked[0][1] >= self._threshold:
            eid, score, parts = ranked[0]
            self._add(self.events[eid], x, float(np.dot(x.vector, self._profile(self.events[eid])[0])))
            merged: list[str] = []
            if self.merge:
                for other, s, _ in ranked[1:]:
                    if s >= self._threshold and other in self.events and eid in self.events:
                        if self.event_score(self.events[eid], self.events[other]) >= self._threshold:
                            merged.append(self._merge(eid, other))
            kept = self._resolve_after_merge(eid, merged)
            return Decision(x.id, kept, True, score, self._threshold, parts, tuple(top), tuple(merged))
        eid = event_id_for(x.id)
        if eid in self.events:  # the same article learned twice: keep it where it is
            return Decision(x.id, eid, True, None, self._threshold, (), tuple(top))
        state = EventState(id=eid, key=_key_for(eid), vsum=[0.0] * len(x.vector))
        self.events[eid] = state
        self._by_key[state.key] = eid
        self._add(state, x, 1.0)
        best = ranked[0][1] if ranked else None
        best_parts = ranked[0][2] if ranked else ()
        return Decision(x.id, eid, False, best, self._threshold, best_parts, tuple(top))

    # -- scoring ------------------------------------------------------------
    def parts(
        self,
        x: Item,
        ev: EventState,
        span: tuple[int, int] | bool | None = False,
        norms: tuple[float, float] | None = None,
    ) -> tuple[ScorePart, ...]:
        """The weighted signals comparing ``x`` with event ``ev``.

        The same signals and semantics as :func:`storyline.represent.similarity_parts`
        (a signal without evidence is left out and the other weights rescaled), computed
        against a cached profile of the event so the cost does not grow with its size.
        ``span`` is ``x``'s date interval and ``norms`` the norms of its entity and
        place weights, when the caller has them already (one item, many events).
        """
        return self._parts(x, ev, span, norms, bool(x.vector.any()))

    def _parts(
        self,
        x: Item,
        ev: EventState,
        span: tuple[int, int] | bool | None,
        norms: tuple[float, float] | None,
        x_vector: bool,
    ) -> tuple[ScorePart, ...]:
        """:meth:`parts`, told whether ``x`` has a (non-zero) vector."""
        centroid, ent_norm, place_norm, days, has_centroid = self._profile(ev)
        x_ent, x_place = norms if norms is not None else (None, None)
        if span is False:
            span = date_interval(x.date)
        time: float | None = None
        if isinstance(span, tuple) and days is not None and span[1] - span[0] <= 62:
            gap = max(0, days[0] - span[1], span[0] - days[1])
            time = math.exp(-gap / self._weights.time_scale_days)
        values: dict[str, float | None] = {
            "embedding": float(np.dot(x.vector, centroid)) if x_vector and has_centroid else None,
            "entities": _overlap(x.entities, ev.entities, ent_norm, x_ent),
            "place": _overlap(x.places, ev.places, place_norm, x_place),
            "time": time,
        }
        w = self._weights.weights
        present = {k: v for k, v in values.items() if v is not None and w.get(k, 0.0) > 0}
        total = sum([w[k] for k in present])
        if not total:
            return ()
        return tuple(
            [ScorePart(signal=k, value=round(v, 4), weight=round(w[k] / total, 4)) for k, v in present.items()]
        )

    def _profile(self, ev: EventState) -> _Profile:
        """Centroid, entity and place norms, day range of ``ev`` and whether its centroid
        is non-zero, cached until it changes."""
        hit = self._profiles.get(ev.id)
        if hit is not None and hit[0] == ev.n:
            return hit[1]
        centroid = ev.centroid()
        prof = (
            centroid,
            _norm(ev.entities),
            _norm(ev.places),
            ev.day_range(),
            bool(centroid.any()),
        )
        self._profiles[ev.id] = (ev.n, prof)
        return prof

    def event_score(self, a: EventState, b: EventState) -> float:
        """How alike two events are, on the same scale as an article's score."""
        return sum(p.value * p.weight for p in similarity_parts(a.representation(), b.representation(),
                                                                self._weights))

    def _candidates(self, x: Item, day: int | None) -> list[str]:
        """Events near ``x`` in the ANN index of its time window, plus the latest few
        events that share one of its heaviest entities (never a scan)."""
        found: list[str] = []
        if self._index is not None:
            for key in self._index.search(x.vector, day, self.window_days, self.k):
                eid = self._by_key.get(key)
                if eid is not None:
                    found.append(eid)
        rare = sorted(x.entities.items(), key=lambda kv: -kv[1])[:3]
        for ent, _ in rare:
            recent = self._by_entity.get(ent)
            if recent:
                found.extend(list(recent)[-4:])
        seen: set[str] = set()
        out: list[str] = []
        for eid in found:
            if eid in seen:
                continue
            seen.add(eid)
            ev = self.events.get(eid)
            if ev is None:
                continue
            rng = self._profile(ev)[3]
            if day is not None and rng is not None:
                if day < rng[0] - self.window_days or day > rng[1] + self.window_days:
                    continue
            elif (day is None) != (rng is None):
                continue
            out.append(eid)
        return out

    def _score_candidates(self, x: Item) -> list[tuple[str, float, tuple[ScorePart, ...]]]:
        span = date_interval(x.date)
        day = None if span is None or span[1] - span[0] > 62 else (span[0] + span[1]) // 2
        self._revive(day)
        ranked = []
        norms = (_norm(x.entities), _norm(x.places))
        x_vector = bool(x.vector.any())
        for eid in self._candidates(x, day):
            parts = self._parts(x, self.events[eid], span, norms, x_vector)
            ranked.append((eid, sum([p.value * p.weight for p in parts]), parts))
        ranked.sort(key=lambda r: (-r[1], r[0]))
        return ranked

    # -- state --------------------------------------------------------------
    def _add(self, ev: EventState, x: Item, closeness: float) -> None:
        if self._index is None:
            self._index = _Bucketed(len(x.vector), self.window_days)
        prof = self._profiles.get(ev.id)
        ent2 = place2 = None
        if prof is not None and prof[0] == ev.n:  # keep the norms up to date in O(|x|), not O(|event|)
            ent2, place2 = prof[1][1] ** 2, prof[1][2] ** 2
        v = np.asarray(ev.vsum, dtype=np.float32) + x.vector
        ev.vsum = v.tolist()
        ev.n += 1
        for e, w in x.entities.items():
            old = ev.entities.get(e, 0.0)
            ev.entities[e] = old + w
            if ent2 is not None:
                ent2 += (old + w) ** 2 - old**2
            ev.entity_df[e] = ev.entity_df.get(e, 0) + 1
            q = self._by_entity.setdefault(e, deque(maxlen=self.per_entity))
            if ev.id not in q:
                q.append(ev.id)
        for p, w in x.places.items():
            old = ev.places.get(p, 0.0)
            ev.places[p] = old + w
            if place2 is not None:
                place2 += (old + w) ** 2 - old**2
        day = x.day
        if day is not None:
            ev.days[str(day)] = ev.days.get(str(day), 0) + 1
            if self._latest_day is None or day > self._latest_day:
                self._latest_day = day
                self._forget_old()
        if ent2 is not None and place2 is not None:
            norm = float(np.linalg.norm(v))
            centroid = v / norm if norm else v
            norms = math.sqrt(max(ent2, 0.0)), math.sqrt(max(place2, 0.0))
            self._profiles[ev.id] = (ev.n, (centroid, *norms, ev.day_range(), bool(centroid.any())))
        ev.articles.append(x.id)
        if x.language:
            ev.languages[x.language] = ev.languages.get(x.language, 0) + 1
        if x.source and len(ev.sources) < 50 and x.source not in ev.sources:  # a card names a few sources
            ev.sources.append(x.source)
        if x.title:
            ev.titles.append((x.language or "", x.title, round(closeness, 4)))
        for e, name in x.names.items():
            ev.names[e] = better_name(ev.names.get(e), name)
        for p in x.persons:
            if p not in ev.persons:
                ev.persons.append(p)
        for e, share in x.prominence.items():
            ev.prominence[e] = ev.prominence.get(e, 0.0) + share
        for p, n in x.where.items():
            ev.where[p] = ev.where.get(p, 0.0) + n
        if x.published:
            ev.first_seen = min(ev.first_seen or x.published, x.published)
            ev.last_seen = max(ev.last_seen or x.published, x.published)
        self._index.put(ev.key, ev.centroid(), ev.main_day())

    def _merge(self, kept: str, other: str) -> str:
        """Fold the smaller of two events into the larger; return the id that went away."""
        a, b = self.events[kept], self.events[other]
        if (b.n, a.id) > (a.n, b.id):
            a, b = b, a
        a.vsum = (np.asarray(a.vsum, dtype=np.float32) + np.asarray(b.vsum, dtype=np.float32)).tolist()
        a.n += b.n
        for e, w in b.entities.items():
            a.entities[e] = a.entities.get(e, 0.0) + w
        for e, c in b.entity_df.items():
            a.entity_df[e] = a.entity_df.get(e, 0) + c
        for p, pw in b.places.items():
            a.places[p] = a.places.get(p, 0.0) + pw
        for d, c in b.days.items():
            a.days[d] = a.days.get(d, 0) + c
        for lang, c in b.languages.items():
            a.languages[lang] = a.languages.get(lang, 0) + c
        a.articles.extend(b.articles)
        a.sources.extend(s for s in b.sources if s not in a.sources)
        a.titles.extend(b.titles)
        for e, name in b.names.items():
            a.names[e] = better_name(a.names.get(e), name)
        a.persons.extend(p for p in b.persons if p not in a.persons)
        for e, share in b.prominence.items():
            a.prominence[e] = a.prominence.get(e, 0.0) + share
        for p, n in b.where.items():
            a.where[p] = a.where.get(p, 0.0) + n
        seen = [s for s in (a.first_seen, b.first_seen) if s]
        a.first_seen = min(seen) if seen else None
        seen = [s for s in (a.last_seen, b.last_seen) if s]
        a.last_seen = max(seen) if seen else None
        assert self._index is not None
        self._index.remove(b.key)
        del self.events[b.id]
        self._profiles.pop(b.id, None)
        self._by_key.pop(b.key, None)
        self._index.put(a.key, a.centroid(), a.main_day())
        log.info("merged event %s into %s", b.id, a.id)
        self.merged_into[b.id] = a.id
        return b.id

    def _resolve_after_merge(self, eid: str, merged: list[str]) -> str:
        while eid not in self.events and eid in self.merged_into:
            eid = self.merged_into[eid]
        return eid

    def _revive(self, day: int | None) -> None:
        """An article dated behind the memory horizon (a late or back-filled report):
        bring back the events of its time window, from those retired in this batch
        and from :attr:`loader` (the store)."""
        if day is None or self._latest_day is None:
            return
        if day - self.window_days > self._latest_day - self.retention_days:
            return
        lo, hi = day - self.window_days, day + self.window_days
        if any(a <= lo and hi <= b for a, b in self._revived):
            return
        found: dict[str, EventState] = {}
        if self.loader is not None:
            found.update((st.id, st) for st in self.loader(lo, hi, self._absent))
        for st in self.retired:  # newer than what the store holds
            rng = st.day_range()
            if rng is not None and rng[1] >= lo and rng[0] <= hi:
                found[st.id] = st
        for st in found.values():
            if self._absent(st.id):
                self._take(st)
        # keep the revived days as disjoint intervals: a window inside their union is
        # covered even when no single earlier window holds it
        keep = []
        for a, b in self._revived:
            if b < lo - 1 or a > hi + 1:
                keep.append((a, b))
            else:
                lo, hi = min(a, lo), max(b, hi)
        keep.append((lo, hi))
        self._revived = keep

    def _absent(self, event_id: str) -> bool:
        """Neither in memory nor merged away: a stored state worth reviving."""
        return event_id not in self.events and event_id not in self.merged_into

    def _take(self, st: EventState) -> None:
        self.events[st.id] = st
        self._by_key[st.key] = st.id
        if self._index is None:
            self._index = _Bucketed(len(st.vsum), self.window_days)
        self._index.put(st.key, st.centroid(), st.main_day())
        for e in st.entities:
            q = self._by_entity.setdefault(e, deque(maxlen=self.per_entity))
            if st.id not in q:
                q.append(st.id)

    def _forget_old(self) -> None:
        """Let events far behind the stream leave memory (they stay in the store)."""
        if self._latest_day is None or self._index is None:
            return
        limit = self._latest_day - self.retention_days
        for key in self._index.drop_before(limit):
            eid = self._by_key.pop(key, None)
            if eid is not None and eid in self.events:
                st = self.events.pop(eid)
                self.retired.append(st)
                self._profiles.pop(eid, None)
                # a revived window it touches no longer has all its events in memory
                # (the range held now covers the one stored: days are only ever added)
                rng = st.day_range()
                if rng is not None:
                    self._revived = [(a, b) for a, b in self._revived if b < rng[0] or a > rng[1]]

    def load(self, states: Iterable[EventState]) -> None:
        """Take back events from an earlier run (their state as stored)."""
        for st in states:
            self._take(st)
            rng = st.day_range()
            if rng and (self._latest_day is None or rng[1] > self._latest_day):
                self._latest_day = rng[1]

