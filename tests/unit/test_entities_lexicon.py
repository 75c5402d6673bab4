"""Word knowledge of the entity stage (storyline/entities/lexicon.py) and the recogniser's
word scanning, on hand-written words and sentences in several languages."""

from __future__ import annotations

import re

import pytest
from wordfreq import zipf_frequency

from storyline.config import Config
from storyline.entities import EntityLinker
from storyline.entities.knowledge import base_gazetteer
from storyline.entities.lexicon import german_adjective, in_dictionary, lexicon, wordfreq_code, zipf
from storyline.entities.normalize import token_key
from storyline.entities.recognize import (
    _CAPITALISED_WORD,
    _INITIAL_SPAN,
    Recognizer,
    _key_initial,
    lower_case_words,
)
from storyline.models import Article

# plain words, inflected words, words wordfreq splits or normalises (hyphen, apostrophe,
# digits, ß, final sigma, Serbian Cyrillic, Turkish dotted I), capitalised ones, and made-up ones
WORDS = [
    ("house", "en"),
    ("don't", "en"),
    ("covid19", "en"),
    ("Quietly", "en"),
    ("zzyzxqv", "en"),
    ("straße", "de"),
    ("Haus", "de"),
    ("nachrichtenagentur", "de"),
    ("λέξης", "el"),
    ("σπίτι", "el"),
    ("дом", "ru"),
    ("москвы", "ru"),
    ("kuća", "hr"),
    ("кућа", "sr"),
    ("i̇stanbul", "tr"),
    ("istanbul", "tr"),
    ("ţară", "ro"),
    ("miasto", "pl"),
    ("jong-un", "en"),
    ("māja", "lv"),
]


@pytest.mark.parametrize(("word", "lang"), WORDS)
def test_zipf_is_wordfreqs_value(word: str, lang: str) -> None:
    code = wordfreq_code(lang)
    assert code is not None
    assert zipf(word, lang) == zipf_frequency(word, code)


def test_zipf_without_a_word_list_is_zero() -> None:
    assert zipf("ekonomi", "xx") == 0.0
    assert zipf("house", None) == 0.0


def test_in_dictionary_follows_the_shipped_answers() -> None:
    lex = lexicon()
    assert {"en", "de", "ru", "pl"} <= lex.dictionary_languages
    assert in_dictionary("house", "en")
    assert in_dictionary("союза", "ru")
    assert not in_dictionary("house", "hr")  # simplemma has no Croatian dictionary
    # a word of two wordfreq tokens is frequent because its parts are; known only when whole
    assert not in_dictionary("it-podjetje", "sl")
    for lang, words in lex.not_in_dictionary.items():
        for w in sorted(words)[:3]:
            assert not in_dictionary(w, lang)


def test_german_adjectives_are_capitalised_inflected_forms() -> None:
    assert german_adjective("Europäische")
    assert german_adjective("Französische")
    assert not german_adjective("Kosmodrom")
    assert not german_adjective("Haus")


_ANY_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@pytest.mark.parametrize(
    "text",
    [
        "al-Assad met d'Artagnan and O'Neil; 5-Assad x'-Assad --Pútin _Kim 9Lee iPhone.",
        "😀Putin 𝐀bc 𐐀𐐨 Ǆemal ǅemal Λουκασένκο-Πούτιν Μόσχα Ünal İzmir",
        "президент Путин прибыл в Москву, а Lukašenko — do Mińska.",
        "",
    ],
)
def test_word_scans_match_the_plain_word_pattern(text: str) -> None:
    words = [(m.group(0), m.start()) for m in _ANY_WORD.finditer(text)]
    capitalised = [(m.group(0), m.start()) for m in _CAPITALISED_WORD.finditer(text) if m.group(0)[0].isupper()]
    assert capitalised == [(w, s) for w, s in words if w[0].isupper()]
    assert lower_case_words(text) == {w for w, _ in words if w[0].islower()}


@pytest.mark.parametrize(
    "word", ["tschechien", "dzhonson", "schröder", "щербаков", "джонсон", "ντόχα", "μπορίς", "khan", "ьтор", "o'brien"]
)
def test_key_initial_is_the_first_letter_of_the_key(word: str) -> None:
    assert token_key(word)[:1] == _key_initial(word[:_INITIAL_SPAN])


def _article(text: str, lang: str) -> Article:
    return Article(id="x", content_hash="x", source="x", raw=text, text=text, language=lang)


def test_one_recognizer_serves_interleaved_texts() -> None:
    """find() keeps no state between calls: the same text gives the same mentions whatever came before."""
    recognizer = Recognizer(base_gazetteer())
    ru = "Президент Владимир Путин встретился в Сочи с Верховный суд делегацией."
    en = "The Xinhua news agency said Angela Merkel met Emmanuel Macron in Paris."
    alone = recognizer.find(ru, "ru")
    recognizer.find(en, "en")
    assert recognizer.find(ru, "ru") == alone


def test_small_town_before_an_organisation_word_is_the_organisation() -> None:
    linker = EntityLinker(Config.load(), None)
    out = linker(_article("Officials told the Xinhua news agency on Monday that talks went well.", "en"))
    xinhua = [e for e in out.entities if any(m.text == "Xinhua" for m in e.mentions)]
    assert xinhua and xinhua[0].type == "ORG", out.entities


def test_a_cosmodrome_is_a_place() -> None:
    linker = EntityLinker(Config.load(), None)
    out = linker(_article("Die beiden trafen sich am Mittwoch im Kosmodrom Wostotschny im Osten.", "de"))
    names = {m.text: e.type for e in out.entities for m in e.mentions}
    assert names.get("Kosmodrom Wostotschny") == "LOC", out.entities


def test_a_facility_word_types_any_launch_site() -> None:
    """The place words cover a class of sites, not one: Baikonur as well as Vostochny."""
    linker = EntityLinker(Config.load(), None)
    text = "The rocket lifted off from the Baikonur Cosmodrome on Tuesday, officials said."
    out = linker(_article(text, "en"))
    names = {m.text: e.type for e in out.entities for m in e.mentions}
    assert names.get("Baikonur Cosmodrome") == "LOC", out.entities
