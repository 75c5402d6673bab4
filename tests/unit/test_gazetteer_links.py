"""Which gazetteer entry a place name links to: the shipped data, its build rules, and a
few sentences of our own in several languages (no evaluation or seed text)."""

from __future__ import annotations

from types import ModuleType

import pytest

from storyline.config import Config
from storyline.entities import EntityLinker
from storyline.entities.knowledge import Gazetteer, base_gazetteer
from storyline.entities.normalize import fold_key, plain_key, split_name
from storyline.models import Article


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return base_gazetteer()


@pytest.fixture(scope="module")
def linker() -> EntityLinker:
    return EntityLinker(Config.load(), None)


def _linked(gaz: Gazetteer, word: str) -> str | None:
    found = gaz.match(split_name(word))
    return found[0].name if found else None


def _places(linker: EntityLinker, text: str, lang: str) -> dict[str, str]:
    article = Article(id=text[:20], content_hash=text[:20], source="t", raw=text, text=text, language=lang)
    out = linker(article)
    return {s.text: e.name for e in out.entities if e.id.startswith("LOC:") for s in e.mentions}


# -- the shipped data -----------------------------------------------------------------------


@pytest.mark.parametrize("word", ["Welt", "Svet", "Свет", "Świat", "Swiat", "Mundo"])
def test_the_world_is_no_place(gaz: Gazetteer, word: str) -> None:
    """CLDR's "001" is named by a common word in every language."""
    found = gaz.match(split_name(word))
    assert found is None or found[0].id != "LOC:001"


def test_an_acronym_matches_only_in_capitals(gaz: Gazetteer) -> None:
    assert _linked(gaz, "SAD") == "United States"  # Croatian, Serbian, Bosnian
    assert _linked(gaz, "Sąd") != "United States"  # a Polish court
    assert _linked(gaz, "Sad") != "United States"


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("Kanady", "Canada"),  # Polish genitive: Kanad-a, not an alias of Cannes plus -y
        ("Kanadu", "Canada"),
        ("Danię", "Denmark"),
        ("Швеции", "Sweden"),  # not the Slavic "свет" (world) plus an ending
        ("Швеції", "Sweden"),
    ],
)
def test_a_case_form_reaches_the_largest_entry(gaz: Gazetteer, word: str, name: str) -> None:
    assert _linked(gaz, word) == name


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("Wales", "Wales"),
        ("Walia", "Wales"),
        ("Bavaria", "Bavaria"),
        ("Bawarią", "Bavaria"),
        ("Szkocja", "Scotland"),
        ("Scotland", "Scotland"),
    ],
)
def test_first_level_regions_are_places(gaz: Gazetteer, word: str, name: str) -> None:
    assert _linked(gaz, word) == name


def test_a_town_keeps_its_own_name_against_an_old_alias(gaz: Gazetteer) -> None:
    """GeoNames lists "Islamabad" among the old names of Chattogram, a larger city."""
    assert _linked(gaz, "Islamabad") == "Islamabad"


@pytest.mark.parametrize("word", ["Polak", "Polacy", "Wale"])
def test_a_phonetic_fold_is_not_a_spelling_as_written(gaz: Gazetteer, word: str) -> None:
    """ "Polak" folds like "Polack" (Polotsk), "Polacy" like "Pollachi": not as written."""
    found = gaz.match(split_name(word))
    assert found is None or found[1] != "fold" or found[0].priority >= 10**9


def test_display_names_are_the_short_common_ones(gaz: Gazetteer) -> None:
    assert _linked(gaz, "Greifswald") == "Greifswald"
    assert _linked(gaz, "Frankfurt") == "Frankfurt"


# -- the build's rules, on made-up rows ------------------------------------------------------


def test_plain_key_keeps_the_letters_fold_merges() -> None:
    assert fold_key(["Wales"]) == fold_key(["Valles"])
    assert plain_key(["Wales"]) != plain_key(["Valles"])
    assert plain_key(["Łódź"]) == "lodz"
    assert plain_key(["Нова", "Гора"]) == "nova gora"


@pytest.mark.parametrize(
    ("name", "kept"),
    [("Brnovo", True), ("Zelenograd", True), ("L'Aquila", True), ("Brnov'e", False), ("Zelenogradsk'", False)],
)
def test_soft_sign_transliterations_are_dropped(build: ModuleType, name: str, kept: bool) -> None:
    assert build.keep_alt_name(name) is kept


def test_display_name_takes_the_short_form_most_names_sound_like(build: ModuleType) -> None:
    names = ["Kleinstadt am Flusse", "Kleinstadt", "Клайнштадт", "Κλάινστατ"]
    assert build.display_name("Kleinstadt am Flusse", names, lambda f: False) == "Kleinstadt"
    # the long form stands when the names follow it, or another entry owns the short one
    long_names = ["Feldberg de Rio", "Feldberg", "Фелдберг-де-Рио"]
    assert build.display_name("Feldberg de Rio", long_names, lambda f: False) == "Feldberg de Rio"
    assert build.display_name("Kleinstadt am Flusse", names, lambda f: f == "kleinstadt") == "Kleinstadt am Flusse"


def test_main_name_beats_an_alias_of_a_town_up_to_the_ratio(build: ModuleType) -> None:
    towns = [
        ["LOC:g1", "Oldport", "LOC", 300_000, ["Oldport", "Newbay", "Altbucht"], "XA"],
        ["LOC:g2", "Newbay", "LOC", 100_000, ["Newbay"], "XB"],
        ["LOC:g3", "Altbucht", "LOC", 1_000, ["Altbucht"], "XC"],
    ]
    assert build.main_names_first(towns) == 1
    assert towns[0][4] == ["Oldport", "Altbucht"]  # Newbay's own name; Altbucht is 300x smaller


def test_subdivision_names_are_split_out_of_the_index_form(build: ModuleType) -> None:
    assert build._subdivision_names("Nordland [Pohjoismaa XX-NL]") == ["Nordland", "Pohjoismaa"]
    assert build._subdivision_names("Karavaya, Respublika") == ["Karavaya"]
    assert build._subdivision_names("Nordhafen / Porto Nord") == ["Nordhafen", "Porto Nord"]
    assert build._subdivision_names("Midland (Region IV)") == ["Midland"]


# -- in sentences ---------------------------------------------------------------------------


def test_english_common_word_is_no_loosely_spelt_town(linker: EntityLinker) -> None:
    places = _places(linker, "Bankers in the City said the market in Paris was calm.", "en")
    assert "City" not in places
    assert places.get("Paris") == "Paris"
    # an English word in a text of another language and script is no town of that country
    ru = _places(linker, "Аналитики из City заявили, что рынок в Москве спокоен.", "ru")
    assert "City" not in ru  # not Chita
    assert ru.get("Москве") == "Moscow"
    pl = _places(linker, "Banki w City ostrzegają, a w Paryżu jest spokojnie.", "pl")
    assert "City" not in pl and pl.get("Paryżu") == "Paris"


def test_a_demonym_is_no_small_foreign_town(linker: EntityLinker) -> None:
    cs = _places(linker, "Podle Britů a Američanů je dohoda ve Varšavě hotová.", "cs")
    assert "Britů" not in cs  # not Brits (South Africa)
    assert "Američanů" not in cs  # not Americana (Brazil)
    assert cs.get("Varšavě") == "Warsaw"
    pl = _places(linker, "Polacy pojechali do Wiednia, a potem Polak wrócił do Krakowa.", "pl")
    assert "Polacy" not in pl and "Polak" not in pl
    assert pl.get("Krakowa") == "Kraków"


def test_regions_link_in_sentences(linker: EntityLinker) -> None:
    de = _places(linker, "Am Sonntag regnete es in Bavaria und in Wales.", "de")
    assert de.get("Bavaria") == "Bavaria"
    en = _places(linker, "Rain fell across Wales on Sunday.", "en")
    assert en.get("Wales") == "Wales"


# -- the evaluation's scoring -----------------------------------------------------------------


def test_link_score_counts_agreements_and_stray_links() -> None:
    from dataclasses import dataclass

    from storyline.evaluate.bsnlp_links import score
    from storyline.models import ArticleEntity, Span

    @dataclass
    class Gold:
        surface: str
        entity_id: str

    @dataclass
    class Doc:
        key: str
        mentions: list[Gold]

    doc = Doc("x", [Gold("Varšavě", "GPE-Warsaw"), Gold("Britové", "GPE-Great-Britain"), Gold("Evropa", "LOC-Europe")])
    entities = (
        ArticleEntity("LOC:g756135", "Warsaw", "LOC", (Span("Varšavě", 0, 7, "text"),)),
        ArticleEntity("LOC:g1015621", "Brits", "LOC", (Span("Britové", 10, 17, "text"),)),
        ArticleEntity("LOC:g2643743", "London", "LOC", (Span("Londýn", 20, 26, "text"),)),
    )
    article = Article(id="bsnlp:x", content_hash="x", source="x", raw="", entities=entities)
    out = score([doc], [article])
    assert (out["agree"], out["disagree"], out["linked_places"]) == (1, 1, 2)
    assert out["disagreements_by_form"] == [["Britové", "Brits", 1]]
    assert out["links_of_forms_not_in_gold"] == 1  # Londýn: not annotated
