"""Per-language word lists for date expressions, built once per language.

Sources, merged: CLDR month and weekday names through babel (format = genitive
and stand-alone = nominative forms, wide and abbreviated), dateparser's language
data (more spellings, plus phrases such as "letzte woche" or "šodien" for some 200
locales) and the hand-written grammar words in :mod:`storyline.dates.tables`.

Every word is compared in :func:`norm` form (case-folded, combining marks
stripped), so "Φεβρουάριο" and "φεβρουαριο" are the same word. Inflected
languages (:data:`~storyline.dates.tables.STEMMED`) also match a word by its stem:
"piektdien" and "piektdienā" both reach "piektdiena", "jūlijā" reaches "jūlijs",
"Φεβρουάριο" reaches "Φεβρουάριος". Compounding languages match a weekday at the
start of a longer word ("Donnerstagabend").
"""

from __future__ import annotations

import importlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from storyline.dates.tables import CAPITALISED, COMPOUNDING, STEMMED, TABLES, WEEKDAY_STEMMED

log = logging.getLogger(__name__)

#: Digits, one CJK character (those scripts write no spaces), runs of other letters,
#: or one other non-space character.
TOKEN = re.compile(r"\d+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W\d_]+|[^\w\s]")

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

Tags = dict[str, Any]


_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=262_144)
def norm(word: str) -> str:
    """Case-fold, unify apostrophes and strip combining marks: the form every comparison uses."""
    folded = word.casefold().translate(_APOSTROPHES)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(phrase: str) -> tuple[str, ...]:
    """A phrase as the tuple of normalised tokens the matcher compares."""
    return tuple(norm(m.group()) for m in TOKEN.finditer(phrase))


# distinct raw tokens remembered per language (~6 MB each); on BSNLP the 20k commonest
# cover ≥ 95% of each language's tokens
SEEN_MAX = 50_000


@dataclass(slots=True)
class Lexicon:
    """Everything the matcher knows about one language."""

    language: str
    words: dict[str, Tags] = field(default_factory=dict)
    stems: dict[str, Tags] = field(default_factory=dict)
    phrases: dict[str, list[tuple[tuple[str, ...], Tags]]] = field(default_factory=dict)
    weekday_names: tuple[tuple[str, int], ...] = ()
    not_after: dict[str, frozenset[str]] = field(default_factory=dict)
    fut_suffix: tuple[str, ...] = ()
    clitics: tuple[str, ...] = ()
    capitalised: bool = False
    weekdays_capitalised: bool = False
    compound: bool = False
    stemmed: bool = False
    # raw token -> (normalised form, tags): words repeat from article to article, and
    # normalising and stem lookups were most of the stage's time; emptied past ``SEEN_MAX``
    seen: dict[str, tuple[str, Tags | None]] = field(default_factory=dict)

    def add(
        self, phrase: str, kind: str, value: Any = True, *, stem: bool = False, cuts: tuple[int, ...] = (1, 2)
    ) -> None:
        """Register ``phrase`` as ``kind`` (first registration of a kind wins)."""
        toks = words_of(phrase)
        if not toks:
            return
        if len(toks) == 1:
            self.words.setdefault(toks[0], {}).setdefault(kind, value)
            if stem and self.stemmed:
                for root in _stems(toks[0], cuts):
                    self.stems.setdefault(root, {}).setdefault(kind, value)
        else:
            bucket = self.phrases.setdefault(toks[0], [])
            for known, tags in bucket:
                if known == toks:
                    tags.setdefault(kind, value)
                    break
            else:
                bucket.append((toks, {kind: value}))
                bucket.sort(key=lambda item: -len(item[0]))

    def lookup(self, word: str) -> Tags | None:
        """Tags of one normalised word: exact, then by stem, then compound, then clitic."""
        tags = self.words.get(word)
        if tags is not None:
            return tags
        if self.stemmed and len(word) >= 4:
            for cut in range(0, min(4, len(word) - 3)):
                tags = self.stems.get(word[: len(word) - cut] if cut else word)
                if tags is not None:
                    return {**tags, "stemmed": True}
        if self.compound and len(word) > 7:
            for name, day in self.weekday_names:
                if word.startswith(name) and len(word) - len(name) >= 3:
                    return {"WD": day, "compound": True}
        if self.clitics and len(word) > 3 and word[0] in self.clitics:
            return self.lookup(word[1:])
        return None


def _stems(word: str, cuts: tuple[int, ...]) -> list[str]:
    """The roots an inflected form may share with ``word`` (drop 1–2 final letters)."""
    out = [word]
    for cut in cuts:
        root = word[:-cut]
        if len(root) >= 4:
            out.append(root)
    return out


def _babel_names(language: str) -> tuple[list[tuple[str, int, bool]], list[tuple[str, int]]]:
    """Month names (name, month, strong) and weekday names (name, 0=Monday) from CLDR."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return [], []
    months: list[tuple[str, int, bool]] = []
    for context in ("format", "stand-alone"):
        for width, strong in (("wide", True), ("abbreviated", False)):
            for number, name in locale.months.get(context, {}).get(width, {}).items():
                name = str(name).rstrip(".")
                months.append((name, int(number), strong or len(name) >= 5))
    days: list[tuple[str, int]] = []
    for context in ("format", "stand-alone"):
        for number, name in locale.days.get(context, {}).get("wide", {}).items():
            days.append((str(name), int(number)))
    return months, days


_DP_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december")
_DP_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DP_REL = re.compile(r"^(?:(in) )?(\d+) (day|week|month|year)(?: (ago))?$")


def _dateparser_info(language: str) -> dict[str, Any]:
    """dateparser's data for ``language`` (empty when it has none)."""
    try:
        module = importlib.import_module(f"dateparser.data.date_translation_data.{language}")
    except ImportError:
        return {}
    info: dict[str, Any] = getattr(module, "info", {})
    return info


@lru_cache(maxsize=64)
def lexicon(language: str | None) -> Lexicon:
    """The lexicon of ``language`` (ISO 639-1), built once and cached.

    Unknown or missing languages get English grammar words; month and weekday names
    still come from CLDR when babel knows the language.
    """
    lang = (language or "en").split("-")[0].split("_")[0].lower()
    info = _dateparser_info(lang)
    table = TABLES.get(lang, {} if info else TABLES["en"])
    lex = Lexicon(
        language=lang,
        capitalised=lang in CAPITALISED,
        compound=lang in COMPOUNDING,
        stemmed=lang in STEMMED,
        fut_suffix=tuple(s.casefold() for s in table.get("fut_suffix", ())),  # accents matter: "será" ≠ "para"
        clitics=tuple(table.get("clitics", ())),
    )
    months, days = _babel_names(lang)
    if not months and not info:
        months, days = _babel_names("en")  # a language nobody describes: English names beat none
    for i, key in enumerate(_DP_MONTHS, start=1):
        for name in info.get(key, ()):
            months.append((name, i, len(name) >= 5))
    for i, key in enumerate(_DP_DAYS):
        for name in info.get(key, ()):
            if len(name) >= 5 or lang in ("ar", "he", "fa", "tr"):  # short full names; CJK abbreviations are one sign
                days.append((name, i))
    lex.capitalised = lex.capitalised or (bool(months) and all(name[:1].isupper() for name, _, _ in months[:12]))
    for name, number, strong in months:
        lex.add(name, "MON" if strong else "MONW", number, stem=strong)
    weekday_names: dict[str, int] = {}
    lex.weekdays_capitalised = bool(days) and all(name[:1].isupper() for name, _ in days[:7])
    # weekday names collide with ordinals once cut short (el "Δευτέρα"/"δεύτερη", pl
    # "piątek"/"piąty"): only languages whose weekday endings are regular get stems
    weekday_cuts = (1,) if lang in WEEKDAY_STEMMED else ()
    for name in table.get("weekdays_extra", ()):
        days.append(name)
    for name, number in days:
        lex.add(name, "WD", number, stem=bool(weekday_cuts), cuts=weekday_cuts)
        weekday_names.setdefault(norm(name), number)
    lex.weekday_names = tuple(sorted(weekday_names.items(), key=lambda item: -len(item[0])))
    _add_grammar(lex, table)
    _add_dateparser_phrases(lex, info)
    return lex


def _add_grammar(lex: Lexicon, table: dict[str, Any]) -> None:
    for word, offset in table.get("rel", {}).items():
        lex.add(word, "REL", offset, stem=False)
    for word, (unit, offset) in table.get("rel_words", {}).items():
        lex.add(word, "RELU", (unit, offset))
    for key, value in (("past", -1), ("this", 0), ("next", 1)):
        for word in table.get(key, ()):
            lex.add(word, "MOD", value)  # no stems: ru "прошла" (took place) is not "прошлой" (last)
    for unit in ("day", "week", "month", "year", "decade", "century"):
        for word in table.get(unit, ()):
            lex.add(word, "UNIT", unit, stem=True)
    for word in table.get("plural", ()):
        lex.add(word, "PLURAL")
    for word, code in table.get("season", {}).items():
        lex.add(word, "SEASON", code, stem=True)
    for word, before in table.get("not_after", {}).items():
        lex.not_after[norm(word)] = frozenset(norm(b) for b in before)
    for word, value in table.get("num", {}).items():
        lex.add(word, "NUMW", value)
    for word, value in table.get("ordw", {}).items():
        lex.add(word, "ORDW", value)
    simple = {
        "ago_pre": "AGO_PRE", "ago_post": "AGO_POST", "fut": "FUT",
        "to": "TO", "yearword": "YEARW", "glue": "GLUE", "ordsuf": "ORD", "early": "EARLY",
        "part": "PART", "quarter": "QUARTER", "daywords": "DAYW",
    }
    for key, kind in simple.items():
        for word in table.get(key, ()):
            lex.add(word, kind, stem=kind in ("PART", "EARLY"))
    for key, ref in (("present", "PRESENT_REF"), ("past_ref", "PAST_REF"), ("future", "FUTURE_REF")):
        for word in table.get(key, ()):
            lex.add(word, "VAGUE", ref)


def _add_dateparser_phrases(lex: Lexicon, info: dict[str, Any]) -> None:
    """Relative phrases from dateparser ("1 week ago": ["letzte woche"]) as our tags."""
    for key, phrases in info.get("relative-type", {}).items():
        match = _DP_REL.match(key)
        if not match:
            continue
        forward, count, unit, _ago = match.groups()
        offset = int(count) * (1 if forward else -1)
        for phrase in phrases:
            if "." in phrase or (len(phrase) < 3 and not _CJK.search(phrase)):
                continue  # abbreviations; a CJK word of two signs is a whole word
            if unit == "day":
                lex.add(phrase, "REL", offset)
            else:
                lex.add(phrase, "RELU", (unit, offset))
