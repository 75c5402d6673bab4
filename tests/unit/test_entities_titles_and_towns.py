"""Links a reader sees wrong in short texts: a region reached through a common noun of its
name, a title's common word taken for a name, a capital's name read as an adjective.
Sentences of our own, in several languages (no evaluation or seed text)."""

from __future__ import annotations

from types import ModuleType

import pytest

from storyline.entities.knowledge import Gazetteer, base_gazetteer
from storyline.entities.recognize import Recognizer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return base_gazetteer()


@pytest.fixture(scope="module")
def recognizer(gaz: Gazetteer) -> Recognizer:
    return Recognizer(gaz)


def _found(recognizer: Recognizer, text: str, lang: str) -> dict[str, str | None]:
    return {m.text: (m.gazetteer.name if m.gazetteer else m.type) for m in recognizer.find(text, lang)}


def test_a_common_noun_of_a_regions_name_is_no_region(gaz: Gazetteer) -> None:
    """ "Stadt" is one catalogue's name for Basel-Stadt; alone it is the German for town."""
    found = gaz.match(["Stadt"])
    assert found is None or found[0].id != "LOC:CH-BS"
    found = gaz.match(["Basel-Stadt"])
    assert found is not None and found[0].id == "LOC:CH-BS"


def test_fragment_needs_a_town_beside_it(build: ModuleType) -> None:
    names = {"Ulmen-Stadt", "Stadt", "Ulmen"}
    assert build._fragment("Stadt", names, {"ulmen"})
    assert not build._fragment("Stadt", names, set())  # nothing beside it names a town
    assert not build._fragment("Ulmen", {"Ulmen Oblast", "Ulmen"}, {"oblast"})  # no common word


@pytest.mark.parametrize(
    ("text", "lang", "title_word"),
    [
        ("Yesterday the Greek Prime Minister Nikos Papas opened the bridge.", "en", "Prime"),
        ("On Monday the Foreign Minister Anna Berg flew home.", "en", "Foreign"),
    ],
)
def test_a_common_word_of_a_title_is_no_name(recognizer: Recognizer, text: str, lang: str, title_word: str) -> None:
    found = _found(recognizer, text, lang)
    assert not any(title_word in k for k in found)
    assert any(k.endswith(("Papas", "Berg")) for k in found)


@pytest.mark.parametrize(
    ("text", "lang", "word"),
    [
        ("Министрите се срещнаха вчера в София с колегите си.", "bg", "София"),
        ("Делегацията пристигна в София и започна работа.", "bg", "София"),
    ],
)
def test_a_capital_before_a_preposition_is_no_adjective(
    recognizer: Recognizer, text: str, lang: str, word: str
) -> None:
    """Bulgarian "-ия" ends adjectives too; no adjective stands before "с" or "и"."""
    assert _found(recognizer, text, lang).get(word) == "Sofia"


def test_an_adjective_before_a_noun_still_opens_a_name(recognizer: Recognizer) -> None:
    found = _found(recognizer, "Вчера газопровод Северный поток снова остановился.", "ru")
    assert all(v != "Severnyy" for v in found.values())
