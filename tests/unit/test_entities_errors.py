"""Entity errors a reader sees: a common word read as a place, a town taken for another
town, a river typed as a person, an inflected company name given an id of its own.

Tiny hand-written sentences in several languages; "Nordavia" is a made-up airline.
"""

from __future__ import annotations

import pytest

from storyline.config import Config
from storyline.entities import EntityLinker
from storyline.entities import lexicon as lexicon_module
from storyline.entities.knowledge import base_gazetteer
from storyline.entities.recognize import Mention, Recognizer
from storyline.errors import StorylineError
from storyline.models import Article


def _find(text: str, lang: str) -> list[Mention]:
    return Recognizer(base_gazetteer()).find(text, lang)


def _article(text: str, lang: str, ident: str) -> Article:
    return Article(id=ident, content_hash=ident, source=ident, raw=text, text=text, title="", language=lang)


@pytest.fixture
def linker() -> EntityLinker:
    """A fresh knowledge base for each test."""
    return EntityLinker(Config.load(), None)


# -- a common word where a capital says little is no loosely spelt place --------------------


@pytest.mark.parametrize(
    ("text", "lang", "word"),
    [
        ("Tanie bilety kupiliśmy wczoraj w Gdańsku.", "pl", "Tanie"),  # cheap ~ "Taani" (Denmark)
        ("Taniej już nie będzie, mówią kupcy.", "pl", "Taniej"),
    ],
)
def test_a_common_word_opening_a_sentence_is_no_loose_place(text: str, lang: str, word: str) -> None:
    assert word not in [m.text for m in _find(text, lang)]


def test_a_country_in_a_case_form_is_still_found() -> None:
    mentions = _find("Wczoraj rozmawiał z ministrem z Danii o handlu.", "pl")
    found = {m.text: m.gazetteer.id for m in mentions if m.gazetteer}
    assert found.get("Danii") == "LOC:DK"  # genitive of "Dania", not a Chinese town's alias


def test_a_towns_own_name_beats_another_towns_alias() -> None:
    gaz = base_gazetteer()
    gera = gaz.match(["Gera"])
    assert gera is not None and gera[0].name == "Gera" and gera[0].country == "DE"
    kazan = gaz.match(["Kasan"])  # German for Kazan; also how "Kashan" folds: the far larger city stays
    assert kazan is not None and kazan[0].name == "Kazan"


# -- small cleanups -----------------------------------------------------------------------


def test_the_lexicon_refuses_a_file_built_for_other_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    lexicon_module.lexicon.cache_clear()
    monkeypatch.setattr(lexicon_module, "COMMON_MIN_ZIPF", lexicon_module.COMMON_MIN_ZIPF - 0.5)
    try:
        with pytest.raises(StorylineError, match="build_lexicon"):
            lexicon_module.lexicon()
    finally:
        lexicon_module.lexicon.cache_clear()


def test_the_cue_file_is_parsed_once() -> None:
    from storyline.entities import knowledge

    knowledge.cues_for.cache_clear()
    knowledge._cue_data.cache_clear()
    for lang in ("pl", "cs", "ru", "lv", None):
        knowledge.cues_for(lang)
    assert knowledge._cue_data.cache_info().misses == 1


# -- a place in a place's case is no person -------------------------------------------------


def _types(text: str, lang: str) -> dict[str, str]:
    return {m.text: m.type for m in _find(text, lang)}


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        # a preposition of place, a noun and an adjective in the case it governs
        ("Mieszkańcy wsi nad Odrą Zachodnią układali worki z piaskiem.", "pl", "Odrą Zachodnią"),
        ("Rozmowy w Irlandii Północnej trwały długo.", "pl", "Irlandii Północnej"),
        # Latvian puts a place in the locative without a preposition
        ("Pagājušnedēļ ministrs viesojās Tuvajos Austrumos un Āfrikā.", "lv", "Tuvajos Austrumos"),
        # a country's name after a common word (northern)
        ("Премиерът пътува до Северна Ирландия в петък.", "bg", "Северна Ирландия"),
    ],
)
def test_a_place_in_its_case_is_a_place(text: str, lang: str, name: str) -> None:
    assert _types(text, lang).get(name) == "LOC"


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("Sprawa trafiła wczoraj na Donalda Tuska.", "pl", "Donalda Tuska"),  # accusative: a person
        ("Spotkał się z Anną Nowak w Krakowie.", "pl", "Anną Nowak"),  # "z" is "with", not a place
        ("Vakar ministrs tikās ar Annu Bērziņu.", "lv", "Annu Bērziņu"),
    ],
)
def test_people_after_a_preposition_stay_people(text: str, lang: str, name: str) -> None:
    assert _types(text, lang).get(name) == "PER"


# -- an inflected company name joins the company --------------------------------------------


def _ids(linker: EntityLinker, text: str, lang: str, ident: str) -> dict[str, str]:
    article = linker(_article(text, lang, ident))
    return {m.text: e.id for e in article.entities for m in e.mentions}


def test_a_case_form_of_a_known_name_links_to_it(linker: EntityLinker) -> None:
    first = _ids(linker, "Linia Skyair odwołała wczoraj loty do Gdańska.", "pl", "pl-1")
    later = _ids(linker, "Pasażerowie w Skyairze czekali długo na informacje.", "pl", "pl-2")
    assert later["Skyairze"] == first["Skyair"]  # Polish locative: r softens to rz before -e


def test_a_case_form_joins_its_name_in_the_same_article(linker: EntityLinker) -> None:
    ids = _ids(linker, "Piloci w Fastairze strajkują, a Fastair milczy.", "pl", "pl-3")
    assert ids["Fastairze"] == ids["Fastair"]
    assert ids["Fastair"].endswith(":fastair")  # the id comes from the name, not its case form


def test_a_case_ending_of_another_language_does_not_join(linker: EntityLinker) -> None:
    first = _ids(linker, "Linia Skyair odwołała wczoraj loty do Gdańska.", "pl", "pl-4")
    other = _ids(linker, "Die Gesellschaft Skyairze meldete gestern Verluste.", "de", "de-1")
    assert other.get("Skyairze") != first["Skyair"]


# -- a rare word opening a name, or an acronym, opening a sentence is a name --------------------


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("Превод: Велиславка Дренчева. Всички права запазени.", "bg", "Велиславка Дренчева"),  # opens a name
        ("Wczoraj strajkowali piloci. KZPL protestuje od rana.", "pl", "KZPL"),  # an acronym
    ],
)
def test_a_rare_word_opening_a_name_or_an_acronym_stays(text: str, lang: str, name: str) -> None:
    assert name in [m.text for m in _find(text, lang)]


# -- a title before an organisation is its head's -------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("Wczoraj przemawiał lider Partii Pracy w Londynie.", "pl", "Partii Pracy"),
        ("Wczoraj prezes Narodowego Banku Polskiego mówił o inflacji.", "pl", "Narodowego Banku Polskiego"),
        ("Včera predseda Slovenskej Národnej Strany odmietol kritiku.", "sk", "Slovenskej Národnej Strany"),
    ],
)
def test_an_organisation_after_a_title_stays_an_organisation(
    linker: EntityLinker, text: str, lang: str, name: str
) -> None:
    article = linker(_article(text, lang, f"{lang}-title"))
    assert {m.text: e.type for e in article.entities for m in e.mentions}.get(name) == "ORG"


def test_a_person_after_a_title_stays_a_person(linker: EntityLinker) -> None:
    article = linker(_article("Wczoraj przemawiał premier Jan Kowalczyk w Sejmie.", "pl", "pl-person"))
    assert {m.text: e.type for e in article.entities for m in e.mentions}.get("Jan Kowalczyk") == "PER"


def test_an_acronym_before_a_persons_name_is_an_organisation_of_its_own(linker: EntityLinker) -> None:
    article = linker(_article("Wczoraj szef KE Marek Zieliński przyjechał do Warszawy.", "pl", "pl-acronym"))
    found = {m.text: e.type for e in article.entities for m in e.mentions}
    assert found.get("KE") == "ORG"
    assert found.get("Marek Zieliński") == "PER"
