"""Who met whom: meetings and visits from multilingual trigger words near people.

A sentence-sized window around a trigger word (met, traf, tikās, συνάντηση,
встретился, visit, Besuch …) that mentions two or more people is a meeting; those
people are its participants. For a *visit* trigger the person named closest before the
trigger is the guest ("Putin reiste … nach Minsk", "Lukashenko's visit to China") and
the most-mentioned other participant the host. An event's meeting combines its
articles by vote, so one odd sentence does not decide.

Trigger lists are word stems (matched at a word start, case-insensitively) for the
languages the project reads; they are general vocabulary, not fitted to any document.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from storyline.models import Article, Meeting

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
# stems of "visit / travel to" words
VISIT_STEMS: dict[str, tuple[str, ...]] = {
    "en": ("visit", "trip to", "travelled to", "traveled to"),
    "de": ("besuch", "reiste", "reise", "staatsbesuch"),
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

WINDOW = 160  # characters either side of a trigger that count as "near" (about a sentence)


def _trie(stems: Iterable[str]) -> str:
    """A regex matching the longest of ``stems`` that starts here, written as a trie
    (``(?:me(?:et|t )|…)``): the regex engine then tests a character once, not once per
    stem — a flat alternation of every stem cost ~0.5 ms an article."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for stem in stems:
        node = root
        for ch in stem.lower():  # the pattern ignores case: 'A' and 'a' are one branch
            node = node.setdefault(ch, {})
        node[""] = {}  # a stem ends here

    def emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + emit(child) for ch, child in node.items() if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body  # longer stems first, as in the flat list

    return emit(root)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """One regex of every trigger stem of every language (articles mix languages, and
    language id can be wrong): the longest visit stem at a word start, else the longest
    meet stem. The leading look-ahead on the stems' first letters lets the engine skip
    most positions without trying the word-start check."""
    visit = {s for stems in VISIT_STEMS.values() for s in stems}
    meet = {s for stems in MEET_STEMS.values() for s in stems}
    firsts = sorted({c for s in visit | meet for c in (s[0].lower(), s[0].upper())})
    return re.compile(
        rf"(?=[{re.escape(''.join(firsts))}])(?<!\w)(?:(?P<visit>{_trie(visit)})|(?P<meet>{_trie(meet)}))",
        re.IGNORECASE,
    )


@dataclass(frozen=True, slots=True)
class ArticleMeeting:
    """A meeting as one article reports it."""

    article_id: str
    participants: tuple[str, ...]  # entity ids, most-mentioned first
    guest: str | None
    host: str | None
    visit: bool
    evidence: str
    places: tuple[str, ...] = ()  # place entity ids named close to the trigger words, most often first


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    hi_candidates = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
    hi = min(hi_candidates) if hi_candidates else len(text)
    return text[lo : hi + 1].strip()[:300]


def extract(article: Article) -> ArticleMeeting | None:
    """The meeting ``article`` reports, if its text puts two people near a trigger word."""
    text = article.text
    people = [e for e in article.entities if e.type == "PER"]
    if len(people) < 2 or not text:
        return None
    mentions = sorted(
        (m.start, e.id) for e in people for m in e.mentions if m.field == "text"
    )
    place_mentions = sorted(
        (m.start, e.id) for e in article.entities if e.type == "LOC" for m in e.mentions if m.field == "text"
    )
    place_starts = [s for s, _ in place_mentions]
    places: Counter[str] = Counter()
    if not mentions:
        return None
    starts = [s for s, _ in mentions]
    counts = Counter({e.id: len(e.mentions) for e in people})
    found: Counter[str] = Counter()
    guests: Counter[str] = Counter()
    evidence = ""
    visit = False
    for m in _pattern().finditer(text):
        lo = bisect_left(starts, m.start() - WINDOW)
        hi = bisect_right(starts, m.end() + WINDOW)
        near = {eid for _, eid in mentions[lo:hi]}
        if len(near) < 2:
            continue
        found.update(near)
        # where they met: a place named close to the trigger ("met … in Sochi", "nach Sotschi")
        plo = bisect_left(place_starts, m.start() - WINDOW // 2)
        phi = bisect_right(place_starts, m.end() + WINDOW // 2)
        places.update(dict.fromkeys(eid for _, eid in place_mentions[plo:phi]).keys())  # in text order: ties stay put
        if not evidence:
            evidence = _sentence(text, m.start(), m.end())
        if m.group("visit"):
            visit = True
            before = [(s, eid) for s, eid in mentions[lo:hi] if s < m.start()]
            if before:
                guests[before[-1][1]] += 1
    if not found:
        return None
    # the people the meeting words keep coming back to, not everyone named once nearby
    top = max(found.values())
    participants = tuple(
        sorted((e for e in found if found[e] * 2 >= top), key=lambda e: (-found[e], -counts[e], e))
    )
    if len(participants) < 2:
        participants = tuple(sorted(found, key=lambda e: (-found[e], -counts[e], e)))[:2]
    guest = guests.most_common(1)[0][0] if guests else None
    host = None
    if guest is not None:
        others = [p for p in participants if p != guest]
        host = others[0] if others else None
    ranked_places = tuple(p for p, _ in places.most_common())
    return ArticleMeeting(article.id, participants, guest, host, visit, evidence, ranked_places)


def combine(
    event_id: str,
    reports: Sequence[ArticleMeeting],
    place: str | None,
    date: str | None,
    actors: Sequence[str] = (),
) -> Meeting | None:
    """One meeting for an event from its articles' reports (by vote). ``actors``: the
    event's main actors, most central first (its card); the two of them who take part
    are the ones the meeting is about, so that a third person the reports also name
    near a meeting word (an earlier visit, recalled) is not made host or guest."""
    if not reports:
        return None
    votes: Counter[str] = Counter()
    for r in reports:
        votes.update(r.participants)
    need = (len(reports) + 1) // 2  # named in at least half of the reports
    participants = tuple(p for p, c in votes.most_common() if c >= need)[:6]
    if len(participants) < 2:
        participants = tuple(p for p, _ in votes.most_common(2))
    if len(participants) < 2:
        return None
    # guest and host are the two people the meeting is about: the event's most central
    # actors among the participants, else the first two participants
    rank = {a: i for i, a in enumerate(actors)}
    central = sorted((p for p in participants if p in rank), key=rank.__getitem__)
    if len(central) >= 2:
        participants = (*central[:2], *(p for p in participants if p not in central[:2]))
    core = participants[:2]
    guest = _vote(r.guest for r in reports if r.guest in core)
    host = next((p for p in core if p != guest), None) if guest else None
    return Meeting(
        event_id=event_id,
        participants=participants,
        host=host,
        guest=guest,
        place=place,
        date=date,
        evidence=reports[0].evidence,
        article_id=reports[0].article_id,
    )


def _vote(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None
