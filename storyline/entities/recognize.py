"""Find the names in a text: people, places, organisations, in any cased script.

No trained model: the signals are the ones a reader of an unknown language would use.

* **Capitals.** A capitalised word inside a sentence is a name candidate (*strong*). At the
  start of a sentence, in an all-caps line, or in a language that capitalises every noun
  (German) a capital says little: such a word is a *weak* candidate, kept only with
  further evidence: the gazetteer knows it, the same name stands as a strong candidate
  elsewhere in the document, the knowledge base has seen it in another article, or the
  word is rare in the language (``wordfreq``) and never written in lower case in the text.
* **Gazetteer.** Places and organisations (CLDR, GeoNames, pycountry, our short list)
  match in any inflection through the suffix-stripped key, also over several words and
  with lower-case words inside ("Evropská unie"); the loose matches only through a name in
  the text's own script (:meth:`~storyline.entities.knowledge.Gazetteer.match_uncached`).
  A word that only loosely spells a country after a first name is a surname ("Rick
  Perry"); a frequent word of the language never names a small *foreign* town ("Polak"
  is not Polotsk); a town whose name is a frequent word where a capital says little
  (German nouns, sentence starts) stands after a place word or preposition ("die Stadt
  Breslau", "in Breslau") or where the text names it so elsewhere.
* **Cue words.** A title or role before a name makes it a person ("prezidents Putins",
  "του προέδρου Σι"); an organisation or place word inside it types it ("Partia Pracy"),
  a place word right before it too ("nad rzeką Nysą Kłodzką"), and so does a preposition
  of place before a name that opens with a locative adjective ("na Dolnym Śląsku").
* **German nouns.** A capitalised word there is a name part if it is not a common German
  word, or is as common in English as in German (international names: Putin, Kim), or is a
  capitalised *adjective* (simplemma's lemma is lower case: "das Europäische Parlament").
  Compounds ending in a common noun ("Söldnergruppe") are common nouns.

Months, weekdays and language names of every CLDR locale are never entities.

Word frequencies and simplemma's answers come from :mod:`~storyline.entities.lexicon`
(compact tables, nothing heavy loaded). :meth:`Recognizer.find` keeps what it learns
about one text in a per-call record, so one recognizer may serve several callers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from storyline.entities.knowledge import NOUN_CAPITALISING, Cues, Gazetteer, GazetteerEntry, cues_for
from storyline.entities.lexicon import common_word, german_adjective, in_dictionary, name_word, zipf
from storyline.entities.normalize import fold, fold_key, name_key, script_bit, token_key
from storyline.models import EntityType, Field


def _letter_class(cased: Callable[[str], bool]) -> str:
    """A regex class of the letters of the Basic Multilingual Plane for which ``cased`` holds,
    plus every character beyond it (rare; the callers check those one by one)."""
    letter = re.compile(r"[^\W\d_]")
    parts, start, prev = [], -1, -1
    for i in range(0x10001):
        c = chr(i)
        if i < 0x10000 and cased(c) and letter.match(c) is not None:
            if start < 0:
                start = i
            prev = i
        elif start >= 0:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = -1
    return "[" + "".join(parts) + "\U00010000-\U0010ffff]"


# A word ([^\W\d_]+ joined by apostrophes and hyphens) that starts with a capital, or with a
# lower-case letter: its first letter follows no letter, nor a letter and an apostrophe or
# hyphen ("al-Assad" is one word, in lower case). Finding only these is what keeps the scan
# fast: most words of a text are of the other kind.
_WORD_START = r"(?<![^\W\d_])(?<![^\W\d_]['’\-])(?=[^\W\d_])"
_WORD_REST = r"[^\W\d_]*(?:['’\-][^\W\d_]+)*"
_CAPITALISED_WORD = re.compile(_WORD_START + _letter_class(str.isupper) + _WORD_REST)
_LOWER_WORD = re.compile(_WORD_START + _letter_class(str.islower) + _WORD_REST)
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


_INITIAL_SPAN = 6  # letters that decide the first letter of a key (digraphs are up to four long)


@lru_cache(maxsize=100_000)
def _key_initial(start: str) -> str:
    """The first letter of :func:`token_key` of any lower-case word starting with ``start``."""
    return fold(start.replace("'", "").replace("’", ""))[:1]


def lower_case_words(text: str) -> frozenset[str]:
    """The words of ``text`` that start with a lower-case letter."""
    words = _LOWER_WORD.findall(text)
    if _BEYOND_BMP.search(text) is not None:
        return frozenset(w for w in words if w[0].islower())
    return frozenset(words)


_BOUNDARY = re.compile(r"[.!?…:;•|\n\r]")
_SPACE = {" ", "\u00a0"}
_SMALL_TOWN = 100_000  # gazetteer priority (population) below which a town yields to other readings
_LOOSE = frozenset({"form", "cut", "swap", "key"})  # gazetteer matches not on the spelling as written
# a word this frequent in the text's language (Zipf) is not the name of a foreign town below
# _LARGE_TOWN people: such a town is rarely news abroad, a common word or demonym always is
_FREQUENT = 4.0
# a word this frequent (Zipf) is a function word (preposition, conjunction, pronoun), the
# kind of word no adjective stands before ("с", "и", "в", "на")
_FUNCTION_WORD = 6.0
_LARGE_TOWN = 300_000  # gazetteer priority (population): also a town whose name is seldom a first name
MAX_TOKENS = 6
_NUMBER_AFTER = re.compile(r"(?:[ \u00a0]?[-–—][ \u00a0]?|[ \u00a0])\d(?![\d%]|[.,:/]\d)")
# surnames that inflect like adjectives (Bibiová, Petrovoj, Putina): not adjectives for the rule below
_SURNAME_STEM = re.compile(r"(?:ov|ev|in|ёв|ов|ев|ин|sk)(?:á|ou|é|ej|ú|a|oj|ой|ою|ої|ы|у|ой|ою)$")
# adjective endings of those languages (lower case)
_ADJECTIVE_ENDINGS: dict[str, tuple[str, ...]] = {
    "ru": ("ый", "ой", "ая", "ое", "ого", "ому", "ым", "ых", "ую", "ский", "ний", "ей"),
    "uk": ("ий", "ій", "ого", "ої", "ому", "ім", "их", "ську", "ська", "ське", "ський", "ського", "ної", "на", "не"),
    "be": ("ы", "і", "ая", "ае", "ага", "ай"),
    "bg": ("ски", "ска", "ско", "ият", "ия", "ата", "ото", "ен", "на", "но", "ни", "ния"),
    "cs": ("ý", "á", "é", "í", "ého", "ému", "ým", "ých", "ou", "ími", "ím", "ích", "ího", "ímu"),
    "sk": ("ý", "á", "é", "í", "ého", "ému", "ým", "ých", "ou", "ej", "om", "ím", "ích", "ieho"),
    "pl": ("ski", "ska", "skie", "skiego", "skiej", "ską", "skim", "cki", "cka", "ckie", "ckiego", "ckiej"),
    "sl": ("ski", "ska", "sko", "ški", "ška", "ško", "ni", "na", "no", "ne", "ega", "emu", "em", "ih", "im"),
    "hr": (
        "ski",
        "ska",
        "sko",
        "ški",
        "ška",
        "ško",
        "ni",
        "na",
        "no",
        "ne",
        "skog",
        "skoj",
        "skom",
        "skih",
        "nog",
        "noj",
        "nom",
    ),
    "sr": ("ski", "ska", "sko", "ски", "ска", "ско", "ни", "на"),
    "mk": ("ски", "ска", "ско", "ниот", "ната"),
    "lv": ("ais", "ajā", "ajai", "ajam", "ajos"),
    "lt": ("asis", "oji", "ioji", "ųjų"),
}
# adjective endings of the locative (and instrumental) after a preposition of place, lower
# case: "na Dolnym Śląsku", "v Severním Irsku", "в Северной Корее"
_PLACE_ADJECTIVE_ENDINGS: dict[str, tuple[str, ...]] = {
    "pl": ("ym", "im", "ej", "ich", "ych"),
    "cs": ("ém", "ím", "é", "ých", "ích"),
    "sk": ("om", "ej", "ých", "ich"),
    "sl": ("em", "ih"),
    "hr": ("om", "oj", "im", "em"),
    "sr": ("om", "oj", "im", "ом", "ој", "им"),
    "bs": ("om", "oj", "im"),
    "ru": ("ой", "ом", "ем", "ей", "ых", "их"),
    "uk": ("ому", "ій", "им", "их"),
    "be": ("ай", "ым", "ім"),
    "bg": ("ски", "ска", "ско", "на", "ия", "ата", "ото"),
}
# where nouns come first ("nad Nysą Kłodzką", "w Irlandii Północnej"): the adjective closing
# a name after a preposition of place, in the locative or instrumental it governs; only for
# languages whose people's names after such a preposition are rare in those cases
_PLACE_ADJECTIVE_LAST: dict[str, tuple[str, ...]] = {
    "pl": ("ym", "im", "ej", "ich", "ych", "ą"),
    "cs": ("ém", "ím", "ých", "ích", "ou"),
    "sk": ("ej", "ých", "ich"),
    "sl": ("em", "ih", "i"),
    "hr": ("om", "oj", "im"),
    "sr": ("om", "oj", "im", "ом", "ој", "им"),
    "ru": ("ой", "ом", "ей", "ых", "их"),
    "uk": ("ому", "ій", "их"),
}
# locative endings of nouns and adjectives in languages that put a place in the locative
# without a preposition (Latvian "Tālajos Austrumos", Lithuanian "Jungtinėse Valstijose")
_LOCATIVE: dict[str, tuple[str, ...]] = {
    "lv": ("ā", "ē", "ī", "ū", "os", "ās", "ēs", "īs", "ajā", "ajos", "ajās"),
    "lt": ("oje", "ėje", "yje", "uje", "uose", "ose", "ėse", "yse", "iuose", "ajame", "ojoje"),
}
# an all-caps word this long that is a common word of the language is a shouted word, not
# an acronym (acronyms are short, and rarely spell a common word: "NATO", "MSZ", "ТАСС")
_MIN_CAPS_WORD = 5
# English month and weekday names (the build keeps out of the non-entity list any word that
# names a place somewhere; for these the calendar reading wins over a small town)
_CALENDAR = frozenset(
    "january february march april may june july august september october november december"
    " monday tuesday wednesday thursday friday saturday sunday".split()
)


class Token(NamedTuple):
    """One word of the text (a tuple: tokens are made by the hundred thousand)."""

    text: str
    start: int
    end: int
    initial: bool  # first word of a sentence (or of a quoted sentence)
    gap: str  # the text between the previous (capitalised) token and this one
    prev: str = ""  # the word right before, when only spaces stand between


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in one field of one article."""

    text: str
    start: int
    end: int
    field: Field
    tokens: tuple[str, ...]
    key: str
    type: EntityType
    gazetteer: GazetteerEntry | None = None
    person_cue: bool = False  # a title or role word stands before it


@lru_cache(maxsize=200_000)
def german_namelike(word: str) -> bool:
    """Is a capitalised German word a name part rather than a common noun?

    A common word is a name when it is about as common in English, Spanish and Polish
    (names are spelt alike across languages, common nouns are not: Putin, Kim, Wagner vs
    Treffen, Invasion); a rare word is a name unless it is a compound ending in a common
    noun (Söldnergruppe). Capitalised adjectives are handled by the caller.
    """
    low = word.lower()
    z = zipf(low, "de")
    if z >= 2.5:
        return min(zipf(low, "en"), zipf(low, "es"), zipf(low, "pl")) >= z - 1.5
    return not _common_tail(low)


@lru_cache(maxsize=200_000)
def _common_tail(low: str) -> bool:
    """A German compound ending in a common noun ("söldnergruppe", "nachrichtenagentur")."""
    return any(zipf(low[cut:], "de") >= 3.0 for cut in range(3, len(low) - 3))


def _split_token(text: str, start: int, gazetteer: Gazetteer) -> list[tuple[str, int]]:
    """Hyphenated words: keep "Coca-Cola", "EU-a", "Jong-un"; split "Κίνας-Λευκορωσίας"."""
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    if "-" not in text:
        return [(text, start)]
    parts = text.split("-")
    # beside a lower-case part ("Citi-bank", "London-based") a place is spelt as written:
    # a loose reading of a compound's head is a coincidence ("Citi" ~ Чита)
    compound = any(p[:1].islower() for p in parts)

    def place(part: str) -> bool:
        found = gazetteer.match([part])
        return found is not None and (not compound or found[1] in ("fold", "acronym"))

    if not any(len(p) > 1 and p[0].isupper() and place(p) for p in parts):
        return [(text, start)]
    out, pos = [], start
    for part in parts:
        if part and part[0].isupper():
            out.append((part, pos))
        pos += len(part) + 1
    return out


_ENDERS = frozenset(".!?…:;•|\n\r")


_ROMAN = re.compile(r"[IVXLCDM]+")  # a regnal number goes with a name of any script ("Елизавета II")


def tokenize(text: str, gazetteer: Gazetteer) -> list[Token]:
    """The capitalised words of ``text`` with offsets, sentence starts and what stands before.

    Only capitalised words become tokens (names start with a capital); lower-case words
    are looked at through the gaps and the ``prev`` word, which keeps this fast.
    """
    tokens: list[Token] = []
    append = tokens.append
    prev_end = 0
    for m in _CAPITALISED_WORD.finditer(text):
        word = m.group(0)
        if not word[0].isupper():
            continue  # a letter beyond the BMP
        start = m.start()
        pieces = (
            [(word, start)]
            if ("-" not in word and "'" not in word and "’" not in word)
            else _split_token(word, start, gazetteer)
        )
        for word, start in pieces:
            j = start - 1
            while j >= 0 and not text[j].isalnum() and text[j] not in _ENDERS:
                j -= 1  # spaces, quotes, dashes, brackets
            initial = j < 0 or text[j] in _ENDERS
            if (
                initial
                and j >= 1
                and text[j] == "."
                and text[j - 1].isupper()
                and _ABBREVIATION.search(text, max(0, j - 4), j + 1)
            ):
                initial = False  # "W. Brytanii", "Wlk. Brytanii": an abbreviated word of the name
            gap = text[prev_end:start]
            prev = ""
            if gap[-1:] in _SPACE:
                head = gap.rstrip()
                prev = head[head.rfind(" ") + 1 :] if head else (tokens[-1].text if tokens else "")
                if not prev.replace("-", "").replace("'", "").replace("’", "").isalpha():
                    prev = ""
            append(Token(word, start, start + len(word), initial, gap, prev))
            prev_end = start + len(word)
    return tokens


_ABBREVIATION = re.compile(r"(?:^|(?<=[\s(]))[^\W\d_a-z]\.$")
_ABBREVIATION_BEFORE = re.compile(r"(?:^|(?<=[\s(]))([^\W\d_a-z]\.[ \u00a0]?)$")
_ANY_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_NEXT_WORD = re.compile(r"[ \u00a0]([^\W\d_]+(?:['’\-][^\W\d_]+)*)")


def _particles(gap: str, cues: Cues) -> bool:
    """Only name particles stand between two words of a name ("Ursula von der Leyen")."""
    words = gap.split()
    return 0 < len(words) <= 2 and gap[:1] in _SPACE and gap[-1:] in _SPACE and all(w in cues.particles for w in words)


def _is_upper_word(t: str) -> bool:
    return len(t) > 1 and t.isupper()


def _word_edge(ch: str) -> bool:
    """Could ``ch`` continue a word (letters, digits, ``_``, apostrophes, hyphens)?"""
    return ch.isalnum() or ch in "_'’-"


def _whole_words(text: str, word: str) -> list[int]:
    """Offsets where ``word`` stands in ``text`` as a whole word."""
    found = []
    size = len(word)
    start = text.find(word)
    while start >= 0:
        end = start + size
        if (start == 0 or not _word_edge(text[start - 1])) and (end == len(text) or not _word_edge(text[end])):
            found.append(start)
        start = text.find(word, start + 1)
    return found


def _adjective(word: str, endings: tuple[str, ...]) -> bool:
    """Does ``word`` end like an adjective of the text's language (and not like a surname)?"""
    if not endings:
        return False
    low = word.lower()
    return low.endswith(endings) and not _SURNAME_STEM.search(low)


@dataclass(frozen=True, slots=True)
class _Text:
    """What one call of :meth:`Recognizer.find` knows about its text (kept off the
    recognizer, so that one recognizer may serve several callers)."""

    text: str
    lang: str | None
    tokens: list[Token]
    cues: Cues
    lower_words: frozenset[str]  # the words written in lower case somewhere in the text
    mid_keys: frozenset[str]  # keys of the capitalised words inside sentences
    adjectives: tuple[str, ...]  # adjective endings of the language (empty: none known)
    # towns refused only because the word is frequent where a capital says little (token ->
    # entry): they stand if this text names the same town where a capital does say it
    doubtful: dict[int, GazetteerEntry] = field(default_factory=dict)


class Recognizer:
    """Finds mentions in one text of one language.

    ``known`` answers whether a token key names an entity the knowledge base has already
    seen (cross-document evidence for weak candidates).
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        known: Callable[[str], bool] | None = None,
        known_single: Callable[[str], bool] | None = None,
        known_org: Callable[[str], bool] | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.known = known or (lambda key: False)
        self.known_single = known_single or (lambda key: False)
        self.known_org = known_org or (lambda key: False)  # a one-word organisation seen before
        self._inner_words: frozenset[str] | None = None

    @property
    def inner_words(self) -> frozenset[str]:
        """Keys of the words that follow the first word in the gazetteer's names of several
        words ("Północna" of "Korea Północna", "Republic", "Sea"): common words that are
        part of names, never trimmed off one."""
        if self._inner_words is None:
            self._inner_words = frozenset(w for key in self.gazetteer.by_key if " " in key for w in key.split(" ")[1:])
        return self._inner_words

    def _common(self, ctx: _Text, t: Token, cue_words: bool = False, inner: bool = True) -> bool:
        """Is token ``t`` a capitalised common word of the text's language, not a name part?

        A frequent word that simplemma knows with a lower-case lemma ("Stávka", "Piloti",
        "Забастовка"), or one written in lower case elsewhere in the text; not an
        organisation or place word unless ``cue_words`` (they type the name: "Partia
        Pracy"), nor, if ``inner``, a word of a place's name of several words ("Północnej"
        of "Korea Północna"). Not asked in languages that capitalise every noun.
        """
        w = t.text
        if (ctx.lang or "") in NOUN_CAPITALISING or w.isupper():
            return False
        if not (common_word(w, ctx.lang) or w.lower() in ctx.lower_words):
            return False
        cues = ctx.cues
        if not cue_words and (cues.org_word(w) or cues.loc.match(w)):
            return False
        return not inner or token_key(w) not in self.inner_words

    def find(self, text: str, lang: str | None, field: Field = "text") -> list[Mention]:
        if not text or not any(map(str.isupper, text[:200_000])):
            return self._uncased(text, field) if text else []
        tokens = tokenize(text, self.gazetteer)
        if not tokens:
            return []
        cues = cues_for(lang)
        ctx = _Text(
            text,
            lang,
            tokens,
            cues,
            lower_case_words(text),
            frozenset(token_key(t.text) for t in tokens if not t.initial),
            _ADJECTIVE_ENDINGS.get(lang or "", ()),
        )
        nouns = (lang or "") in NOUN_CAPITALISING
        n = len(tokens)
        # 0 no, 1 weak, 2 strong; the gazetteer spans come first
        level = [0] * n
        gaz_span: dict[int, tuple[int, int, GazetteerEntry]] = {}  # token -> (next token, end, entry)
        caps = [_is_upper_word(t.text) for t in tokens]
        i = 0
        while i < n:
            t = tokens[i]
            if len(t.text) > 1:
                hit = self._gazetteer_span(ctx, i)
                if hit is not None:
                    end_char, entry = hit
                    j = i + 1
                    while j < n and tokens[j].start < end_char:
                        j += 1
                    gaz_span[i] = (j, end_char, entry)
                    for k in range(i, j):
                        level[k] = 3
                    i = j
                    continue
            i += 1
        if ctx.doubtful:
            self._confirm_doubtful(ctx, level, gaz_span)
        strong_keys: set[str] = set()
        leaning: set[int] = set()  # weak words made strong only by the name after them
        calendar_names: set[str] = set()  # "May" once seen as "Theresa May" in this text
        calendar_later: list[int] = []  # calendar words right after a capitalised word
        for i, t in enumerate(tokens):
            if level[i]:
                continue
            w = t.text
            if len(w) < 2 or not w[0].isupper():
                continue
            exact = w.lower() in self.gazetteer.non_entities or w.lower() in _CALENDAR
            if exact or token_key(w) in self.gazetteer.calendar_keys:
                # a month, weekday or language name, unless it stands in a name: "Theresa May"
                key = token_key(w)
                nxt = tokens[i + 1] if i + 1 < n else None
                if (
                    key in calendar_names
                    or (
                        not t.initial
                        and t.prev
                        and ((i and t.gap in _SPACE and level[i - 1] >= 2) or cues.titles.match(t.prev))
                    )
                    or (
                        # only like a month ("Marta" ~ "martes"): a first name before a surname
                        not exact and nxt is not None and nxt.gap in _SPACE and not nxt.text.isupper()
                    )
                ):
                    level[i] = 2
                    calendar_names.add(key)
                    strong_keys.add(key)
                elif not t.initial and i and t.gap in _SPACE:
                    calendar_later.append(i)
                continue
            if cues.titles.match(w):
                continue
            if (
                i + 1 < n
                and tokens[i + 1].gap in _SPACE
                and cues.titles.match(tokens[i + 1].text)
                and common_word(w, lang)
                and not cues.org_word(w)
            ):
                continue  # "Prime Minister", "Foreign Minister": a common word of the title, no name
            if len(w) <= 3 and t.end < len(text) - 1 and text[t.end] == "-" and text[t.end + 1].isdigit():
                continue  # "Su-35", "F-16": a model number
            shouting = caps[i] and sum(caps[max(0, i - 2) : i + 3]) >= 3
            if (
                caps[i]
                and self._shouted(tokens, i, lang)
                and (
                    (i and caps[i - 1] and self._shouted(tokens, i - 1, lang))
                    or (i + 1 < n and caps[i + 1] and self._shouted(tokens, i + 1, lang))
                )
            ):
                shouting = True  # "ЗАРАДИ ВЯТЪРА" (because of the wind): a headline's common words
            if caps[i] and not shouting:
                level[i] = 2
            elif t.initial or shouting or (nouns and not german_namelike(w)):
                level[i] = 1
            elif (
                not self._capital_next_to(tokens, i)
                and not w.isupper()
                and zipf(w.lower(), lang) >= 4.0
                and (w.lower() in ctx.lower_words or (zipf(w.lower(), lang) >= 4.5 and in_dictionary(w.lower(), lang)))
                and not self.known(token_key(w))
            ):
                level[i] = 0  # a common word: written in lower case elsewhere here, or in the dictionary ("Съюза")
            else:
                level[i] = 2
            if level[i] == 2:
                strong_keys.add(token_key(w))
        for i, t in enumerate(tokens):
            if level[i] != 1:
                continue
            w = t.text
            low = w.lower()
            key = token_key(w)
            z = zipf(low, lang)
            if (key in strong_keys and not (z >= 5.0 and low in ctx.lower_words)) or (self.known(key) and z < 3.0):
                # (a very frequent word also written in lower case here is a function word at
                # the sentence start, whatever a name of the same key says: "Jak" ~ "Jaki")
                level[i] = 2
            elif not nouns and z < 2.5 and low not in ctx.lower_words and not (caps[i] and len(w) > 4):
                level[i] = 2  # a rare word never written in lower case here
                if z > 0 and i + 1 < n and level[i + 1] >= 2 and tokens[i + 1].gap in _SPACE:
                    leaning.add(i)  # a word of the language opening a name: alone, it is none
            elif (
                i + 1 < n
                and level[i + 1] >= 2
                and tokens[i + 1].gap in _SPACE
                and z < (3.5 if t.initial else 4.0)
                and low not in ctx.lower_words
                and not tokens[i + 1].text.isupper()
                and not (nouns and _common_tail(low))
            ):
                level[i] = 2  # "Vladimir Putin said" at the start of a sentence, German "Wladimir Putin"
                leaning.add(i)
            elif (
                nouns
                and not t.initial
                and i + 1 < n
                and tokens[i + 1].gap in _SPACE
                and tokens[i + 1].text[0].isupper()
                and german_adjective(w)
            ):
                level[i] = 2  # "das Europäische Parlament": a capitalised adjective opens a name
                if level[i + 1] == 1:
                    level[i + 1] = 2
        for i in calendar_later:
            if level[i - 1] >= 2 and not level[i]:
                level[i] = 2  # "Theresa May" where "Theresa" was confirmed only later
        mentions = self._spans(ctx, level, gaz_span, field, leaning)
        return mentions + self._lower_case_names(ctx, strong_keys, field)

    @staticmethod
    def _lower_case_names(ctx: _Text, strong_keys: set[str], field: Field) -> list[Mention]:
        """Names the press also writes in lower case ("brexitu"): a rare word whose key is a
        name capitalised inside a sentence elsewhere in this text. (Trying the knowledge base
        as well, with simplemma's dictionary to keep common nouns out, lost more precision
        on BSNLP than it gained recall.)"""
        if not strong_keys:
            return []
        lang, text = ctx.lang, ctx.text
        initials = {k[:1] for k in strong_keys}
        out: list[Mention] = []
        # the first letter of the key first (cached per word start, so a new word costs
        # little), then the key, then the frequency; sorted: a set's order differs between runs
        for w in sorted(
            w
            for w in ctx.lower_words
            if len(w) >= 4 and _key_initial(w[:_INITIAL_SPAN]) in initials and token_key(w) in strong_keys
        ):
            if zipf(w, lang) >= 3.5:
                continue
            key = token_key(w)
            for start in _whole_words(text, w):
                out.append(Mention(w, start, start + len(w), field, (w,), key, "MISC", None, False))
        return out

    def _gazetteer_span(self, ctx: _Text, i: int) -> tuple[int, GazetteerEntry] | None:
        """Longest gazetteer name starting at token ``i``; returns its end offset and entry.

        The name may go on over lower-case words ("Evropská unie", "Isle of Man").
        """
        gaz = self.gazetteer
        text = ctx.text
        t = ctx.tokens[i]
        if gaz.may_start(t.text):
            words, ends = [t.text], [t.end]
            pos = t.end
            limit = min(gaz.max_tokens, MAX_TOKENS)
            while len(words) < limit:
                m = _NEXT_WORD.match(text, pos)
                if m is None:
                    break
                words.append(m.group(1))
                pos = m.end()
                ends.append(pos)
            longer = len(words) >= 3 and gaz.may_go_on(words[0], words[1])
            for size in range(len(words) if longer else min(len(words), 2), 1, -1):
                hit = gaz.lookup(words[:size])
                if hit is not None:
                    return ends[size - 1], hit
        entry = self._gazetteer_word(ctx, i)
        return (t.end, entry) if entry is not None else None

    def _gazetteer_word(self, ctx: _Text, i: int) -> GazetteerEntry | None:
        """One word in the gazetteer, unless the context says it is a common word or a name part."""
        tokens, lang = ctx.tokens, ctx.lang
        t = tokens[i]
        found = self.gazetteer.match([t.text])
        if found is None:
            return None
        hit, how = found
        w = t.text
        if how == "acronym":
            return hit
        low = w.lower()
        if low in ctx.lower_words:
            return None  # written in lower case elsewhere here: a common word
        if hit.priority < 10**9 and (low in self.gazetteer.non_entities or low in _CALENDAR):
            return None  # "March" the month, not Marka the town
        z = zipf(low, lang)
        city = hit.priority < 10**9
        if city and z >= _FREQUENT and hit.priority < _LARGE_TOWN and self.gazetteer.foreign(hit, lang):
            return None  # a frequent word that spells a small foreign town: "Polak" is not Polotsk
        if (
            city
            and how in _LOOSE
            and (
                (w.isascii() and common_word(w, "en"))
                or (self.gazetteer.foreign(hit, lang) and (hit.priority < _LARGE_TOWN or common_word(w, lang)))
            )
        ):
            # only a town's stem is shared: an English common word, in the language of
            # headlines everywhere, is that word ("City" ~ Чита, in any text); a demonym or
            # name of the language ("Britové" ~ Brits) is no small foreign town, and a common
            # word of the language no town abroad at all (at home it may be: "z Prahy" is
            # Prague, though "prahy" are thresholds)
            return None
        # where a capital says little (sentence start, German nouns, all caps), a frequent
        # word is a common word that happens to name a town somewhere ("Tage", "Anfang")
        uninformative = t.initial or (lang or "") in NOUN_CAPITALISING or w.isupper()
        if city and how in ("key", "swap") and (hit.priority < _SMALL_TOWN or (uninformative and z >= 3.5)):
            return None
        if uninformative and how in _LOOSE and common_word(w, lang):
            # a common word of the language where a capital says little is that word, not a
            # place's name with its ending cut or swapped: "Tanie" (cheap) opening a Polish
            # sentence is no inflected "Taani" (Denmark in Estonian), whatever its priority
            return None
        # a town's name as written, refused below as a frequent word, is kept in doubt: it
        # stands if a place word or preposition comes before it ("die Stadt Breslau", "in
        # Breslau": an exonym, not a common noun) or the text names the town elsewhere for sure
        may_doubt = city and how == "fold" and hit.priority >= _SMALL_TOWN
        doubt = False
        if city and uninformative and z >= 3.5 and hit.priority < 1_000_000:
            if not may_doubt or self._before_month(ctx, i):
                return None  # ... but not before a month: "Mitte März"
            doubt = not self._place_before(ctx, i)
        if hit.priority < _SMALL_TOWN:
            # a small town's name before an organisation word is the organisation's name
            # ("Xinhua news agency"); a larger place stays a place ("w Brukseli grupy roboczej",
            # "в Мултане агентству": where word order is free, a place often stands there)
            after = _NEXT_WORD.match(ctx.text, t.end)
            if after is not None and self._org_word(after.group(1), ctx.cues):
                return None
        if t.initial and token_key(w) not in ctx.mid_keys and (z >= 5.0 or (z >= 3.5 and hit.priority < 1_000_000)):
            if not may_doubt or self._before_month(ctx, i):
                return None  # "Most", "Man" starting a sentence
            doubt = True
        if city and ctx.adjectives and _adjective(w, ctx.adjectives):
            nxt_word = _NEXT_WORD.match(ctx.text, t.end)
            if (
                nxt_word is not None
                and nxt_word.group(1)[:1].islower()
                and zipf(nxt_word.group(1), lang) < _FUNCTION_WORD
            ):
                # "Северный поток": an adjective opening a name, not the town Severny; but
                # no adjective stands before a preposition or conjunction: "в София с" is Sofia
                return None
        prev_adjective = (
            i > 0 and t.gap in _SPACE and not tokens[i - 1].initial and _adjective(tokens[i - 1].text, ctx.adjectives)
        )
        loose = how in _LOOSE
        if (
            hit.priority < 10**12
            and (
                self._name_neighbour(ctx, i + 1, i)
                or (((city and how != "key") or (loose and not city)) and self._name_neighbour(ctx, i - 1, i))
                or prev_adjective
            )
            and not self._country_before_name(ctx, i, hit)  # only asked when a name is next to it
        ):
            # "Vladimirs Putins", "Asia Bibi", "Irlandii Północnej": part of a longer name;
            # "Rick Perry" (~ Peru): a first name before a word that only loosely spells a
            # country. (A town's main name, however loosely matched, stays a place after a
            # name: "ar Putinu Sočos".)
            return None
        if doubt:
            ctx.doubtful[i] = hit
            return None
        return hit

    def _before_month(self, ctx: _Text, i: int) -> bool:
        """A month or weekday follows token ``i`` ("Mitte März", "Ende Mai": a time, not a place)."""
        nxt = _NEXT_WORD.match(ctx.text, ctx.tokens[i].end)
        if nxt is None:
            return False
        word = nxt.group(1).lower()
        return (
            word in self.gazetteer.non_entities or word in _CALENDAR or token_key(word) in self.gazetteer.calendar_keys
        )

    @staticmethod
    def _place_before(ctx: _Text, i: int) -> bool:
        """The word right before token ``i`` is a place word ("Stadt") or a preposition of place."""
        t = ctx.tokens[i]
        before = t.prev
        if not before or t.initial:
            return False
        return before.lower() in ctx.cues.place_before or ctx.cues.loc.match(before)

    def _confirm_doubtful(
        self, ctx: _Text, level: list[int], gaz_span: dict[int, tuple[int, int, GazetteerEntry]]
    ) -> None:
        """A town refused as a frequent word stands where the text names it elsewhere for sure
        (a place word or preposition before it, or a capital that says it: "Breslau" at the
        start of a sentence, after "die Stadt Breslau")."""
        sure = {entry.id for _, _, entry in gaz_span.values()}
        for i, entry in ctx.doubtful.items():
            if entry.id in sure and not level[i]:
                t = ctx.tokens[i]
                gaz_span[i] = (i + 1, t.end, entry)
                level[i] = 3

    @staticmethod
    def _capital_next_to(tokens: list[Token], i: int) -> bool:
        """A capitalised word stands right before or after token ``i``."""
        if i > 0 and tokens[i].gap in _SPACE:
            return True
        return i + 1 < len(tokens) and tokens[i + 1].gap in _SPACE

    @staticmethod
    def _org_word(word: str, cues: Cues) -> bool:
        return word[0].islower() and cues.org.match(word)

    def _country_before_name(self, ctx: _Text, i: int, hit: GazetteerEntry) -> bool:
        """A country's name right before a first name and a surname is a place of its own.

        "президент России Владимир Путин", "premier Grecji Kyriakos Micotakis": the
        genitive country qualifies the title before it, and the two capitalised words after
        it are the person. (One capitalised word after a country may still be part of one
        name: "Asia Bibi", "Italia Viva"; an organisation word keeps the run together:
        "Polska Grupa Energetyczna".)
        """
        tokens = ctx.tokens
        if hit.priority < 10**10 or len(tokens[i].text) < 5 or i + 2 >= len(tokens):
            # countries only (a town before a name is more often part of it), and not a
            # short word a country's key matches loosely ("Блю Стрим" is not Belgium)
            return False
        for k in (i + 1, i + 2):
            t = tokens[k]
            w = t.text
            if t.gap not in _SPACE or t.initial or len(w) < 2 or not w[0].isupper() or w.isupper():
                return False
            if ctx.cues.org_word(w) or ctx.cues.loc.match(w) or ctx.cues.titles.match(w):
                return False
            found = self.gazetteer.match([w])
            if found is not None and found[0].priority >= 10**9:
                return False  # another country or region ("Bosna Hercegovina"); towns are often first names (Vladimir)
        return True

    def _name_neighbour(self, ctx: _Text, k: int, i: int) -> bool:
        """Token ``k`` next to ``i`` (single space) is a capitalised word, not a country's name."""
        tokens = ctx.tokens
        if k < 0 or k >= len(tokens):
            return False
        later = tokens[max(k, i)]
        if later.gap not in _SPACE or later.initial:
            return False
        w = tokens[k].text
        if len(w) < 2 or not w[0].isupper() or w.isupper() or w.lower() in self.gazetteer.non_entities:
            return False
        if tokens[k].initial and zipf(w.lower(), ctx.lang) >= 4.0:
            return False  # a common word starting the sentence ("Στην Κίνα")
        if ctx.cues.titles.match(w):
            return False
        if (ctx.lang or "") in NOUN_CAPITALISING and ctx.cues.loc.match(w):
            return False  # a capitalised place noun of German: "die Stadt Breslau"
        if k > i and (
            self.known_org(token_key(w))
            or (
                self._common(ctx, tokens[k])
                and not _adjective(tokens[i].text, ctx.adjectives)
                and self._large_place(tokens[i].text)
                and not common_word(tokens[i].text, ctx.lang)
            )
        ):
            # "w Polsce Ryanair", "в Европе Перейти": a known one-word organisation, or a
            # common word after a country or a large town, does not make the place part of
            # a person's name (an adjective before a common word may open one: "Северный
            # Донец"; a small town is often a first name: "Джереми Хант"; a place named like
            # a common word may be one of two common words: "Sąd Najwyższy")
            return False
        hit = self.gazetteer.match([w])
        if hit is None:
            return True
        mine = self.gazetteer.match([tokens[i].text])
        # two adjacent places make a name only if one of them is a mere town
        return hit[0].priority < 10**9 or (mine is not None and mine[0].priority < 10**9)

    @staticmethod
    def _shouted(tokens: list[Token], i: int, lang: str | None) -> bool:
        """An all-caps word long enough to be no acronym that is a common word ("ВЯТЪРА")."""
        w = tokens[i].text
        return len(w) >= _MIN_CAPS_WORD and common_word(w, lang)

    def _large_place(self, word: str) -> bool:
        hit = self.gazetteer.match([word])
        return hit is not None and hit[0].priority >= _LARGE_TOWN

    def _spans(
        self,
        ctx: _Text,
        level: list[int],
        gaz_span: dict[int, tuple[int, int, GazetteerEntry]],
        field: Field,
        leaning: set[int] | frozenset[int] = frozenset(),
    ) -> list[Mention]:
        """The mentions of the text from the levels of its tokens. ``leaning``: weak words
        kept only for the name after them; alone they are no name ("Бортпроводники" before
        "Ryanair", a name of another script)."""
        text, tokens, cues = ctx.text, ctx.tokens, ctx.cues
        out: list[Mention] = []
        n = len(tokens)
        i = 0
        while i < n:
            if i in gaz_span:
                j, end, entry = gaz_span[i]
                out.append(
                    self._mention(text, self._abbreviated(text, tokens[i].start), end, entry.type, field, entry, False)
                )
                i = j
                continue
            if level[i] < 2:
                i += 1
                continue
            j = i + 1
            while j < n and j - i < MAX_TOKENS:
                t = tokens[j]
                if (
                    level[j] == 2
                    and j not in gaz_span
                    and (t.gap in _SPACE or _particles(t.gap, cues))
                    and (script_bit(t.text) == script_bit(tokens[j - 1].text) or _ROMAN.fullmatch(t.text))
                ):
                    j += 1  # (a name does not change script: "Cockpit Мартин Лохер" is two)
                else:
                    break
            run_end = j
            hint: EntityType | None = None
            if j - i >= 3 and (k := self._type_boundary(ctx, i, j, level)) is not None:
                # "Совета Федерации Константин Косачев", "kanclerz Niemiec Angelą Merkel": an
                # organisation or a common word glued to the person after it is a name of its own
                head = tuple(t.text for t in tokens[i:k])
                head_type: EntityType = "ORG" if any(cues.org_word(w) for w in head) else "MISC"
                out.append(self._mention(text, tokens[i].start, tokens[k - 1].end, head_type, field, None, False))
                i = k
            if j - i == 2 and self._generic(ctx, tokens[i].text) and self._generic(ctx, tokens[i + 1].text):
                # "на пропозицію Комісії Рада ...": two organisations, each named by its word
                out.append(self._mention(text, tokens[i].start, tokens[i].end, "ORG", field, None, False))
                i += 1
            if j - i >= 2:
                trimmed = self._trim(ctx, i, j)
                if trimmed is not None:
                    i, j, hint = trimmed
            elif i in leaning or (
                i
                and level[i - 1] == 3
                and tokens[i].gap in _SPACE
                and self._common(ctx, tokens[i])
                and (zipf(tokens[i].text.lower(), ctx.lang) >= 4.0 or tokens[i].text.lower() in ctx.lower_words)
                and not self.known(token_key(tokens[i].text))
            ):
                i += 1  # a common word right after a place ("z Wrocławia Zobacz"), or leaning on a name
                continue
            if (
                j - i >= 3
                and self.known_single(token_key(tokens[i].text))
                and not cues.org.match(tokens[i].text)
                and not cues.loc.match(tokens[i].text)
            ):
                # "Brexit David Davis": a known one-word name before another name
                out.append(self._mention(text, tokens[i].start, tokens[i].end, "MISC", field, None, False))
                i += 1
            elif (
                j - i >= 3
                and _is_upper_word(tokens[i].text)
                and not any(_is_upper_word(t.text) or cues.org_word(t.text) for t in tokens[i + 1 : j])
            ):
                # "szef KE Jean-Claude Juncker": an acronym before a first name and a surname
                # is an organisation of its own (the person's), not a word of the name
                out.append(self._mention(text, tokens[i].start, tokens[i].end, "ORG", field, None, False))
                i += 1
            end = tokens[j - 1].end
            number = _NUMBER_AFTER.match(text, end)
            if number is not None and j < n and level[j] == 2 and text[number.end() : tokens[j].start] in _SPACE:
                j += 1  # "Nord Stream 2 AG"
                end = tokens[j - 1].end
            kind: EntityType | None = hint
            nxt = _NEXT_WORD.match(text, end)
            following = nxt.group(1) if nxt else ""
            first = tokens[i]
            if j == i + 1 and following[:1].islower():
                if (
                    ctx.adjectives
                    and not first.initial
                    and len(following) >= 3
                    and _adjective(first.text, ctx.adjectives)
                    and zipf(following.lower(), ctx.lang) < 5.5
                ):
                    end = nxt.end()  # type: ignore[union-attr]  # "Верховный суд": a capitalised adjective opens a name
                    kind = "ORG" if cues.org.match(following) else ("LOC" if cues.loc.match(following) else None)
                    following = ""
            elif j == i + 1 and _is_upper_word(first.text) and j in gaz_span and tokens[j].gap in _SPACE:
                nj, nend, _entry = gaz_span[j]
                if nj == j + 1:
                    j, end, kind = nj, nend, "ORG"  # "МИД России", "MSZ Niemiec": an acronym with its country
            # a lower-case organisation word right after the name types it ("Xinhua news agency")
            if kind is None and following[:1].islower() and cues.org.match(following):
                kind = "ORG"
            cue = self._person_cue(tokens, i, level, cues)
            if j == i + 1 and not first.initial:
                if cue and self.known_org(token_key(first.text)):
                    cue = False  # "глава Ryanair", "šéf Ryanairu": the head of a known organisation
                elif (
                    kind is None
                    and not cue
                    and first.prev
                    and (
                        first.prev[0].islower()
                        or (i and tokens[i - 1].text == first.prev and tokens[i - 1].initial and level[i - 1] < 2)
                    )
                    and cues.org.match(first.prev)
                ):
                    # "agentura Reuters", "авиакомпания Ryanair", "Spółka X" opening a sentence:
                    # an organisation word before it
                    kind = "ORG"
            elif kind is None and j - i >= 2 and self.known_org(token_key(first.text)):
                kind = "ORG"  # "Ryanair Sun": a known organisation's name opens it
            if kind is None:
                kind = self._type(tuple(t.text for t in tokens[i:j]), cue, cues)
                if kind in ("PER", "MISC") and not cue:
                    kind = self._place_cue(ctx, i, j) or kind
            # a title before an organisation or place is its head's, not the name's: "lider
            # Partii Pracy" is the leader of a party (the cue would make it a person later on)
            cue = cue and kind not in ("ORG", "LOC")
            out.append(self._mention(text, self._abbreviated(text, first.start), end, kind, field, None, cue))
            i = max(j, run_end)
        return out

    @staticmethod
    def _generic(ctx: _Text, word: str) -> bool:
        """An organisation word that is a common noun of the language ("Рада", "Komisji")."""
        return not word.isupper() and common_word(word, ctx.lang) and ctx.cues.org.match(word)

    def _type_boundary(self, ctx: _Text, i: int, j: int, level: list[int]) -> int | None:
        """Where a run of capitalised words ``i..j`` changes from another name to a person's.

        The last two words are a person's (no common word, cue word or acronym among
        them) and what comes before is either an organisation's name ending in a common
        word ("Совета Федерации" + "Константин Косачев") or, after a title, one common
        word ("kanclerz Niemiec" + "Angelą Merkel": the title's complement, a country in
        the genitive the gazetteer does not know). An organisation whose name is a person's
        ("Uniwersytet Adama Mickiewicza") ends in the organisation word and stays whole.
        """
        tokens, cues, lang = ctx.tokens, ctx.cues, ctx.lang
        if (lang or "") in NOUN_CAPITALISING:
            return None
        k = j - 2
        for t in tokens[k:j]:
            w = t.text
            if (
                w.isupper()
                or common_word(w, lang)
                or cues.org_word(w)
                or cues.loc.match(w)
                or cues.titles.match(w)
                or w.lower() in ctx.lower_words
            ):
                return None
        head = [t.text for t in tokens[i:k]]
        last = head[-1]
        if not common_word(last, lang) or cues.org_word(last) or _adjective(last, ctx.adjectives):
            return None
        if any(cues.org_word(w) for w in head):
            return k
        if len(head) == 1 and not tokens[i].initial and self._person_cue(tokens, i, level, cues):
            return k
        return None

    def _trim(self, ctx: _Text, i: int, j: int) -> tuple[int, int, EntityType | None] | None:
        """The run of capitalised words ``i..j`` without the common words at its edges,
        or None to keep it whole; the type is ORG when an organisation word was cut off.

        "Piloti Ryanairu", "Бортпроводники Ryanair", "Ryanair Забастовка", "Reuters
        Stávka", "Aerolinky Ryanair": a headline or caption glued to the next sentence, or a
        capitalised common noun or organisation word, puts a common word beside a name.
        Those words go when what is left is a one-word organisation the knowledge base
        already knows; a sentence's first common word also goes before a name of several
        words. Nothing else is cut: first names and surnames are often common words ("Mark
        Rutte", "Jakub Krupa", "Дональд Трамп"), so are words of places ("Северна
        Ирландия", "Irlandii Północnej"); an organisation or place word in what is left
        keeps the run whole ("Narodowy Bank Polski").
        """
        tokens, cues, lang = ctx.tokens, ctx.cues, ctx.lang
        if (lang or "") in NOUN_CAPITALISING:
            return None
        a, b = i, j
        while (
            b - a >= 2
            and self._common(ctx, tokens[b - 1], inner=False)
            and not _adjective(tokens[b - 2].text, ctx.adjectives)
        ):
            b -= 1  # (an adjective before a common noun opens a name: "Северный Донец")
        while b - a >= 2 and (
            self._common(ctx, tokens[a], cue_words=True, inner=False)
            or (tokens[a].initial and self._language_word(tokens[a].text, lang))
        ):
            a += 1
        if (a, b) == (i, j):
            return None
        rest = tokens[a:b]
        if (
            b == j
            and ctx.adjectives  # a case language, where a noun before a noun is a genitive or another clause
            and b - a == 1
            and self._generic(ctx, rest[0].text)
            and not any(
                _adjective(t.text, ctx.adjectives) or self.gazetteer.match([t.text]) is not None for t in tokens[i:a]
            )
        ):
            # a lone organisation word of the language after a common word ("Саме Комісія":
            # "it is the Commission"; the linker takes it for the organisation the text means),
            # not the end of a name of several words ("Polska Grupa Energetyczna")
            return a, b, "ORG"
        if any(cues.org_word(t.text) or cues.loc.match(t.text) for t in rest):
            return None
        hint: EntityType | None = "ORG" if any(cues.org_word(t.text) for t in tokens[i:a]) else None
        if len(rest) > 1:
            # before a name of several words only a sentence's first word goes, and nothing
            # after it (surnames are often common words: "Jakub Krupa", "Дональд Трамп")
            first = tokens[i]
            if b == j and a == i + 1 and first.initial and common_word(first.text, lang) and hint is None:
                return a, b, None
            return None
        # a known organisation (not a place: "Северна Ирландия", "Irlandii Północnej" are names)
        return (a, b, hint) if self.known_org(token_key(rest[0].text)) else None

    @staticmethod
    def _language_word(word: str, lang: str | None) -> bool:
        """A word of the language's vocabulary (wordfreq knows it), and no name simplemma
        knows: a sentence's first word that may be a common noun ("Бортпроводники")."""
        low = word.lower()
        return low.isalpha() and zipf(low, lang) >= 1.0 and not name_word(low, lang)

    @staticmethod
    def _abbreviated(text: str, start: int) -> int:
        """Start a name at the initial before it ("W. Brytanii", "J. Smith")."""
        found = _ABBREVIATION_BEFORE.search(text, max(0, start - 3), start)
        return found.start(1) if found is not None and found.group(1)[0].isupper() else start

    @staticmethod
    def _person_cue(tokens: list[Token], i: int, level: list[int], cues: Cues) -> bool:
        """A title or role word right before token ``i`` (places may stand between)."""
        k = i
        for _ in range(3):
            t = tokens[k]
            if t.initial:
                return False  # not across a sentence boundary
            if t.prev and cues.titles.match(t.prev):
                return True
            # only places may stand between ("президент России Владимир Путин")
            if k == 0 or t.gap not in _SPACE or level[k - 1] != 3:
                return False
            k -= 1
        return False

    def _place_cue(self, ctx: _Text, i: int, j: int) -> EntityType | None:
        """LOC when the words of the name ``i..j`` or the word before it say it is a place.

        Two capitalised words are otherwise taken for a first name and a surname; a place
        shows itself by

        * a place word before it ("nad rzeką Nysą Kłodzką", "der Fluss Oder");
        * a preposition of place before a name of several words in the case it governs: it
          opens with an adjective in that case ("na Dolnym Śląsku", "в Северной Каролине")
          or, where nouns come first, closes with one ("nad Nysą Kłodzką", "w Irlandii
          Północnej"). A preposition alone says too little: "na Donalda Tuska", "w Jezusa
          Chrystusa" are people (an organisation word makes "w Parlamencie Europejskim" an
          institution before this is asked);
        * in Latvian and Lithuanian, which need no preposition, every word in the locative
          ("Tālajos Austrumos", "Jaunajā Zēlandē"): people are hardly ever named in it;
        * a country's name beside a common word of the language, the country last
          ("Северна Ирландия", "Republiką Irlandii") or in a case form first ("Irlandią
          Północną"): countries that are first names (Kuba, Jordan) stand first, as written.
        """
        cues, lang = ctx.cues, ctx.lang
        tokens = ctx.tokens
        first, size = tokens[i], j - i
        words = [t.text for t in tokens[i:j]]
        if size > 1 and all(w.lower().endswith(_LOCATIVE.get(lang or "", ("\0",))) for w in words):
            return "LOC"
        if size == 2 and self._country_and_common_word(words, lang, cues):
            return "LOC"
        before = first.prev
        if not before or first.initial:
            return None
        if (before[0].islower() or (lang or "") in NOUN_CAPITALISING) and cues.loc.match(before):
            # German place words are capitalised ("am Fluss Schwarze Elster"); a title before
            # the place word makes it a genitive and the name a person ("hejtman kraje Jan Novák")
            found = _ANY_WORD.findall(ctx.text, max(0, first.start - 80), first.start)[-4:-1]
            return None if any(cues.titles.match(w) for w in found) else "LOC"
        if not before[0].islower() or size < 2 or before not in cues.place_before:
            return None
        if first.text.lower().endswith(_PLACE_ADJECTIVE_ENDINGS.get(lang or "", ())):
            return "LOC"
        if words[-1].lower().endswith(_PLACE_ADJECTIVE_LAST.get(lang or "", ())):
            return "LOC"
        return None

    def _country_and_common_word(self, words: list[str], lang: str | None, cues: Cues) -> bool:
        """Two words, a country's (or region's) name and a common word of the language:
        the country last, or first in a case form ("Irlandii", not the first name "Kuba")."""
        for pos, other in ((1, 0), (0, 1)):
            found = self.gazetteer.match([words[pos]])
            if found is None or found[0].priority < 10**9 or (pos == 0 and found[1] not in _LOOSE):
                continue
            if common_word(words[other], lang) and not cues.titles.match(words[other]):
                return True
        return False

    @staticmethod
    def _type(words: tuple[str, ...], cue: bool, cues: Cues) -> EntityType:
        if any(cues.org_word(w) for w in words[1:]) or (len(words) > 1 and cues.org_word(words[0])):
            return "ORG"
        if len(words) > 1 and any(cues.loc.match(w) for w in words):
            return "LOC"
        if cue:
            return "PER"
        if len(words) == 1 and _is_upper_word(words[0].split("-")[0]):
            return "ORG"
        if len(words) > 1:
            return "PER"
        return "MISC"

    @staticmethod
    def _mention(
        text: str, start: int, end: int, kind: EntityType, field: Field, entry: GazetteerEntry | None, cue: bool
    ) -> Mention:
        digit = _NUMBER_AFTER.match(text, end)
        if digit is not None and entry is None:
            end = digit.end()  # "Nord Stream 2", "Северный поток-2"
        words = tuple(_ANY_WORD.findall(text, start, end))
        return Mention(text[start:end], start, end, field, words, name_key(words), kind, entry, cue)

    def _uncased(self, text: str, field: Field) -> list[Mention]:
        """Scripts without capitals: whole words the gazetteer knows, nothing else."""
        out = []
        for m in re.finditer(r"\w+", text):
            word = m.group(0)
            if len(word) < 2 or word.isdigit():
                continue
            hit = self.gazetteer.by_fold.get(fold_key([word])) if not word.isascii() else None
            if hit is not None:
                out.append(Mention(word, m.start(), m.end(), field, (word,), word.lower(), hit.type, hit, False))
        return out


__all__ = ["Mention", "Recognizer", "Token", "german_namelike", "tokenize", "zipf"]
