"""Who met whom from trigger words near people, in several languages (own sentences)."""

from __future__ import annotations

import pytest

from storyline.meetings import ArticleMeeting, combine, extract
from storyline.models import Article, ArticleEntity, DateMention, Span


def _spans(text: str, form: str) -> tuple[Span, ...]:
    spans, i = [], text.find(form)
    while i >= 0:
        spans.append(Span(form, i, i + len(form)))
        i = text.find(form, i + 1)
    return tuple(spans)


def article(
    text: str,
    lang: str,
    people: dict[str, str],
    places: dict[str, str] | None = None,
    dates: dict[str, str] | None = None,
    event_date: str | None = None,
    id_: str = "a1",
) -> Article:
    """``people`` and ``places`` map entity id to the surface form to find in ``text``
    (a place id "LOC:XX" is the country XX); ``dates`` maps a date expression in the
    text to its resolved value."""
    ents = [ArticleEntity(eid, form, "PER", _spans(text, form)) for eid, form in people.items()]
    ents += [ArticleEntity(eid, form, "LOC", _spans(text, form)) for eid, form in (places or {}).items()]
    found = [
        DateMention(expr, s.start, s.end, value, "day")
        for expr, value in (dates or {}).items()
        for s in _spans(text, expr)
    ]
    return Article(
        id=id_, content_hash="h", source="s", raw=text, text=text, language=lang, entities=tuple(ents),
        dates=tuple(sorted(found, key=lambda d: d.start)), event_date=event_date,
    )


@pytest.mark.parametrize(
    ("text", "lang", "people", "guest"),
    [
        ("Mayor Ilse Horn met Governor Tomas Reed in the harbour town on Monday.", "en",
         {"horn": "Horn", "reed": "Reed"}, None),
        ("Bürgermeisterin Horn traf am Montag Gouverneur Reed im Hafen.", "de", {"horn": "Horn", "reed": "Reed"}, None),
        ("Mērs Kalniņš tikās ar gubernatoru Ozolu ostas pilsētā.", "lv", {"k": "Kalniņš", "o": "Ozolu"}, None),
        ("Ο δήμαρχος Παππάς συναντήθηκε με τον κυβερνήτη Νικολάου στο λιμάνι.", "el",
         {"p": "Παππάς", "n": "Νικολάου"}, None),
        ("Мэр Орлов встретился с губернатором Волковым в порту.", "ru", {"o": "Орлов", "v": "Волковым"}, None),
        ("Senator Vega visited the capital, where President Lind received her.", "en",
         {"vega": "Vega", "lind": "Lind"}, "vega"),
        ("Ministerin Berger reiste nach Graz, wo sie Landeshauptmann Kurz empfing.", "de",
         {"berger": "Berger", "kurz": "Kurz"}, "berger"),
    ],
)
def test_meeting_found(text: str, lang: str, people: dict[str, str], guest: str | None) -> None:
    found = extract(article(text, lang, people))
    assert found is not None
    assert set(found.participants) == set(people)
    assert found.guest == guest
    if guest:
        assert found.host == next(p for p in people if p != guest)


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # two people but no meeting word
        ("Ilse Horn criticised the budget. Tomas Reed praised it.", {"horn": "Horn", "reed": "Reed"}),
        # a meeting word with only one person
        ("Horn met the press in the harbour town.", {"horn": "Horn"}),
    ],
)
def test_no_meeting(text: str, people: dict[str, str]) -> None:
    assert extract(article(text, "en", people)) is None


def test_combine_votes_across_articles() -> None:
    reports = [
        ArticleMeeting("a", ("x", "y"), "x", "y", True, "x visited y"),
        ArticleMeeting("b", ("x", "y", "z"), "x", "y", True, "x visited y with z"),
        ArticleMeeting("c", ("y", "x"), None, None, False, "x met y"),
    ]
    m = combine("ev", reports, "Town", "2023-01-01")
    assert m is not None
    assert set(m.participants) == {"x", "y"}
    assert (m.guest, m.host, m.place, m.date) == ("x", "y", "Town", "2023-01-01")
    assert combine("ev", [], None, None) is None


def test_a_recalled_visit_does_not_make_a_side_figure_the_guest() -> None:
    # both reports also recall z's earlier visit near a meeting word; the event is about x and y
    reports = [
        ArticleMeeting("a", ("x", "z", "y"), "z", "x", True, "z visited x; x met y"),
        ArticleMeeting("b", ("z", "x", "y"), "z", "x", True, "after z's visit x met y"),
    ]
    m = combine("ev", reports, "Town", "2023-01-01", actors=("x", "y", "z"))
    assert m is not None and m.participants == ("x", "y")  # z: named once in each, never with the event
    assert m.guest is None and m.host is None  # no report says which of x and y travelled


def test_trigger_trie_finds_what_a_plain_alternation_finds() -> None:
    """The trie-shaped trigger regex matches the longest stem, visit before meet, exactly as
    the flat alternation of all stems (longest first) does."""
    import re

    from storyline.meetings import MEET_STEMS, RECEIVE_STEMS, VISIT_STEMS, _pattern

    def alternation(table: dict[str, tuple[str, ...]]) -> str:
        stems = sorted({s for v in table.values() for s in v}, key=len, reverse=True)
        # a stem's final space stands for the end of a word
        return "|".join(re.escape(s.rstrip(" ")) + ("(?!\\w)" if s.endswith(" ") else "") for s in stems)

    flat = re.compile(
        f"(?<!\\w)(?:(?P<visit>{alternation(VISIT_STEMS)})|(?P<receive>{alternation(RECEIVE_STEMS)})"
        f"|(?P<meet>{alternation(MEET_STEMS)}))",
        re.IGNORECASE,
    )
    text = (
        "They met twice. MEETING notes: the Visitors travelled to the coast, held talks with the mayor; "
        "Staatsbesuch und Treffen, die Reise. Визит и встреча; επισκέφθηκε την πόλη. Sarunas un vizīte. "
        "unmet premeeting revisit. They met. Metal, method; the mayor received Reed, Putin принял Орлова, "
        "hostsmen hosts received"
    )
    got = [(m.start(), m.end(), m.lastgroup) for m in _pattern().finditer(text)]
    assert got == [(m.start(), m.end(), m.lastgroup) for m in flat.finditer(text)]
    assert len(got) >= 10
