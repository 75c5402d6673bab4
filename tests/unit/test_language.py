"""The language stage on small hand-written texts (the bundled lite model, no network)."""

from __future__ import annotations

from collections import Counter

import pytest

from storyline.config import Config
from storyline.language import LanguageIdentifier, close, normalize_code
from storyline.models import Article, Caption, Paragraph


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier(Config.load())


def article(paragraphs: list[str], *, title: str = "", hint: str | None = None,
            captions: tuple[Caption, ...] = ()) -> Article:
    paras, pos = [], 0
    for text in paragraphs:
        paras.append(Paragraph(text=text, start=pos, end=pos + len(text)))
        pos += len(text) + 2
    return Article(
        id="t", content_hash="t", source="test", raw="", title=title, text="\n\n".join(paragraphs),
        paragraphs=tuple(paras), captions=captions, language_hint=hint,
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The city council approved next year's budget after a long debate on Tuesday evening.", "en"),
        ("Der Stadtrat hat den Haushalt für das kommende Jahr nach langer Debatte beschlossen.", "de"),
        ("Городской совет утвердил бюджет на следующий год после долгих обсуждений во вторник.", "ru"),
        ("Το δημοτικό συμβούλιο ενέκρινε τον προϋπολογισμό του επόμενου έτους μετά από συζήτηση.", "el"),
        ("Rada miasta przyjęła budżet na przyszły rok po długiej debacie we wtorek wieczorem.", "pl"),
        ("Pilsētas dome otrdienas vakarā pēc ilgām debatēm apstiprināja nākamā gada budžetu.", "lv"),
    ],
)
def test_document_language(identifier: LanguageIdentifier, text: str, code: str) -> None:
    out = identifier(article([text, text]))
    assert out.language == code
    assert out.language_score > 0.5
    assert [p.language for p in out.paragraphs] == [code, code]


def test_mixed_document_and_captions(identifier: LanguageIdentifier) -> None:
    greek = "Ο πρόεδρος της χώρας μετέβη χθες στην πρωτεύουσα για συνομιλίες με τον ομόλογό του."
    russian = "Президент страны вчера прибыл в столицу для переговоров со своим коллегой."
    english = "The president arrives in the capital for talks with his counterpart on Monday."
    captions = (Caption(text=russian), Caption(text=english), Caption(text="Ivan Petrov/TASS", kind="credit"))
    out = identifier(article([greek, greek, russian], captions=captions))
    assert out.language == "el"
    assert [p.language for p in out.paragraphs] == ["el", "el", "ru"]
    assert [c.language for c in out.captions] == ["ru", "en", None]


def test_short_paragraphs_inherit_the_document_language(identifier: LanguageIdentifier) -> None:
    long = "Der Stadtrat hat den Haushalt für das kommende Jahr nach langer Debatte beschlossen."
    out = identifier(article([long, "Ja.", long]))
    assert [p.language for p in out.paragraphs] == ["de", "de", "de"]


def test_a_confident_detection_beats_the_hint(identifier: LanguageIdentifier) -> None:
    text = "The city council approved next year's budget after a long debate on Tuesday evening."
    assert identifier(article([text], hint="de")).language == "en"


def test_the_hint_breaks_a_near_tie_between_close_languages(identifier: LanguageIdentifier) -> None:
    votes = Counter({"sr": 0.5, "hr": 0.45, "bs": 0.05})
    assert identifier._decide(votes, "hr")[0] == "hr"
    assert identifier._decide(votes, None)[0] == "sr"
    # not a close language: the hint does not matter
    assert identifier._decide(Counter({"en": 0.6, "de": 0.4}), "de")[0] == "en"
    # a confident detection wins over a close-language hint
    assert identifier._decide(Counter({"cs": 0.95, "sk": 0.05}), "sk")[0] == "cs"


def test_serbo_croatian_label_is_named(identifier: LanguageIdentifier) -> None:
    assert identifier._decide(Counter({"sh": 0.6, "hr": 0.3, "sr": 0.1}), None)[0] == "hr"
    assert identifier._decide(Counter({"sh": 0.6, "hr": 0.3}), "bs")[0] == "bs"


def test_no_text_gives_the_hint_or_nothing(identifier: LanguageIdentifier) -> None:
    assert identifier(article(["Ja."], hint="de")).language == "de"
    assert identifier(article(["Ja."])).language is None


def test_codes() -> None:
    assert normalize_code("CZ") == "cs"
    assert normalize_code("ua") == "uk"
    assert normalize_code("en-US") == "en"
    assert normalize_code("") is None
    assert close("hr", "sr") and close("cs", "sk") and not close("en", "de")
