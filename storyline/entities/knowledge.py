"""What the entity stage knows before and beyond one article.

* :class:`Gazetteer`: places and organisations from shipped data (``data/gazetteer.json.gz``
  built by ``scripts/build_gazetteer.py`` from CLDR, pycountry and GeoNames; ``data/known.toml``
  written by us; the user's alias file), indexed by :func:`~storyline.entities.normalize.name_key`
  so inflected and transliterated forms find their entry.
* :class:`Cues`: per-language title, organisation and place words (``data/cues.toml``).
* :class:`KnowledgeBase`: the entities seen so far (id, canonical name, type, variants with
  counts), the memory that lets "Putin" in one article resolve to the "Wladimir Putin" of
  another. It is loaded from and saved to the store.
* :class:`Aliases`: the user's ``aliases.toml`` (add names, merge, split).

Everything here is loaded once per process (``functools.lru_cache``) or once per stage.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from storyline.entities.normalize import (
    ANY_SCRIPT,
    CASED_SCRIPTS,
    KEY_VERSION,
    LATIN,
    coarse_name,
    fold_key,
    name_key,
    plain_key,
    script_bit,
    split_name,
    strip_ending,
    text_key,
    token_key,
)
from storyline.errors import ConfigError, StorylineError
from storyline.models import EntityType

log = logging.getLogger(__name__)

# languages that write every noun with a capital: a capital there says little
NOUN_CAPITALISING = frozenset({"de", "lb"})
# languages that compound titles and keywords ("Außenminister"): cues also match word ends
COMPOUNDING = frozenset({"de", "nl", "sv", "da", "no", "nb", "fi", "el", "lb", "is"})
_TYPES: set[str] = {"PER", "LOC", "ORG", "MISC"}
# letters case endings are made of, once folded (Białorusi, Krievijas, Trumpem)
_ENDING_LETTERS = frozenset("aeiousmh")
_NOMINATIVE_ENDINGS = ("a", "o", "e", "s")  # what a case ending replaces in a place's name
# what a case ending replaces in a place's name spelt plainly (Gazetteer._plain_stem): also
# the "i" of "Soči", "y" of "Praha"'s plural-looking kin, and the "ia" of "Walia" ("Walii")
_PLAIN_ENDINGS = ("", "a", "o", "e", "s", "i", "y", "u", "ia")
# A spelling as written matches a name of another script only from this many folded letters
# (shorter ones meet by accident: "Мей" and the Latin "Mei" of a Chinese city), and only a
# name in a cased script: a romanised Bengali or Arabic name is a guess ("Франс" ~ ফ্রান্স)
_CROSS_SCRIPT_FOLD = 5


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    id: str
    name: str
    type: EntityType
    priority: int
    country: str = ""  # ISO code of a city's country (or the country's own); "" when not known


def _data(name: str) -> Any:
    return resources.files("storyline.entities").joinpath("data").joinpath(name)


def plain(word: str) -> str:
    """Lower case without accents (for matching cue words)."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c)).replace(
        "’", "'"
    )


class Gazetteer:
    """Names of places and organisations by key, the highest priority entry winning a key."""

    def __init__(self) -> None:
        self.by_key: dict[str, GazetteerEntry] = {}
        self.by_fold: dict[str, GazetteerEntry] = {}
        # scripts (normalize.script_bit, or-ed) of the winning entry's names behind each key
        self.key_scripts: dict[str, int] = {}
        self.fold_scripts: dict[str, int] = {}
        self.acronyms: dict[str, GazetteerEntry] = {}  # all-caps names, matched as written
        # first words (folded and keyed) of the names of several words: a cheap pre-check
        self.first_words: set[str] = set()
        # first two words (folded and keyed) of the names of three words or more
        self.first_pairs: set[str] = set()
        self._single: dict[str, tuple[GazetteerEntry, str] | None] = {}
        self._multi: dict[tuple[str, ...], tuple[GazetteerEntry, str] | None] = {}
        self.main_keys: dict[str, GazetteerEntry] = {}  # key of each entry's main name
        self.plains: frozenset[str] = frozenset()  # plain Latin spellings of places' names
        # case forms of one-word names from simplemma's dictionaries ("Polsce", "Walii"):
        # folded form -> (entry, scripts of the forms)
        self.forms: dict[str, tuple[GazetteerEntry, int]] = {}
        self.non_entities: frozenset[str] = frozenset()
        self.calendar_keys: frozenset[str] = frozenset()
        self.homes: dict[str, frozenset[str]] = {}  # language -> territories where it is at home
        self.max_tokens = 1

    def copy(self) -> Gazetteer:
        """A gazetteer with the same names that :meth:`add` can extend without touching this one."""
        gaz = Gazetteer()
        gaz.by_key = dict(self.by_key)
        gaz.by_fold = dict(self.by_fold)
        gaz.key_scripts = dict(self.key_scripts)
        gaz.fold_scripts = dict(self.fold_scripts)
        gaz.acronyms = dict(self.acronyms)
        gaz.first_words = set(self.first_words)
        gaz.first_pairs = set(self.first_pairs)
        gaz.main_keys = dict(self.main_keys)
        gaz.plains = self.plains
        gaz.forms = self.forms
        gaz.non_entities = self.non_entities
        gaz.calendar_keys = self.calendar_keys
        gaz.homes = self.homes
        gaz.max_tokens = self.max_tokens
        return gaz

    def add(self, entry: GazetteerEntry, names: list[str]) -> None:
        for n in names:
            if n.isupper() and len(n) <= 6 and " " not in n:
                self.acronyms[n.replace(".", "")] = entry
        names = [n for n in names if not (n.isupper() and len(n) <= 6 and " " not in n)]
        keys = [name_key(split_name(n)) for n in names]
        folds = [fold_key(split_name(n)) for n in names]
        bits = [script_bit(n) for n in names]
        self.add_keys(entry, keys, folds, bits, bits)

    def add_keys(
        self,
        entry: GazetteerEntry,
        keys: list[str],
        folds: list[str],
        key_scripts: list[int] | None = None,
        fold_scripts: list[int] | None = None,
    ) -> None:
        """Index an entry's keys and folds, each with the scripts of the names it came from
        (unknown: any script)."""
        for index, scripts, found, bits in (
            (self.by_key, self.key_scripts, keys, key_scripts),
            (self.by_fold, self.fold_scripts, folds, fold_scripts),
        ):
            for n, key in enumerate(found):
                if len(key.replace(" ", "")) < 2:
                    continue
                bit = bits[n] if bits is not None else ANY_SCRIPT
                old = index.get(key)
                if old is entry:
                    scripts[key] = scripts.get(key, 0) | bit
                    continue
                if old is None or entry.priority > old.priority:
                    index[key] = entry
                    scripts[key] = bit
                    if " " in key:
                        words = key.split(" ")
                        self.first_words.add(words[0])
                        if len(words) >= 3:
                            self.first_pairs.add(f"{words[0]} {words[1]}")
                        self.max_tokens = max(self.max_tokens, len(words))

    def foreign(self, entry: GazetteerEntry, lang: str | None) -> bool:
        """Is the entry's country none where ``lang`` is at home? (False when either is unknown.)"""
        homes = self.homes.get(lang or "")
        return bool(entry.country and homes) and entry.country not in homes  # type: ignore[operator]

    def may_start(self, word: str) -> bool:
        """Could a name of several words start with ``word``?"""
        return fold_key((word,)) in self.first_words or token_key(word) in self.first_words

    def may_go_on(self, first: str, second: str) -> bool:
        """Could a name of three words or more start with these two words?"""
        f1, f2 = fold_key((first,)), fold_key((second,))
        k1, k2 = token_key(first), token_key(second)
        if not (f1 and f2 and k1 and k2):
            return True  # a word without a key shifts the others: no shortcut
        return f"{f1} {f2}" in self.first_pairs or f"{k1} {k2}" in self.first_pairs

    def lookup(self, tokens: tuple[str, ...] | list[str]) -> GazetteerEntry | None:
        """The entry for a name as written, inflected or not (see :meth:`match`)."""
        found = self.match(tokens) if len(tokens) == 1 or self.may_start(tokens[0]) else None
        return found[0] if found else None

    def _in_script(self, hit: GazetteerEntry, folded: str, script: int) -> bool:
        """Does a name in ``script`` stand behind the spelling ``folded`` of ``hit``, or behind
        its stem? ("Афинах" less "х" is the Latin "Afina", but Cyrillic "Афины" has its stem.)"""
        if self.fold_scripts.get(folded, 0) & script:
            return True
        words = folded.split(" ")
        stem = " ".join(strip_ending(w) for w in words)
        return self.by_key.get(stem) is hit and bool(self.key_scripts.get(stem, 0) & script)

    def match(self, tokens: tuple[str, ...] | list[str]) -> tuple[GazetteerEntry, str] | None:
        """:meth:`match_uncached`, remembered (up to 300,000 single words and as many word runs)."""
        single = len(tokens) == 1
        cache: dict[Any, tuple[GazetteerEntry, str] | None] = self._single if single else self._multi
        key: Any = tokens[0] if single else tuple(tokens)
        if key in cache:
            return cache[key]
        found = self.match_uncached(tokens)
        if len(cache) < 300_000:
            cache[key] = found
        return found

    def match_uncached(self, tokens: tuple[str, ...] | list[str]) -> tuple[GazetteerEntry, str] | None:
        """The entry for a name and how it matched: ``acronym``, ``fold``, ``form``, ``cut``,
        ``swap`` or ``key``.

        Cheapest and surest first: an all-caps acronym as written (EU, ЕС); the exact folded
        spelling; a case form the dictionaries list (Polsce = Polska, in the word's own
        script); the folded spelling less a case ending of up to three letters on the last
        word (Białorusi = Białoruś + i); the case ending swapped for a nominative one
        (Москве = Москва, Prahy = Praha); the suffix-stripped key (Ziemeļkoreju ~ Ziemeļkoreja).
        Single words need at least three letters, four for the looser ways, and cities
        (below country priority) a key of four letters. Keys fold every script onto Latin
        letters, so the looser ways accept a key only from a name in the word's own script
        (or, for a cut or swapped ending, a stem of it: "Афинах"), and the spelling as
        written one from another cased script only from five letters: "Έλληνας" less its
        ending is not the "Элджин" (Elgin) it folds like.
        """
        if len(tokens) == 1:
            word = tokens[0].replace(".", "")
            if word.isupper() and len(word) <= 6:
                hit = self.acronyms.get(word.split("-")[0])
                if hit is not None:
                    return hit, "acronym"
                if len(word) < 5:
                    return None
        folded = fold_key(tokens)
        if len(folded) < 3:
            return None
        script = script_bit(tokens[0])
        hit = self.by_fold.get(folded)
        scripts = self.fold_scripts.get(folded, 0)
        if (
            hit is not None
            and (scripts & script or (len(folded) >= _CROSS_SCRIPT_FOLD and scripts & CASED_SCRIPTS))
            # a place as written only when its plain spelling is a name: "Polacy" is not Pollachi,
            # though both fold to "polaci", nor "Cameron" Cameroon (doubled letters fold to one)
            and self._plain(tokens, hit, script)
        ):
            if hit.priority >= 10**9 or self.main_keys.get(name_key(tokens)) is hit:
                return hit, "fold"
            # a town's alternate name as written yields to a country's case form: "Danii"
            # is Polish for "of Denmark" before it is a transcription of a Chinese town
            country = self._loose(tokens, folded, script)
            return country if country is not None and country[0].priority >= 10**9 else (hit, "fold")
        return self._loose(tokens, folded, script)

    def _loose(
        self, tokens: tuple[str, ...] | list[str], folded: str, script: int
    ) -> tuple[GazetteerEntry, str] | None:
        """The loose ways of :meth:`match_uncached`: a listed case form, a case ending cut or
        swapped, then the key."""
        form = self.forms.get(folded)
        if form is not None and form[1] & script:
            return form[0], "form"
        last = folded.rsplit(" ", 1)[-1]
        # every reading of the ending is looked up; a country or region beats a town, a town
        # under its own name beats another's alias, then the largest wins: "Kanady" is
        # Kanad-a less its ending, not an alias "Kannad" of Cannes plus "y"; "Bernie" is Bern
        loose: tuple[GazetteerEntry, str] | None = None
        rank: tuple[bool, int, bool, int] = (False, -1, False, -1)
        for cut in (1, 2, 3):
            if len(last) - cut < 4 or last[-cut] not in _ENDING_LETTERS:
                break
            hit = self.by_fold.get(folded[:-cut])
            reading = folded[:-cut]
            if hit is not None and self._in_script(hit, reading, script) and self._plain_stem(tokens, hit, script):
                if (mine := _rank(hit, reading, len(folded) - cut)) > rank:
                    loose, rank = (hit, "cut"), mine
        for cut in (1, 2):
            # the case ending replaces the nominative's (Москве = Москв-а, Warszawie = Warszaw-a;
            # "-ii" folds to one "i": Walii = Wal-ia, Венеции = Венец-ия)
            if len(last) - cut < (3 if cut == 1 and last.endswith("i") else 4) or last[-cut] not in _ENDING_LETTERS:
                break
            short = len(last) - cut < 4  # only "-ii" for "-ia" reads a stem of three letters
            for ending in ("ia",) if short else _NOMINATIVE_ENDINGS if cut == 2 else (*_NOMINATIVE_ENDINGS, "ia"):
                if cut == 1 and ending == last[-1]:
                    continue  # the spelling as written, looked up above
                reading = folded[:-cut] + ending
                hit = self.by_fold.get(reading)
                if hit is not None and self._in_script(hit, reading, script) and self._plain_stem(tokens, hit, script):
                    if (mine := _rank(hit, reading, len(folded) - cut)) > rank:
                        loose, rank = (hit, "swap"), mine
        if loose is not None:
            return loose
        key = name_key(tokens)
        hit = self.by_key.get(key)
        if hit is None or len(key) < 3 or not self.key_scripts.get(key, 0) & script:
            return None
        if len(key) == 3 and key == folded:
            return None  # a bare three-letter word is no stem of a longer name ("Air" ~ Airija, "Нью" ~ Niue)
        if hit.priority < 10**9 and self.main_keys.get(key) is not hit:
            return None  # towns match loosely only under their main name (Sočos ~ Sochi), not any alias
        if not self._plain_stem(tokens, hit, script) or (key == folded and not self._plain(tokens, hit, script)):
            return None  # (a key that strips nothing is the spelling as written, looked up above)
        return hit, "key"

    def _plain(self, tokens: tuple[str, ...] | list[str], hit: GazetteerEntry, script: int) -> bool:
        """May a spelling match ``hit`` as written? A Latin one only when it is a name
        spelt plainly (the names written by hand, of :data:`known.toml` and the alias
        file, are not listed: any spelling that folds like them will do)."""
        return hit.priority >= 10**12 or script != LATIN or not self.plains or plain_key(tokens) in self.plains

    def _plain_stem(self, tokens: tuple[str, ...] | list[str], hit: GazetteerEntry, script: int) -> bool:
        """May a Latin spelling read loosely as a place? Only when, spelt plainly
        (:func:`~storyline.entities.normalize.plain_key`), it is a name of the same place
        less up to three letters of ending, or with a vowel or "s" in their place
        ("Camerona" is no case form of Cameroon).

        The folding that makes "Xinyang" and "Xinjiang" one key ("ksiniang") is for
        transliterations between scripts; within Latin letters a case form keeps its
        nominative's stem as written ("Warszawie" ~ Warszawa, "Sočos" ~ Soči).
        """
        if script != LATIN or hit.priority >= 10**12 or not self.plains or (hit.priority >= 10**9 and len(tokens) > 1):
            return True  # (a country's name of several words inflects in every word: "Wielkiej Brytanii")
        word = plain_key(tokens)
        for cut in range(0, 4):
            stem = word[: len(word) - cut]
            if len(stem) < 3:
                break
            for ending in _PLAIN_ENDINGS:
                name = stem + ending
                if name in self.plains and self.by_fold.get(fold_key(name.split(" "))) is hit:
                    return True
        return False


def _rank(entry: GazetteerEntry, folded: str, kept: int) -> tuple[bool, int, bool, int]:
    """How sure a loose reading of a word as ``entry`` (under its spelling ``folded``,
    keeping ``kept`` letters of the word) is: a country first, then the reading that keeps
    more of the word ("Венеции" is Венеци-я, Venice, before Венет-о, Veneto), then an entry
    under its own name, then the larger."""
    return entry.priority >= 10**9, kept, fold_key(split_name(entry.name)) == folded, entry.priority


@lru_cache(maxsize=1)
def base_gazetteer() -> Gazetteer:
    """The shipped gazetteer (built data + known.toml), loaded once per process."""
    gaz = Gazetteer()
    with _data("gazetteer.json.gz").open("rb") as fh:
        data = json.loads(gzip.decompress(fh.read()))
    if data.get("key_version") != KEY_VERSION:
        raise StorylineError(
            "storyline/entities/data/gazetteer.json.gz was built with another key version;"
            " run scripts/build_gazetteer.py"
        )
    entries: dict[str, GazetteerEntry] = {}
    for ident, name, kind, priority, keys, folds, key_scripts, fold_scripts, country in data["places"]:
        entry = GazetteerEntry(ident, name, kind, int(priority), country)
        entries[ident] = entry
        gaz.add_keys(entry, keys, folds, key_scripts, fold_scripts)
        gaz.main_keys.setdefault(text_key(name), entry)
    gaz.plains = frozenset(data.get("plains", ()))
    gaz.forms = {folded: (entries[ident], int(bits)) for folded, (ident, bits) in data.get("case_forms", {}).items()}
    for acronym, ident in data.get("acronyms", {}).items():  # matched as written ("SAD", not "Sąd")
        gaz.acronyms[acronym] = entries[ident]
    known = tomllib.loads(_data("known.toml").read_text("utf-8"))
    for item in known.get("entity", []):
        gaz.add(GazetteerEntry(item["id"], item["name"], item["type"], 10**12), [item["name"], *item["names"]])
    gaz.non_entities = frozenset(data["non_entities"])
    gaz.homes = {lang: frozenset(found) for lang, found in data["home_territories"].items()}
    # months and weekdays in any case form ("Φεβρουάριο" like "Φεβρουάριος"), by key
    gaz.calendar_keys = frozenset(k for k in (text_key(w) for w in data["calendar"]) if len(k) >= 4)
    log.debug("gazetteer: %d keys, %d non-entities", len(gaz.by_key), len(gaz.non_entities))
    return gaz


@dataclass(frozen=True, slots=True)
class CueSet:
    exact: frozenset[str]
    prefixes: frozenset[str]
    suffixes: tuple[str, ...]
    seen: dict[str, bool] = field(default_factory=dict, compare=False, hash=False)  # answers so far

    def match(self, word: str) -> bool:
        """The word is a cue, inflected (a prefix plus at most four letters) or compounded."""
        known = self.seen.get(word)
        if known is not None:
            return known
        w = plain(word)
        found = w in self.exact or (bool(self.suffixes) and w.endswith(self.suffixes))
        if not found:
            for cut in range(0, 5):
                if cut and len(w) - cut < 2:
                    break
                if (w[:-cut] if cut else w) in self.prefixes:
                    found = True
                    break
        if len(self.seen) < 200_000:
            self.seen[word] = found
        return found


def _cue_set(words: list[str], compounding: bool) -> CueSet:
    words = [plain(w) for w in words]
    short = frozenset(w for w in words if len(w) <= 3 or " " in w)
    long_ = tuple(w for w in words if len(w) > 3 and " " not in w)
    return CueSet(short | frozenset(long_), frozenset(long_), long_ if compounding else ())


@dataclass(frozen=True, slots=True)
class Cues:
    """Title, organisation and place words of one language (plus English and shared ones)."""

    titles: CueSet
    org: CueSet
    loc: CueSet
    particles: frozenset[str]
    place_before: frozenset[str] = frozenset()  # prepositions of place of this language only
    # the organisation words of every other language, whole (five letters or more): names
    # travel untranslated ("Vereinigung Cockpit" in a Czech text)
    foreign_org: frozenset[str] = frozenset()

    def org_word(self, word: str) -> bool:
        """An organisation word of this language, or one of another language written whole."""
        return self.org.match(word) or (len(word) >= 5 and plain(word) in self.foreign_org)


@lru_cache(maxsize=1)
def _cue_data() -> dict[str, Any]:
    """``data/cues.toml``, parsed once per process (each language's :class:`Cues` picks from it)."""
    return tomllib.loads(_data("cues.toml").read_text("utf-8"))


@lru_cache(maxsize=64)
def cues_for(lang: str | None) -> Cues:
    data = _cue_data()
    langs = [lang or "en"]
    if "en" not in langs:
        langs.append("en")  # English titles and company words turn up everywhere
    compounding = (lang or "") in COMPOUNDING

    def pick(section: str) -> CueSet:
        words: list[str] = []
        for code in langs:
            words.extend(data[section].get(code, []))
        return _cue_set(words, compounding)

    return Cues(
        pick("titles"),
        pick("org"),
        pick("loc"),
        frozenset(data["particles"]["all"]),
        frozenset(data["place_before"].get(lang or "en", [])),
        frozenset(
            plain(w)
            for code, words in data["org"].items()
            if code not in langs
            for w in words
            if len(w) >= 5 and " " not in w
        ),
    )


# -- the user's alias file ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Aliases:
    """``aliases.toml``: add names to an entity, merge entities, split a name off one.

    ::

        [[entity]]                 # these names are one entity (created if new)
        name = "Alexander Lukashenko"
        type = "PER"
        names = ["Lukashenka", "Batka"]

        [[merge]]                  # all of these become the first
        names = ["Lukashenka", "per:aleksandr-lukasenk"]

        [[split]]                  # this name never resolves to that entity
        name = "Kim"
        not = "Kim Jong Un"
    """

    entities: tuple[tuple[GazetteerEntry, tuple[str, ...]], ...] = ()
    merges: tuple[tuple[str, ...], ...] = ()
    splits: tuple[tuple[str, str], ...] = ()

    @classmethod
    def load(cls, path: str | Path | None) -> Aliases:
        if not path:
            return cls()
        file = Path(path)
        if not file.exists():
            log.info("no alias file at %s", file)
            return cls()
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read alias file {file}: {exc}") from exc
        entities = []
        for item in data.get("entity", []):
            name = item.get("name")
            kind = item.get("type", "MISC")
            if not isinstance(name, str) or kind not in _TYPES:
                raise ConfigError(f"{file}: each [[entity]] needs a name and a type in {sorted(_TYPES)}")
            ident = item.get("id") or f"{kind.lower()}:{slug(text_key(name))}"
            names = tuple(str(n) for n in item.get("names", []))
            entities.append((GazetteerEntry(ident, name, kind, 10**13), (name, *names)))
        merges = tuple(tuple(str(n) for n in m.get("names", [])) for m in data.get("merge", []))
        splits = []
        for s in data.get("split", []):
            if "name" not in s or "not" not in s:
                raise ConfigError(f"{file}: each [[split]] needs name and not")
            splits.append((str(s["name"]), str(s["not"])))
        return cls(tuple(entities), tuple(m for m in merges if len(m) > 1), tuple(splits))


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(key: str) -> str:
    return _SLUG.sub("-", key.lower()).strip("-") or "x"


# -- the knowledge base --------------------------------------------------------------------


@dataclass(slots=True)
class VariantStat:
    text: str
    language: str | None
    script: str
    key: str
    count: int = 0
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass(slots=True)
class KBEntity:
    id: str
    name: str
    type: EntityType
    variants: dict[tuple[str, str | None], VariantStat] = field(default_factory=dict)
    count: int = 0
    articles: int = 0
    fixed_name: bool = False  # a gazetteer or alias entity keeps its canonical name
    names: dict[str, str] = field(default_factory=dict)  # one written form per distinct key
    ends: set[str] = field(default_factory=set)  # first and last word keys of its longer names
    votes: dict[str, int] = field(default_factory=dict)  # articles per type (see EntityLinker._vote)


def script_of(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return name.split(" ")[0].title() if name else "Unknown"
    return "Unknown"


class KnowledgeBase:
    """Entities seen so far, indexed for resolving new mentions."""

    def __init__(self) -> None:
        self.entities: dict[str, KBEntity] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_token: dict[str, set[str]] = defaultdict(set)
        self.by_coarse: dict[str, set[str]] = defaultdict(set)
        self.typed_tokens: set[str] = set()  # words of entities known to be PER, LOC or ORG
        self.dirty: set[str] = set()
        self.removed: set[str] = set()
        self.redirect: dict[str, str] = {}

    def index(self, entity: KBEntity, key: str, text: str) -> None:
        self.by_key[key].add(entity.id)
        for token in key.split():
            self.by_token[token].add(entity.id)
        self.by_coarse[coarse_name(split_name(text))].add(entity.id)

    def ensure(self, ident: str, name: str, kind: EntityType, *, fixed: bool = False) -> KBEntity:
        ident = self.redirect.get(ident, ident)
        entity = self.entities.get(ident)
        if entity is None:
            entity = KBEntity(ident, name, kind, fixed_name=fixed)
            self.entities[ident] = entity
            self.dirty.add(ident)
        return entity

    def add_variant(
        self, entity: KBEntity, text: str, language: str | None, key: str, seen: str | None, count: int = 1
    ) -> None:
        slot = (text, language)
        var = entity.variants.get(slot)
        if var is None:
            var = VariantStat(text, language, script_of(text), key)
            entity.variants[slot] = var
            if key not in entity.names:
                entity.names[key] = text
                self.index(entity, key, text)
                words = key.split()
                if len(words) > 1:
                    entity.ends.update((words[0], words[-1]))
                if entity.type != "MISC":
                    self.typed_tokens.update(words)
        var.count += count
        entity.count += count
        if seen:
            if var.first_seen is None or seen < var.first_seen:
                var.first_seen = seen
            if var.last_seen is None or seen > var.last_seen:
                var.last_seen = seen
        if not entity.fixed_name and (var.count == count or entity.count & (entity.count - 1) == 0):
            entity.name = canonical_name(entity)  # on a new variant, and now and then
        self.dirty.add(entity.id)

    def candidates(self, ids: set[str]) -> list[KBEntity]:
        out = []
        for i in sorted(ids):  # in id order, so that ties go the same way in every process
            e = self.entities.get(self.redirect.get(i, i))
            if e is not None:
                out.append(e)
        return out


_NAME_PARTS = re.compile(r"[\s\u00a0\-‐–]+")


def canonical_name(entity: KBEntity) -> str:
    """Prefer an English variant, then a Latin-script one, then the fullest (most
    capitalised words, hyphenated parts counted apart), then the commonest.

    Words are counted with the hyphenated parts apart, so that "Jean-Claude Juncker" and a
    case form split otherwise ("Jeanem Claudem Junckerem") are equally full; a case ending
    after a hyphen ("Brexit-ю") or a number ("Ryanair 2") is no word of the name. The form
    the press writes most often, the base form, wins by its count (summed over the
    languages that spell it alike: a nominative is shared, a case form is not).
    """

    written: dict[str, int] = defaultdict(int)  # a spelling's mentions in every language
    for v in entity.variants.values():
        written[v.text] += v.count

    def rank(v: VariantStat) -> tuple[int, int, int, int, int]:
        words = sum(1 for p in _NAME_PARTS.split(v.text) if p[:1].isupper())
        return (v.language == "en", v.script == "Latin", words, written[v.text], v.count)

    best = max(entity.variants.values(), key=rank, default=None)
    return best.text if best is not None else entity.name


__all__ = [
    "NOUN_CAPITALISING",
    "Aliases",
    "Cues",
    "Gazetteer",
    "GazetteerEntry",
    "KBEntity",
    "KnowledgeBase",
    "VariantStat",
    "base_gazetteer",
    "canonical_name",
    "cues_for",
    "plain",
    "script_of",
    "slug",
]
