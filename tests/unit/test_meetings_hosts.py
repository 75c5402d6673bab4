"""Who hosted a visit, which meetings are only planned, and which "people" are buildings
(own sentences in en, de, ru, lv, pl, el)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.meetings import combine, extract, is_person
from storyline.models import ArticleEntity, Meeting, Span
from tests.unit.test_meetings import article

# -- the host of a state visit ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "people", "places", "guest", "host"),
    [
        # the head of state of the place's country, not the premier who is also met
        (
            "The Norwegian President Arno Vell arrived in Lisbon on Monday and met Portugal Premier Rui Costa. "
            "A meeting with head of state and party chief Tiago Sousa is also on the programme of Vell.",
            "en", {"vell": "Vell", "costa": "Costa", "sousa": "Sousa"},
            {"LOC:g2267057": "Lisbon", "LOC:PT": "Portugal"}, "vell", "sousa",
        ),
        (
            "Norwegens Präsident Vell reiste am Montag nach Lissabon und traf Portugals Premier Costa. "
            "Auch Staatschef Sousa traf Vell am Montag in Lissabon.",
            "de", {"vell": "Vell", "costa": "Costa", "sousa": "Sousa"},
            {"LOC:g2267057": "Lissabon", "LOC:PT": "Portugals", "LOC:NO": "Norwegens"}, "vell", "sousa",
        ),
        # the one the text says received the guest, before anyone's title
        (
            "Президент Олег Орлов прибыл в Казань и провёл переговоры с премьером Иваном Волковым. "
            "Затем губернатор Пётр Белов принял Орлова.",
            "ru", {"orlov": "Орлов", "volkov": "Волковым", "belov": "Белов"},
            {"LOC:g551487": "Казань"}, "orlov", "belov",
        ),
        (
            "Premjerministrs Tamms otrdien ieradās Rīgā un tikās ar premjeru Ozolu. "
            "Prezidents Kalniņš otrdien pilī uzņēma Tammu.",
            "lv", {"tamm": "Tamm", "ozols": "Ozolu", "kalnins": "Kalniņš"},
            {"LOC:g456172": "Rīgā"}, "tamm", "kalnins",
        ),
    ],
)
def test_the_host_is_who_received_the_guest_or_the_head_of_state(
    text: str, lang: str, people: dict[str, str], places: dict[str, str], guest: str, host: str
) -> None:
    found = extract(article(text, lang, people, places))
    assert found is not None
    assert guest in found.participants and host in found.participants
    assert (found.guest, found.host) == (guest, host)


def test_a_head_of_state_only_mentioned_is_not_the_host() -> None:
    text = (
        "Premier Rui Costa received Chancellor Anna Moser in Lisbon on Monday. "
        "President Tiago Sousa was abroad and sent a message."
    )
    people = {"costa": "Costa", "moser": "Moser", "sousa": "Sousa"}
    found = extract(article(text, "en", people, {"LOC:g2267057": "Lisbon"}))
    assert found is not None
    assert "sousa" not in found.participants
    assert (found.guest, found.host) == ("moser", "costa")


def test_a_vice_president_is_no_head_of_state() -> None:
    text = (
        "Chancellor Anna Moser arrived in Lisbon on Monday and met Vice President Tiago Sousa "
        "and Premier Rui Costa. Costa and Moser spoke of trade."
    )
    people = {"costa": "Costa", "moser": "Moser", "sousa": "Sousa"}
    found = extract(article(text, "en", people, {"LOC:g2267057": "Lisbon"}))
    assert found is not None
    assert found.guest == "moser" and found.host == "costa"


# -- a planned meeting is not one that happened -----------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "people", "planned"),
    [
        ("President Arno Vell will visit Oslo to meet Prime Minister Sita Rao.", "en",
         {"vell": "Vell", "rao": "Rao"}, True),
        ("President Arno Vell is expected to meet Prime Minister Sita Rao in Oslo.", "en",
         {"vell": "Vell", "rao": "Rao"}, True),
        ("President Arno Vell met Prime Minister Sita Rao in Oslo.", "en", {"vell": "Vell", "rao": "Rao"}, False),
        ("Kanzlerin Moser plant, Graz zu besuchen und dort Präsident Novak zu treffen.", "de",
         {"moser": "Moser", "novak": "Novak"}, True),
        ("Kanzlerin Moser wird in Graz Präsident Novak treffen.", "de", {"moser": "Moser", "novak": "Novak"}, True),
        ("Kanzlerin Moser traf in Graz Präsident Novak.", "de", {"moser": "Moser", "novak": "Novak"}, False),
        ("Президент Орлов посетит Казань и встретится с губернатором Волковым.", "ru",
         {"orlov": "Орлов", "volkov": "Волковым"}, True),
        ("Президент Орлов посетил Казань и встретился с губернатором Волковым.", "ru",
         {"orlov": "Орлов", "volkov": "Волковым"}, False),
        ("Prezydent Nowak odwiedzi Kraków i spotka się z burmistrzem Kowalskim.", "pl",
         {"nowak": "Nowak", "kowalski": "Kowalskim"}, True),
        ("Prezydent Nowak odwiedził Kraków i spotkał się z burmistrzem Kowalskim.", "pl",
         {"nowak": "Nowak", "kowalski": "Kowalskim"}, False),
        ("Ο πρόεδρος Παππάς θα συναντηθεί με τον πρωθυπουργό Νικολάου στην Αθήνα.", "el",
         {"pappas": "Παππάς", "nik": "Νικολάου"}, True),
        ("Premier Novak se bo v sredo srečal s predsednikom Kovačem.", "sl",
         {"novak": "Novak", "kovac": "Kovačem"}, True),
        ("Premier Nowak był zły, bo spotkał się z burmistrzem Kowalskim.", "pl",
         {"nowak": "Nowak", "kowalski": "Kowalskim"}, False),  # Polish "bo": because
        # past forms that share a stem with a future one
        ("Prezident Novák navštívil Trnavu a stretol sa s primátorom Kováčom.", "sk",
         {"novak": "Novák", "kovac": "Kováčom"}, False),
        ("Prezident Novák navštívi Trnavu a stretne sa s primátorom Kováčom.", "sk",
         {"novak": "Novák", "kovac": "Kováčom"}, True),
        ("Премиерът Петров проведе среща с министъра Иванов.", "bg", {"petrov": "Петров", "ivanov": "Иванов"}, False),
        ("Премиерът Петров ще се срещне с министъра Иванов.", "bg", {"petrov": "Петров", "ivanov": "Иванов"}, True),
    ],
)
def test_a_planned_meeting_is_marked(text: str, lang: str, people: dict[str, str], planned: bool) -> None:
    found = extract(article(text, lang, people))
    assert found is not None
    assert set(found.participants) == set(people)
    assert found.planned is planned
    meeting = combine("ev", [found], None, None)
    assert meeting is not None and meeting.planned is planned


def test_one_report_that_it_happened_outweighs_the_plans() -> None:
    people = {"vell": "Vell", "rao": "Rao"}
    before = extract(article("President Vell will meet Premier Rao in Oslo.", "en", people, id_="a"))
    after = extract(article("President Vell met Premier Rao in Oslo.", "en", people, id_="b"))
    assert before is not None and after is not None
    meeting = combine("ev", [before, after], None, None)
    assert meeting is not None and meeting.planned is False


def test_a_word_that_only_starts_like_a_meeting_word() -> None:
    text = "Премиерът Петров говори срещу министъра Иванов."  # "срещу": against
    assert extract(article(text, "bg", {"petrov": "Петров", "ivanov": "Иванов"})) is None


def test_a_plan_in_another_clause_does_not_make_the_meeting_planned() -> None:
    text = "President Vell, who will fly to Rome next month, met Premier Rao in Oslo."
    found = extract(article(text, "en", {"vell": "Vell", "rao": "Rao"}))
    assert found is not None and found.planned is False


# -- a building named after a person is not a person -------------------------------------


def _entity(name: str, type_: str = "PER") -> ArticleEntity:
    return ArticleEntity("per:" + name.casefold().replace(" ", "-"), name, type_, (Span(name, 0, len(name)),))


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Ada Brandt", True),
        ("Brandt Tower", False),
        ("Brandt-Tower", False),
        ("Hotel Adler", False),
        ("Брандт-тауэр", False),
        ("Дворец Брандта", False),
        ("Pałac Brandta", False),
        ("Brandta pils", False),
        ("Mohamed Salah", True),  # a name that starts like a place word is still a name
        ("Ilse Horn", True),
    ],
)
def test_is_person(name: str, person: bool) -> None:
    assert is_person(_entity(name)) is person
    assert is_person(_entity(name, "LOC")) is False


def test_a_tower_named_after_someone_is_not_at_the_meeting() -> None:
    text = "Premier Ada Brandt met Governor Tomas Reed at Brandt Tower on Monday."
    found = extract(article(text, "en", {"brandt": "Ada Brandt", "reed": "Tomas Reed", "tower": "Brandt Tower"}))
    assert found is not None
    assert set(found.participants) == {"brandt", "reed"}
    text = "Governor Tomas Reed visited Brandt Tower on Monday."
    assert extract(article(text, "en", {"reed": "Tomas Reed", "tower": "Brandt Tower"})) is None


def test_a_planned_meeting_is_stored_and_is_no_meeting_yet(tmp_path: Path) -> None:
    from storyline.store import open_store
    from storyline.web.views import met_counts

    held = Meeting(event_id="ev-a", participants=("vell", "rao"), place="Oslo", date="2024-06-04")
    plan = Meeting(event_id="ev-b", participants=("vell", "kask"), date="2024-06-05", planned=True)
    with open_store(tmp_path / "m.db") as store:
        store.save_meetings([held, plan])
        back = {m.event_id: m for m in store.meetings(entity="vell")}
    assert back["ev-a"].planned is False and back["ev-b"].planned is True
    assert met_counts(list(back.values()), "vell") == {"rao": 1}
