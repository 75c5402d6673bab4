"""Near-duplicates and translations: copies of one original are not independent coverage.

- **Same language**: syndicated copies (an agency text run by several outlets, a
  re-published page with a new header) share most of their word 5-gram shingles. A
  datasketch MinHash LSH index per language finds the earlier article whose estimated
  Jaccard is at least ``near_threshold``; the newcomer becomes ``duplicate_of`` it.
- **Across languages**: shingles do not survive translation, but what a translation
  keeps exactly is its *numbers* and its *entities* (the entity stage gives one id in
  every language) and roughly its length. An article in another language is a
  translation of an earlier one in the same event when those agree closely. This is
  deliberately conservative: two reports of one meeting share names, and only the same
  figures in the same proportion of text mark a translation.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.models import Article

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"(?<!\w)\d[\d.,]*\d|(?<!\w)\d(?!\w)")
SHINGLE = 5


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a translation keeps: numbers, entity ids, length (in letters)."""

    article_id: str
    language: str | None
    numbers: tuple[str, ...]
    entities: frozenset[str]
    letters: int
    published: str | None


_SEPARATORS = str.maketrans("", "", ".,")


TextMarks = tuple[tuple[str, ...], int]


def text_marks(text: str) -> TextMarks:
    """The part of a :class:`Fingerprint` that reads only the text: its numbers (sorted,
    without separators) and its length in letters. A pure function of the text, so a
    worker process can compute it ahead (:mod:`storyline.events`)."""
    numbers = tuple(sorted(n.translate(_SEPARATORS) for n in _NUMBER.findall(text)))
    return numbers, sum(map(str.isalpha, text))  # C loop: a generator here cost ~1 ms an article


def fingerprint(article: Article, marks: TextMarks | None = None) -> Fingerprint:
    """``article``'s fingerprint (``marks``: :func:`text_marks` of its text, when known)."""
    numbers, letters = marks if marks is not None else text_marks(article.text or article.raw)
    return Fingerprint(
        article_id=article.id,
        language=article.language,
        numbers=numbers,
        entities=frozenset(e.id for e in article.entities),
        letters=letters,
        published=article.published,
    )


def _multiset_jaccard(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    from collections import Counter

    ca, cb = Counter(a), Counter(b)
    inter = sum((ca & cb).values())
    union = sum((ca | cb).values())
    return inter / union if union else 0.0


def is_translation(a: Fingerprint, b: Fingerprint, *, min_numbers: int = 4, threshold: float = 0.8) -> bool:
    """``a`` and ``b`` (different languages) look like one text translated.

    Needs at least ``min_numbers`` numbers in each, their multiset Jaccard and the
    entity-set Jaccard both ≥ ``threshold``, and lengths within a factor of 1.6 (languages
    differ in length, but not by more).
    """
    if a.language == b.language or a.language is None or b.language is None:
        return False
    if len(a.numbers) < min_numbers or len(b.numbers) < min_numbers:
        return False
    if not a.letters or not b.letters or max(a.letters, b.letters) > 1.6 * min(a.letters, b.letters):
        return False
    if _multiset_jaccard(a.numbers, b.numbers) < threshold:
        return False
    union = a.entities | b.entities
    return bool(union) and len(a.entities & b.entities) / len(union) >= threshold


def _identity(value: int) -> int:
    """The MinHash "hash function" over values already hashed (see :func:`_sha1_32`)."""
    return value


def _sha1_32(shingles: list[bytes]) -> list[int]:
    """datasketch's default ``sha1_hash32`` of each shingle (the first four bytes of
    SHA-1, little-endian), in one pass: the same values, without a Python call and a
    ``struct.unpack`` per shingle."""
    sha1 = hashlib.sha1
    joined = b"".join([sha1(s).digest()[:4] for s in shingles])
    values: list[int] = np.frombuffer(joined, dtype="<u4").tolist()
    return values


def _shingles(text: str) -> list[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)]


class NearDuplicates:
    """MinHash LSH per language over word 5-gram shingles (datasketch).

    Keeps at most ``capacity`` articles per language (the oldest leave first): copies
    appear within days of their original, so an old article need not stay findable.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 64, capacity: int = 200_000) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.capacity = capacity
        self._lsh: dict[str, object] = {}
        self._order: dict[str, OrderedDict[str, None]] = {}
        self._seq: dict[str, int] = {}  # article -> when it was indexed (the earliest is the original)
        self._template: Any = None  # a MinHash whose permutations every sketch shares

    def _minhash_template(self) -> Any:
        """A MinHash whose permutations every sketch shares (drawn once: ~0.7 ms each)."""
        from datasketch import MinHash

        if self._template is None:
            self._template = MinHash(num_perm=self.num_perm, seed=1)
        return self._template

    @property
    def signature_dtype(self) -> np.dtype[Any]:
        """The type of a :meth:`signature`'s values (datasketch's scheme decides it)."""
        dtype: np.dtype[Any] = np.dtype(self._minhash_template().hashvalues.dtype)
        return dtype

    def signature(self, text: str) -> np.ndarray | None:
        """The MinHash values (``num_perm`` of :attr:`signature_dtype`) of ``text``'s
        shingles; ``None`` for a text without words. A pure function of the text: worker
        processes compute it ahead and :meth:`find_or_add_signature` takes it."""
        shingles = _shingles(text)
        if not shingles:
            return None
        m = self._sketch(None)
        m.update_batch(_sha1_32(shingles))
        values: np.ndarray = m.hashvalues
        return values

    def _sketch(self, values: np.ndarray | None) -> Any:
        """A datasketch MinHash over the shared permutations: empty, or holding ``values``.
        Its hash function is the identity: the shingles are hashed in one pass before
        (:func:`_sha1_32`)."""
        from datasketch import MinHash

        t = self._minhash_template()
        return MinHash(
            num_perm=self.num_perm,
            seed=1,
            hashfunc=_identity,
            hashvalues=values,
            permutations=t.permutations,
            scheme=t.scheme,
        )

    def minhash(self, text: str) -> object | None:
        """The datasketch MinHash of ``text`` (``None`` for a text without words).

        Bit for bit the sketch ``MinHash(num_perm, seed=1).update_batch(shingles)`` gives,
        but the permutations are drawn once (datasketch draws them per sketch, ~0.7 ms)
        and the shingles are hashed in one pass."""
        values = self.signature(text)
        return None if values is None else self._sketch(values)

    def find_or_add(self, article: Article) -> str | None:
        """The id of an earlier near-copy of ``article`` in its language; else index it."""
        return self.find_or_add_signature(article, self.signature(article.text or article.raw))

    def find_or_add_signature(self, article: Article, signature: np.ndarray | None) -> str | None:
        """:meth:`find_or_add` with the :meth:`signature` of the article's text given."""
        from datasketch import MinHashLSH

        if signature is None:
            return None
        if len(signature) != self.num_perm:
            raise ValueError(f"a MinHash signature of {len(signature)} values, expected {self.num_perm}")
        m = self._sketch(signature)
        lang = article.language or "und"
        lsh = self._lsh.get(lang)
        if lsh is None:
            lsh = self._lsh[lang] = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
            self._order[lang] = OrderedDict()
        assert isinstance(lsh, MinHashLSH)
        hits = [h for h in lsh.query(m) if h != article.id]
        if hits:
            return str(min(hits, key=lambda h: self._seq.get(h, 0)))
        if article.id in self._order[lang]:
            return None
        lsh.insert(article.id, m)
        order = self._order[lang]
        order[article.id] = None
        self._seq[article.id] = len(self._seq)
        if len(order) > self.capacity:
            old, _ = order.popitem(last=False)
            lsh.remove(old)
            self._seq.pop(old, None)
        return None


class Translations:
    """Fingerprints of recent articles by event, to spot a translation of one of them."""

    def __init__(self, capacity: int = 200_000) -> None:
        self.capacity = capacity
        self._by_event: dict[str, list[Fingerprint]] = {}
        self._order: OrderedDict[str, str] = OrderedDict()  # article -> event

    def original_of(self, article: Article, event_id: str | None, fp: Fingerprint | None = None) -> str | None:
        """The article of event ``event_id`` that ``article`` translates (``fp``: its
        fingerprint when the caller has it)."""
        if event_id is None:
            return None
        others = self._by_event.get(event_id)
        if not others:
            return None
        fp = fp or fingerprint(article)
        for other in others:
            if is_translation(fp, other):
                return other.article_id
        return None

    def add(self, article: Article, event_id: str, fp: Fingerprint | None = None) -> None:
        self._by_event.setdefault(event_id, []).append(fp or fingerprint(article))
        self._order[article.id] = event_id
        if len(self._order) > self.capacity:
            old, ev = self._order.popitem(last=False)
            self._by_event[ev] = [f for f in self._by_event.get(ev, []) if f.article_id != old]

    def rename(self, renamed: Mapping[str, str]) -> None:
        """Events merged: move their fingerprints to the event that kept its id."""
        for gone, kept in renamed.items():
            fps = self._by_event.pop(gone, [])
            self._by_event.setdefault(kept, []).extend(fps)

