"""Word knowledge of the entity stage: how common a word is, and what a dictionary says of it.

Recognition asks three questions about ordinary words, tens of thousands of times per
thousand articles, so each answer must cost a lookup and hold little memory:

* :func:`zipf` — the Zipf frequency of a word in a language, as ``wordfreq.zipf_frequency``
  gives it. wordfreq's own path keeps a ``dict`` of every word of every language asked
  (≈130 MB per language next to its ≈80 MB word lists) and tokenises each word again.
  Here each language's list is read once from wordfreq's file into two sorted numpy
  arrays (word hash → frequency band, ≈10 bytes a word, ≈0.3 s a language), and a plain
  lower-case word of a language without special preprocessing is looked up directly;
  anything else goes through wordfreq's own tokeniser and the same combination rule, so
  the value is the same as ``zipf_frequency``'s.
* :func:`in_dictionary` — does simplemma's dictionary of the language know a *frequent*
  word (Zipf ≥ :data:`DICTIONARY_MIN_ZIPF`)? simplemma needs ≈2 s and hundreds of MB to
  decode one language's dictionary; the answers for the few thousand frequent words of
  each language are computed once by ``scripts/build_lexicon.py`` and shipped in
  ``data/lexicon.json.gz`` (only the frequent words simplemma does *not* know are stored).
* :func:`common_word` — is a word of Zipf ≥ :data:`COMMON_MIN_ZIPF` a common word of the
  language (simplemma knows it, with a lower-case lemma: "stávka", "piloti", "заради")
  rather than a name or a foreign word ("Michael", "Путин", "Reuters")? The same file
  lists, per language, the words that frequent that are *not* common words.
* :func:`german_adjective` — is a capitalised German word an inflected adjective or verb
  form (simplemma's lemma is lower case: "Europäische" → "europäisch")? The same file
  lists the words of wordfreq's German list for which simplemma says so.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain
from typing import Any

import numpy as np

from storyline.errors import StorylineError

log = logging.getLogger(__name__)

#: wordfreq has no list under these codes but one for a language they are written in
WF_ALIAS = {"hr": "sh", "sr": "sh", "bs": "sh", "no": "nb"}
#: :func:`in_dictionary` answers only for words at least this frequent (the build keeps those)
DICTIONARY_MIN_ZIPF = 4.5
#: :func:`common_word` answers only for words at least this frequent (the build keeps those):
#: inflected common nouns are rarer than 4.5 ("stávka" 3.5, "narodzeniem" 3.2)
COMMON_MIN_ZIPF = 3.0


@dataclass(frozen=True, slots=True)
class FrequencyTable:
    """One language's wordfreq list: sorted word hashes and their centibel bands.

    ``hash(str)`` is stable within a process, which is all a table built at run time needs.
    """

    hashes: np.ndarray  # int64, sorted
    bands: np.ndarray  # uint16: the word's frequency is 10 ** (-band / 100)
    plain: bool  # the language needs no preprocessing beyond NFC and case folding

    def band(self, token: str) -> int | None:
        h = hash(token)
        i = int(np.searchsorted(self.hashes, h))
        if i < len(self.hashes) and int(self.hashes[i]) == h:
            return int(self.bands[i])
        return None


@lru_cache(maxsize=1)
def _wordlist_paths() -> dict[str, str]:
    from wordfreq import available_languages

    return dict(available_languages())


def wordfreq_code(lang: str | None) -> str | None:
    """wordfreq's code for a language we report, or None when it has no list for it."""
    code = WF_ALIAS.get(lang or "", lang or "")
    return code if code in _wordlist_paths() else None


@lru_cache(maxsize=128)  # wordfreq has ~40 languages
def frequency_table(code: str) -> FrequencyTable:
    """Read wordfreq's list of ``code`` once (the lists themselves are not kept)."""
    from wordfreq import read_cBpack
    from wordfreq.language_info import get_language_info

    pack = read_cBpack(_wordlist_paths()[code])
    sizes = [len(bucket) for bucket in pack]
    hashes = np.array(list(map(hash, chain.from_iterable(pack))), dtype=np.int64)
    del pack  # ≈80 MB of strings for a large list: only the hashes are kept
    bands = np.repeat(np.arange(len(sizes), dtype=np.uint16), sizes)
    order = np.argsort(hashes)
    info = get_language_info(code)
    plain = (
        info["tokenizer"] == "regex"
        and info["normal_form"] == "NFC"
        and not info["remove_marks"]
        and not info["dotless_i"]
        and info["diacritics_under"] is None
        and info["transliteration"] is None
        and info["lookup_transliteration"] is None
    )
    log.debug("wordfreq list %s: %d words", code, len(hashes))
    return FrequencyTable(hashes[order], bands[order], plain)


def _round_freq(freq: float) -> float:
    """wordfreq's rounding of a frequency to three significant digits."""
    leading_zeroes = math.floor(-math.log(freq, 10))
    return round(freq, leading_zeroes + 3)


@lru_cache(maxsize=500_000)
def zipf(word: str, lang: str | None) -> float:
    """Zipf frequency of ``word`` in ``lang``: ``wordfreq.zipf_frequency``'s value (0 without a list)."""
    code = wordfreq_code(lang)
    if code is None:
        return 0.0
    table = frequency_table(code)
    if table.plain and word.isalpha() and word == word.casefold() and unicodedata.is_normalized("NFC", word):
        band = table.band(word)
        if band is None:
            return 0.0
        freq = 10 ** (-band / 100)
    else:
        freq = _combined_frequency(word, code, table)
        if freq == 0.0:
            return 0.0
    # wordfreq's minimum is Zipf 0 (once per billion words)
    return round(math.log(_round_freq(max(freq, 1e-9)), 10) + 9, 2)


def _combined_frequency(word: str, code: str, table: FrequencyTable) -> float:
    """wordfreq's ``_word_frequency`` over our table: tokens combined as 1/f = Σ 1/fᵢ."""
    from wordfreq.language_info import get_language_info
    from wordfreq.numbers import digit_freq, smash_numbers
    from wordfreq.tokens import lossy_tokenize

    tokens = lossy_tokenize(word, code)
    if not tokens:
        return 0.0
    inverse = 0.0
    for token in tokens:
        smashed = smash_numbers(token)
        band = table.band(smashed)
        if band is None:
            return 0.0
        freq = 10 ** (-band / 100)
        if smashed != token:
            freq *= digit_freq(token)
        inverse += 1.0 / freq
    freq = 1.0 / inverse
    if get_language_info(code)["tokenizer"] == "jieba":
        from wordfreq import INFERRED_SPACE_FACTOR

        freq *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)
    return freq


@dataclass(frozen=True, slots=True)
class Lexicon:
    """What ``data/lexicon.json.gz`` holds (see ``scripts/build_lexicon.py``)."""

    dictionary_languages: frozenset[str]
    not_in_dictionary: dict[str, frozenset[str]]
    compounds_in_dictionary: dict[str, frozenset[str]]
    german_adjectives: frozenset[str]
    # per language, the frequent words that are not common words, one a line: a set is made
    # only for the languages met (:func:`_proper`), ~1 MB of strings otherwise held for ~30
    proper: dict[str, str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    path = resources.files("storyline.entities").joinpath("data").joinpath("lexicon.json.gz")
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    # the file answers only for words above the thresholds it was built with: answers for
    # words between those and the thresholds the code asks at would be silently wrong
    built = (data.get("dictionary_min_zipf"), data.get("common_min_zipf"))
    if built != (DICTIONARY_MIN_ZIPF, COMMON_MIN_ZIPF):
        raise StorylineError(
            f"storyline/entities/data/lexicon.json.gz was built for Zipf thresholds {built},"
            f" the code asks at {(DICTIONARY_MIN_ZIPF, COMMON_MIN_ZIPF)}: run scripts/build_lexicon.py"
        )
    return Lexicon(
        frozenset(data["dictionary_languages"]),
        {lang: frozenset(words) for lang, words in data["not_in_dictionary"].items()},
        {lang: frozenset(words) for lang, words in data["compounds_in_dictionary"].items()},
        frozenset(data["german_adjectives"]),
        dict(data.get("proper", {})),
    )


def in_dictionary(word: str, lang: str | None) -> bool:
    """simplemma's dictionary of ``lang`` knows ``word``, a word of Zipf ≥ :data:`DICTIONARY_MIN_ZIPF`.

    False for languages simplemma lacks. For rarer words the answer is not known here:
    callers ask only about frequent words. A word of several wordfreq tokens is frequent
    because its parts are: it is known only if the dictionary has it whole ("най-доброто",
    not "IT-podjetja").
    """
    lex = lexicon()
    code = lang or "en"
    if code not in lex.dictionary_languages:
        return False
    if not word.isalpha():
        return word.lower() in lex.compounds_in_dictionary.get(code, frozenset())
    return word.casefold() not in lex.not_in_dictionary.get(code, frozenset())


@lru_cache(maxsize=200_000)
def common_word(word: str, lang: str | None) -> bool:
    """Is ``word`` (any case) a common word of ``lang``: frequent (Zipf ≥
    :data:`COMMON_MIN_ZIPF`) and in simplemma's dictionary with a lower-case lemma?

    False when the language has no such list (no capitals, or not in simplemma) and for
    rarer words, of which nothing is known here. A name ("Michael", "Путин") or a foreign
    word ("Reuters") is not a common word however frequent.
    """
    table = _proper(lang or "en")
    if table is None:
        return False
    low = word.lower()
    return low.isalpha() and low not in table and zipf(low, lang) >= COMMON_MIN_ZIPF


def name_word(word: str, lang: str | None) -> bool:
    """A frequent word (Zipf ≥ :data:`COMMON_MIN_ZIPF`) of ``lang`` that is a name or a
    foreign word for simplemma ("michael", "путин"); False when nothing is known of it."""
    table = _proper(lang or "en")
    return table is not None and word.lower() in table


@lru_cache(maxsize=64)
def _proper(lang: str) -> frozenset[str] | None:
    """The frequent words of ``lang`` that are not common words (None: no list)."""
    text = lexicon().proper.get(lang)
    return frozenset(text.split("\n")) if text is not None else None


def german_adjective(word: str) -> bool:
    """A capitalised German word whose lemma is lower case and different ("Europäische")."""
    return word.casefold() in lexicon().german_adjectives


__all__ = [
    "COMMON_MIN_ZIPF",
    "DICTIONARY_MIN_ZIPF",
    "FrequencyTable",
    "Lexicon",
    "common_word",
    "frequency_table",
    "german_adjective",
    "in_dictionary",
    "lexicon",
    "name_word",
    "wordfreq_code",
    "zipf",
]
