"""Who met whom from trigger words near people, in several languages (own sentences)."""

from __future__ import annotations

import pytest

from storyline.meetings import ArticleMeeting, combine, extract
from storyline.models import Article, ArticleEntity, Span


def article(text: str, lang: str, people: dict[str, str]) -> Article:
    """``people`` maps entity id to the surface form to find in ``text``."""
    ents = []
    for eid, form in people.items():
        spans, i = [], text.find(form)
        while i >= 0:
            spans.append(Span(form, i, i + len(form)))
            i = text.find(form, i + 1)
        ents.append(ArticleEntity(eid, form, "PER", tuple(spans)))
    return Article(id="a1", content_hash="h", source="s", raw=text, text=text, language=lang, entities=tuple(ents))


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
    assert m is not None and m.participants[:2] == ("x", "y") and "z" in m.participants
    assert m.guest is None and m.host is None  # no report says which of x and y travelled
    without = combine("ev", reports, "Town", "2023-01-01")
    assert without is not None and without.guest == "z"  # what the card's ranking prevents


def test_trigger_trie_finds_what_a_plain_alternation_finds() -> None:
    """The trie-shaped trigger regex matches the longest stem, visit before meet, exactly as
    the flat alternation of all stems (longest first) does."""
    import re

    from storyline.meetings import MEET_STEMS, VISIT_STEMS, _pattern

    visit = sorted({s for v in VISIT_STEMS.values() for s in v}, key=len, reverse=True)
    meet = sorted({s for v in MEET_STEMS.values() for s in v}, key=len, reverse=True)
    flat = re.compile(
        "(?<!\\w)(?:(?P<visit>" + "|".join(map(re.escape, visit)) + ")|(?P<meet>"
        + "|".join(map(re.escape, meet)) + "))",
        re.IGNORECASE,
    )
    text = (
        "They met twice. MEETING notes: the Visitors travelled to the coast, held talks with the mayor; "
        "Staatsbesuch und Treffen, die Reise. Визит и встреча; επισκέφθηκε την πόλη. Sarunas un vizīte. "
        "unmet premeeting revisit"
    )
    got = [(m.start(), m.end(), m.lastgroup) for m in _pattern().finditer(text)]
    assert got == [(m.start(), m.end(), m.lastgroup) for m in flat.finditer(text)]
    assert len(got) >= 10
