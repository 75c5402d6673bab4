"""The clean stage on small hand-written texts in several languages and scripts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clean import Cleaner, is_lone_credit, lone_credit, normalise, units
from storyline.config import Config
from storyline.errors import RejectedInput
from storyline.models import Article


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(Config.load())


def article(raw: str, title: str = "") -> Article:
    return Article(id="t", content_hash="t", source="test", raw=raw, title=title)


# Real sentences, some of which look a little like page furniture; none may leave the body.
BODY_SENTENCES = [
    "The harbour authority said on Tuesday that the new ferry line would open in spring.",
    "Share prices in Oslo fell sharply after the announcement of the merger.",
    "Comments by the finance minister were not available on Sunday evening.",
    "Source: the ministry said the figures would be revised next month.",
    "He posted a photo of the flooded street on his blog.",
    "Delegations from Berlin/Paris and Rome met for two days.",
    "Die Gemeinde will den alten Bahnhof bis zum Herbst in eine Bibliothek umbauen.",
    "Kommentare aus der Opposition blieben zunächst aus, hieß es am Abend.",
    "Городской совет утвердил бюджет на следующий год большинством голосов.",
    "Το δημοτικό συμβούλιο ενέκρινε τον προϋπολογισμό για το επόμενο έτος.",
    "Rada miasta przyjęła budżet na przyszły rok większością głosów.",
    "Mestna občina bo staro šolo prenovila v knjižnico do jeseni.",
    "Le conseil municipal a voté le budget de l'année prochaine à Noël.",
    "Þórður fór á fjöll með vinum sínum í gær og kom heim í kvöld.",
    "Pilsētas dome piektdien apstiprināja nākamā gada budžetu.",
    "Belediye meclisi gelecek yılın bütçesini oy çokluğuyla kabul etti.",
]


@pytest.mark.parametrize("sentence", BODY_SENTENCES)
def test_real_sentences_stay_in_the_body(cleaner: Cleaner, sentence: str) -> None:
    raw = "A short headline about the town\n\n" + sentence + "\n\nA second paragraph follows here, plainly."
    cleaned = cleaner.clean(raw)
    assert sentence in cleaned.paragraphs
    assert cleaned.repairs == ()


def test_counters_prompts_and_credits_leave_the_body(cleaner: Cleaner) -> None:
    raw = "\n".join(
        [
            "Council approves the budget for next year",
            "",
            "2417",
            "The council approved the budget on Tuesday after a long debate. Two members abstained.",
            "Photo: Reuters",
            "Most members voted in favour, the mayor said afterwards.",
            "Share | Tweet | Email",
            "Kommentare (3)",
            "Поделиться",
            "Σχόλια",
            "Leave a Comment",
            "source site",
        ]
    )
    cleaned = cleaner.clean(raw)
    assert cleaned.title == "Council approves the budget for next year"
    assert cleaned.paragraphs == (
        "The council approved the budget on Tuesday after a long debate. Two members abstained.",
        "Most members voted in favour, the mayor said afterwards.",
    )
    assert "2417" in cleaned.removed and "source site" in cleaned.removed
    assert [c.text for c in cleaned.captions if c.kind == "credit"] == ["Photo: Reuters"]


@pytest.mark.parametrize(
    "line",
    ["© -/Kyodo/dpa", "Photo: Reuters", "Foto: AP/SCANPIX", "Maria Novak/ANP/AFP", "Фото: ТАСС", "© Jan Kowalski"],
)
def test_lone_credits(line: str) -> None:
    assert is_lone_credit(line)
    assert lone_credit(line) == "photo"


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the plan was a good one.",
        "Ukraine/Russia talks resumed in the afternoon and went on until late.",
        "Photo: the new bridge was opened by the mayor on Monday with a big crowd.",
    ],
)
def test_sentences_are_not_credits(line: str) -> None:
    assert not is_lone_credit(line)


def test_a_single_line_above_a_photo_credit_is_its_caption(cleaner: Cleaner) -> None:
    raw = (
        "Floods in the valley\n\nVolunteers fill sandbags near the old bridge\nFoto: Jana Horak/CTK\n"
        "The river rose by two metres overnight, the authorities said. Schools are closed."
    )
    cleaned = cleaner.clean(raw)
    assert [(c.kind, c.text) for c in cleaned.captions] == [
        ("caption", "Volunteers fill sandbags near the old bridge"),
        ("credit", "Foto: Jana Horak/CTK"),
    ]
    assert len(cleaned.paragraphs) == 1


def test_caption_with_position_hint_above_a_credit(cleaner: Cleaner) -> None:
    raw = (
        "Mayors sign a river treaty\n\n"
        "The mayor of Linz (l) shakes hands with her colleague from Passau at the signing. photo\n"
        "© Anna Berger/APA\n"
        "The treaty covers flood protection along forty kilometres of the Danube.\n"
    )
    cleaned = cleaner.clean(raw)
    captions = [(c.kind, c.text) for c in cleaned.captions]
    assert ("caption", "The mayor of Linz (l) shakes hands with her colleague from Passau at the signing.") in captions
    assert ("credit", "© Anna Berger/APA") in captions
    assert cleaned.paragraphs == ("The treaty covers flood protection along forty kilometres of the Danube.",)
    assert "photo" in cleaned.removed


def test_agency_dateline_caption_is_split_at_its_credits(cleaner: Cleaner) -> None:
    raw = (
        "Ferry talks in Tallinn\n\n"
        "TALLINN, ESTONIA - MARCH 3, 2021: Ministers arrive for talks on a new ferry line. "
        "Peeter Tamm/ERR/LETA\n\n"
        "The ministers agreed to study the project for another year."
    )
    cleaned = cleaner.clean(raw)
    kinds = [(c.kind, c.text) for c in cleaned.captions]
    assert kinds == [
        ("caption", "TALLINN, ESTONIA - MARCH 3, 2021: Ministers arrive for talks on a new ferry line."),
        ("credit", "Peeter Tamm/ERR/LETA"),
    ]
    assert cleaned.paragraphs == ("The ministers agreed to study the project for another year.",)


def test_scraper_date_and_credit_before_the_title(cleaner: Cleaner) -> None:
    raw = (
        "date 2021-05 Foto: EPA/SCANPIX Two ministers (foto – from left) at the port.\n\n"
        "Ministers open a new port terminal\n\n\n"
        "The new terminal will handle twice as many containers as the old one."
    )
    cleaned = cleaner.clean(raw)
    assert cleaned.title == "Ministers open a new port terminal"
    assert cleaned.removed[0] == "date 2021-05"
    assert ("credit", "Foto: EPA/SCANPIX") in [(c.kind, c.text) for c in cleaned.captions]
    assert cleaned.paragraphs == ("The new terminal will handle twice as many containers as the old one.",)


def test_header_lines_of_an_exported_file_are_not_the_title(cleaner: Cleaner) -> None:
    raw = (
        "cs-1042\ncs\n2019-03-14\nhttps://zpravy.example.cz/domaci/most-pres-reku-otevren\n"
        "Nový most přes řeku je otevřen\n\n"
        "Po dvou letech stavby mohou lidé znovu přejít řeku pěšky i autem. Most stál město sto milionů korun."
    )
    cleaned = cleaner.clean(raw)
    assert cleaned.title == "Nový most přes řeku je otevřen"
    assert cleaned.removed == ("cs-1042", "cs", "2019-03-14", "https://zpravy.example.cz/domaci/most-pres-reku-otevren")
    assert len(cleaned.paragraphs) == 1


@pytest.mark.parametrize("line", ["COVID-19", "EU", "Ja", "Brexit", "Μόσχα", "Nový most"])
def test_short_lines_that_are_words_are_not_header_lines(cleaner: Cleaner, line: str) -> None:
    cleaned = cleaner.clean(f"{line}\n\nDer erste Satz des Artikels steht hier. Der zweite folgt ihm.")
    assert line not in cleaned.removed


def test_trailing_credit_leaves_a_long_paragraph_in_the_body(cleaner: Cleaner) -> None:
    para = (
        "Die Stadtwerke wollen bis 2030 alle Busse auf Strom umstellen. Der Plan kostet nach ersten "
        "Schätzungen rund vierzig Millionen Euro. Die Opposition hält das für zu teuer und verlangt "
        "eine Bürgerbefragung, bevor der Rat entscheidet."
    )
    cleaned = cleaner.clean(f"Busse unter Strom\n\n{para} Foto: dpa")
    assert cleaned.paragraphs == (para,)
    assert [c.text for c in cleaned.captions] == ["Foto: dpa"]


def test_no_title_when_the_first_line_is_a_sentence(cleaner: Cleaner) -> None:
    raw = (
        "Der Stadtrat hat am Montag nach langer Debatte den Haushalt für das kommende Jahr mit großer Mehrheit "
        "beschlossen und zugleich neue Schulden ausgeschlossen.\n"
        "Die Opposition stimmte dagegen."
    )
    cleaned = cleaner.clean(raw)
    assert cleaned.title == ""
    assert len(cleaned.paragraphs) == 2


def test_given_title_repeated_in_the_body_is_dropped_once(cleaner: Cleaner) -> None:
    cleaned = cleaner.clean("Budget passed\n\nThe budget passed on Monday.", "Budget passed")
    assert cleaned.title == "Budget passed"
    assert cleaned.paragraphs == ("The budget passed on Monday.",)


def test_cp1251_mojibake_in_a_caption_is_repaired(cleaner: Cleaner) -> None:
    russian = "Москва. Президент России выступает на заседании городского совета по вопросам транспорта."
    mojibake = russian.encode("cp1251").decode("latin-1")
    raw = (
        "Transport council meets\n\n"
        f"MOSCOW, RUSSIA - MAY 4, 2022: The president speaks at a transport meeting. Ivan Petrov/TASS {mojibake}\n\n"
        "The council discussed new tram lines for the northern districts of the city."
    )
    cleaned = cleaner.clean(raw)
    assert "cp1251" in cleaned.repairs
    repaired = [c for c in cleaned.captions if c.text == russian]
    assert repaired and repaired[0].repaired_from == mojibake
    assert cleaned.paragraphs == ("The council discussed new tram lines for the northern districts of the city.",)


def test_cp1253_greek_body_is_repaired(cleaner: Cleaner) -> None:
    greek = "Το δημοτικό συμβούλιο της πόλης ενέκρινε χθες τον νέο προϋπολογισμό για τα σχολεία."
    cleaned = cleaner.clean("Συμβούλιο\n\n" + greek.encode("cp1253").decode("latin-1") + "\n\nΤέλος της είδησης εδώ.")
    assert greek in cleaned.paragraphs
    assert "cp1253" in cleaned.repairs


def test_utf8_mojibake_is_fixed(cleaner: Cleaner) -> None:
    turkish = "İstanbul'da büyük bir toplantı yapıldı ve belediye başkanı konuştu."
    broken = turkish.encode("utf-8").decode("cp1252", errors="replace")
    cleaned = cleaner.clean("Başlık burada\n\n" + broken + "\n\nİkinci paragraf da burada.")
    assert turkish in cleaned.paragraphs
    assert "ftfy" in cleaned.repairs


def test_latin1_text_is_not_mistaken_for_mojibake(cleaner: Cleaner) -> None:
    text = "Noël à Paris: les élèves ont préparé des crêpes. Þórður og Ævar fóru á fjöll í gær."
    cleaned = cleaner.clean("Titre\n\n" + text + "\n\nFin.")
    assert text in cleaned.paragraphs
    assert cleaned.repairs == ()


def test_paragraph_offsets_point_into_text(cleaner: Cleaner) -> None:
    out = cleaner(article("Headline here\n\nFirst paragraph of text.\n\nSecond paragraph of text."))
    assert out.text == "First paragraph of text.\n\nSecond paragraph of text."
    for p in out.paragraphs:
        assert out.text[p.start : p.end] == p.text


def test_single_newlines_and_hard_wrapped_blocks() -> None:
    assert units("One line here.\nAnother line here.") == ["One line here.", "Another line here."]
    wrapped = (
        "This paragraph was wrapped by an old mail program at\n"
        "a fixed width so that every line has about the same\n"
        "length and none of them ends a sentence on its own\n"
        "until the very last one."
    )
    assert len(units(wrapped + "\n\nNext block.")) == 2


def test_normalise() -> None:
    assert normalise("a\r\nb\u00a0\u00a0c\u200bd\x07e") == "a\nb cde"
    assert normalise("Cafe\u0301") == "Café"


def test_empty_after_cleaning_is_rejected(cleaner: Cleaner) -> None:
    with pytest.raises(RejectedInput) as err:
        cleaner(article("165\n\nShare\n\nComments\n"))
    assert err.value.reason == "empty"


FURNITURE = ["165", "Share", "Kommentare (2)", "Поделиться", "Leave a Reply", "© Ana Silva/Lusa", "Photo: Reuters",
             "source site", "date 2022-04"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(BODY_SENTENCES + FURNITURE), min_size=1, max_size=12), st.booleans())
def test_nothing_is_lost(cleaner: Cleaner, lines: list[str], blank_lines: bool) -> None:
    """Every line ends in the title, the body, the captions or the removed leftovers, and
    every real sentence not standing right above a photo credit stays in the body."""
    raw = ("\n\n" if blank_lines else "\n").join(lines)
    cleaned = cleaner.clean(raw)
    everything = " ".join([cleaned.title, *cleaned.paragraphs, *(c.text for c in cleaned.captions),
                           *cleaned.removed])
    for i, line in enumerate(lines):
        for part in line.split():
            assert part in everything, (line, cleaned)
        credit_below = i + 1 < len(lines) and lines[i + 1] in {"© Ana Silva/Lusa", "Photo: Reuters"}
        if line in BODY_SENTENCES and not credit_below:
            assert line in cleaned.paragraphs or line == cleaned.title, (line, cleaned)
