"""Spans and types a reader sees wrong: a common word glued to a name, an organisation typed
as a person. Tiny hand-written texts in several languages; the organisation "Nordavia" and
its relatives are made up."""

from __future__ import annotations

import pytest

from storyline.config import Config
from storyline.entities import EntityLinker
from storyline.entities.knowledge import base_gazetteer
from storyline.entities.lexicon import common_word, name_word
from storyline.entities.recognize import Recognizer
from storyline.models import Article


def _article(text: str, lang: str, ident: str) -> Article:
    return Article(id=ident, content_hash=ident, source=ident, raw=text, text=text, title="", language=lang)


@pytest.fixture
def linker() -> EntityLinker:
    """A fresh knowledge base for each test."""
    return EntityLinker(Config.load(), None)


def _forms(article: Article) -> list[str]:
    return [m.text for e in article.entities for m in e.mentions]


def _teach(linker: EntityLinker, text: str, lang: str, times: int = 3) -> None:
    for n in range(times):
        linker(_article(text, lang, f"teach-{lang}-{n}"))


@pytest.mark.parametrize(
    ("word", "lang", "common"),
    [
        ("Cestující", "cs", True),  # passengers
        ("Pracownicy", "pl", True),  # workers
        ("Рабочие", "ru", True),  # workers
        ("Michael", "pl", False),  # a given name simplemma knows as a name
        ("Путин", "ru", False),
        ("Haus", "de", False),  # German capitalises every noun: no list there
    ],
)
def test_common_words_are_told_from_names(word: str, lang: str, common: bool) -> None:
    assert common_word(word, lang) is common


def test_a_frequent_name_is_a_name_word() -> None:
    assert name_word("michael", "pl")
    assert not name_word("pracownicy", "pl")


def test_a_sentence_start_word_is_cut_off_a_known_organisation(linker: EntityLinker) -> None:
    _teach(linker, "Вчера авиакомпания Nordavia отменила рейсы в Мурманск.", "ru")
    a = linker(_article("Что случилось?\nСтюардессы Nordavia начали забастовку утром.", "ru", "ru-1"))
    assert "Nordavia" in _forms(a)
    assert not any("Стюардессы" in f for f in _forms(a))


def test_a_capitalised_common_noun_is_cut_off_a_known_organisation(linker: EntityLinker) -> None:
    _teach(linker, "Včera letecká společnost Nordavia zrušila lety do Brna.", "cs")
    a = linker(_article("Foto: Nordavia Stávka potrvá dva dny a zasáhne tisíce lidí.", "cs", "cs-1"))
    assert "Nordavia" in _forms(a)
    assert not any("Stávka" in f for f in _forms(a))


def test_an_organisation_word_before_a_known_organisation_types_it(linker: EntityLinker) -> None:
    _teach(linker, "Wczoraj linia Nordavia odwołała loty do Gdańska.", "pl")
    a = linker(_article("Co dalej?\nSpółka Nordavia zapowiedziała nowe trasy.", "pl", "pl-1"))
    nordavia = next(e for e in a.entities if any(m.text == "Nordavia" for m in e.mentions))
    assert nordavia.type == "ORG"
    assert not any("Spółka" in f for f in _forms(a))


def test_headline_capitals_are_not_a_name() -> None:
    found = Recognizer(base_gazetteer()).find("ЗАРАДИ МЪГЛАТА: полетите закъсняват с часове.", "bg")
    assert not any("МЪГЛАТА" in m.text or "ЗАРАДИ" in m.text for m in found)


@pytest.mark.parametrize(
    ("text", "lang", "place", "word"),
    [
        ("Nowe połączenie z Wrocławia Zobacz także inne loty tej linii.", "pl", "Wrocławia", "Zobacz"),
        ("Цены на билеты в Европе Смотрите также другие новости.", "ru", "Европе", "Смотрите"),
    ],
)
def test_a_common_word_after_a_place_is_no_part_of_a_name(text: str, lang: str, place: str, word: str) -> None:
    found = Recognizer(base_gazetteer()).find(text, lang)
    places = [m for m in found if m.text == place]
    assert places and places[0].gazetteer is not None
    assert not any(word in m.text for m in found)


@pytest.mark.parametrize(
    ("text", "lang", "names"),
    [
        ("Yesterday Mark Rutte met Theresa May and Gordon Brown in Oslo.", "en", ["Mark Rutte", "Theresa May"]),
        ("Premier spotkał się z nim w Irlandii Północnej w piątek.", "pl", ["Irlandii Północnej"]),
        ("Вода в реке Северный Донец поднялась за ночь.", "ru", ["Северный Донец"]),
    ],
)
def test_names_made_of_common_words_stay_whole(text: str, lang: str, names: list[str]) -> None:
    found = [m.text for m in Recognizer(base_gazetteer()).find(text, lang)]
    for name in names:
        assert name in found


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("Odborový svaz Vereinigung Flugbegleiter oznámil stávku na pátek.", "cs", "Vereinigung Flugbegleiter"),
        ("Shares of Nordic Holdings fell while Baltic Air grew.", "en", "Nordic Holdings"),
        ("Shares of Nordic Holdings fell while Baltic Air grew.", "en", "Baltic Air"),
    ],
)
def test_an_organisation_word_makes_an_organisation(text: str, lang: str, name: str) -> None:
    found = {m.text: m.type for m in Recognizer(base_gazetteer()).find(text, lang)}
    assert found.get(name) == "ORG"


def test_a_role_word_once_does_not_make_a_company_a_person(linker: EntityLinker) -> None:
    first = linker(_article("Об этом сообщил в среду глава Nordavia на встрече.", "ru", "role"))
    _teach(linker, "Вчера авиакомпания Nordavia отменила рейсы в Мурманск.", "ru")
    _teach(linker, "Во вторник перевозчик Nordavia продал билеты.", "ru")
    last = linker(_article("Утром компания Nordavia открыла продажи.", "ru", "last"))
    ids = {e.id for a in (first, last) for e in a.entities if e.name == "Nordavia"}
    assert len(ids) == 1
    assert linker.kb.entities[ids.pop()].type == "ORG"


def test_a_known_organisation_opens_a_longer_organisation_name(linker: EntityLinker) -> None:
    _teach(linker, "Včera letecká společnost Nordavia zrušila lety do Brna.", "cs")
    a = linker(_article("Loni vznikla dceřiná Nordavia Regional se sídlem v Brně.", "cs", "cs-2"))
    assert any(e.type == "ORG" and any(m.text == "Nordavia Regional" for m in e.mentions) for e in a.entities)


def test_a_name_does_not_change_script() -> None:
    found = [
        m.text for m in Recognizer(base_gazetteer()).find("Об этом рассказал представитель Flyline Иван Петров.", "ru")
    ]
    assert "Иван Петров" in found
    assert not any("Flyline" in f and "Иван" in f for f in found)
