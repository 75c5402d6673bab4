"""Who met whom: meetings and visits from multilingual trigger words near people.

An article is read sentence by sentence (its title first). A sentence with a trigger
word (met, traf, tikās, συνάντηση, встретился, visit, Besuch, received, empfing, принял …)
is a *clue*; the people it names are the meeting's participants only when the sentence
speaks of *this* event:

* a clause whose date lies more than a day from the article's event date, or that says
  "previous / earlier / last" (``RECALL_STEMS``), is about another meeting and credits
  nobody: "they last met in March 2021", "Kim … on Wednesday met Putin";
* a sentence whose clause with the trigger names two people credits those two, not a
  third person in another clause ("X flew to Beijing for talks with Y, the second trip
  this year by an ally of Z": Z is not at the meeting); when no clause has two, every
  person of the sentence counts ("X travelled to Sochi, where he met Y");
* :func:`combine` then weighs each clue: more when it is in the title or lead, names the
  event's date or place; nothing when it names no such tie but a place in another
  country (a planned visit elsewhere). The pair the weighted clues put together most is
  the meeting's core; a third person takes part when a clue tied to the event puts them
  with the core, or a clue puts them with the guest (a state visit's programme), and
  most of the articles that name them agree (naming them, but never at the meeting, is
  disagreeing; not naming them is not).

Host and guest, from three kinds of evidence, each general across languages:

* a *travel / visit* word: its subject is the guest, the person right before it in the
  clause, else the first one after it (verb-second order: "Am Freitag reiste Lukaschenko
  nach Sotschi", "Nach Minsk reiste Putin"; nouns: "the visit of X");
* a *receive / host* word ("X received Y", "X empfing Y", "Путин принял Лукашенко",
  "υποδέχθηκε"): its subject is the host and the next person the guest; in the passive
  ("Y was received by X", "Y wurde von X empfangen") the person after the agent word is
  the host;
* the place: the guest travels *to* the host's country. A person's country is read from
  the words right before their mentions (a country named there: "Krievijas līderis
  Putins", "China Premier Li"; or a demonym sharing its stem with a country the article
  names: "der russische Präsident Putin" ~ Russland, "Κινέζο ηγέτη Σι" ~ Κίνα); the
  place's country from the gazetteer. When exactly one of the two is of the place's
  country, they are the host.

The host is then chosen among the participants (never someone only mentioned): the one a
receive word names, else one named with a head-of-state title ("President", "Staatschef",
"глава государства"; :data:`HEAD_OF_STATE`) of the place's country, else the guest's
partner in the core: a state visit's host is the head of state who receives the guest,
not a premier the guest also met.

A meeting the text speaks of only as to come ("will visit", "is expected to meet", "plant
… zu besuchen", "посетит"; :data:`PLAN_STEMS`) is kept and marked ``planned``: the
announcement is news too, but nobody has met yet (one report that it happened is enough).
A plan with a date ("next week") is already left out: its clause is of another time.

A "person" whose name has a building word ("Trump Tower", "Дворец …"; :data:`VENUE_WORDS`)
is a place named after someone: never a participant (:func:`is_person`).

:func:`event_places` reads, for every article, the place a meet, visit or arrive word
names in the title or lead ("met … in Sofia"): where the event happened, for its card.

Trigger lists are word stems (matched at a word start, case-insensitively) for the
languages the project reads; they are general vocabulary, not fitted to any document.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from storyline.entities.knowledge import plain
from storyline.models import Article, ArticleEntity, Meeting
from storyline.represent import date_interval

# stems of "meet / talks" words
MEET_STEMS: dict[str, tuple[str, ...]] = {
    "en": ("met ", "meet", "talks with", "held talks"),
    "de": ("traf", "treffen", "getroffen", "trifft", "gespräch"),
    "fr": ("rencontr", "entretenu", "entretien"),
    "es": ("reuni", "se reunió", "encuentro", "entrevist"),
    "it": ("incontr", "colloqui"),
    "pt": ("encontr", "reuni"),
    "nl": ("ontmoet", "gesprek"),
    "ru": ("встрет", "встреч", "переговор"),
    "uk": ("зустр", "переговор"),
    "bg": ("срещ", "разговор"),
    "pl": ("spotka", "spotkani", "rozmow"),
    "cs": ("setkal", "setkání", "schůzk", "jednal", "jednání"),
    "sk": ("stretol", "stretnut", "rokoval", "rokovani"),
    "sl": ("srečal", "srečanj", "pogovor"),
    "hr": ("sastao", "sastan", "susret", "razgovor"),
    "sr": ("састао", "састан", "sastao", "sastan"),
    "lv": ("tikās", "tikšan", "tiekot", "sarun"),
    "lt": ("susitik", "derybos"),
    "et": ("kohtus", "kohtumi"),
    "el": ("συνάντ", "συναντ", "συνομιλ"),
    "tr": ("görüştü", "görüşme", "bir araya"),
}
# stems of "visit / travel to" words: their subject is the guest
VISIT_STEMS: dict[str, tuple[str, ...]] = {
    "en": ("visit", "trip to", "travelled to", "traveled to", "arrived in", "arrives in", "arrival in"),
    "de": ("besuch", "reiste", "reise", "staatsbesuch", "eingetroffen"),
    "fr": ("visite", "se rend", "s'est rendu"),
    "es": ("visita", "viaj"),
    "it": ("visita", "viaggio"),
    "pt": ("visita", "viag"),
    "nl": ("bezoek",),
    "ru": ("визит", "посет", "посещ", "прибыл"),
    "uk": ("візит", "відвіда", "відвід", "прибув"),
    "bg": ("посещени", "посети", "визит"),
    "pl": ("wizyt", "odwiedz", "przyjecha"),
    "cs": ("návštěv", "navštív", "přicestoval"),
    "sk": ("návštev", "navštív", "pricestoval"),
    "sl": ("obisk", "obiskal", "prispel"),
    "hr": ("posjet", "posjeti", "doputovao"),
    "sr": ("посет", "posjet", "poset"),
    "lv": ("vizīt", "apmeklē", "ieradās", "devās"),
    "lt": ("vizit", "lankė", "atvyko"),
    "et": ("visiit", "külast"),
    "el": ("επίσκεψ", "επισκέφ", "μεταβαίν", "ταξίδι"),
    "tr": ("ziyaret",),
}
# stems of "receive / host / welcome" words: their subject is the host (words of other
# senses, "received criticism", "принял закон", need two people in the clause to matter)
RECEIVE_STEMS: dict[str, tuple[str, ...]] = {
    "en": ("received", "receives", "hosted", "hosts ", "welcomed"),
    "de": ("empfing", "empfangen", "empfängt", "begrüßte"),
    "fr": ("a reçu", "reçoit", "accueilli", "accueille"),
    "es": ("recibió", "recibe ", "acogió"),
    "it": ("ha ricevuto", "riceve ", "ha accolto"),
    "pt": ("recebeu", "recebe "),
    "nl": ("ontving",),
    "ru": ("принял", "принимал", "принимает", "приём", "прием "),
    "uk": ("прийняв", "приймав", "приймає"),
    "bg": ("прие ", "посрещна"),
    "pl": ("przyjął", "gościł", "podejmował"),
    "cs": ("přijal",),
    "sk": ("prijal",),
    "sl": ("sprejel",),
    "hr": ("primio",),
    "sr": ("примио", "primio"),
    "lv": ("uzņēma", "sagaidīja"),
    "lt": ("priėmė",),
    "et": ("võttis vastu",),
    "el": ("υποδέχ", "δεκτός", "δεκτή"),
    "tr": ("kabul etti",),
}
# words that start like a trigger word but are none: Bulgarian "срещу" (against), Russian
# and Ukrainian "встречный" / "зустрічний" (counter-: "встречные санкции")
FALSE_TRIGGERS: tuple[str, ...] = ("срещу", "встречн", "зустрічн")
# words that make a clause recall an earlier meeting ("their previous talks", "last met")
RECALL_STEMS: tuple[str, ...] = (
    "previous", "earlier", "last met",  # en ("former" is a title: "former Chancellor X met Y")
    "vorherig", "vorig", "zuletzt", "früher",  # de
    "précédent", "anterior", "precedent", "scorso",  # fr es it
    "предыдущ", "прошл", "ранее",  # ru
    "попередн", "минул",  # uk
    "предишн", "миналата",  # bg
    "poprzedni", "ubiegł", "předchozí", "minul",  # pl cs
    "iepriekšēj", "pagājuš",  # lv
    "ankstesn", "praėjus",  # lt
    "προηγούμεν", "νωρίτερα", "περασμέν",  # el
)
# auxiliaries of the passive and agent words ("was received by", "wurde von … empfangen")
PASSIVE_WORDS = frozenset(
    "was were been wurde wurden worden был была были было tika tiek tiks "
    "έγινε fue fueron été został została byl byla bol bola".split()
)
AGENT_WORDS = frozenset("by von vom от по από par por przez od no".split())

# words that make a meeting a plan, not a report of one ("will visit", "is expected to
# meet", "plant ... zu besuchen", "посетит"): future auxiliaries and particles, words of
# planning, and future forms of the trigger verbs themselves (a final space: the word ends)
PLAN_STEMS: tuple[str, ...] = (
    "will ", "'ll ", "shall ", "is to ", "are to ", "expected to", "due to ", "plans to", "planning to",
    "planned", "scheduled", "set to ", "intends", "intend to", "going to", "upcoming", "forthcoming",  # en
    "wird ", "werden ", "will ", "wollen ", "soll ", "sollen ", "plant ", "planen ", "geplant", "erwartet",
    "beabsichtig", "bevorstehend", "vorgesehen",  # de
    "va ", "vont ", "doit ", "devrait ", "prévu", "rencontrera", "visitera", "se rendra",  # fr
    "va a ", "visitará ", "se reunirá ", "viajará ", "previsto", "prevé ",  # es
    "incontrerà", "visiterà", "previst",  # it
    "посетит ", "посетят ", "встретится", "встретятся", "прибудет", "прибудут", "проведет", "проведут",
    "будет ", "будут ", "планиру", "намерен", "ожидается", "предстоящ", "собирается",  # ru
    "відвідає", "зустрінеться", "прибуде ", "буде ", "будуть ", "планує", "очікується",  # uk
    "ще ", "предстои", "планира", "очаква",  # bg
    "odwiedzi ", "spotka ", "przyjedzie", "będzie ", "będą ", "planuje", "ma się ", "mają się ",  # pl
    "navštíví ", "navštívi ", "setká ", "stretne ", "přijede ", "príde ", "bude ", "budou ", "plánuje",  # cs sk
    "bo ", "bodo ", "bosta ", "namerava", "načrtuj",  # sl ("bo" only in Slovene: PLAN_ONLY_IN)
    "će ", "ће ", "planira",  # hr sr
    "tiksies", "tiksieties", "apmeklēs", "ieradīsies", "dosies", "plāno", "paredzēt", "gaidām",  # lv
    "susitiks", "lankysis", "atvyks", "planuoja",  # lt
    "θα ", "αναμένεται", "προγραμματ", "σχεδιάζ",  # el
    "edecek", "görüşecek", "planlan",  # tr
)
PLAN_ONLY_IN = {"bo": "sl"}  # a plan word in this language only (Polish "bo" is "because")
PLAN_WORDS = 6  # a plan word counts this many words before the trigger (in its clause) at most
# head-of-state titles: a state visit's host is the head of the country the guest visits
HEAD_OF_STATE: tuple[str, ...] = (
    "president", "head of state", "king", "queen", "emperor", "monarch", "sultan", "emir",  # en
    "präsident", "staatschef", "staatsoberhaupt", "staatspräsident", "könig", "königin",  # de
    "président", "chef de l'état", "chef de l’état", "roi ", "reine",  # fr
    "presidente", "presidenta", "jefe de estado", "capo dello stato", "rey ", "reina", "regina",  # es it pt
    "президент", "глава государства", "король", "королева",  # ru bg
    "президент", "глава держави", "голова держави",  # uk
    "prezydent", "głowa państwa", "król", "prezident", "hlava státu", "predsednik", "predsjednik",  # pl cs sk sl hr
    "prezident", "valsts prezident", "valsts galva", "karal",  # lv
    "prezident", "valstybės vadov",  # lt
    "πρόεδρο", "προέδρο", "πρόεδρ", "αρχηγ", "βασιλι",  # el
    "cumhurbaşkan", "devlet başkan",  # tr
)
# prepositions of place by language: "met in X", "traf in X", "visit to X", "прибыл в X",
# "στη Σόφια" (not "на": in Bulgarian it also means "of", "секретар на Обединеното
# Кралство"; by language, as "in" is "and" in Slovene); a language not listed: all of them
PLACE_PREPOSITIONS: dict[str, frozenset[str]] = {
    lang: frozenset(plain(w) for w in words.split())
    for lang, words in {
        "en": "in at to into inside",
        "de": "in im nach zu zum zur",
        "fr": "à au aux en",
        "es": "en a",
        "it": "a in ad",
        "pt": "em no na a",
        "nl": "in naar",
        "ru": "в во",
        "uk": "в у до",
        "be": "у ў да",
        "bg": "в във до",
        "pl": "w we do",
        "cs": "v ve do",
        "sk": "v vo do",
        "sl": "v",
        "hr": "u",
        "sr": "u у",
        "bs": "u",
        "lv": "uz",
        "lt": "į",
        "el": "στη στην στο στον σε στα στις στους",
    }.items()
}
_ANY_PREPOSITION: frozenset[str] = frozenset().union(*PLACE_PREPOSITIONS.values())
_FALSE_FOLDED = tuple(plain(w) for w in FALSE_TRIGGERS)
PLACE_WORDS = 6  # a place this many words after a trigger word at most is where it happened
HEAD_WORDS = 8  # words before a person's mention read for a head-of-state title
_VICE = re.compile(r"(?:vice|vize|wice|vice-|вице|віце|αντι)[\s-]*$", re.IGNORECASE)
# nouns of buildings and venues: a "person" whose name has one as a word ("Brandt Tower",
# "Дворец Брандта", "Brandta pils") is a place named after someone, not someone at a meeting
# (words that are also common surnames, like Hall, House, Park, Castle, are left out)
VENUE_WORDS: frozenset[str] = frozenset(
    plain(w)
    for w in (
        "tower towers palace hotel building centre center plaza square stadium arena airport station "
        "cathedral museum embassy residence mansion mall theatre theater memorial monument boulevard avenue "
        "turm tower palast gebäude zentrum platz stadion flughafen bahnhof residenz schloss kathedrale "
        "tour palais hôtel aéroport gare château résidence stade "
        "torre palacio palazzo plaza piazza estadio stadio aeropuerto aeroporto estación stazione residencia "
        "башня башни башне тауэр дворец дворца дворце отель отеля отеле гостиница площадь стадион аэропорт "
        "вокзал резиденция резиденции центр вежа палац готель "
        "wieża wieży pałac pałacu hotelu plac placu stadion lotnisko dworzec rezydencja "
        "věž palác náměstí letiště nádraží rezidence "
        "tornis tornī pils viesnīca viesnīcā laukums lidosta rezidence "
        "bokštas rūmai "
        "πύργος πύργο μέγαρο παλάτι ξενοδοχείο πλατεία στάδιο αεροδρόμιο "
        "кула хотел площад летище резиденция "
        "kulesi sarayı oteli meydanı havalimanı"
    ).split()
)

_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|\n+")
_CLAUSE_MARK = re.compile(r"[,;:()\[\]«»\"„“”]|\s[–—-]\s")
_WORD = re.compile(r"\w+")
_COUNTRY_ID = re.compile(r"LOC:([A-Z]{2})$")
Trigger = tuple[int, int, str]  # (start, end, kind: visit, receive or meet)
Days = tuple[int, int] | None  # a date as (first day, last day) ordinals, None when unknown
DAY_SLACK = 1  # a date this many days from the event date is still the event's (a visit lasts)
ROLE_WORDS = 3  # words before a person's mention read for their country
SENTENCE_REACH = 400  # a sentence is at most this many characters either side of its trigger word
_STRONG = 2.0  # support of a participant beyond the core: one sentence tied to the event, or two


def _trie(stems: Iterable[str]) -> str:
    """A regex matching the longest of ``stems`` that starts here, written as a trie
    (``(?:me(?:et|t(?!\\w))|…)``): the regex engine then tests a character once, not once
    per stem — a flat alternation of every stem cost ~0.5 ms an article. A stem's final
    space stands for the end of the word."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for stem in stems:
        node = root
        for ch in stem.lower():  # the pattern ignores case: 'A' and 'a' are one branch
            node = node.setdefault(ch, {})
        node[""] = {}  # a stem ends here

    def emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        # a stem's last space means "the word ends here" ("met " is not "metal"; "met." is met)
        alts = [(r"(?!\w)" if ch == " " and not child.keys() - {""} else re.escape(ch)) + emit(child)
                for ch, child in node.items() if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body  # longer stems first, as in the flat list

    return emit(root)


def _stems(table: dict[str, tuple[str, ...]]) -> set[str]:
    return {s for stems in table.values() for s in stems}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """One regex of every trigger stem of every language (articles mix languages, and
    language id can be wrong): the longest visit stem at a word start, else the longest
    receive stem, else the longest meet stem. The leading look-ahead on the stems' first
    letters lets the engine skip most positions without trying the word-start check."""
    visit, receive, meet = _stems(VISIT_STEMS), _stems(RECEIVE_STEMS), _stems(MEET_STEMS)
    firsts = sorted({c for s in visit | receive | meet for c in (s[0].lower(), s[0].upper())})
    return re.compile(
        rf"(?=[{re.escape(''.join(firsts))}])(?<!\w)(?:(?P<visit>{_trie(visit)})"
        rf"|(?P<receive>{_trie(receive)})|(?P<meet>{_trie(meet)}))",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _recall() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_trie(RECALL_STEMS)}", re.IGNORECASE)


@lru_cache(maxsize=1)
def _plan() -> re.Pattern[str]:
    """Plan words (folded: lower case, no accents), at a word start."""
    return re.compile(rf"(?<!\w){_trie({plain(s) for s in PLAN_STEMS})}")


@lru_cache(maxsize=1)
def _head_of_state() -> re.Pattern[str]:
    """Head-of-state titles (folded), at a word start."""
    return re.compile(rf"(?<!\w){_trie({plain(s) for s in HEAD_OF_STATE})}")


def is_person(entity: ArticleEntity) -> bool:
    """A person who can be at a meeting: typed PER, and no word of the name is a
    building or venue (:data:`VENUE_WORDS`): "Brandt Tower" is where they met."""
    if entity.type != "PER":
        return False
    words = _WORD.findall(entity.name)
    return len(words) < 2 or not any(_folded(w) in VENUE_WORDS for w in words)


@lru_cache(maxsize=1)
def _city_countries() -> dict[str, str]:
    """Place id -> ISO country code, from the shipped gazetteer (loaded once; the entity
    stage has it in memory already)."""
    from storyline.entities.knowledge import base_gazetteer

    gaz = base_gazetteer()
    found = {e.id: e.country for e in gaz.by_fold.values() if e.country}
    found.update({e.id: e.country for e in gaz.by_key.values() if e.country})
    return found


def country_of(place_id: str) -> str:
    """The ISO code of a place's country ("LOC:RU" -> "RU", Sochi's id -> "RU"); "" when not known."""
    m = _COUNTRY_ID.match(place_id)
    if m:
        return m[1]
    if not place_id.startswith("LOC:"):
        return ""  # a place the gazetteer does not know (a venue, a region found in the text)
    return _city_countries().get(place_id, "")


@dataclass(frozen=True, slots=True)
class Clue:
    """One sentence of an article that speaks of a meeting."""

    people: tuple[str, ...]  # the people it puts at the meeting (entity ids, text order)
    lead: bool = False  # in the title or the lead
    same_date: bool = False  # names a date within a day of the article's event date
    places: tuple[str, ...] = ()  # place entity ids named in its clauses with a trigger word
    guest: str | None = None  # who travels, by a visit or receive word
    host: str | None = None  # who receives, by a receive word
    text: str = ""  # the sentence (evidence, at most 300 characters)
    around: tuple[str, ...] = ()  # place ids named anywhere in it (outside clauses of another time)
    planned: bool = False  # every trigger word in it speaks of a meeting to come ("will meet")


@dataclass(frozen=True, slots=True)
class ArticleMeeting:
    """A meeting as one article reports it: the article's own reading (``participants``,
    ``guest``, ``host``) and the clues :func:`combine` weighs against the event."""

    article_id: str
    participants: tuple[str, ...]  # entity ids, best supported first
    guest: str | None
    host: str | None
    visit: bool
    evidence: str
    places: tuple[str, ...] = ()  # place entity ids named in the meeting's sentences, most often first
    clues: tuple[Clue, ...] = ()
    mentioned: tuple[str, ...] = ()  # every person the article names (a silent article does not disagree)
    nationality: tuple[tuple[str, str], ...] = ()  # (person id, ISO country) read before their mentions
    geo: tuple[tuple[str, str, str], ...] = ()  # (place id, name, ISO country or "") of the places named
    planned: bool = False  # the article speaks of the meeting only as one to come
    heads: tuple[str, ...] = ()  # people named with a head-of-state title ("President X")


# -- one article ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    """The title or the body, with what stands in it (offsets into ``text``)."""

    name: str  # "title" or "text": the ``field`` of the spans that point into it
    text: str
    people: list[tuple[int, int, str]]  # (start, end, person id), by start
    places: list[tuple[int, str]]  # (start, place id), by start
    dates: list[tuple[int, Days]]  # (start, days), by start
    lead_end: int  # sentences starting before this are the lead
    triggers: list[Trigger]  # by start
    people_starts: list[int]  # the starts of ``people``, ``places`` and ``dates`` (for bisect)
    place_starts: list[int]
    date_starts: list[int]
    language: str = ""  # the article's (plan words of one language only: :data:`PLAN_ONLY_IN`)


def _fields(article: Article) -> list[_Field]:
    """The title and the body, each with the people, places and dates in it; only those
    with a trigger word (most articles have none: nothing more is done for them)."""
    out = []
    lead_end = -1
    for name, text in (("title", article.title), ("text", article.text)):
        triggers = _triggers(text, len(text)) if text else []
        if not triggers:
            continue
        if name == "text":
            lead_end = _lead_end(article)
        people = sorted((m.start, m.end, e.id) for e in article.entities if is_person(e) for m in e.mentions
                        if m.field == name)
        places = sorted((m.start, e.id) for e in article.entities if e.type == "LOC" for m in e.mentions
                        if m.field == name)
        dates = sorted((d.start, date_interval(d.value)) for d in article.dates if d.field == name)
        out.append(
            _Field(
                name,
                text,
                people,
                places,
                dates,
                len(text) if name == "title" else lead_end,
                triggers,
                [p[0] for p in people],
                [p[0] for p in places],
                [d[0] for d in dates],
                article.language or "",
            )
        )
    return out


def _triggers(text: str, end: int) -> list[Trigger]:
    """The trigger words of ``text[:end]``, without words that only start like one
    (:data:`FALSE_TRIGGERS`)."""
    out = []
    for m in _pattern().finditer(text, 0, end):
        word = _WORD.match(text, m.start())
        if word is not None and plain(word.group()).startswith(_FALSE_FOLDED):
            continue
        out.append((m.start(), m.end(), m.lastgroup or "meet"))
    return out


def _role_words(text: str, start: int) -> tuple[int, list[str]]:
    """Where the words before a person's mention that may say their role begin (at most
    :data:`ROLE_WORDS`, not across punctuation), and those words."""
    window = text[max(0, start - 80) : start]
    cut = max((m.end() for m in _CLAUSE_MARK.finditer(window)), default=0)
    words = list(_WORD.finditer(window, cut))[-ROLE_WORDS:]
    if not words:
        return start, []
    return start - len(window) + words[0].start(), [w.group() for w in words]


def _role_place(f: _Field, start: int) -> bool:
    """Is the place mention at ``start`` in a person's role words ("Krievijas līderis
    Putins", "China Premier Li")? Then it says whose country, not where anyone met."""
    i = bisect_right(f.people, (start, 0, ""))
    if i == len(f.people):
        return False
    lo, _ = _role_words(f.text, f.people[i][0])
    return lo <= start


def _lead_end(article: Article) -> int:
    """Where the lead ends: after the first paragraph of some length (a kicker or a
    one-line standfirst above it belongs to it), else after the first sentence."""
    for p in article.paragraphs:
        if p.end - p.start >= 100:
            return p.end
    m = _SENTENCE_END.search(article.text)
    return m.start() + 1 if m else len(article.text)


def _far(span: Days, event: Days) -> bool:
    """Does a date lie more than :data:`DAY_SLACK` days from the event's?"""
    if span is None or event is None:
        return False
    return span[0] > event[1] + DAY_SLACK or span[1] < event[0] - DAY_SLACK


@dataclass(slots=True)
class _Clause:
    lo: int
    hi: int
    people: list[tuple[int, str]]  # (start, id)
    triggers: list[Trigger]
    far: bool


def _clauses(f: _Field, lo: int, hi: int, triggers: list[Trigger], event: Days) -> list[_Clause]:
    """The clauses of the sentence ``[lo, hi)``, each with its people, triggers and whether
    it speaks of another time."""
    cuts = [lo, *(m.start() for m in _CLAUSE_MARK.finditer(f.text, lo, hi) if m.start() > lo), hi]
    starts, dstarts = f.people_starts, f.date_starts
    out = []
    for a, b in pairwise(cuts):
        if b <= a:
            continue
        people = [(s, pid) for s, _, pid in f.people[bisect_left(starts, a) : bisect_left(starts, b)]]
        dates = f.dates[bisect_left(dstarts, a) : bisect_left(dstarts, b)]
        far = any(_far(span, event) for _, span in dates) or _recall().search(f.text, a, b) is not None
        out.append(_Clause(a, b, people, [t for t in triggers if a <= t[0] < b], far))
    return out


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _roles(f: _Field, clause: _Clause, sentence: list[_Clause], trigger: Trigger) -> tuple[str | None, str | None]:
    """(guest, host) a visit or receive word says, by word order (see the module docstring)."""
    start, end, kind = trigger
    before = [pid for s, pid in clause.people if s < start]
    after = [pid for s, pid in clause.people if s >= end]
    near = [c for c in sentence if not c.far]
    if kind == "visit":
        if before:
            return before[-1], None
        if after:
            return after[0], None
        s_before = [pid for c in near for s, pid in c.people if s < start]
        s_after = [pid for c in near for s, pid in c.people if s >= end]
        return (s_before[-1] if s_before else s_after[0] if s_after else None), None
    # receive: active "X received Y" / "am Montag empfing X Y"; passive "Y was received by X"
    host = None
    agent = None
    for m in _WORD.finditer(f.text, clause.lo, clause.hi):
        if m.group().casefold() in AGENT_WORDS:
            agent = m.end()
            break
    if any(w in PASSIVE_WORDS for w in _words(f.text[clause.lo : end])):
        by = [pid for s, pid in clause.people if agent is not None and s >= agent]
        host = by[0] if by else None
        others = [pid for s, pid in clause.people if pid != host and s < start and (agent is None or s < agent)]
        return (others[-1] if others else None), host
    if before:
        host = before[-1]
        return (after[0] if after else None), host
    if after:
        return (after[1] if len(after) > 1 else None), after[0]
    return None, None


def _sentence_clue(f: _Field, lo: int, hi: int, triggers: list[Trigger], event: Days) -> Clue | None:
    """What one sentence with trigger words says about the meeting (None: only another one)."""
    clauses = _clauses(f, lo, hi, triggers, event)
    live = [c for c in clauses if c.triggers and not c.far]
    if not live:
        return None
    pairs = [c for c in live if len({pid for _, pid in c.people}) >= 2]
    # no clause with two people: the sentence's people ("X flew to Sochi, where he met Y"),
    # unless part of it speaks of another time (then only the trigger clauses are sure)
    mixed = any(c.far for c in clauses)
    source = pairs or (live if mixed else [c for c in clauses if not c.far])
    people = tuple(dict.fromkeys(pid for c in source for _, pid in c.people))
    guest = host = None
    for c in live:
        for t in c.triggers:
            if t[2] == "meet":
                continue
            g, h = _roles(f, c, clauses, t)
            guest, host = guest or g, host or h
    if not people and guest is None:
        return None
    pstarts = f.place_starts

    def places_in(found: list[_Clause]) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                pid
                for c in found
                for s, pid in f.places[bisect_left(pstarts, c.lo) : bisect_left(pstarts, c.hi)]
                if not _role_place(f, s)
            )
        )

    dstarts = f.date_starts
    same = event is not None and any(
        span is not None and not _far(span, event) and span[1] - span[0] <= 7  # "this year" is not the event's date
        for c in live
        for _, span in f.dates[bisect_left(dstarts, c.lo) : bisect_left(dstarts, c.hi)]
    )
    return Clue(
        people,
        lo < f.lead_end,
        same,
        places_in(live),
        guest,
        host,
        f.text[lo:hi].strip()[:300],
        places_in([c for c in clauses if not c.far]),
        all(_planned(f, clauses, c, t) for c in live for t in c.triggers),
    )


def _planned(f: _Field, clauses: list[_Clause], clause: _Clause, trigger: Trigger) -> bool:
    """Does the trigger word speak of a meeting to come? A plan word (:data:`PLAN_STEMS`)
    at most :data:`PLAN_WORDS` words before it in its clause, or the trigger word itself a
    future form ("посетит", "odwiedzi"), or a plan verb ending the clause before
    ("Moser plant, Graz zu besuchen")."""
    start = trigger[0]
    word_end = _WORD.match(f.text, start)
    end = word_end.end() if word_end else trigger[1]
    window = plain(f.text[clause.lo : end])
    for m in _plan().finditer(window):
        only = PLAN_ONLY_IN.get(m.group().strip())
        if (only is None or only == f.language) and len(_WORD.findall(window, m.start())) - 1 <= PLAN_WORDS:
            return True
    i = clauses.index(clause)
    if i == 0:
        return False
    before = _WORD.findall(f.text, clauses[i - 1].lo, clauses[i - 1].hi)
    return bool(before) and _plan().match(plain(before[-1]) + " ") is not None


def _clues(f: _Field, event: Days) -> list[Clue]:
    by_sentence: dict[tuple[int, int], list[Trigger]] = {}
    for t in f.triggers:
        by_sentence.setdefault(_sentence(f.text, t[0]), []).append(t)
    out = []
    for (lo, hi), triggers in by_sentence.items():
        clue = _sentence_clue(f, lo, hi, triggers, event)
        if clue is not None:
            out.append(clue)
    return out


def _sentence(text: str, at: int) -> tuple[int, int]:
    """The sentence around offset ``at`` (read from at most :data:`SENTENCE_REACH`
    characters either side, not the whole text: most of an article is never looked at).
    A full stop before a small letter ends no sentence ("2018. gadā", "z. B. der")."""
    lo = max(0, at - SENTENCE_REACH)
    for m in _SENTENCE_END.finditer(text, lo, at):
        if m.end() <= at and not text[m.end() : m.end() + 1].islower():
            lo = m.end()
    hi = min(len(text), at + SENTENCE_REACH)
    for m in _SENTENCE_END.finditer(text, at, hi):
        if not text[m.end() : m.end() + 1].islower():
            return lo, m.end()
    return lo, hi


def _nationalities(article: Article, fields: list[_Field], who: set[str]) -> dict[str, str]:
    """Each person's country, as the words right before their mentions say it: a country
    named there, or a demonym sharing its stem with a country the article names."""
    countries: dict[str, list[str]] = {}  # ISO code -> folded surface forms in this article
    spans: list[tuple[int, int, str, str]] = []  # (field start, end, field, code)
    for e in article.entities:
        m = _COUNTRY_ID.match(e.id)
        if e.type != "LOC" or not m:
            continue
        for s in e.mentions:
            countries.setdefault(m[1], []).append(_folded(s.text.split()[-1]))
            spans.append((s.start, s.end, s.field, m[1]))
    if not countries:
        return {}
    votes: dict[str, Counter[str]] = {}
    for f in fields:
        field_spans = [(a, b, code) for a, b, fld, code in spans if fld == f.name]
        for start, _, pid in f.people:
            if pid not in who:
                continue
            lo, words = _role_words(f.text, start)
            if not words:
                continue
            code = next((c for a, b, c in field_spans if lo <= a and b <= start), None)
            if code is None:
                code = _demonym(words, countries)
            if code:
                votes.setdefault(pid, Counter())[code] += 1
    return {pid: c.most_common(1)[0][0] for pid, c in votes.items()}


def _heads(fields: list[_Field], who: set[str]) -> set[str]:
    """The people of ``who`` named at least once with a head-of-state title among the
    :data:`HEAD_WORDS` words before them (not across punctuation nor past another
    person: "head of state and party leader X"; a "vice president" is none)."""
    found: set[str] = set()
    for f in fields:
        prev_end = 0
        for start, end, pid in f.people:
            if pid in who and pid not in found:
                lo = max(prev_end, start - 120)
                window = f.text[lo:start]
                cut = max((m.end() for m in _CLAUSE_MARK.finditer(window)), default=0)
                words = list(_WORD.finditer(window, cut))[-HEAD_WORDS:]
                if words:
                    text = plain(window[words[0].start() :])
                    for m in _head_of_state().finditer(text):
                        if not _VICE.search(text[: m.start()]):
                            found.add(pid)
                            break
            prev_end = max(prev_end, end)
    return found


@lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    return plain(word)


def _demonym(words: list[str], countries: dict[str, list[str]]) -> str | None:
    """The country whose name shares the longest stem with one of ``words`` (russischen ~
    Russland, Belarusian ~ Belarus, Κινέζο ~ Κίνα): at least four letters, or all but the
    last of a short name; None when two countries tie."""
    best: tuple[int, str | None] = (0, None)
    starts = {form[:3] for forms in countries.values() for form in forms}
    for word in words:
        w = _folded(word)
        if len(w) < 4 or w[:3] not in starts:
            continue
        for code, forms in countries.items():
            for form in forms:
                if len(form) < 4:
                    continue
                n = 0
                for a, b in zip(w, form, strict=False):
                    if a != b:
                        break
                    n += 1
                if n < min(4, len(form) - 1):
                    continue
                if n > best[0]:
                    best = (n, code)
                elif n == best[0] and best[1] != code:
                    best = (n, None if best[1] else code)
    return best[1]


def extract(article: Article) -> ArticleMeeting | None:
    """The meeting ``article`` reports, if a sentence puts two people at a trigger word."""
    people = [e for e in article.entities if is_person(e)]
    if len(people) < 2 or not article.text:
        return None
    event = date_interval(article.event_date)
    fields = _fields(article)
    clues = [c for f in fields for c in _clues(f, event)]
    if not any(len(c.people) >= 2 for c in clues):
        return None
    who = {p for c in clues for p in c.people} | {p for c in clues for p in (c.guest, c.host) if p}
    nationality = _nationalities(article, fields, who)
    heads = tuple(sorted(_heads(fields, who)))
    geo = tuple(
        (e.id, e.name, country_of(e.id))
        for e in article.entities
        if e.type == "LOC" and any(m.field != "caption" for m in e.mentions)
    )
    report = ArticleMeeting(
        article.id,
        (),
        None,
        None,
        any(c.guest or c.host for c in clues),
        max(((c.lead + c.same_date, -i), c.text) for i, c in enumerate(clues) if len(c.people) >= 2)[1],
        (),
        tuple(clues),
        tuple(e.id for e in people if e.mentions),
        tuple(sorted(nationality.items())),
        geo,
        heads=heads,
    )
    # where, as an event card would say it: a town before a country named in passing,
    # among the places of the sentences about the two people a first reading finds
    first = _decide([report], (None, ""), ())
    if first is None:
        return None
    ranked = _ranked_places(clues, set(first[0][:2]))
    town = next((p for p in ranked if not _COUNTRY_ID.match(p) and country_of(p)), ranked[0] if ranked else None)
    decided = _decide([report], _where([report], None, town), ()) if town is not None else first
    if decided is None:
        return None
    participants, guest, host, planned = decided
    return ArticleMeeting(
        report.article_id,
        participants,
        guest,
        host,
        report.visit,
        report.evidence,
        _ranked_places(clues, set(participants[:2])),
        report.clues,
        report.mentioned,
        report.nationality,
        geo,
        planned,
        heads,
    )


def _ranked_places(clues: Sequence[Clue], core: set[str]) -> tuple[str, ...]:
    """The places named where the meeting words are, most often (in the lead, on the
    day) first: where they met ("met … in Sochi") or where the guest went ("nach
    Sotschi"); only the sentences about the two people at the ``core`` count."""
    places: Counter[str] = Counter()
    for c in clues:
        if not core & {*c.people, c.guest, c.host}:
            continue
        places.update(dict.fromkeys(c.places, 1 + c.lead + c.same_date))  # in text order: ties stay put
    return tuple(p for p, _ in places.most_common())


# -- where it happened ------------------------------------------------------------------


def event_places(article: Article) -> dict[str, float]:
    """Where the reported thing happened, as the title and the lead say it: place id ->
    how many meet, visit or arrive words name it (an event card's place prefers these to
    the rarest place of the lead).

    A place counts (when the gazetteer puts it in a country: a town or a country, not
    "Europe" nor a venue) when it follows such a word in its clause within :data:`PLACE_WORDS`
    words, right after a preposition of place ("met his counterpart in Sofia", "traf am
    Dienstag in Riga", "visit to Beijing", "прибыл в Минск", "στη Σόφια") or, after a
    visit word, as its object ("visited Minsk", "посетил Минск"); else when it stands
    with a preposition just before the word ("в Афинах провёл переговоры"). A place in
    a person's role words ("China's Premier Li"), in a clause about another time or
    after a planned visit ("ще посети Швеция") counts not."""
    votes: dict[str, float] = {}
    event = date_interval(article.event_date)
    prepositions = PLACE_PREPOSITIONS.get(article.language or "", _ANY_PREPOSITION)
    for name, text in (("title", article.title), ("text", article.text)):
        if not text:
            continue
        limit = len(text) if name == "title" else _lead_end(article)
        triggers = _triggers(text, limit)
        if not triggers:
            continue
        places = sorted(
            (m.start, m.end, e.id)
            for e in article.entities
            if e.type == "LOC"
            for m in e.mentions
            if m.field == name and m.start < limit + SENTENCE_REACH
        )
        if not places:
            continue
        people = sorted((m.start, m.end, e.id) for e in article.entities if is_person(e) for m in e.mentions
                        if m.field == name)
        dates = sorted((d.start, date_interval(d.value)) for d in article.dates if d.field == name)
        f = _Field(name, text, people, [(a, pid) for a, _, pid in places], dates, limit, triggers,
                   [p[0] for p in people], [a for a, _, _ in places], [d[0] for d in dates], article.language or "")
        for trigger in triggers:
            pid = _place_at(f, places, trigger, event, prepositions)
            if pid is not None and country_of(pid):  # a town or a country, not "Europe" or a venue
                votes[pid] = votes.get(pid, 0.0) + 1.0
    return votes


def _place_at(
    f: _Field, places: list[tuple[int, int, str]], trigger: Trigger, event: Days, prepositions: frozenset[str]
) -> str | None:
    """The place a trigger word says it happened at (see :func:`event_places`), or None."""
    start, end, kind = trigger
    lo, hi = _sentence(f.text, start)
    clauses = _clauses(f, lo, hi, [trigger], event)
    clause = next(c for c in clauses if c.triggers)
    if clause.far or _planned(f, clauses, clause, trigger):  # "will visit Sweden": not where it happened
        return None
    word = _WORD.match(f.text, start)
    after_word = word.end() if word else end
    for a, _, pid in places:
        if a < after_word or a >= clause.hi:
            continue
        gap = _WORD.findall(f.text, after_word, a)
        if len(gap) > PLACE_WORDS:
            break
        if _role_place(f, a):
            continue
        if (gap and _folded(gap[-1]) in prepositions) or (kind == "visit" and len(gap) <= 2):
            return pid
    for a, b, pid in reversed(places):
        if b > start or a < clause.lo:
            continue
        gap = _WORD.findall(f.text, b, start)
        if len(gap) > 2:
            break
        before = _WORD.findall(f.text, clause.lo, a)
        if before and _folded(before[-1]) in prepositions and not _role_place(f, a):
            return pid
    return None


# -- one event ------------------------------------------------------------------------


def _where(reports: Sequence[ArticleMeeting], place: str | None, place_id: str | None) -> tuple[str | None, str]:
    """The event place's id and country: the place named ``place`` in the reports (the
    card's), else ``place_id``."""
    if place is not None:
        key = place.casefold()
        for r in reports:
            for pid, name, country in r.geo:
                if name.casefold() == key:
                    return pid, country
    if place_id is not None:
        for r in reports:
            for pid, _, country in r.geo:
                if pid == place_id:
                    return pid, country
        return place_id, country_of(place_id)
    return None, ""


def _weight(c: Clue, where: tuple[str | None, str], geo: dict[str, str]) -> float:
    """How surely a clue speaks of this event: 1, more for the lead, the event's date and
    place; 0 when it names no tie to the event but a place in another country."""
    place_id, country = where
    here = place_id is not None and place_id in c.places
    tied = c.lead + c.same_date + here
    if not tied and country and any(geo.get(p, "") not in ("", country) for p in c.around or c.places):
        return 0.0
    return 1.0 + tied


def _clues_of(r: ArticleMeeting) -> tuple[Clue, ...]:
    """A report's clues (a report made without them: one clue of its participants)."""
    # its host was only "not the guest"
    return r.clues or (Clue(r.participants, guest=r.guest, text=r.evidence, planned=r.planned),)


def _decide(
    reports: Sequence[ArticleMeeting], where: tuple[str | None, str], actors: Sequence[str]
) -> tuple[tuple[str, ...], str | None, str | None, bool] | None:
    """(participants, guest, host, planned) of the meeting the reports describe.

    The core is the pair the weighted clues put together most; a third person takes
    part when a clue tied to the event (lead, date, place) or a clue with the guest (a
    visit's programme) puts them with the core, and the reports that name them mostly
    agree (a report that names them but never at the meeting disagrees)."""
    geo = {pid: country for r in reports for pid, _, country in r.geo}
    weighed = [[(c, _weight(c, where, geo)) for c in _clues_of(r) if len(c.people) >= 2] for r in reports]
    support: defaultdict[str, float] = defaultdict(float)
    pairs: defaultdict[tuple[str, str], float] = defaultdict(float)
    per_report: list[dict[str, float]] = []
    for clues in weighed:
        s: defaultdict[str, float] = defaultdict(float)
        for c, w in clues:
            if w <= 0:
                continue
            people = sorted(set(c.people))
            for i, p in enumerate(people):
                s[p] += w
                for q in people[i + 1 :]:
                    pairs[p, q] += w
        per_report.append(s)
        for p, w in s.items():
            support[p] += w
    if not pairs:
        return None
    rank = {a: i for i, a in enumerate(actors)}

    def order(p: str) -> tuple[float, int, str]:
        return (-support[p], rank.get(p, len(rank)), p)

    best = min(pairs, key=lambda pq: (-pairs[pq], min(order(pq[0]), order(pq[1])), max(order(pq[0]), order(pq[1]))))
    core = sorted(best, key=order)
    guest = _guest(reports, core, where, geo)
    with_core: Counter[str] = Counter()
    for clues in weighed:
        for c, w in clues:
            if (w >= 2 and any(p in core for p in c.people)) or (w > 0 and guest is not None and guest in c.people):
                with_core.update(set(c.people) - set(core))
    others = []
    for p in sorted(with_core, key=order):
        named = sum(1 for s in per_report if s.get(p, 0.0) > 0)
        against = sum(1 for r, s in zip(reports, per_report, strict=True) if p in r.mentioned and not s.get(p))
        if named > against and named * 2 >= len(reports):
            others.append(p)
    participants = (*core, *others[:4])
    host = _host(reports, guest, participants, where, geo)
    together = [c for clues in weighed for c, w in clues if w > 0 and set(core) <= set(c.people)]
    planned = bool(together) and all(c.planned for c in together)
    return participants, guest, host, planned


def _nationality_of(reports: Sequence[ArticleMeeting], people: Iterable[str]) -> dict[str, str]:
    """Each person's country as most of the reports' mentions say it ("" when none does)."""
    nat: dict[str, Counter[str]] = {p: Counter() for p in people}
    for r in reports:
        for pid, code in r.nationality:
            if pid in nat:
                nat[pid][code] += 1
    return {p: (c.most_common(1)[0][0] if c else "") for p, c in nat.items()}


def _guest(
    reports: Sequence[ArticleMeeting], core: Sequence[str], where: tuple[str | None, str], geo: dict[str, str]
) -> str | None:
    """Which of the two travelled: the votes of visit and receive words, and the place's country."""
    a, b = core
    other = {a: b, b: a}
    votes: defaultdict[str, float] = defaultdict(float)
    for r in reports:
        for c in _clues_of(r):
            w = _weight(c, where, geo)
            if c.guest in other:
                votes[c.guest] += w
            if c.host in other:
                votes[other[c.host]] += w
    country = where[1]
    if country:
        of = _nationality_of(reports, core)
        for p in core:
            q = other[p]
            if of[p] == country and of[q] != country:
                # the other came to this one's country: decisive when their own is known
                votes[q] += 100.0 if of[q] else 2.0
    if not votes or votes[a] == votes[b]:
        return None
    return a if votes[a] > votes[b] else b


def _host(
    reports: Sequence[ArticleMeeting],
    guest: str | None,
    participants: Sequence[str],
    where: tuple[str | None, str],
    geo: dict[str, str],
) -> str | None:
    """Who received the guest, among the participants (never someone only mentioned):
    the one a receive word names ("X received Y", weighted as its clue), else one named
    with a head-of-state title who is of the place's country (or of no known country but
    not the guest's), else the guest's partner in the meeting's core."""
    if guest is None:
        return None
    received: defaultdict[str, float] = defaultdict(float)
    for r in reports:
        for c in _clues_of(r):
            if c.host is not None and c.host in participants and c.host != guest and c.guest in (guest, None):
                received[c.host] += _weight(c, where, geo)
    heads = {p for r in reports for p in r.heads}
    of = _nationality_of(reports, participants)
    country = where[1]

    def head_of_state(p: str) -> int:
        if p not in heads:
            return 0
        if country and of[p] == country:
            return 2
        return 1 if not of[p] or (not country and of[p] != of[guest]) else 0

    core = set(participants[:2])
    return max(
        (p for p in participants if p != guest),
        key=lambda p: (received[p], head_of_state(p), p in core, -participants.index(p)),
        default=None,
    )


def combine(
    event_id: str,
    reports: Sequence[ArticleMeeting],
    place: str | None,
    date: str | None,
    actors: Sequence[str] = (),
) -> Meeting | None:
    """One meeting for an event from its articles' reports. ``place`` and ``date`` are the
    event card's; ``actors`` its main actors, most central first, which break ties of
    support (so that a person the reports name as often but who is less central to the
    event does not take a place in the meeting's core)."""
    if not reports:
        return None
    ranked_place = Counter(p for r in reports for p in r.places[:1]).most_common(1)
    where = _where(reports, place, ranked_place[0][0] if ranked_place else None)
    decided = _decide(reports, where, actors)
    if decided is None:
        return None
    participants, guest, host, planned = decided
    best = max(reports, key=lambda r: sum(1 for p in participants if p in r.participants))
    return Meeting(
        event_id=event_id,
        participants=participants,
        host=host,
        guest=guest,
        place=place,
        date=date,
        evidence=best.evidence,
        article_id=best.article_id,
        planned=planned,
    )
