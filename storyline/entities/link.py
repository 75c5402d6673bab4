"""The entity stage: recognise names, group them within the article, give each one id.

Resolution happens in two steps.

*In the article*: mentions with the same key are one entity; a single word that is the
first or last word of a longer person name in the same article ("Kim" after "Kim Jong
Un", "Putina" after "Vladimirs Putins") joins the nearest such name before it (else the
most mentioned), so two Kims in one text stay two; an acronym joins the organisation
whose initials it spells ("SCO" → "Shanghai Cooperation Organization"); a one-word name
that is another one-word name of the article plus a case ending of the text's language
joins it ("Ryanairze" beside "Ryanair").

*Across articles* (the knowledge base): a gazetteer entity has its fixed id; any other
entity takes the id of a known entity with the same key, else of a known person sharing
the surname (or the family name written first) whose other names are similar (fuzzy
ratio on the folded names, or the same Soundex-style code: Kim Jong Un = Kims Čenuns,
but not Kim Jong Il = Kimu Čeniru), else of a known one-word name the word is a case form
of (the keys strip only the endings languages share: Polish "Ryanairze" keeps a "z"),
else of a known entity with the same sound code and a close spelling (Трамп, Тръмп,
Trump), else it is new.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.fuzz import ratio

from storyline.config import Config
from storyline.entities.knowledge import (
    Aliases,
    Gazetteer,
    GazetteerEntry,
    KBEntity,
    KnowledgeBase,
    base_gazetteer,
    cues_for,
    slug,
)
from storyline.entities.lexicon import common_word
from storyline.entities.normalize import (
    CASED_SCRIPTS,
    coarse_name,
    fold_key,
    script_bit,
    split_name,
    strip_ending,
    text_key,
)
from storyline.entities.recognize import Mention, Recognizer
from storyline.models import Article, ArticleEntity, Entity, EntityType, Span, Variant, replace

log = logging.getLogger(__name__)

_TRANSCRIBED_MIN_COUNT = 2  # mentions of an entity before a transcription may join it
# mentions before a one-word name counts as known to recognition (EntityLinker._single,
# _organisation: a common word beside it is cut off, a role word before it is no person).
# Measured on BSNLP (/tmp dev loop over the entity stage, 2026-11-23): without the rule
# recognition F1 0.805, B-cubed 0.859; with it at 1, 2, 3, 5, 8 mentions F1 0.811-0.812 and
# B-cubed 0.869-0.870 alike, so it pays and the count hardly matters: 3 kept
_KNOWN_MIN_COUNT = 3
_MIN_INFLECTED_STEM = 4  # letters of a known name before a case ending (Resolver._inflected)
# case endings of nouns, as written, that a foreign one-word name takes in these languages
# (longest first; Bulgarian and Macedonian add a definite article instead)
_CASE_ENDINGS: dict[str, tuple[str, ...]] = {
    lang: tuple(sorted(endings, key=len, reverse=True))
    for lang, endings in {
        "pl": ("a", "u", "owi", "em", "ie", "ze", "e", "y", "ów", "om", "ami", "ach"),
        "cs": ("a", "u", "ovi", "em", "e", "ě", "y", "ů", "ům", "ech", "ové", "ou"),
        "sk": ("a", "u", "ovi", "om", "e", "y", "ov", "och"),
        "sl": ("a", "u", "om", "em", "ju", "ja", "jem", "ov", "ih"),
        "hr": ("a", "u", "om", "em", "e", "i", "ova", "ovi", "ove"),
        "sr": ("a", "u", "om", "em", "e", "а", "у", "ом", "ем", "е"),
        "bs": ("a", "u", "om", "em", "e"),
        "ru": ("а", "у", "ом", "е", "ы", "ов", "ам", "ах", "ами", "ым"),
        "uk": ("а", "у", "ом", "і", "ові", "ів", "ам", "ах", "ами", "ем"),
        "be": ("а", "у", "ам", "е", "ы", "аў"),
        "bg": ("а", "ът", "та", "то", "ите"),
        "mk": ("от", "та", "то", "те"),
        "lv": ("s", "a", "am", "u", "ā", "ai", "as"),
        "lt": ("as", "o", "ui", "u", "e", "ą", "is"),
        "de": ("s",),
        "el": ("ς",),
    }.items()
}


@dataclass(frozen=True, slots=True)
class EntitySettings:
    """``[entities]`` in defaults.toml."""

    aliases: str = ""  # path of the alias file ("" for none)
    max_chars: int = 200_000  # longer texts are read up to here (the rest keeps no mentions)
    name_similarity: float = 0.75  # fuzzy ratio of the other names of two people with one surname
    spelling_similarity: float = 0.75  # fuzzy ratio of two spellings with one sound code
    transcription_similarity: float = 0.6  # the same for one word written in two scripts


@dataclass(slots=True)
class Local:
    """One entity inside one article."""

    mentions: list[Mention] = field(default_factory=list)
    gazetteer: GazetteerEntry | None = None
    inflected: list[Mention] = field(default_factory=list)  # joined as case forms of another mention
    # a lone organisation word of the language ("Rady", "Комісія", "Совет"): the short form
    # of an organisation's name, never a name of its own (see :func:`generic_word`)
    generic: bool = False

    @property
    def fullest(self) -> Mention:
        names = [m for m in self.mentions if m not in self.inflected] or self.mentions
        return max(names, key=lambda m: (len(m.tokens), -m.start))

    @property
    def type(self) -> EntityType:
        if self.gazetteer is not None:
            return self.gazetteer.type
        if self.generic:
            return "ORG"
        if any(m.person_cue for m in self.mentions):
            return "PER"
        counts = Counter(m.type for m in self.mentions if m.type != "MISC")
        return counts.most_common(1)[0][0] if counts else "MISC"


def _compatible(a: EntityType, b: EntityType) -> bool:
    return a == b or "MISC" in (a, b)


def _compatible_word(a: EntityType, b: EntityType) -> bool:
    """Types of one-word names that may be one entity: a role word before a single word
    ("head of Ryanair", "šéf Ryanairu") often types an organisation as a person, so the
    same word is not split over PER and ORG (places stay apart: the gazetteer knows them)."""
    return _compatible(a, b) or {a, b} == {"PER", "ORG"}


def generic_word(m: Mention, lang: str | None) -> bool:
    """Is ``m`` one capitalised organisation word that is a common noun of ``lang``?

    "Rady" (of the Council), "Комісія", "Совет": the press shortens "Rada Europejska" or
    "Совет Федерации" to its head noun once the full name is known. Such a word names the
    organisation the text (or the news before it) means by it, so it may only join an
    organisation, never a person's name ending or starting with it ("Комісії Рада"), and
    it is no entity of its own. A name that merely starts like an organisation word
    ("Radek") is no common word and stays a name.
    """
    if len(m.tokens) != 1 or m.gazetteer is not None:
        return False
    word = m.tokens[0]
    return not word.isupper() and common_word(word, lang) and cues_for(lang).org.match(word)


def _position(m: Mention) -> tuple[int, int]:
    return ({"title": 0, "text": 1}.get(m.field, 2), m.start)


def group_mentions(mentions: list[Mention], lang: str | None = None) -> list[Local]:
    """Group one article's mentions into entities (see the module docstring)."""
    by_gaz: dict[str, Local] = {}
    by_key: dict[str, Local] = {}
    singles: list[Mention] = []
    for m in sorted(mentions, key=lambda m: -len(m.tokens)):
        if m.gazetteer is not None:
            by_gaz.setdefault(m.gazetteer.id, Local(gazetteer=m.gazetteer)).mentions.append(m)
        elif len(m.tokens) > 1:
            by_key.setdefault(m.key, Local()).mentions.append(m)
        else:
            singles.append(m)
    # names of several words, with the first and last word of their fullest form (a lone
    # word only ever joins them, so these stay what they are for the whole loop)
    longer = [(loc, _ends(loc.fullest.key)) for loc in by_key.values() if loc.type != "LOC"]
    # organisations of the gazetteer named in full here: what a lone organisation word may mean
    named_orgs = [
        (loc, {w for x in loc.mentions if len(x.tokens) > 1 for w in _ends(x.key)})
        for loc in by_gaz.values()
        if loc.type == "ORG"
    ]
    # a town or region named like a person of this article is that person ("Мей" after "Тереза Мей")
    for ident, loc in list(by_gaz.items()):
        entry = loc.gazetteer
        if entry is None or entry.priority >= 10**10 or any(len(m.tokens) > 1 for m in loc.mentions):
            continue
        if any(loc.mentions[0].key in ends for _, ends in longer):
            del by_gaz[ident]
            singles.extend(replace_mention(m) for m in loc.mentions)
    for m in singles:
        if m.key in by_key:
            by_key[m.key].mentions.append(m)
            continue
        generic = generic_word(m, lang)
        if generic:
            # an organisation the gazetteer knows, named in full here, before any other
            owners = [loc for loc, ends in named_orgs if m.key in ends] or [
                loc for loc, ends in longer if m.key in ends and loc.type == "ORG"
            ]
        else:
            owners = [loc for loc, ends in longer if m.key in ends]
        if not owners and m.text.isupper() and len(m.text) >= 2:
            owners = [loc for loc, _ in longer if _initials(loc.fullest.tokens) == m.text.split("-")[0].upper()]
        if owners:
            before = [
                (max((_position(x) for x in loc.mentions if _position(x) < _position(m)), default=None), loc)
                for loc in owners
            ]
            placed = [(p, loc) for p, loc in before if p is not None]
            if placed:
                max(placed, key=lambda x: x[0])[1].mentions.append(m)
            else:
                max(owners, key=lambda loc: len(loc.mentions)).mentions.append(m)
            continue
        by_key.setdefault(m.key, Local(generic=generic)).mentions.append(m)
    _join_inflected(by_key, lang)
    return list(by_gaz.values()) + list(by_key.values())


def inflected_stems(word: str, lang: str | None) -> list[str]:
    """The folded stems ``word`` (one word, not an acronym) has less one case ending of
    ``lang`` (:data:`_CASE_ENDINGS`), each at least :data:`_MIN_INFLECTED_STEM` letters."""
    if word.isupper():
        return []
    low = word.lower()
    return [
        fold_key([word[: -len(ending)]])
        for ending in _CASE_ENDINGS.get(lang or "", ())
        if low.endswith(ending) and len(low) - len(ending) >= _MIN_INFLECTED_STEM
    ]


def _join_inflected(by_key: dict[str, Local], lang: str | None) -> None:
    """A one-word name that is another one-word name of the article plus a case ending
    joins it ("Ryanairze" beside "Ryanair"), as :meth:`Resolver._inflected` does across
    articles."""
    words = {fold_key([loc.fullest.tokens[0]]): key for key, loc in by_key.items() if len(loc.fullest.tokens) == 1}
    for key, loc in list(by_key.items()):
        m = loc.fullest
        if len(m.tokens) != 1:
            continue
        for stem in inflected_stems(m.tokens[0], lang):
            target = words.get(stem)
            if target is not None and target != key and target in by_key:
                if _compatible_word(by_key[target].type, loc.type):
                    by_key[target].mentions.extend(loc.mentions)
                    by_key[target].inflected.extend(loc.mentions)
                    del by_key[key]
                break


def _ends(key: str) -> tuple[str, str]:
    words = key.split()
    return words[0], words[-1]


def replace_mention(m: Mention) -> Mention:
    """The mention without its gazetteer entry (it names a person here)."""
    return replace(m, gazetteer=None, type="MISC")


def _initials(tokens: tuple[str, ...]) -> str:
    return "".join(t[0] for t in tokens if t[:1].isupper())


class Resolver:
    """Gives article entities their ids from the knowledge base (and grows it)."""

    def __init__(self, kb: KnowledgeBase, settings: EntitySettings, banned: set[tuple[str, str]]) -> None:
        self.kb = kb
        self.settings = settings
        # (key of a name, id or key of the entity it must not join) from the alias file
        self.banned = banned

    def _ok(self, key: str, entity: KBEntity) -> bool:
        for name_key_, other in self.banned:
            if name_key_ == key and (other == entity.id or other in entity.names):
                return False
        return True

    def find(self, local: Local, lang: str | None = None) -> KBEntity | None:
        kb = self.kb
        m = local.fullest
        kind = local.type
        key = m.key
        tokens = key.split()
        if not tokens:
            return None
        fits = _compatible_word if len(tokens) == 1 else _compatible
        exact = [
            e
            for e in kb.candidates(kb.by_key.get(key, set()))
            if fits(e.type, kind) and self._ok(key, e) and self._written_alike(e, key, m)
        ]
        if exact:
            return max(exact, key=lambda e: e.count)
        if len(tokens) > 1:
            return self._person(m, tokens, kind) or self._fuzzy(m, key, kind)
        # one word: the surname (or first name) of a known person, or a close spelling
        owners = [
            e
            for e in kb.candidates(kb.by_token.get(key, set()))
            if _compatible(e.type, kind) and self._ok(key, e) and key in e.ends
        ]
        if owners:
            return max(owners, key=lambda e: e.count)
        return self._inflected(m, kind, lang) or self._fuzzy(m, key, kind)

    @staticmethod
    def _written_alike(entity: KBEntity, key: str, m: Mention) -> bool:
        """May a mention the gazetteer did not take reach a gazetteer place by its key?

        Only through a name of the place seen in the mention's own script. The gazetteer
        decides on every spelling of its places, across scripts too; a key shared with a
        name of another script is a coincidence of the folding ("City" and "Чита" both
        give "cit"), and the recogniser has already refused the word as that place.
        """
        if not (entity.fixed_name and entity.id.startswith("LOC:")):
            return True
        script = script_bit(m.text)
        return any(v.key == key and script_bit(v.text) == script for v in entity.variants.values())

    def organisation(self, local: Local) -> KBEntity | None:
        """The known organisation a lone organisation word (:func:`generic_word`) stands for:
        one with that one-word name, or whose longer name starts or ends with it ("Rady" ~
        "Rada Europejska"), the most mentioned; None when no organisation has it."""
        key = local.fullest.key
        ids = self.kb.by_key.get(key, set()) | self.kb.by_token.get(key, set())
        found = [
            e
            for e in self.kb.candidates(ids)
            if e.type == "ORG" and self._ok(key, e) and (key in e.ends or key in e.names)
        ]
        return max(found, key=lambda e: e.count) if found else None

    def _inflected(self, m: Mention, kind: EntityType, lang: str | None) -> KBEntity | None:
        """A known one-word name with a case ending of the text's language after it.

        The keys strip the endings names share across languages, not every language's
        endings of a foreign name: "Ryanairze" (Polish locative: r softens to rz before
        -e) keeps a "z" the nominative's key lacks. Here the word less one ending of
        its language must be a known entity's name exactly as folded ("Ryanair"), the
        stem at least :data:`_MIN_INFLECTED_STEM` letters long.
        """
        if len(m.tokens) != 1:
            return None
        for folded in inflected_stems(m.tokens[0], lang):
            key = strip_ending(folded)
            found = [
                e
                for e in self.kb.candidates(self.kb.by_key.get(key, set()))
                if _compatible_word(e.type, kind)
                and self._ok(m.key, e)
                and any(" " not in v and fold_key([v]) == folded for v in e.names.values())
            ]
            if found:
                return max(found, key=lambda e: e.count)
        return None

    def _person(self, m: Mention, tokens: list[str], kind: EntityType) -> KBEntity | None:
        if kind not in ("PER", "MISC"):
            return None
        best: tuple[float, int, KBEntity] | None = None
        raw = list(m.tokens)
        for pos in (-1, 0):
            for e in self.kb.candidates(self.kb.by_token.get(tokens[pos], set())):
                if e.type not in ("PER", "MISC") or not self._ok(m.key, e):
                    continue
                for vkey, vtext in e.names.items():
                    vk = vkey.split()
                    if len(vk) < 2 or vk[pos] != tokens[pos]:
                        continue
                    vraw = split_name(vtext)
                    rest_a = raw[:-1] if pos == -1 else raw[1:]
                    rest_b = vraw[:-1] if pos == -1 else vraw[1:]
                    score = ratio(fold_key(rest_a), fold_key(rest_b)) / 100
                    if score < self.settings.name_similarity and coarse_name(rest_a) != coarse_name(rest_b):
                        continue
                    cand = (score, e.count, e)
                    if best is None or cand[:2] > best[:2]:
                        best = cand
        return best[2] if best else None

    def _fuzzy(self, m: Mention, key: str, kind: EntityType) -> KBEntity | None:
        code = coarse_name(list(m.tokens))
        if len(code) < 2:
            return None
        folded = fold_key(list(m.tokens))
        # one word of three sounds or more, transcribed from another script: the spelling
        # follows the sound, not the letters (Райънеър ~ Ryanair), so a lower ratio will do
        # for an organisation (or untyped name) seen often enough in that other script
        word = m.tokens[0]
        script = script_bit(word) if len(m.tokens) == 1 and len(code) >= 3 and not word.isupper() else 0
        best: tuple[float, KBEntity] | None = None
        for e in self.kb.candidates(self.kb.by_coarse.get(code, set())):
            if not _compatible(e.type, kind) or not self._ok(key, e):
                continue
            if e.fixed_name and e.id.startswith("LOC:"):
                continue  # a gazetteer place is reached by the gazetteer's rules, not a near spelling ("Otok" ~ Tokio)
            for vkey, vtext in e.names.items():
                if vkey.count(" ") != key.count(" "):
                    continue
                score = max(ratio(key, vkey), ratio(folded, fold_key(split_name(vtext)))) / 100
                needed = self.settings.spelling_similarity
                if (
                    script
                    and not e.fixed_name  # places and known organisations have their names
                    and e.type in ("ORG", "MISC")
                    and kind in ("ORG", "MISC")
                    and e.count >= _TRANSCRIBED_MIN_COUNT
                    and (other := script_bit(vtext)) != script
                    and (script | other) & CASED_SCRIPTS == script | other
                    and not vtext.isupper()
                    and abs(len(folded) - len(vkey)) <= 2
                ):
                    needed = self.settings.transcription_similarity
                if score >= needed and (best is None or score > best[0]):
                    best = (score, e)
        return best[1] if best else None


class EntityLinker:
    """The ``entities`` stage: fills ``Article.entities`` and keeps the knowledge base in the store."""

    name = "entities"

    def __init__(self, config: Config, store: Any | None = None) -> None:
        self.settings = config.section("entities", EntitySettings)
        self.store = store
        self.aliases = Aliases.load(self.settings.aliases or None)
        self.gazetteer = self._gazetteer()
        self.kb = KnowledgeBase()
        self._merge_groups: dict[str, int] = {}
        for group, names in enumerate(self.aliases.merges):
            for name in names:
                self._merge_groups[name] = group
                self._merge_groups[text_key(name)] = group
        self._merge_targets: dict[int, KBEntity] = {}
        self._load()
        self.banned = self._banned()
        self.resolver = Resolver(self.kb, self.settings, self.banned)
        self.recognizer = Recognizer(
            self.gazetteer, known=self._known, known_single=self._single, known_org=self._organisation
        )
        self._links: list[tuple[str, str, int]] = []

    def _known(self, key: str) -> bool:
        """A typed entity of the knowledge base has this word (evidence for a weak candidate)."""
        return key in self.kb.typed_tokens

    def _single(self, key: str) -> bool:
        """A one-word entity, not a person, seen at least three times (Brexit, Gazprom)."""
        return any(
            e.count >= _KNOWN_MIN_COUNT and e.type != "PER" for e in self.kb.candidates(self.kb.by_key.get(key, set()))
        )

    def _organisation(self, key: str) -> bool:
        """An organisation named by one word, seen at least three times (Ryanair, Reuters).

        Not a longer name one of whose forms is this word (the "Trump" of "Donald Trump"),
        nor a word in capitals (a headline's "TRUMP" is typed as an acronym)."""
        return any(
            e.count >= _KNOWN_MIN_COUNT and e.type == "ORG" and " " not in e.name and not e.name.isupper()
            for e in self.kb.candidates(self.kb.by_key.get(key, set()))
        )

    # -- setup -----------------------------------------------------------------------------
    def _gazetteer(self) -> Gazetteer:
        base = base_gazetteer()
        if not self.aliases.entities:
            return base
        gaz = base.copy()  # the shipped names stay untouched; first words and calendar keys come along
        for entry, names in self.aliases.entities:
            gaz.add(entry, list(names))
        return gaz

    def _load(self) -> None:
        load = getattr(self.store, "load_entities", None)
        if load is None:
            return
        for entity, keys in load():
            e = self.kb.ensure(entity.id, entity.name, entity.type, fixed=entity.id[:4] in ("LOC:", "ORG:"))
            e.articles = entity.articles
            for v in entity.variants:
                key = keys.get((v.text, v.language or "")) or text_key(v.text)
                self.kb.add_variant(e, v.text, v.language, key, v.first_seen, v.count)
                e.variants[(v.text, v.language)].last_seen = v.last_seen
            e.name = entity.name
        self.kb.dirty.clear()
        self._apply_merges()

    def _resolve_name(self, name: str) -> KBEntity | None:
        if name in self.kb.entities:
            return self.kb.entities[name]
        hits = self.kb.candidates(self.kb.by_key.get(text_key(name), set()))
        return max(hits, key=lambda e: e.count) if hits else None

    def _apply_merges(self) -> None:
        for names in self.aliases.merges:
            found = [self._resolve_name(n) for n in names]
            target = found[0]
            if target is None:
                continue
            for other in found[1:]:
                if other is not None and other.id != target.id:
                    self._merge(other, target)

    def _merged(self, entity: KBEntity, key: str) -> KBEntity:
        """The entity a ``[[merge]]`` of the alias file folds this one into (else itself)."""
        group = self._merge_groups.get(key)
        if group is None:
            group = self._merge_groups.get(entity.id)
        if group is None:
            return entity
        target = self._merge_targets.get(group)
        if target is None or target.id not in self.kb.entities:
            target = self._resolve_name(self.aliases.merges[group][0]) or entity
            self._merge_targets[group] = target
        if target.id != entity.id:
            self._merge(entity, target)
        return target

    def _merge(self, src: KBEntity, dst: KBEntity) -> None:
        for slot, var in src.variants.items():
            self.kb.add_variant(dst, var.text, var.language, var.key, var.first_seen, var.count)
            dst.variants[slot].last_seen = max(
                filter(None, [dst.variants[slot].last_seen, var.last_seen]), default=None
            )
        dst.articles += src.articles
        self.kb.redirect[src.id] = dst.id
        self.kb.entities.pop(src.id, None)
        self.kb.dirty.add(dst.id)
        self.kb.removed.add(src.id)

    def _banned(self) -> set[tuple[str, str]]:
        """``[[split]]`` pairs: the name's key, and the other entity's id (if known) or name key."""
        banned = set()
        for name, not_ in self.aliases.splits:
            target = self._resolve_name(not_)
            banned.add((text_key(name), target.id if target else text_key(not_)))
        return banned

    # -- the stage ------------------------------------------------------------------------
    def __call__(self, article: Article) -> Article:
        out = self._analyse(article)
        self.flush()
        return out

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]:
        """Link a batch. If an article fails, the ones before it are flushed and yielded
        before the error is raised: the pipeline retries only the rest, so no article's
        names are counted into the knowledge base twice."""
        done: list[Article] = []
        error: Exception | None = None
        try:
            for article in articles:
                done.append(self._analyse(article))
        except Exception as exc:  # noqa: BLE001 - raised again below, once the done part is flushed
            error = exc
        self.flush()
        yield from done
        if error is not None:
            raise error

    def _analyse(self, article: Article) -> Article:
        lang = article.language or article.language_hint
        limit = self.settings.max_chars
        mentions = self.recognizer.find(article.title[:limit], lang, "title") if article.title else []
        mentions += self.recognizer.find(article.text[:limit], lang, "text")
        mentions += self._caption_mentions(article, lang)
        seen = article.published
        entities: dict[str, tuple[KBEntity, list[Mention]]] = {}
        for local in group_mentions(mentions, lang):
            if local.generic:
                found = self.resolver.organisation(local)
                if found is None:
                    continue  # "Совет" where no council is known: a common noun, no entity
                entity = self._merged(found, local.fullest.key)
            else:
                entity = self._merged(self._entity_for(local, lang), local.fullest.key)
            for m in local.mentions:
                self.kb.add_variant(entity, m.text, lang, m.key, seen)
            slot = entities.setdefault(entity.id, (entity, []))
            slot[1].extend(local.mentions)
        result = []
        for entity, ms in entities.values():
            entity.articles += 1
            ms.sort(key=_position)
            spans = tuple(Span(m.text, m.start, m.end, m.field) for m in ms)
            result.append(ArticleEntity(entity.id, entity.name, entity.type, spans))
            self._links.append((article.id, entity.id, len(ms)))
        result.sort(key=lambda e: (-len(e.mentions), e.id))
        return replace(article, entities=tuple(result))

    def _caption_mentions(self, article: Article, lang: str | None) -> list[Mention]:
        """Names in photo captions and credits, each caption in its own language, with
        offsets into ``article.caption_text``. They count as mentions of the article's
        entities, but the event stages weigh only the body and title (a caption often
        describes a file photo from another time and place)."""
        found: list[Mention] = []
        offset = 0
        for caption in article.captions:
            for m in self.recognizer.find(caption.text[: self.settings.max_chars], caption.language or lang, "caption"):
                found.append(replace(m, start=m.start + offset, end=m.end + offset))
            offset += len(caption.text) + 1
        return found

    def _entity_for(self, local: Local, lang: str | None = None) -> KBEntity:
        kb = self.kb
        gaz = local.gazetteer
        if gaz is not None:
            return kb.ensure(gaz.id, gaz.name, gaz.type, fixed=True)
        found = self.resolver.find(local, lang)
        kind = local.type
        if found is not None:
            self._vote(found, kind)
            return found
        m = local.fullest
        ident = f"{kind.lower()}:{slug(m.key)}"
        n = 2
        while ident in kb.entities or ident in kb.redirect:
            ident = f"{kind.lower()}:{slug(m.key)}-{n}"
            n += 1
        entity = kb.ensure(ident, m.text, kind)
        self._vote(entity, kind)
        return entity

    def _vote(self, entity: KBEntity, kind: EntityType) -> None:
        """Count one article's type for the entity; its type is the most voted PER, LOC or
        ORG (MISC says nothing; a tie keeps the type it has). One article where a role word
        stood before "Ryanair" no longer makes the company a person for good. Entities
        loaded from the store start with their type voted by their article count."""
        if entity.fixed_name:
            return  # a gazetteer or alias entity: its type is given
        votes = entity.votes
        if not votes and entity.articles:
            votes[entity.type] = entity.articles
        votes[kind] = votes.get(kind, 0) + 1
        typed = [(n, t == entity.type, t) for t, n in votes.items() if t != "MISC"]
        if not typed:
            return
        best: EntityType = max(typed)[2]  # type: ignore[assignment]
        if best != entity.type:
            entity.type = best
            self.kb.dirty.add(entity.id)
            for k in entity.names:
                self.kb.typed_tokens.update(k.split())

    def flush(self) -> None:
        """Write what changed in the knowledge base to the store."""
        if self.store is None or not hasattr(self.store, "save_entities"):
            self.kb.dirty.clear()
            self._links.clear()
            return
        changed = [self.kb.entities[i] for i in self.kb.dirty if i in self.kb.entities]
        keys: dict[tuple[str, str, str], str] = {}
        records = []
        for e in changed:
            variants = tuple(
                Variant(v.text, v.language, v.script, v.count, v.first_seen, v.last_seen) for v in e.variants.values()
            )
            for v in e.variants.values():
                keys[(e.id, v.text, v.language or "")] = v.key
            records.append(Entity(e.id, e.name, e.type, variants, e.articles))
        if self.kb.removed:
            self.store.delete_entities(sorted(self.kb.removed))
            self.kb.removed.clear()
        self.store.save_entities(records, keys)
        self.store.link_article_entities(self._links)
        self.kb.dirty.clear()
        self._links.clear()


def relink(store: Any, config: Config) -> int:
    """Forget the knowledge base and resolve every stored article again (after editing aliases)."""
    store.clear_entities()
    linker = EntityLinker(config, store)
    articles = list(store.articles())
    out = list(linker.pipe(articles))
    store.update_articles(out)
    return len(out)


__all__ = ["EntityLinker", "EntitySettings", "Local", "Resolver", "group_mentions", "relink"]
