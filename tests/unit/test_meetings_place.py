"""Where a reported meeting or visit happened: the place a meet/visit/arrive word names
in the lead wins the event card over a rarer place named beside it (own sentences)."""

from __future__ import annotations

import pytest

from storyline.cluster import EventState
from storyline.events import card
from storyline.meetings import event_places
from tests.unit.test_meetings import article

SOFIA, PLOVDIV, VARNA = "LOC:g727011", "LOC:g728193", "LOC:g726050"
RIGA, RO, BG = "LOC:g456172", "LOC:RO", "LOC:BG"


@pytest.mark.parametrize(
    ("text", "lang", "places", "where"),
    [
        ("Premier Ana Costa met her Bulgarian counterpart in Sofia on Thursday to discuss the road "
         "between Plovdiv and Varna.", "en", {SOFIA: "Sofia", PLOVDIV: "Plovdiv", VARNA: "Varna"}, SOFIA),
        ("Kanzlerin Moser traf am Dienstag in Riga ihre Amtskollegen, um über die Bahn nach Plovdiv zu reden.",
         "de", {RIGA: "Riga", PLOVDIV: "Plovdiv"}, RIGA),
        ("Президент Орлов прибыл в Софию, чтобы обсудить дорогу между Пловдивом и Варной.", "ru",
         {SOFIA: "Софию", PLOVDIV: "Пловдивом", VARNA: "Варной"}, SOFIA),
        ("Премьер Орлов в Софии провёл переговоры с премьер-министром Румынии о дороге в Пловдив.", "ru",
         {SOFIA: "Софии", RO: "Румынии", PLOVDIV: "Пловдив"}, SOFIA),
        ("Ο πρωθυπουργός Παππάς συναντήθηκε την Πέμπτη στη Σόφια με τον ομόλογό του για τον δρόμο Πλόβντιβ - Βάρνα.",
         "el", {SOFIA: "Σόφια", PLOVDIV: "Πλόβντιβ", VARNA: "Βάρνα"}, SOFIA),
        ("Prezydent Nowak odwiedził Sofię, gdzie mówiono o drodze do Warny.", "pl",
         {SOFIA: "Sofię", VARNA: "Warny"}, SOFIA),
    ],
)
def test_the_place_after_a_meet_or_visit_word(text: str, lang: str, places: dict[str, str], where: str) -> None:
    found = event_places(article(text, lang, {}, places))
    assert max(found, key=found.__getitem__) == where
    assert set(found) == {where}


@pytest.mark.parametrize(
    ("text", "lang", "places"),
    [
        # a country in a person's title is whose, not where
        ("Premier Costa met Romania's Premier Ion Popa on Monday.", "en", {RO: "Romania"}),
        # a meeting of another time
        ("Costa last met Popa in Sofia, and on Monday the road to Varna opened.", "en",
         {SOFIA: "Sofia", VARNA: "Varna"}),
        # no meet or visit word
        ("Die Straße zwischen Plovdiv und Varna wurde am Montag eröffnet.", "de",
         {PLOVDIV: "Plovdiv", VARNA: "Varna"}),
        # a planned visit is not where this happened; "на" is also Bulgarian "of"; "срещу": against
        ("Премиерът ще посети Варна, а министърът Пловдив.", "bg", {VARNA: "Варна", PLOVDIV: "Пловдив"}),
        ("По време на разговора със секретаря на България стана ясно.", "bg", {BG: "България"}),
        ("Премиерът говори срещу войната в Румъния.", "bg", {RO: "Румъния"}),
        # a continent is no place an event card can name
        ("Ministers met in Europe on Monday.", "en", {"LOC:europe": "Europe"}),
        # Slovene future: "se bo srečal"
        ("Premier se bo v sredo v Sofiji srečal s predsednikom.", "sl", {SOFIA: "Sofiji"}),
    ],
)
def test_no_place_said(text: str, lang: str, places: dict[str, str]) -> None:
    people = {"popa": "Ion Popa"} if "Popa" in text else {}
    assert event_places(article(text, lang, people, places)) == {}


def _state(places: dict[str, float], where: dict[str, float]) -> EventState:
    names = {SOFIA: "Sofia", PLOVDIV: "Plovdiv", VARNA: "Varna", BG: "Bulgaria", RO: "Romania"}
    return EventState(id="ev", key=1, vsum=[0.0], n=1, places=places, where=where, names=names)


def test_the_card_takes_the_place_named_at_the_meeting_word() -> None:
    # Plovdiv weighs more (rarer, in the lead) but Sofia is where they met
    assert card(_state({SOFIA: 1.0, PLOVDIV: 3.0}, {})).place == "Plovdiv"
    assert card(_state({SOFIA: 1.0, PLOVDIV: 3.0}, {SOFIA: 1.0})).place == "Sofia"
    # "visit to Bulgaria": a Bulgarian town still names it more precisely than the country
    assert card(_state({BG: 2.0, VARNA: 1.0}, {BG: 1.0})).place == "Varna"
    # … but not a town of another country, when the country is where it happened
    assert card(_state({RO: 2.0, VARNA: 3.0}, {RO: 1.0})).place == "Romania"


def test_one_report_of_a_big_event_does_not_move_its_place() -> None:
    big = _state({SOFIA: 1.0, PLOVDIV: 30.0}, {SOFIA: 1.0})
    big.n = 40
    assert card(big).place == "Plovdiv"
    big.where[SOFIA] = 4.0  # a tenth of its articles say so
    assert card(big).place == "Sofia"


def test_prepositions_are_read_in_the_article_language() -> None:
    # Slovene "in" is "and": Bulgaria is not where they met
    text = "Pred začetkom srečanja sta premierja omenila Bolgarijo in Romunijo."
    found = event_places(article(text, "sl", {}, {BG: "Bolgarijo", RO: "Romunijo"}))
    assert found == {}
    text = "Premierja sta se srečala v Sofiji."
    assert event_places(article(text, "sl", {}, {SOFIA: "Sofiji"})) == {SOFIA: 1.0}
