"""Build ``storyline/entities/data/lexicon.json.gz``: what simplemma says about the words recognition asks of it.

    python scripts/build_lexicon.py

The entity stage asks simplemma two questions (see ``storyline/entities/lexicon.py``).
Loading simplemma's dictionaries costs ≈2 s and hundreds of MB per language at run time,
for a few hundred answers; the answers for every word the stage can ask about are
computed here once, from the installed simplemma and wordfreq packages:

1. ``not_in_dictionary[lang]``: for each language simplemma supports and wordfreq has a
   list for, the words of Zipf ≥ 4.5 in wordfreq's list (frequency band ≤ 450) that
   ``simplemma.is_known`` rejects. The stage asks only about words that frequent, so
   every other frequent word of one wordfreq token is known. wordfreq's keys are
   case-folded: a Greek word ending in σ is asked about as written (final ς), a German
   "ss" also as "ß".
   ``compounds_in_dictionary[lang]``: the entries of simplemma's dictionary that are not
   one token for wordfreq ("най-доброто") but as frequent as that once wordfreq combines
   their parts (lower case, as the stage asks).
2. ``proper[lang]``: for the same languages (cased scripts only), one a line, the words of Zipf ≥
   :data:`~storyline.entities.lexicon.COMMON_MIN_ZIPF` (letters only) that are *not*
   common words: ``simplemma.is_known`` rejects them or their lemma is capitalised
   ("michael" → "Michael", "путин" → "Путин"). Every other word that frequent is a
   common word of the language ("stávka", "piloti", "заради"): a capitalised one at the
   edge of a run of capitalised words is not part of the name. Left out: languages that
   capitalise every noun, and those where simplemma rejects more than half of these words
   (its dictionary is too thin there to call a word common).
3. ``german_adjectives``: the words of wordfreq's German list whose capitalised form
   simplemma lemmatises to a different, lower-case lemma ("Europäische" → "europäisch").

Re-run after upgrading simplemma or wordfreq. Prints the counts and the file size.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
from importlib.metadata import version
from itertools import product
from pathlib import Path

import simplemma
from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY, SUPPORTED_LANGUAGES
from wordfreq import available_languages, read_cBpack, zipf_frequency

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "storyline" / "entities" / "data" / "lexicon.json.gz"
sys.path.insert(0, str(ROOT))

from storyline.entities.knowledge import NOUN_CAPITALISING  # noqa: E402
from storyline.entities.lexicon import COMMON_MIN_ZIPF, DICTIONARY_MIN_ZIPF, WF_ALIAS  # noqa: E402

MAX_BAND = round((9 - DICTIONARY_MIN_ZIPF) * 100)  # zipf = 9 - band / 100
COMMON_MAX_BAND = round((9 - COMMON_MIN_ZIPF) * 100)


def spellings(word: str, lang: str) -> list[str]:
    """The ways a case-folded wordfreq key may be written in running text."""
    out = [word]
    if lang == "el" and word.endswith("σ"):
        out.append(word[:-1] + "ς")
    if lang == "de" and "ss" in word and word.count("ss") <= 3:
        parts = word.split("ss")
        for joins in product(("ss", "ß"), repeat=len(parts) - 1):
            spelt = parts[0] + "".join(j + p for j, p in zip(joins, parts[1:], strict=True))
            if spelt != word:
                out.append(spelt)
    return out


def languages(paths: dict[str, str]) -> list[tuple[str, str]]:
    """(simplemma language, wordfreq code) of each language both packages have."""
    pairs = [(lang, WF_ALIAS.get(lang, lang)) for lang in sorted(SUPPORTED_LANGUAGES)]
    return [(lang, code) for lang, code in pairs if code in paths]


def not_in_dictionary(paths: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lang, code in languages(paths):
        started = time.perf_counter()
        pack = read_cBpack(paths[code])
        frequent = [w for bucket in pack[: MAX_BAND + 1] for w in bucket]
        unknown = [w for w in frequent if not any(simplemma.is_known(s, lang=lang) for s in spellings(w, lang))]
        out[lang] = sorted(unknown)
        print(f"{lang}: {len(frequent)} frequent words, {len(unknown)} unknown ({time.perf_counter() - started:.1f} s)")
    return out


def _cased(word: str) -> bool:
    return word.upper() != word.lower()


def _common(word: str, lang: str) -> bool:
    """simplemma knows the word and its lemma is written in lower case."""
    for s in spellings(word, lang):
        if simplemma.is_known(s, lang=lang):
            lemma = simplemma.lemmatize(s, lang=lang)
            if lemma[:1].islower():
                return True
    return False


def proper(paths: dict[str, str]) -> dict[str, str]:
    """Per language, the words one a line (one string: cheaper to read than a list)."""
    out: dict[str, str] = {}
    for lang, code in languages(paths):
        pack = read_cBpack(paths[code])
        frequent = [w for bucket in pack[: COMMON_MAX_BAND + 1] for w in bucket if _LETTERS.match(w)]
        if not frequent or sum(map(_cased, frequent[:200])) < 100:
            continue  # a script without capitals: the recogniser does not look at capitals there
        found = [w for w in frequent if not _common(w, lang)]
        if lang in NOUN_CAPITALISING or len(found) * 2 > len(frequent):
            # every noun capitalised (the recogniser does not ask there), or a dictionary too
            # thin to tell a common word from a name (then no word is called common)
            print(f"{lang}: skipped ({len(found)} of {len(frequent)} not common words)")
            continue
        out[lang] = "\n".join(sorted(found))
        print(f"{lang}: {len(frequent)} words of Zipf >= {COMMON_MIN_ZIPF}, {len(found)} not common words")
    return out


def compounds_in_dictionary(paths: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lang, code in languages(paths):
        found = set()
        for key in DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang):
            low = key.lower()
            if low.isalpha() or key not in (low, low.capitalize()):
                continue  # one token, or not found by a lower-case query
            if zipf_frequency(low, code) >= DICTIONARY_MIN_ZIPF:
                found.add(low)
        out[lang] = sorted(found)
        print(f"{lang}: {len(found)} frequent entries of several tokens")
    return out


def _lemma_lower(word: str) -> bool:
    lemma = simplemma.lemmatize(word, lang="de")
    return bool(lemma) and lemma[0].islower() and lemma.lower() != word.lower()


_LETTERS = re.compile(r"^[^\W\d_]+$")


def german_adjectives(paths: dict[str, str]) -> list[str]:
    found = []
    for bucket in read_cBpack(paths["de"]):
        for w in bucket:
            if _LETTERS.match(w) and any(_lemma_lower(s[0].upper() + s[1:]) for s in spellings(w, "de")):
                found.append(w)
    print(f"de: {len(found)} capitalised words with a lower-case lemma")
    return sorted(found)


def main() -> None:
    paths = available_languages()
    data = {
        "built_by": "scripts/build_lexicon.py",
        "built_from": {"simplemma": version("simplemma"), "wordfreq": version("wordfreq")},
        "dictionary_min_zipf": DICTIONARY_MIN_ZIPF,
        "not_in_dictionary": not_in_dictionary(paths),
        "compounds_in_dictionary": compounds_in_dictionary(paths),
        "german_adjectives": german_adjectives(paths),
        "common_min_zipf": COMMON_MIN_ZIPF,
        "proper": proper(paths),
    }
    data["dictionary_languages"] = sorted(data["not_in_dictionary"])
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    OUT.write_bytes(gzip.compress(raw, mtime=0))
    print(f"wrote {OUT.relative_to(ROOT)}: {OUT.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
