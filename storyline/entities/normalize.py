"""Keys that make one name out of its spellings across languages and scripts.

A press name comes transliterated (Лукашенко, Λουκασένκο, Lukashenko, Lukaschenko,
Lukašenko) and inflected (Latvian Putins/Putina/Putinu, Greek Λευκορωσίας, German
Russlands). :func:`token_key` maps every one of those to the same short Latin key in
four steps, each cheap and language-independent:

1. Greek digraphs first (ου→u, ντ→nd, μπ→mb, γκ→ng, τζ→dz, αι→e...), because a letter-by-letter
   transliteration turns Πούτιν into "Poutin";
2. ``anyascii`` for every other script (Cyrillic, Armenian, Georgian, diacritics);
3. a phonetic-style folding of the spellings the same sound gets in different Latin
   orthographies: sch/sh/š→s, tsch/ch/č/cz→c, w→v, y/j→i, x→ks, ph→f, doubled letters once;
4. stripping one inflection ending (longest first, stem of at least three letters kept),
   from a single list for all languages, so that the name in the gazetteer and the
   inflected form in the text reduce to the same stem.

The same function is applied to gazetteer names and to text, so it does not matter
that a stem is not a word. :func:`skeleton` drops the vowels as well; it is a blocking key
for fuzzy matching (Трамп/Тръмп/Trump all give "trmp").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_GREEK_START = [("ντ", "d"), ("μπ", "b"), ("γκ", "g")]
_GREEK = [
    ("ου", "u"),
    ("αι", "e"),
    ("ει", "i"),
    ("οι", "i"),
    ("υι", "i"),
    ("αυ", "av"),
    ("ευ", "ev"),
    ("ηυ", "iv"),
    ("ντ", "nd"),
    ("μπ", "mb"),
    ("γκ", "ng"),
    ("γγ", "ng"),
    ("τζ", "dz"),
    ("τσ", "ts"),
    ("ξ", "ks"),
    ("ψ", "ps"),
    ("χ", "h"),
    ("θ", "t"),
    ("η", "i"),
    ("υ", "i"),
    ("β", "v"),
]
_GREEK_RE = re.compile(r"[\u0370-\u03ff]")

# Phonetic folding of Latin spellings (applied in this order, on lower-case ASCII).
_FOLD = [
    ("dzh", "i"),  # Cyrillic Дж for English J (Джонсън, Johnson), folded like j below
    ("tsch", "c"),
    ("sch", "s"),
    ("shch", "sc"),
    ("tch", "c"),
    ("sh", "s"),
    ("ch", "c"),
    ("cz", "c"),
    ("sz", "s"),
    ("zh", "z"),
    ("kh", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
]
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _ in _FOLD))
_FOLD_MAP = dict(_FOLD)
_DOUBLE = re.compile(r"(.)\1+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Inflection endings, in folded form, of the case languages of Europe (Slavic, Baltic,
# Greek, German genitive -s...). One list for all: a name never needs its ending to be
# recognised, and the stem only has to be the same on both sides.
_ENDINGS = sorted(
    {
        "iami",
        "iah",
        "iam",
        "ami",
        "ovi",
        "evi",
        "ogo",
        "ego",
        "omu",
        "emu",
        "ich",
        "ic",
        "ih",
        "im",
        "iei",
        "iu",
        "ia",
        "ii",
        "ie",
        "io",
        "ei",
        "oi",
        "ai",
        "om",
        "em",
        "am",
        "ou",
        "ui",
        "as",
        "is",
        "us",
        "os",
        "es",
        "ias",
        "iai",
        "ios",
        "ius",
        "eiu",
        "iem",
        "ies",
        "a",
        "e",
        "i",
        "o",
        "u",
        "s",
        "m",
    },
    key=len,
    reverse=True,
)
MIN_STEM = 3
# Czech and Slovak feminine surname endings (Mayová, Bibiovou, Merkelové): the name is the stem
_FEMININE = ("ovou", "ovej", "ová", "ové", "ovú")
# Bump when a change here changes keys: the shipped gazetteer stores keys made with it.
KEY_VERSION = 2


def _greek(text: str) -> str:
    text = re.sub(r"\b(ντ|μπ|γκ)", lambda m: dict(_GREEK_START)[m.group(1)], text)
    for a, b in _GREEK:
        text = text.replace(a, b)
    return text


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """Lower-case Latin folding of one token, without stripping an ending."""
    text = token.lower().replace("ß", "ss")
    if _GREEK_RE.search(text):
        text = _greek(_strip_marks(text))
    text = anyascii(text).lower()
    text = _NON_ALNUM.sub("", text)
    text = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], text)
    return _DOUBLE.sub(r"\1", text)


@lru_cache(maxsize=200_000)
def strip_ending(folded: str) -> str:
    """Remove the longest known inflection ending that leaves a stem of ``MIN_STEM`` letters."""
    if folded.isdigit():
        return folded
    stem = folded
    for ending in _ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= MIN_STEM:
            stem = folded[: -len(ending)]
            break
    # then the stem's own final vowels, so that endings which overlap ("-eju"/"-ju",
    # "-ija"/"-a") reduce to one stem whichever was stripped
    while len(stem) > MIN_STEM and stem[-1] in "aeiou":
        stem = stem[:-1]
    return stem


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """The matching key of one name token: folded, then one ending stripped.

    Acronyms (all capitals, up to six letters) keep their letters: "ТАСС" and "TASS"
    both give "tas", but "EU" does not lose its "u".
    """
    core = token
    if "-" in core:  # "EU-a", "NATO-s": an acronym with a case ending after a hyphen
        head, _, tail = core.partition("-")
        if head.isupper() and tail.islower() and len(tail) <= 3:
            core = head
    core = core.replace("'", "").replace("’", "")
    low = core.lower()
    if low.endswith(_FEMININE):
        stem = core[: -len(next(e for e in _FEMININE if low.endswith(e)))]  # Mayová -> May
        if len(stem) >= MIN_STEM:
            return fold(stem)
    folded = fold(core)
    if not folded:
        return ""
    if core.isupper() and len(core) <= 6:
        return folded
    return strip_ending(folded)


def name_key(tokens: tuple[str, ...] | list[str]) -> str:
    """Key of a multi-token name: the token keys joined by spaces."""
    if len(tokens) == 1:
        return token_key(tokens[0])
    return " ".join(k for k in (token_key(t) for t in tokens) if k)


def fold_key(tokens: tuple[str, ...] | list[str]) -> str:
    """Folded tokens without ending stripping (the exact-spelling index)."""
    if len(tokens) == 1:
        return _fold_one(tokens[0])
    return " ".join(f for f in (_fold_one(t) for t in tokens) if f)


@lru_cache(maxsize=200_000)
def _fold_one(token: str) -> str:
    return fold(token.replace("'", "").replace("’", ""))


def plain_key(tokens: tuple[str, ...] | list[str]) -> str:
    """A name spelt without case, accents or punctuation, in Latin letters, but without
    the phonetic folding of :func:`fold` ("Polacy" stays "polacy", not the "polaci" of
    Pollachi; "Wales" stays "wales", not the "vales" of Valles). The gazetteer keeps these
    for towns and regions: their folded spelling matches as written only when the plain
    one does too."""
    return " ".join(p for p in (_NON_ALNUM.sub("", anyascii(t).lower()) for t in tokens) if p)


def split_name(text: str) -> list[str]:
    """Tokens of a name as written ("Kim Jong-un" -> ["Kim", "Jong-un"])."""
    return [t for t in re.split(r"[\s\u00a0]+", text.strip()) if t]


def text_key(text: str) -> str:
    """:func:`name_key` of a name given as one string."""
    return name_key(split_name(text))


_SOUNDEX = {
    c: d
    for d, letters in (("1", "bfpv"), ("2", "cgjkqsxz"), ("3", "dt"), ("4", "l"), ("5", "mn"), ("6", "r"))
    for c in letters
}
_AFFRICATE = re.compile(r"tsch|dzh|sch|tch|dz|tz|ts|sh|ch|zh|cz|sz")


@lru_cache(maxsize=200_000)
def coarse(token: str) -> str:
    """A Soundex-style code of one token, across scripts: consonant classes, vowels dropped.

    Looser than :func:`token_key` on purpose: Korean "Jong-un" and Latvian "Čenun", Greek
    "Τζινπίνγκ" and "Jinping" get one code. Only ever used together with a fuzzy score.
    """
    text = token.lower()
    if _GREEK_RE.search(text):
        text = _greek(_strip_marks(text))
    text = _NON_ALNUM.sub("", anyascii(text).lower())
    text = _AFFRICATE.sub("c", text.replace("ng", "n"))
    out: list[str] = []
    prev = ""
    for ch in text:
        code = _SOUNDEX.get(ch, "")
        if code and code != prev:
            out.append(code)
        prev = code if code else ("" if ch in "aeiouy" else prev)
    return "".join(out)


_TAIL = re.compile(r"[aeiouy]*[sm]?[aeiouy]*$")


def coarse_name(tokens: tuple[str, ...] | list[str]) -> str:
    """:func:`coarse` of a whole name, each word without its final vowels and -s/-m."""
    parts = []
    for t in tokens:
        low = t.lower()
        if _GREEK_RE.search(low):
            low = _greek(_strip_marks(low))
        low = _NON_ALNUM.sub("", anyascii(low).lower())
        parts.append(low[:1] + _TAIL.sub("", low[1:]))
    return coarse("".join(parts))


#: Script bits of :func:`script_bit`: the three cased scripts of European news, and the rest.
LATIN, CYRILLIC, GREEK, OTHER_SCRIPT = 1, 2, 4, 8
ANY_SCRIPT = LATIN | CYRILLIC | GREEK | OTHER_SCRIPT
CASED_SCRIPTS = LATIN | CYRILLIC | GREEK


@lru_cache(maxsize=200_000)
def script_bit(text: str) -> int:
    """The script of the first letter of ``text`` as one bit (:data:`LATIN`, :data:`CYRILLIC`...).

    Keys fold every script onto Latin letters, so two spellings in different scripts can meet
    by accident ("Элджин" and "Έλληνας" both give "elin"); the gazetteer remembers from which
    scripts each key came, and the loose ways of matching ask for the text's own script.
    """
    for ch in text:
        if ch.isalpha():
            code = ord(ch)
            if code < 0x250 or 0x1E00 <= code < 0x1F00:
                return LATIN
            if 0x400 <= code < 0x530 or 0x1C80 <= code < 0x1C90 or 0x2DE0 <= code < 0x2E00 or 0xA640 <= code < 0xA6A0:
                return CYRILLIC
            if 0x370 <= code < 0x400 or 0x1F00 <= code < 0x2000:
                return GREEK
            return OTHER_SCRIPT
    return OTHER_SCRIPT


@lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """Consonants of a key, doubles collapsed: a coarse blocking key for fuzzy matching."""
    return _DOUBLE.sub(r"\1", re.sub(r"[aeiou ]", "", key))


__all__ = [
    "ANY_SCRIPT",
    "CASED_SCRIPTS",
    "CYRILLIC",
    "GREEK",
    "KEY_VERSION",
    "LATIN",
    "OTHER_SCRIPT",
    "fold",
    "name_key",
    "plain_key",
    "script_bit",
    "skeleton",
    "split_name",
    "strip_ending",
    "text_key",
    "token_key",
]
