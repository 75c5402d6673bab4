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
  with lower-case words inside ("Evropská unie").
* **Cue words.** A title or role before a name makes it a person ("prezidents Putins",
  "του προέδρου Σι"); an organisation or place word inside it types it ("Partia Pracy").
* **German nouns.** A capitalised word there is a name part if it is not a common German
  word, or is as common in English as in German (international names: Putin, Kim), or is a
  capitalised *adjective* (simplemma's lemma is lower case: "das Europäische Parlament").
  Compounds ending in a common noun ("Söldnergruppe") are common nouns.

Months, weekdays and language names of every CLDR locale are never entities.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from storyline.entities.knowledge import NOUN_CAPITALISING, Cues, Gazetteer, GazetteerEntry, cues_for
from storyline.entities.normalize import fold_key, name_key, token_key
from storyline.models import EntityType, Field

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_BOUNDARY = re.compile(r"[.!?…:;•|\n\r]")
_SPACE = {" ", "\u00a0"}
MAX_TOKENS = 6
# English month and weekday names (the build keeps out of the non-entity list any word that
# names a place somewhere; for these the calendar reading wins over a small town)
_CALENDAR = frozenset(
    "january february march april may june july august september october november december"
    " monday tuesday wednesday thursday friday saturday sunday".split()
)  # a longer run of capitals is a headline, not a name


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    initial: bool  # first word of a sentence (or of a quoted sentence)
    gap: str  # the text between the previous token and this one


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


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())


_WF_ALIAS = {"hr": "sh", "sr": "sh", "bs": "sh", "no": "nb"}


@lru_cache(maxsize=500_000)
def zipf(word: str, lang: str | None) -> float:
    """Zipf frequency of a lower-case word in ``lang`` (0 when wordfreq has no list for it)."""
    from wordfreq import zipf_frequency

    code = _WF_ALIAS.get(lang or "", lang or "")
    if code not in _wordfreq_languages():
        return 0.0
    return float(zipf_frequency(word, code))


@lru_cache(maxsize=100_000)
def _german_lemma_is_lower(word: str) -> bool:
    import simplemma

    lemma = simplemma.lemmatize(word, lang="de")
    return bool(lemma) and lemma[0].islower() and lemma.lower() != word.lower()


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
    if not any(len(p) > 1 and p[0].isupper() and gazetteer.lookup([p]) is not None for p in parts):
        return [(text, start)]
    out, pos = [], start
    for part in parts:
        if part and part[0].isupper():
            out.append((part, pos))
        pos += len(part) + 1
    return out


def tokenize(text: str, gazetteer: Gazetteer) -> list[Token]:
    tokens: list[Token] = []
    prev_end = 0
    for m in _WORD.finditer(text):
        for word, start in _split_token(m.group(0), m.start(), gazetteer):
            gap = text[prev_end:start]
            initial = not tokens or bool(_BOUNDARY.search(gap))
            if not initial and gap.strip() in {"«", "„", "“", '"', "‘", "‹"} and tokens:
                initial = bool(_BOUNDARY.search(text[max(0, prev_end - 1) : prev_end + 1]))
            tokens.append(Token(word, start, start + len(word), initial, gap))
            prev_end = start + len(word)
    return tokens


def _is_upper_word(t: str) -> bool:
    return len(t) > 1 and t.isupper()


class Recognizer:
    """Finds mentions in one text of one language.

    ``known`` answers whether a token key names an entity the knowledge base has already
    seen (cross-document evidence for weak candidates).
    """

    def __init__(self, gazetteer: Gazetteer, known: Callable[[str], bool] | None = None) -> None:
        self.gazetteer = gazetteer
        self.known = known or (lambda key: False)

    def find(self, text: str, lang: str | None, field: Field = "text") -> list[Mention]:
        if not text or not any(c.isupper() for c in text[:200_000]):
            return self._uncased(text, field) if text else []
        tokens = tokenize(text, self.gazetteer)
        if not tokens:
            return []
        cues = cues_for(lang)
        lower_words = {t.text for t in tokens if t.text[0].islower()}
        nouns = (lang or "") in NOUN_CAPITALISING
        n = len(tokens)
        # 0 no, 1 weak, 2 strong; the gazetteer spans come first
        level = [0] * n
        gaz_span: dict[int, tuple[int, GazetteerEntry]] = {}
        caps = [_is_upper_word(t.text) for t in tokens]
        mid_keys = {token_key(t.text) for t in tokens if not t.initial and t.text[0].isupper()}
        i = 0
        while i < n:
            t = tokens[i]
            if t.text[0].isupper() and len(t.text) > 1:
                hit = self._gazetteer_span(tokens, i, lang, lower_words, mid_keys)
                if hit is not None:
                    gaz_span[i] = hit
                    for j in range(i, hit[0]):
                        level[j] = 3
                    i = hit[0]
                    continue
            i += 1
        strong_keys: set[str] = set()
        for i, t in enumerate(tokens):
            if level[i]:
                continue
            w = t.text
            if len(w) < 2 or not w[0].isupper() or w.lower() in self.gazetteer.non_entities or w.lower() in _CALENDAR:
                continue
            if cues.titles.match(w):
                continue
            if t.end < len(text) - 1 and text[t.end] == "-" and text[t.end + 1].isdigit():
                continue  # "Su-35", "F-16": a model number
            shouting = caps[i] and sum(caps[max(0, i - 2) : i + 3]) >= 3
            if caps[i] and not shouting:
                level[i] = 2
            elif t.initial or shouting or (nouns and not german_namelike(w)):
                level[i] = 1
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
            if key in strong_keys or (self.known(key) and z < 4.5):
                level[i] = 2
            elif not nouns and z < 2.0 and low not in lower_words and not (caps[i] and len(w) > 4):
                level[i] = 2  # a rare word never written in lower case here
            elif (
                i + 1 < n
                and level[i + 1] >= 2
                and tokens[i + 1].gap in _SPACE
                and z < 4.0
                and not tokens[i + 1].text.isupper()
                and not (nouns and _common_tail(low))
            ):
                level[i] = 2  # "Vladimir Putin said" at the start of a sentence, German "Wladimir Putin"
            elif (
                nouns
                and not t.initial
                and i + 1 < n
                and tokens[i + 1].gap in _SPACE
                and tokens[i + 1].text[0].isupper()
                and _german_lemma_is_lower(w)
            ):
                level[i] = 2  # "das Europäische Parlament": a capitalised adjective opens a name
                if level[i + 1] == 1:
                    level[i + 1] = 2
        return self._spans(text, tokens, level, gaz_span, cues, field)

    def _gazetteer_span(
        self,
        tokens: list[Token],
        i: int,
        lang: str | None,
        lower_words: set[str],
        mid_keys: set[str],
    ) -> tuple[int, GazetteerEntry] | None:
        """Longest gazetteer name starting at token ``i`` (words joined by single spaces)."""
        gaz = self.gazetteer
        last = i
        while last + 1 < len(tokens) and last - i + 1 < gaz.max_tokens and tokens[last + 1].gap in _SPACE:
            last += 1
        for end in range(last, i, -1):
            words = [t.text for t in tokens[i : end + 1]]
            if not (words[-1][0].isupper() or words[-1][0].islower()):
                continue
            hit = gaz.lookup(words)
            if hit is not None:
                return end + 1, hit
        return self._gazetteer_word(tokens, i, lang, lower_words, mid_keys)

    def _gazetteer_word(
        self, tokens: list[Token], i: int, lang: str | None, lower_words: set[str], mid_keys: set[str]
    ) -> tuple[int, GazetteerEntry] | None:
        """One word in the gazetteer, unless the context says it is a common word or a name part."""
        t = tokens[i]
        found = self.gazetteer.match([t.text])
        if found is None:
            return None
        hit, how = found
        w = t.text
        if how == "acronym":
            return i + 1, hit
        low = w.lower()
        if low in lower_words:
            return None  # written in lower case elsewhere here: a common word
        if hit.priority < 10**9 and (low in self.gazetteer.non_entities or low in _CALENDAR):
            return None  # "March" the month, not Marka the town
        z = zipf(low, lang)
        city = hit.priority < 10**9
        # where a capital says little (sentence start, German nouns, all caps), a frequent
        # word is a common word that happens to name a town somewhere ("Tage", "Anfang")
        uninformative = t.initial or (lang or "") in NOUN_CAPITALISING or w.isupper()
        if city and how == "key" and (hit.priority < 100_000 or (uninformative and z >= 3.5)):
            return None
        if city and uninformative and z >= 3.5 and hit.priority < 1_000_000:
            return None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if city and nxt is not None and nxt.gap in _SPACE and self._org_word(nxt.text, lang):
            return None  # "Xinhua news agency": a name before an organisation word
        if t.initial and z >= (3.5 if city else 4.5) and token_key(w) not in mid_keys:
            return None  # "Most", "Man" starting a sentence
        if city and self._name_neighbour(tokens, i + 1, i):
            return None  # "Vladimirs Putins", "Kim Jong Un": a first name, not the town
        return i + 1, hit

    @staticmethod
    def _org_word(word: str, lang: str | None) -> bool:
        return word[0].islower() and cues_for(lang).org.match(word)

    def _name_neighbour(self, tokens: list[Token], k: int, i: int) -> bool:
        """Token ``k`` next to ``i`` (single space) is a capitalised word outside the gazetteer."""
        if k < 0 or k >= len(tokens):
            return False
        later = tokens[max(k, i)]
        if later.gap not in _SPACE or later.initial:
            return False
        w = tokens[k].text
        if len(w) < 2 or not w[0].isupper() or w.isupper() or w.lower() in self.gazetteer.non_entities:
            return False
        return self.gazetteer.match([w]) is None

    def _spans(
        self,
        text: str,
        tokens: list[Token],
        level: list[int],
        gaz_span: dict[int, tuple[int, GazetteerEntry]],
        cues: Cues,
        field: Field,
    ) -> list[Mention]:
        out: list[Mention] = []
        n = len(tokens)
        i = 0
        while i < n:
            if i in gaz_span:
                end, entry = gaz_span[i]
                words = tuple(t.text for t in tokens[i:end])
                out.append(self._mention(text, tokens, i, end, words, entry.type, field, entry, False))
                i = end
                continue
            if level[i] < 2:
                i += 1
                continue
            j = i + 1
            while j < n and j - i < MAX_TOKENS:
                t = tokens[j]
                if t.gap in _SPACE and level[j] == 2 and j not in gaz_span:
                    j += 1
                elif (
                    t.text in cues.particles
                    and t.gap in _SPACE
                    and j + 1 < n
                    and level[j + 1] == 2
                    and tokens[j + 1].gap in _SPACE
                ):
                    j += 2
                else:
                    break
            # a lower-case organisation word right after the name types it ("Xinhua news agency")
            kind: EntityType | None = None
            if j < n and tokens[j].gap in _SPACE and tokens[j].text[0].islower() and cues.org.match(tokens[j].text):
                kind = "ORG"
            words = tuple(t.text for t in tokens[i:j])
            cue = self._person_cue(tokens, i, level, gaz_span, cues)
            if kind is None:
                kind = self._type(words, cue, cues)
            out.append(self._mention(text, tokens, i, j, words, kind, field, None, cue))
            i = j
        return out

    @staticmethod
    def _person_cue(
        tokens: list[Token], i: int, level: list[int], gaz_span: dict[int, tuple[int, GazetteerEntry]], cues: Cues
    ) -> bool:
        """A title or role word within three words before token ``i`` (places may stand between)."""
        k = i - 1
        steps = 0
        while k >= 0 and steps < 3:
            if tokens[k + 1].initial:
                return False  # not across a sentence boundary
            if cues.titles.match(tokens[k].text):
                return True
            if level[k] != 3:
                return False  # only places may stand between ("президент России Владимир Путин")
            k -= 1
            steps += 1
        return False

    @staticmethod
    def _type(words: tuple[str, ...], cue: bool, cues: Cues) -> EntityType:
        if any(cues.org.match(w) for w in words[1:]) or (len(words) > 1 and cues.org.match(words[0])):
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
        text: str,
        tokens: list[Token],
        i: int,
        j: int,
        words: tuple[str, ...],
        kind: EntityType,
        field: Field,
        entry: GazetteerEntry | None,
        cue: bool,
    ) -> Mention:
        start, end = tokens[i].start, tokens[j - 1].end
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
