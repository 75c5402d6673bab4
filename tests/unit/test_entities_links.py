"""Links and spans users saw wrong: a person's name read as a country, one place as a
similar one, organisation words glued to people or taken for names of their own, case
forms shown as names. Sentences written for these tests, in several languages."""

from __future__ import annotations

import pytest

from storyline.config import Config
from storyline.entities import EntityLinker
from storyline.entities.knowledge import Gazetteer, KBEntity, KnowledgeBase, base_gazetteer, canonical_name
from storyline.entities.normalize import text_key
from storyline.models import Article


def _article(text: str, lang: str, ident: str) -> Article:
    return Article(id=ident, content_hash=ident, source=ident, raw=text, text=text, language=lang)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return base_gazetteer()


@pytest.fixture
def linker() -> EntityLinker:
    return EntityLinker(Config.load(), None)


def _entry(gaz: Gazetteer, word: str) -> str | None:
    found = gaz.match(word.split())
    return found[0].id if found else None


# -- the gazetteer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "not_this"),
    [
        ("Cameron", "LOC:CM"),  # a surname spelt like Cameroon once doubled letters fold to one
        ("Camerona", "LOC:CM"),  # and its Polish genitive
        ("Xinjiang", "LOC:g1788534"),  # the region, not the town Xinyang ("j" and "y" fold alike)
        ("Xinjiangu", "LOC:g1788534"),
    ],
)
def test_a_folded_spelling_is_not_another_place(gaz: Gazetteer, word: str, not_this: str) -> None:
    assert _entry(gaz, word) != not_this


@pytest.mark.parametrize(
    ("word", "place"),
    [
        ("Kamerun", "LOC:CM"),  # the country's own names still match
        ("Kamerunu", "LOC:CM"),
        ("Warszawie", "LOC:g756135"),  # a Latin case form keeps the town's plain stem
        ("Krakowie", "LOC:g3094802"),
        ("Prahy", "LOC:g3067696"),
    ],
)
def test_names_and_their_case_forms_still_match(gaz: Gazetteer, word: str, place: str) -> None:
    assert _entry(gaz, word) == place


@pytest.mark.parametrize(
    ("word", "place"),
    [
        ("Walii", "LOC:GB-WLS"),  # pl genitive of Walia: "-ii" folds to one "i"
        ("Bawarii", "LOC:DE-BY"),
        ("Венеции", "LOC:g3164603"),  # ru: Venice (Венец-ия), not the region Veneto (Венет-о)
        ("Polsce", "LOC:PL"),  # pl locative with a changed stem (sk -> sc): from simplemma's forms
        ("Niemczech", "LOC:DE"),
    ],
)
def test_case_forms_reach_their_place(gaz: Gazetteer, word: str, place: str) -> None:
    assert _entry(gaz, word) == place


def test_the_knowledge_base_links_a_place_only_in_the_mentions_script(linker: EntityLinker) -> None:
    """A key shared by "City" and "Чита": the gazetteer refused the English word as the town."""
    linker(_article("Самолёт сел в Чите. Из Читы он летит в Иркутск, в Чите было холодно.", "ru", "ru"))
    out = linker(_article("Wielkie banki z City przenoszą biura do Frankfurtu.", "pl", "pl"))
    assert all(not e.id.startswith("LOC:g2025339") for e in out.entities)


# -- organisation words ----------------------------------------------------------------------


def _spans(out: Article) -> dict[str, tuple[str, str]]:
    return {s.text: (e.id, e.type) for e in out.entities for s in e.mentions}


def test_a_lone_organisation_word_is_no_entity_of_its_own(linker: EntityLinker) -> None:
    out = linker(_article("Вчора у місті засідала Комісія, а потім ще й Рада.", "uk", "uk-1"))
    spans = _spans(out)
    assert "Комісія" not in spans and "Рада" not in spans


def test_a_lone_organisation_word_joins_the_organisation_named_in_full(linker: EntityLinker) -> None:
    # (a capitalised common noun is a name candidate once the knowledge base has the word)
    linker(_article("Європейська Комісія зібралася. Європейська Комісія вирішила.", "uk", "uk-0"))
    text = "Європейська Комісія подала план. Після обговорення Комісія його змінила."
    spans = _spans(linker(_article(text, "uk", "uk-2")))
    assert spans["Комісія"] == spans["Європейська Комісія"] == ("ORG:EC", "ORG")


def test_two_organisation_words_side_by_side_are_two_names(linker: EntityLinker) -> None:
    spans = _spans(linker(_article("За пропозицією Комісії Рада ухвалила нові правила.", "uk", "uk-3")))
    assert "Комісії Рада" not in spans


def test_a_common_word_before_an_organisation_word_is_cut_off(linker: EntityLinker) -> None:
    linker(_article("Європейська Комісія зібралася. Європейська Комісія вирішила.", "uk", "uk-4"))
    spans = _spans(linker(_article("Саме Комісія має право ініціативи, кажуть юристи.", "uk", "uk-5")))
    assert "Саме Комісія" not in spans and spans.get("Комісія", ("", ""))[0] == "ORG:EC"


# -- glued spans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "person", "other"),
    [
        (
            "Об этом сказал председатель комитета Совета Федерации Константин Косачев в среду.",
            "ru",
            "Константин Косачев",
            "Совета Федерации",
        ),
        ("Premier rozmawiał wczoraj z kanclerz Niemiec Angelą Merkel o gazie.", "pl", "Angelą Merkel", "Niemiec"),
        ("Vláda jednala s předsedou SPD Martinem Schulzem o rozpočtu.", "cs", "Martinem Schulzem", "SPD"),
    ],
)
def test_an_organisation_or_country_word_is_split_from_the_person_after_it(
    linker: EntityLinker, text: str, lang: str, person: str, other: str
) -> None:
    spans = _spans(linker(_article(text, lang, f"glued-{lang}")))
    assert spans[person][1] == "PER"
    assert other in spans and spans[other][0] != spans[person][0]


def test_an_organisation_named_after_a_person_stays_whole(linker: EntityLinker) -> None:
    spans = _spans(linker(_article("Wykład odbył się w auli, Fundacja Adama Nowaka go opłaciła.", "pl", "fund")))
    assert "Fundacja Adama Nowaka" in spans


# -- display names ---------------------------------------------------------------------------


def _entity(variants: list[tuple[str, str, int]]) -> KBEntity:
    kb = KnowledgeBase()
    e = kb.ensure("per:x", variants[0][0], "PER")
    for text, lang, count in variants:
        kb.add_variant(e, text, lang, text_key(text), None, count)
    return e


def test_the_display_name_is_the_base_form_not_a_case_form() -> None:
    """A Czech instrumental of three words is no fuller than the hyphenated nominative."""
    e = _entity([("Jean-Claude Juncker", "pl", 3), ("Jeanem Claudem Junckerem", "cs", 2), ("Juncker", "sl", 9)])
    assert canonical_name(e) == "Jean-Claude Juncker"


def test_a_spelling_shared_by_languages_counts_in_all_of_them() -> None:
    e = _entity([("Angeli Merkel", "pl", 3), ("Angela Merkel", "pl", 2), ("Angela Merkel", "sl", 2)])
    assert canonical_name(e) == "Angela Merkel"


def test_a_case_ending_after_a_hyphen_is_no_word_of_the_name() -> None:
    e = _entity([("Brexit", "cs", 5), ("Brexit-ю", "uk", 1)])
    assert canonical_name(e) == "Brexit"


@pytest.mark.parametrize(
    ("text", "lang", "word", "place"),
    [
        ("Ředitel Citi-bank Europe promluvil o úvěrech.", "cs", "Citi", None),  # no Чита in a compound
        ("The London-based firm hired staff in May.", "en", "London", "LOC:g2643743"),
    ],
)
def test_a_place_in_a_hyphenated_compound_is_spelt_as_written(
    linker: EntityLinker, text: str, lang: str, word: str, place: str | None
) -> None:
    found = {s.text: e.id for e in linker(_article(text, lang, f"hyphen-{lang}")).entities for s in e.mentions}
    assert found.get(word) == place
