"""Full-text search over every article, accent- and case-insensitive in every script,
and cross-lingual by entity.

Why the app folds text itself: SQLite's ``unicode61`` tokenizer with
``remove_diacritics`` knows only Latin accents; it leaves Greek tonos (``έ``), ``ł``
and ``ß`` alone, so ``Λουκασένκο`` and ``Λουκασενκο`` would be different words. The
same :func:`fold` runs when an article is indexed and when a query is parsed, so
whatever it does, both sides agree.

Three ways a query finds an article, all in one FTS5 query ranked by bm25:

1. the folded words of the query in the folded title or body;
2. the words transliterated to Latin (``Лукашенко`` → ``lukashenko``) in the
   transliterated column, which holds Latin forms of non-Latin articles and is
   matched against Latin articles' text too;
3. an entity: a run of query words that is a known surface form of an entity (looked
   up by its transliterated key among every form the articles used, and in the entity
   knowledge base) also matches every article that mentions that entity, in any
   language, through a column of entity tokens.

Filters (language, date range, entity, event, storyline) are SQL conditions on the
articles table beside the match; paging is ``limit``/``offset``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from anyascii import anyascii

from storyline.models import Article

if TYPE_CHECKING:
    from storyline.store.sqlite import SQLiteStore

log = logging.getLogger(__name__)

# Combining marks that are accents on a base letter (Latin, Greek, Cyrillic), Hebrew
# points and Arabic harakat. Indic and Thai vowel signs are NOT here: they are letters
# in all but name, and dropping them would merge different words.
_ACCENT_RANGES = (
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0483, 0x0489),  # Cyrillic combining marks
    (0x0591, 0x05C7),  # Hebrew points and cantillation
    (0x0610, 0x061A),  # Arabic signs
    (0x064B, 0x065F),  # Arabic harakat
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x1AB0, 0x1AFF),  # combining diacritical marks extended
    (0x1DC0, 0x1DFF),  # combining diacritical marks supplement
    (0x20D0, 0x20FF),  # combining marks for symbols
    (0xFE20, 0xFE2F),  # combining half marks
)
# Latin blocks, searched for letters that do not decompose (ł, ø, đ, ß, æ, þ, ı ...)
_LATIN_RANGES = ((0x00A0, 0x024F), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF), (0xAB30, 0xAB6F))
# Han and kana have no spaces between words: each character becomes its own token so
# that a query word (a phrase of characters) matches inside a longer run.
_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
_WHITESPACE = re.compile(r"\s")
_TOKEN = re.compile(r"\w+")

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32
MAX_NGRAM = 5  # longest run of query words looked up as an entity name
MAX_ENTITIES_PER_NAME = 5  # a form shared by more entities than this is too vague to expand


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str | None]:
    """Translation table: accents removed, non-decomposing Latin letters spelled out."""
    table: dict[int, str | None] = {}
    for lo, hi in _ACCENT_RANGES:
        for cp in range(lo, hi + 1):
            table[cp] = None
    for lo, hi in _LATIN_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if not ch.isalpha():
                continue
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            base = base.casefold()
            if base.isascii():
                continue
            spelled = anyascii(ch).casefold()
            if spelled and spelled.isascii() and spelled.isalpha():
                table[cp] = spelled
    return table


@functools.lru_cache(maxsize=1)
def _fold_regexes() -> tuple[re.Pattern[str], re.Pattern[str], dict[int, str]]:
    """The fold table split for speed: a regex of the accents (dropped by ``sub``, far
    faster than ``str.translate`` with a dict), and the spelled-out letters, which are
    rare enough to test for before translating."""
    table = _fold_table()
    accents = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _ACCENT_RANGES) + "]+")
    spelled = {cp: v for cp, v in table.items() if v is not None}
    spelled_re = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(spelled)) + "]")
    return accents, spelled_re, spelled


def fold(text: str) -> str:
    """Case- and accent-free form of ``text`` in its own script.

    NFKD, drop accents, spell out ``ł``/``ß``/``æ``…, casefold (which also maps Greek
    final sigma), NFC again (so Hangul and kana stay whole), one space per gap, and a
    space between Han/kana characters.
    """
    if not text:
        return ""
    if text.isascii():
        # nothing to decompose, drop or spell out (and the transliteration is ASCII)
        return " ".join(text.lower().split())
    accents, spelled_re, spelled = _fold_regexes()
    # casefold first: it can itself yield a letter with an accent (``İ`` → ``i̇``)
    s = accents.sub("", unicodedata.normalize("NFKD", text.casefold()))
    if spelled_re.search(s):
        s = s.translate(spelled)
    s = unicodedata.normalize("NFC", s.casefold())
    if not s.isascii():
        s = _CJK.sub(r" \1 ", s)
    return " ".join(s.split())  # str.split's whitespace is re's \s


class _AsciiTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character: anyascii one
    character at a time (which is how anyascii works), at the speed of ``translate``."""

    def __missing__(self, cp: int) -> str:
        value = anyascii(chr(cp))
        self[cp] = value
        return value


_ASCII = _AsciiTable()


def translit(folded: str) -> str:
    """Latin transliteration of already-folded text ('' when it is Latin already)."""
    if folded.isascii():
        return ""
    return fold(folded.translate(_ASCII))


def _is_token_char(ch: str) -> bool:
    # what FTS5's unicode61 treats as part of a word: letters, numbers, marks, private use
    cat = unicodedata.category(ch)
    return cat[0] in "LNM" or cat == "Co"


def tokens(folded: str) -> list[str]:
    """Words of folded text, split the way FTS5's unicode61 tokenizer splits them."""
    out: list[str] = []
    word: list[str] = []
    for ch in folded:
        if _is_token_char(ch):
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


@functools.lru_cache(maxsize=65536)
def name_key(surface: str) -> str:
    """Key under which an entity's surface form is looked up: Latin letters, no spaces.

    ``Lukašenko`` → ``lukasenko``; ``Лукашенко`` → ``lukashenko``; ``习近平`` and
    ``Xi Jinping`` → ``xijinping``.
    """
    folded = fold(surface)
    latin = translit(folded) or folded
    return "".join(tokens(latin))


def entity_token(entity_id: str) -> str:
    """The token that stands for an entity in the index (ids may hold any character)."""
    return "e" + hashlib.blake2b(entity_id.encode("utf-8"), digest_size=8).hexdigest()


# -- indexing ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexRow:
    """What the search index keeps for one article."""

    title: str
    body: str
    latin: str  # transliteration of title and body, empty for Latin-script articles
    ents: str  # entity tokens, repeated by mention count (capped) so bm25 sees salience
    names: tuple[tuple[str, str], ...]  # (name key, entity id) for every surface form
    meta: str = ""  # language and month tokens, so filters narrow the match inside FTS5


@dataclass(frozen=True, slots=True)
class FoldedText:
    """An article's title and body folded for the index, and their transliteration.

    The costly, pure part of :func:`index_row` (most of the store's CPU per article):
    a pipeline worker process computes it so that the process writing the store
    does not have to (see :mod:`storyline.workers`).
    """

    title: str
    body: str
    latin: str


def fold_article(article: Article) -> FoldedText:
    """The folded title, body and transliteration of ``article``."""
    title = fold(article.title)
    body = fold(article.text)
    return FoldedText(title=title, body=body, latin=" ".join(x for x in (translit(title), translit(body)) if x))


def index_row(
    article: Article,
    event_id: str | None = None,
    story_id: str | None = None,
    folded: FoldedText | None = None,
) -> IndexRow:
    """Fold an article for the index; ``event_id``/``story_id`` are the stored links
    (the columns, which clustering may have changed after the record was written).
    ``folded`` is :func:`fold_article` of this very article when already computed."""
    if folded is None:
        folded = fold_article(article)
    title, body, latin = folded.title, folded.body, folded.latin
    ents: list[str] = []
    names: set[tuple[str, str]] = set()
    for ent in article.entities:
        ents.extend([entity_token(ent.id)] * max(1, min(len(ent.mentions), 5)))
        for surface in {ent.name, *(m.text for m in ent.mentions)}:
            key = name_key(surface)
            if len(key) >= 3:
                names.add((key, ent.id))
    meta = meta_tokens(article.language, article.published, event_id, story_id)
    return IndexRow(title=title, body=body, latin=latin, ents=" ".join(ents), names=tuple(sorted(names)), meta=meta)


def language_token(language: str | None) -> str:
    """Index token of a language code (``el`` → ``zlel``)."""
    return "zl" + "".join(tokens(fold(language))) if language else ""


def link_token(kind: str, link_id: str) -> str:
    """Index token of an event (``zv…``) or storyline (``zs…``) id."""
    return kind + hashlib.blake2b(link_id.encode("utf-8"), digest_size=8).hexdigest()


def _day(value: str | None, end: bool = False) -> dt.date | None:
    """The first (or last, with ``end``) day of an ISO date, month or year."""
    if not value:
        return None
    try:
        if len(value) >= 10:
            return dt.date.fromisoformat(value[:10])
        if len(value) >= 7:
            first = dt.date(int(value[:4]), int(value[5:7]), 1)
            return _month_end(first) if end else first
        return dt.date(int(value[:4]), 12, 31) if end else dt.date(int(value[:4]), 1, 1)
    except ValueError:
        return None


def _month_end(day: dt.date) -> dt.date:
    nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def meta_tokens(language: str | None, published: str | None, event_id: str | None, story_id: str | None) -> str:
    """Filter tokens of an article: language, publication month and day, event, storyline."""
    out = []
    if language:
        out.append(language_token(language))
    if published and len(published) >= 7 and _day(published) is not None:
        out.append(f"zm{published[:4]}{published[5:7]}")
        if len(published) >= 10:
            out.append(f"zd{published[:4]}{published[5:7]}{published[8:10]}")
    if event_id:
        out.append(link_token("zv", event_id))
    if story_id:
        out.append(link_token("zs", story_id))
    return " ".join(out)


MAX_DATE_TOKENS = 400
NO_DAY = "zd00000000"  # a token no article has: an empty date range matches nothing


def date_tokens(since: str | None, until: str | None, bounds: tuple[str | None, str | None]) -> list[str] | None:
    """Tokens that together select exactly the articles published ``since``..``until``:
    whole months by month token, the days of partly covered months by day token. An
    open end is closed by the stored dates (``bounds``). None when that takes more than
    MAX_DATE_TOKENS tokens (the caller filters in SQL instead).

    An article dated to the month only is in a range that covers its whole month."""
    start = _day(since) or _day(bounds[0])
    end = _day(until, end=True) or _day(bounds[1], end=True)
    if start is None or end is None:
        return None
    if start > end:
        return [NO_DAY]
    out: list[str] = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        last = _month_end(month)
        if start <= month and last <= end:
            out.append(f"zm{month.year:04d}{month.month:02d}")
        else:
            day = max(month, start)
            while day <= min(last, end):
                out.append(f"zd{day.year:04d}{day.month:02d}{day.day:02d}")
                day += dt.timedelta(days=1)
        if len(out) > MAX_DATE_TOKENS:
            return None
        month = last + dt.timedelta(days=1)
    return out


def expression(
    parsed: ParsedQuery, query: SearchQuery, bounds: tuple[str | None, str | None] = (None, None)
) -> tuple[str, SearchQuery]:
    """The FTS5 expression for the query's words, entity and filters, and what is left
    for SQL to filter. With words or an entity, every filter goes into FTS5 (so counting
    and paging never join the articles table), except a date range too long to spell
    out in tokens. With neither, the expression is empty and SQL filters everything."""
    words = fts_expression(parsed, query.entity)
    if not words:
        return "", query
    parts = [words]
    residual = SearchQuery(limit=query.limit, offset=query.offset)
    if query.language:
        parts.append(f"meta : {language_token(query.language)}")
    if query.event:
        parts.append(f"meta : {link_token('zv', query.event)}")
    if query.story:
        parts.append(f"meta : {link_token('zs', query.story)}")
    if query.since or query.until:
        days = date_tokens(query.since, query.until, bounds)
        if days is None:
            residual = dataclasses.replace(residual, since=query.since, until=query.until)
        else:
            parts.append("meta : (" + " OR ".join(days) + ")" if len(days) > 1 else f"meta : {days[0]}")
    return " AND ".join(parts), residual


# -- queries -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A search: words and filters. Every field is optional; none lists everything."""

    q: str = ""
    language: str | None = None
    since: str | None = None  # ISO date, compared with ``published``
    until: str | None = None
    entity: str | None = None  # entity id
    event: str | None = None
    story: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Term:
    """One unit of a query: a word, a prefix or a quoted phrase, and the entities it names."""

    words: tuple[str, ...]  # folded
    latin: tuple[str, ...]  # transliterated (equal to ``words`` for Latin queries)
    prefix: bool = False
    entities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def words(self) -> set[str]:
        """Every folded and transliterated word (for highlighting snippets)."""
        out: set[str] = set()
        for t in self.terms:
            out.update(t.words)
            out.update(t.latin)
        return out

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(w for t in self.terms if t.prefix for w in (*t.words[-1:], *t.latin[-1:]))

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e for t in self.terms for e in t.entities))


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    title: str
    language: str | None
    published: str | None
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()  # character ranges of ``snippet`` to mark
    event_id: str | None = None
    story_id: str | None = None
    url: str | None = None
    duplicate_of: str | None = None
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: tuple[Hit, ...]
    query: SearchQuery
    entities: tuple[str, ...] = ()  # entity ids the query was expanded with
    fts: str = ""  # the FTS5 expression run (for explaining results)


_PHRASE = re.compile(r'"([^"]*)"')


def _raw_units(q: str) -> list[tuple[str, bool, bool]]:
    """Split a query into (text, is_phrase, is_prefix) units; quotes make phrases."""
    units: list[tuple[str, bool, bool]] = []
    pos = 0
    for m in _PHRASE.finditer(q):
        units.extend((w, False, False) for w in q[pos : m.start()].split())
        if m.group(1).strip():
            units.append((m.group(1), True, False))
        pos = m.end()
    units.extend((w, False, False) for w in q[pos:].replace('"', " ").split())
    out: list[tuple[str, bool, bool]] = []
    for text, phrase, _ in units:
        prefix = not phrase and text.endswith("*") and len(text.rstrip("*")) >= 2
        out.append((text.rstrip("*") if prefix else text, phrase, prefix))
    return out


def parse(q: str, lookup: Callable[[str, str], tuple[str, ...]] | None = None) -> ParsedQuery:
    """Parse user text into terms; ``lookup`` maps name keys to entity ids.

    Any text is accepted: FTS5 operators and punctuation in the query are plain
    characters here, because every word goes to FTS5 quoted.
    """
    q = q[:MAX_QUERY_CHARS]
    pieces: list[tuple[tuple[str, ...], tuple[str, ...], bool, bool, str]] = []
    for text, phrase, prefix in _raw_units(q):
        folded = fold(text)
        words = tuple(tokens(folded))
        if not words:
            continue
        latin = tuple(tokens(translit(folded))) or words
        if phrase or len(words) > 1:
            pieces.append((words, latin, True, prefix, text))
        else:
            pieces.extend([(words, latin, False, prefix, text)])
    pieces = pieces[:MAX_QUERY_TERMS]
    terms: list[Term] = []
    i = 0
    while i < len(pieces):
        matched: Term | None = None
        if lookup is not None and not pieces[i][3]:
            # longest run of query units that is a known name of some entity
            for n in range(min(MAX_NGRAM, len(pieces) - i), 0, -1):
                run = pieces[i : i + n]
                if any(p[3] for p in run):
                    continue
                key = "".join("".join(p[1]) for p in run)
                ids = lookup(key, " ".join(p[4] for p in run)) if len(key) >= 3 else ()
                if ids and len(ids) <= MAX_ENTITIES_PER_NAME:
                    words = tuple(w for p in run for w in p[0])
                    latin = tuple(w for p in run for w in p[1])
                    matched = Term(words=words, latin=latin, entities=tuple(ids))
                    i += n
                    break
        if matched is None:
            words, latin, _phrase, prefix, _ = pieces[i]
            matched = Term(words=words, latin=latin, prefix=prefix)
            i += 1
        terms.append(matched)
    return ParsedQuery(terms=tuple(terms))


class NameLookup:
    """Callable: (name key, the words as typed) → entity ids: every form the articles
    used (the search names table), else a variant the entity knowledge base knows, by
    its text or by the entity stage's own matching key (both indexed there)."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self._kb: bool | None = None

    def _has_kb(self) -> bool:
        if self._kb is None:
            row = self.store.db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entity_variants'"
            ).fetchone()
            self._kb = row is not None
        return self._kb

    def __call__(self, key: str, raw: str = "") -> tuple[str, ...]:
        found = tuple(self.store.entities_named(key))
        if found or not raw or not self._has_kb():
            return found
        db = self.store.db
        rows = db.execute(
            "SELECT entity_id FROM entity_variants WHERE text = ? COLLATE NOCASE LIMIT ?",
            (raw, 4 * MAX_ENTITIES_PER_NAME),
        ).fetchall()
        if not rows:
            from storyline.entities.normalize import text_key

            kb_key = text_key(raw)
            if kb_key:
                rows = db.execute(
                    "SELECT entity_id FROM entity_variants WHERE key = ? LIMIT ?",
                    (kb_key, 4 * MAX_ENTITIES_PER_NAME),
                ).fetchall()
        return tuple(dict.fromkeys(r[0] for r in rows))


def _quote(words: Sequence[str]) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def fts_expression(parsed: ParsedQuery, entity: str | None = None) -> str:
    """The FTS5 MATCH expression for the words of a query and an entity (empty when
    there are neither)."""
    parts: list[str] = []
    for t in parsed.terms:
        star = " *" if t.prefix else ""
        alts: list[str] = []
        if t.words == t.latin:
            alts.append(f"{{title body latin}} : {_quote(t.words)}{star}")
        else:
            alts.append(f"{{title body}} : {_quote(t.words)}{star}")
            alts.append(f"{{title body latin}} : {_quote(t.latin)}{star}")
        alts.extend(f"ents : {entity_token(e)}" for e in t.entities)
        parts.append("(" + " OR ".join(alts) + ")" if len(alts) > 1 else alts[0])
    if entity:
        parts.append(f"ents : {entity_token(entity)}")
    return " AND ".join(parts)


# -- snippets ------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _word_keys(word: str) -> tuple[str, ...]:
    folded = fold(word)
    words = tokens(folded)
    latin = tokens(translit(folded))
    return tuple(dict.fromkeys([*words, *latin]))


def snippet(
    text: str,
    words: Iterable[str],
    prefixes: Sequence[str] = (),
    anchor: int | None = None,
    width: int = 240,
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of ``text`` around the first query word (or ``anchor``), with the
    character ranges of every query word in it. Plain text: the caller escapes."""
    wanted = set(words)

    def hit(token: str) -> bool:
        for key in _word_keys(token):
            if key in wanted or any(key.startswith(p) for p in prefixes):
                return True
        return False

    first: int | None = None
    hint = _first_position(text, wanted, prefixes)
    if hint is not None:
        # the folded text keeps (nearly) the positions of the original: start near there
        for begin in dict.fromkeys((max(0, hint - 40), 0)):
            for m in _TOKEN.finditer(text, begin):
                if hit(m.group()):
                    first = m.start()
                    break
            if first is not None:
                break
    if first is None:
        first = anchor if anchor is not None else 0
    start = max(0, first - width // 3)
    if start:
        # start at a word boundary
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    window = text[start:end]
    marks = tuple((m.start(), m.end()) for m in _TOKEN.finditer(window) if hit(m.group())) if hint is not None else ()
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix)
    window = _WHITESPACE.sub(" ", window)  # one space for one whitespace char: marks stay put
    return prefix + window + suffix, tuple((a + shift, b + shift) for a, b in marks)


def _first_position(text: str, words: set[str], prefixes: Sequence[str]) -> int | None:
    """Where a query word first stands in the folded ``text`` (0 when only its
    transliteration has it), None when nowhere: one regex pass over the folded text
    spares a word-by-word scan of articles that were found by title or entity."""
    alts = [re.escape(w) + r"(?!\w)" for w in sorted(words) if w] + [re.escape(p) for p in prefixes if p]
    if not alts:
        return None
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alts) + ")")
    folded = fold(text)
    m = pattern.search(folded)
    if m is not None:
        return m.start()
    latin = translit(folded)
    return 0 if latin and pattern.search(latin) else None


def split_marks(text: str, marks: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, marked) pairs, for templates that escape each piece."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for a, b in sorted(marks):
        if a < pos:
            continue
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < len(text):
        out.append((text[pos:], False))
    return out


# -- the search ----------------------------------------------------------------------


def store_expression(store: SQLiteStore, parsed: ParsedQuery, query: SearchQuery) -> tuple[str, SearchQuery]:
    """:func:`expression`, an open date range closed by the stored dates (read only then)."""
    open_range = bool(query.since) != bool(query.until)
    return expression(parsed, query, store.published_bounds() if open_range else (None, None))


def search(store: SQLiteStore, query: SearchQuery) -> SearchResult:
    """Run ``query`` against ``store``; ranked by bm25 when there are words, else newest first."""
    parsed = parse(query.q, NameLookup(store))
    if query.q.strip() and not parsed.terms:
        return SearchResult(total=0, hits=(), query=query)
    expr, residual = store_expression(store, parsed, query)
    total, rows = store.search_rows(expr, residual)
    words = parsed.words
    prefixes = parsed.prefixes
    wanted_entities = set(parsed.entities) | ({query.entity} if query.entity else set())
    hits: list[Hit] = []
    for row in rows:
        article: Article = row.article
        anchor: int | None = None
        for ent in article.entities:
            if ent.id in wanted_entities:
                spans = [m.start for m in ent.mentions if m.field == "text"]
                if spans:
                    anchor = min(spans)
                    break
        text, marks = snippet(article.text, words, prefixes, anchor)
        if anchor is not None:
            # an entity found it: mark its mention too
            marks = tuple(sorted({*marks, *_entity_marks(article, wanted_entities, text)}))
        hits.append(
            Hit(
                id=article.id,
                title=article.title,
                language=article.language,
                published=article.published,
                snippet=text,
                highlights=marks,
                event_id=row.event_id,
                story_id=row.story_id,
                url=article.url,
                duplicate_of=article.duplicate_of,
                score=row.score,
            )
        )
    return SearchResult(total=total, hits=tuple(hits), query=query, entities=parsed.entities, fts=expr)


def _entity_marks(article: Article, ids: set[str], window: str) -> list[tuple[int, int]]:
    forms = {m.text for e in article.entities if e.id in ids for m in e.mentions if m.text}
    marks: list[tuple[int, int]] = []
    for form in sorted(forms, key=len, reverse=True):
        for m in re.finditer(re.escape(form), window):
            marks.append((m.start(), m.end()))
    # drop overlaps, longest first
    marks.sort()
    out: list[tuple[int, int]] = []
    for a, b in marks:
        if out and a < out[-1][1]:
            continue
        out.append((a, b))
    return out


__all__ = [
    "FoldedText",
    "Hit",
    "IndexRow",
    "ParsedQuery",
    "SearchQuery",
    "SearchResult",
    "entity_token",
    "fold",
    "fold_article",
    "fts_expression",
    "index_row",
    "name_key",
    "parse",
    "search",
    "snippet",
    "split_marks",
    "store_expression",
    "tokens",
    "translit",
]
