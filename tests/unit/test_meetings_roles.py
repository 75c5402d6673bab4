"""Who met whom at *this* event, and who travelled: own sentences in en, de, ru, lv, el."""

from __future__ import annotations

import pytest

from storyline.meetings import combine, country_of, extract
from tests.unit.test_meetings import article

# -- the people of this meeting, not of one the article recalls -------------------------


@pytest.mark.parametrize(
    ("text", "lang", "people", "dates", "day", "met"),
    [
        (
            "President Arno Vell met Prime Minister Sita Rao in Lisbon on Friday. "
            "Vell last met Chancellor Tom Brandt in Oslo in March 2021.",
            "en", {"vell": "Vell", "rao": "Rao", "brandt": "Brandt"},
            {"Friday": "2024-05-10", "March 2021": "2021-03"}, "2024-05-10", {"vell", "rao"},
        ),
        (
            "Kanzlerin Moser traf am Montag in Graz den Premier Novak. "
            "Im Jahr 2019 hatte Moser in Prag den Präsidenten Horak getroffen.",
            "de", {"moser": "Moser", "novak": "Novak", "horak": "Horak"},
            {"Montag": "2024-06-03", "Jahr 2019": "2019"}, "2024-06-03", {"moser", "novak"},
        ),
        (
            "Premjerministrs Ozols otrdien Rīgā tikās ar prezidentu Kairi. "
            "2018. gadā Ozols tikās ar premjeru Tammu.",
            "lv", {"ozols": "Ozols", "kairi": "Kairi", "tamm": "Tammu"},
            {"otrdien": "2024-06-04", "2018. gadā": "2018"}, "2024-06-04", {"ozols", "kairi"},
        ),
        (
            "Ο πρωθυπουργός Παππάς συναντήθηκε την Τρίτη στην Αθήνα με τον πρόεδρο Νικολάου. "
            "Τον Μάιο του 2019 ο Παππάς είχε συναντήσει τον καγκελάριο Βέμπερ.",
            "el", {"pappas": "Παππάς", "nik": "Νικολάου", "veber": "Βέμπερ"},
            {"Τρίτη": "2024-06-04", "Μάιο του 2019": "2019-05"}, "2024-06-04", {"pappas", "nik"},
        ),
        (
            "Мэр Орлов во вторник провёл переговоры с губернатором Волковым. "
            "В прошлом году Орлов встречался с сенатором Беловым.",
            "ru", {"orlov": "Орлов", "volkov": "Волковым", "belov": "Беловым"},
            {"во вторник": "2024-06-04"}, "2024-06-04", {"orlov", "volkov"},  # "в прошлом году": a recall word
        ),
    ],
)
def test_a_recalled_meeting_gives_no_participants(
    text: str, lang: str, people: dict[str, str], dates: dict[str, str], day: str, met: set[str]
) -> None:
    found = extract(article(text, lang, people, dates=dates, event_date=day))
    assert found is not None
    assert set(found.participants) == met


@pytest.mark.parametrize(
    ("text", "lang", "people", "met"),
    [
        (
            "Mayor Ilse Horn flew to Oslo for talks with Governor Tomas Reed, "
            "her second trip this year as an ally of Senator Pia Lund.",
            "en", {"horn": "Horn", "reed": "Reed", "lund": "Lund"}, {"horn", "reed"},
        ),
        (
            "Мэр Орлов прилетел в Казань на переговоры с губернатором Волковым, "
            "это вторая поездка союзника сенатора Белова в этом году.",
            "ru", {"orlov": "Орлов", "volkov": "Волковым", "belov": "Белова"}, {"orlov", "volkov"},
        ),
    ],
)
def test_a_person_in_another_clause_is_not_at_the_meeting(
    text: str, lang: str, people: dict[str, str], met: set[str]
) -> None:
    found = extract(article(text, lang, people))
    assert found is not None
    assert set(found.participants) == met


def test_the_guest_meets_more_people_the_host_meets_others_elsewhere() -> None:
    text = (
        "President Lind travelled to Estonia on Monday to meet Premier Kask. "
        "Lind will also meet Mayor Saar during the visit. "
        "Kask had talks with Chancellor Brandt as well."
    )
    people = {"lind": "Lind", "kask": "Kask", "saar": "Saar", "brandt": "Brandt"}
    found = extract(article(text, "en", people, {"LOC:EE": "Estonia"}, {"Monday": "2024-06-03"}, "2024-06-03"))
    assert found is not None
    assert found.participants[:2] in {("lind", "kask"), ("kask", "lind")}
    assert set(found.participants) == {"lind", "kask", "saar"}  # the host's talks with Brandt: another meeting
    assert (found.guest, found.host) == ("lind", "kask")


# -- host and guest in any word order ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "people", "guest", "host"),
    [
        # verb-second: the traveller after the verb
        ("Am Freitag reiste Ministerin Berger nach Linz, wo sie Bürgermeister Huber traf.", "de",
         {"berger": "Berger", "huber": "Huber"}, "berger", "huber"),
        ("Nach Wels reiste Kanzlerin Moser, um Gouverneur Lind zu treffen.", "de",
         {"moser": "Moser", "lind": "Lind"}, "moser", "lind"),
        # a visit noun with its traveller after it
        ("The visit of Senator Vega to the capital ended with talks with President Lind.", "en",
         {"vega": "Vega", "lind": "Lind"}, "vega", "lind"),
        # the host receives the guest: active, verb-second, passive
        ("President Lind received Senator Vega in the capital on Monday.", "en",
         {"lind": "Lind", "vega": "Vega"}, "vega", "lind"),
        ("Governor Reed hosted Mayor Horn at the harbour.", "en", {"reed": "Reed", "horn": "Horn"}, "horn", "reed"),
        ("Senator Vega was received by President Lind in the capital.", "en",
         {"vega": "Vega", "lind": "Lind"}, "vega", "lind"),
        ("Am Montag empfing Präsident Lind den Senator Vega in Wien.", "de",
         {"lind": "Lind", "vega": "Vega"}, "vega", "lind"),
        ("Senatorin Vega wurde in Wien von Präsident Lind empfangen.", "de",
         {"vega": "Vega", "lind": "Lind"}, "vega", "lind"),
        ("Президент Орлов принял в Кремле губернатора Волкова.", "ru",
         {"orlov": "Орлов", "volkov": "Волкова"}, "volkov", "orlov"),
        ("Prezidents Kalniņš pirmdien uzņēma premjeru Tammu Rīgā.", "lv",
         {"kalnins": "Kalniņš", "tamm": "Tammu"}, "tamm", "kalnins"),
        ("Ο πρόεδρος Παππάς υποδέχθηκε τον πρωθυπουργό Νικολάου στην Αθήνα.", "el",
         {"pappas": "Παππάς", "nik": "Νικολάου"}, "nik", "pappas"),
    ],
)
def test_host_and_guest(text: str, lang: str, people: dict[str, str], guest: str, host: str) -> None:
    found = extract(article(text, lang, people))
    assert found is not None
    assert set(found.participants) == set(people)
    assert (found.guest, found.host) == (guest, host)


@pytest.mark.parametrize(
    ("text", "lang", "people", "places", "guest", "host"),
    [
        # no travel word: the guest is the one who is not of the place's country
        (
            "Die italienische Premierministerin Rossi traf am Dienstag in Österreich den österreichischen "
            "Kanzler Moser. Italien und Österreich wollen enger zusammenarbeiten.",
            "de", {"rossi": "Rossi", "moser": "Moser"}, {"LOC:AT": "Österreich", "LOC:IT": "Italien"},
            "rossi", "moser",
        ),
        (
            "Igaunijas premjerministrs Tamms otrdien Latvijā tikās ar Latvijas prezidentu Kalniņu.",
            "lv", {"tamm": "Tamms", "kalnins": "Kalniņu"}, {"LOC:EE": "Igaunijas", "LOC:LV": "Latvij"},
            "tamm", "kalnins",
        ),
        (
            "Ο Έλληνας πρωθυπουργός Παππάς συναντήθηκε στη Σόφια με τον Βούλγαρο πρόεδρο Ιβάνοφ. "
            "Η Ελλάδα και η Βουλγαρία υπέγραψαν συμφωνία.",
            "el", {"pappas": "Παππάς", "ivanov": "Ιβάνοφ"},
            {"LOC:g727011": "Σόφια", "LOC:GR": "Ελλάδα", "LOC:BG": "Βουλγαρία"}, "pappas", "ivanov",
        ),
    ],
)
def test_the_host_is_of_the_place_country(
    text: str, lang: str, people: dict[str, str], places: dict[str, str], guest: str, host: str
) -> None:
    found = extract(article(text, lang, people, places))
    assert found is not None
    assert (found.guest, found.host) == (guest, host)


def test_country_of_a_place() -> None:
    assert country_of("LOC:FR") == "FR"
    assert country_of("LOC:g727011") == "BG"  # Sofia, from the gazetteer
    assert country_of("loc:a-venue") == ""


# -- one event, several articles ---------------------------------------------------------


def test_an_article_that_names_someone_but_not_at_the_meeting_disagrees() -> None:
    people = {"novak": "Novak", "lind": "Lind", "kask": "Kask"}
    a = article("Premier Novak met President Lind on Monday. Novak and Lind also met Minister Kask on Monday.",
                "en", people, dates={"Monday": "2024-06-03"}, event_date="2024-06-03", id_="a")
    b = article("President Lind met Premier Novak on Monday. Minister Kask spoke to reporters.",
                "en", people, dates={"Monday": "2024-06-03"}, event_date="2024-06-03", id_="b")
    c = article("President Lind met Premier Novak on Monday in the old town hall.",
                "en", {"novak": "Novak", "lind": "Lind"}, dates={"Monday": "2024-06-03"}, event_date="2024-06-03",
                id_="c")
    ra, rb, rc = (extract(x) for x in (a, b, c))
    assert ra is not None and rb is not None and rc is not None
    assert "kask" in ra.participants
    both = combine("ev", [ra, rb], None, "2024-06-03")
    assert both is not None and set(both.participants) == {"novak", "lind"}
    silent = combine("ev", [ra, rc], None, "2024-06-03")  # c does not name Kask: no disagreement
    assert silent is not None and set(silent.participants) == {"novak", "lind", "kask"}


def test_combine_uses_the_event_place_for_host_and_guest() -> None:
    text = "Premier Rossi met Chancellor Moser on Tuesday. Italy's Rossi and Austria's Moser spoke of trade."
    people = {"rossi": "Rossi", "moser": "Moser"}
    r = extract(article(text, "en", people, {"LOC:IT": "Italy", "LOC:AT": "Austria"}))
    assert r is not None
    at_home = combine("ev", [r], "Austria", None)
    away = combine("ev", [r], "Italy", None)
    assert at_home is not None and (at_home.guest, at_home.host) == ("rossi", "moser")
    assert away is not None and (away.guest, away.host) == ("moser", "rossi")


def test_a_former_office_holder_is_at_the_meeting() -> None:
    """"former" says who someone was, not that the meeting is an earlier one."""
    text = "Former Chancellor Tom Brandt met President Arno Vell in Oslo on Friday."
    found = extract(article(text, "en", {"brandt": "Brandt", "vell": "Vell"}, dates={"Friday": "2024-05-10"},
                            event_date="2024-05-10"))
    assert found is not None
    assert set(found.participants) == {"brandt", "vell"}
