"""Date expressions in many languages, resolved against a known publication day.

Every sentence here was written for this test. The reference day is Friday
2024-03-15 unless a case says otherwise, so a bare "Wednesday" is 2024-03-13 and
"last week" is ISO week 2024-W10.
"""

from __future__ import annotations

import datetime as dt

import pytest

from storyline.dates.extract import find_dates, iso_week, shift_month

FRIDAY = dt.date(2024, 3, 15)

CASES = [
    # (language, sentence, expression expected in the span, value)
    ("en", "The minister arrived on Wednesday for talks.", "Wednesday", "2024-03-13"),
    ("en", "Negotiators will meet again on Monday.", "Monday", "2024-03-18"),
    ("en", "She said yesterday that the plan was ready.", "yesterday", "2024-03-14"),
    ("en", "The committee published its findings last week.", "last week", "2024-W10"),
    ("en", "The bridge was closed two days ago.", "two days ago", "2024-03-13"),
    ("en", "The summit opens on April 2, 2024 in Oslo.", "April 2, 2024", "2024-04-02"),
    ("en", "Exports fell sharply last year.", "last year", "2023"),
    ("en", "The treaty was signed in July 2000.", "July 2000", "2000-07"),
    ("en", "The festival ran from 3 to 5 March.", "3 to 5 March", "2024-03-03/2024-03-05"),
    ("de", "Die Kanzlerin sprach am Freitag in Hamburg.", "Freitag", "2024-03-15"),
    ("de", "Am Mittwochabend kam es zu Protesten.", "Mittwochabend", "2024-03-13"),
    ("de", "Das Kabinett soll am Montag entscheiden.", "Montag", "2024-03-18"),
    ("de", "Im Jahr 2019 begann der Bau der Brücke.", "Jahr 2019", "2019"),
    ("de", "Vor zwei Wochen wurde im Land gewählt.", "Vor zwei Wochen", "2024-W09"),
    ("de", "Die Messe läuft vom 3. bis 5. Mai in Köln.", "3. bis 5. Mai", "2024-05-03/2024-05-05"),
    ("de", "Am 1. März 2024 trat das Gesetz in Kraft.", "1. März 2024", "2024-03-01"),
    ("el", "Η συνάντηση έγινε την Τετάρτη στο υπουργείο.", "Τετάρτη", "2024-03-13"),
    ("el", "Ο πρόεδρος θα επισκεφθεί την Κρήτη τη Δευτέρα.", "Δευτέρα", "2024-03-18"),
    ("el", "Οι συνομιλίες έγιναν από τις 4 έως τις 6 Μαρτίου.", "4 έως τις 6 Μαρτίου", "2024-03-04/2024-03-06"),
    ("el", "Η συμφωνία υπογράφηκε στις 2 Ιανουαρίου.", "2 Ιανουαρίου", "2024-01-02"),
    ("el", "Η ψηφοφορία έγινε την 3η Φεβρουαρίου.", "3η Φεβρουαρίου", "2024-02-03"),
    ("el", "Τον Μάιο του 2010 ξέσπασε η κρίση.", "Μάιο του 2010", "2010-05"),
    ("el", "Χθες ανακοινώθηκαν τα αποτελέσματα.", "Χθες", "2024-03-14"),
    ("el", "Για δεύτερη φορά φέτος ταξιδεύει στο εξωτερικό.", "φέτος", "2024"),
    ("lv", "Ministrs otrdien tikās ar kolēģiem no Lietuvas.", "otrdien", "2024-03-12"),
    ("lv", "Valdība pirmdien plāno parakstīt līgumu.", "pirmdien", "2024-03-18"),
    ("lv", "Līgums tika parakstīts 2015.gada maijā Rīgā.", "2015.gada maijā", "2015-05"),
    ("lv", "Vakar galvaspilsētā lija lietus.", "Vakar", "2024-03-14"),
    ("lv", "Sēde notika 12. martā Saeimā.", "12. martā", "2024-03-12"),
    ("lv", "Par to ziņoja pagājušajā nedēļā.", "pagājušajā nedēļā", "2024-W10"),
    ("lv", "Ceturtdienas vakarā notika koncerts.", "Ceturtdienas", "2024-03-14"),
    ("ru", "Президент выступил с обращением в среду.", "среду", "2024-03-13"),
    ("ru", "Встреча состоялась 5 марта 2024 года в Казани.", "5 марта 2024", "2024-03-05"),
    ("ru", "Вчера в столице прошли переговоры.", "Вчера", "2024-03-14"),
    ("ru", "Два дня назад мост закрыли на ремонт.", "Два дня назад", "2024-03-13"),
    ("ru", "В прошлом году урожай был выше.", "прошлом году", "2023"),
    ("uk", "Зустріч відбулася у вівторок у Львові.", "вівторок", "2024-03-12"),
    ("uk", "Угоду підписали 8 березня 2023 року.", "8 березня 2023", "2023-03-08"),
    ("uk", "Про це повідомили минулого тижня.", "минулого тижня", "2024-W10"),
    ("uk", "Засідання відбудеться завтра.", "завтра", "2024-03-16"),
    ("pl", "Premier spotkał się z prezydentem w środę.", "środę", "2024-03-13"),
    ("pl", "Umowę podpisano 10 lutego 2022 roku w Gdańsku.", "10 lutego 2022", "2022-02-10"),
    ("pl", "Rząd ogłosił plan w zeszłym tygodniu.", "zeszłym tygodniu", "2024-W10"),
    ("pl", "Dwa dni temu otwarto nowy most.", "Dwa dni temu", "2024-03-13"),
    ("tr", "Bakan dün Ankara'da konuştu.", "dün", "2024-03-14"),
    ("tr", "Toplantı 4 Mart 2024 tarihinde yapıldı.", "4 Mart 2024", "2024-03-04"),
    ("tr", "Geçen hafta yeni yasa kabul edildi.", "Geçen hafta", "2024-W10"),
    ("tr", "Heyet Çarşamba günü İzmir'e vardı.", "Çarşamba", "2024-03-13"),
    ("tr", "Köprü iki gün önce kapatıldı.", "iki gün önce", "2024-03-13"),
    ("ar", "التقى الوزير نظيره يوم الأربعاء في القاهرة", "الأربعاء", "2024-03-13"),
    ("ar", "وقعت الاتفاقية في 5 مارس 2023", "5 مارس 2023", "2023-03-05"),
    ("ar", "أعلنت الحكومة الخطة الأسبوع الماضي", "الأسبوع الماضي", "2024-W10"),
    ("ar", "وصل الرئيس أمس إلى عمان", "أمس", "2024-03-14"),
    ("es", "El presidente llegó el martes pasado a Lima.", "martes pasado", "2024-03-12"),
    ("es", "La huelga empezó hace tres días.", "hace tres días", "2024-03-12"),
    ("es", "El acuerdo se firmó el 12 de enero de 2021.", "12 de enero de 2021", "2021-01-12"),
    ("es", "La cumbre se celebrará el lunes.", "lunes", "2024-03-18"),
    ("fr", "Le ministre a parlé mardi devant les députés.", "mardi", "2024-03-12"),
    ("fr", "Le pont a été fermé il y a deux semaines.", "il y a deux semaines", "2024-W09"),
    ("fr", "La loi est entrée en vigueur le 1er mars 2024.", "1er mars 2024", "2024-03-01"),
    ("fr", "Le texte a été voté avant-hier.", "avant-hier", "2024-03-13"),
    ("fr", "Les députés en débattent aujourd'hui.", "aujourd'hui", "2024-03-15"),
    ("fr", "Les députés en débattent aujourd ' hui.", "aujourd ' hui", "2024-03-15"),
    ("it", "Il vertice si è tenuto giovedì a Roma.", "giovedì", "2024-03-14"),
    ("it", "Il ponte è stato chiuso due giorni fa.", "due giorni fa", "2024-03-13"),
    ("it", "La liberazione arrivò il 25 aprile 1945.", "25 aprile 1945", "1945-04-25"),
    ("pt", "O ministro chegou ontem a Lisboa.", "ontem", "2024-03-14"),
    ("nl", "De minister sprak vorige week in Utrecht.", "vorige week", "2024-W10"),
]


def _each(cases: list[tuple[str, str, str, str]]) -> pytest.MarkDecorator:
    """Parametrise a test over ``(language, sentence, expression, value)`` cases."""
    return pytest.mark.parametrize(("language", "sentence", "expression", "value"), cases,
                                   ids=[f"{c[0]}-{c[2]}" for c in cases])


@_each(CASES)
def test_expression_found_and_resolved(language: str, sentence: str, expression: str, value: str) -> None:
    found = find_dates(sentence, language, FRIDAY)
    at = sentence.index(expression)
    overlapping = [f for f in found if f.start < at + len(expression) and at < f.end]
    assert overlapping, f"nothing found over {expression!r} in {[sentence[f.start:f.end] for f in found]}"
    assert overlapping[0].value == value


LANGUAGES = {c[0] for c in CASES}

#: Languages without a hand-written table: CLDR names, dateparser phrases, shared grammar.
CLDR_ONLY = [
    ("cs", "Setkání se konalo v pátek.", "pátek", "2024-03-15"),
    ("cs", "Smlouva byla podepsána 4. března 2020.", "4. března 2020", "2020-03-04"),
    ("hr", "Sastanak je održan u utorak.", "utorak", "2024-03-12"),
    ("sr", "Састанак је одржан у четвртак.", "четвртак", "2024-03-14"),
    ("bg", "Срещата беше в понеделник.", "понеделник", "2024-03-11"),
    ("ro", "Întâlnirea a avut loc miercuri.", "miercuri", "2024-03-13"),
    ("hu", "A találkozó kedden volt.", "kedden", "2024-03-12"),
    ("fi", "Kokous pidettiin torstaina.", "torstaina", "2024-03-14"),
    ("lt", "Susitikimas įvyko antradienį.", "antradienį", "2024-03-12"),
    ("et", "Kohtumine toimus kolmapäeval.", "kolmapäeval", "2024-03-13"),
    ("sl", "Srečanje je bilo v sredo.", "sredo", "2024-03-13"),
    ("sv", "Mötet hölls i tisdags i Malmö.", "tisdags", "2024-03-12"),
    ("da", "Mødet blev holdt onsdag.", "onsdag", "2024-03-13"),
    ("zh", "会议于2023年7月15日在上海举行。", "2023年7月15日", "2023-07-15"),
    ("zh", "代表团昨天抵达。", "昨天", "2024-03-14"),
    ("ja", "会談は月曜日に行われた。", "月曜日", "2024-03-11"),
    ("ko", "회의는 2022년 5월 3일 열렸다.", "2022년 5월 3일", "2022-05-03"),
]


@_each(CLDR_ONLY)
def test_languages_without_a_table(language: str, sentence: str, expression: str, value: str) -> None:
    test_expression_found_and_resolved(language, sentence, expression, value)


def test_tables_cover_the_required_languages() -> None:
    assert {"el", "lv", "de", "ru", "uk", "pl", "tr", "ar"} <= LANGUAGES


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("el", "Για δεύτερη φορά μίλησε ο υπουργός."),  # "δεύτερη" (second) is not Monday
        ("el", "Η τρίτη προσπάθεια πέτυχε."),  # lower-case "τρίτη" (third) is not Tuesday
        ("en", "You may leave early if you wish."),  # "may" is not May
        ("es", "Trabajan por la mañana en el puerto."),  # "la mañana" is the morning
        ("de", "Die Firma hat 2000 Mitarbeiter und 15 Prozent Gewinn."),  # a count, not a year: see below
    ],
)
def test_common_words_are_not_dates(language: str, sentence: str) -> None:
    found = find_dates(sentence, language, FRIDAY)
    if language == "de":
        # a bare four-digit number that may be a year is reported with low confidence only
        assert all(f.confidence < 0.7 for f in found)
    else:
        assert found == [], [sentence[f.start:f.end] for f in found]


def test_offsets_point_at_the_expression() -> None:
    text = "Präsident X traf am Donnerstag in Wien ein."
    (found,) = find_dates(text, "de", FRIDAY)
    assert text[found.start:found.end] == "Donnerstag"
    assert found.granularity == "day"
    assert 0 < found.confidence <= 1


def test_future_wording_moves_a_weekday_forward() -> None:
    past = find_dates("Er besuchte am Sonntag Prag.", "de", FRIDAY)[0]
    future = find_dates("Er soll am Sonntag Prag besuchen.", "de", FRIDAY)[0]
    assert (past.value, future.value) == ("2024-03-10", "2024-03-17")


def test_future_wording_in_another_clause_does_not_count() -> None:
    (found,) = find_dates("The envoy, who met the rebels on Tuesday, will fly home soon.", "en", FRIDAY)
    assert found.value == "2024-03-12"


def test_day_month_without_year_takes_the_year_before_a_late_reference() -> None:
    # published in December, "28 February" is the February of the same year, not the next
    (found,) = find_dates("Die Reise fand am 28. Februar statt.", "de", dt.date(2023, 12, 4))
    assert found.value == "2023-02-28"
    # published in early January, "20 December" is last December
    (found,) = find_dates("Die Reise fand am 20. Dezember statt.", "de", dt.date(2024, 1, 5))
    assert found.value == "2023-12-20"


def test_range_across_months_and_years() -> None:
    (found,) = find_dates("Il festival va dal 28 dicembre al 2 gennaio.", "it", dt.date(2023, 12, 20))
    assert found.value == "2023-12-28/2024-01-02"
    assert found.granularity == "range"


def test_numeric_and_iso_dates() -> None:
    values = [f.value for f in find_dates("Stand: 15.09.2023, Archiv 2023-09, Eintrag 2021-05-04.", "de", FRIDAY)]
    assert values == ["2023-09-15", "2023-09", "2021-05-04"]


def test_vague_references_only_when_asked() -> None:
    text = "Prices are now higher than in the past."
    assert find_dates(text, "en", FRIDAY) == []
    assert [f.value for f in find_dates(text, "en", FRIDAY, vague=True)] == ["PRESENT_REF", "PAST_REF"]


def test_quarters_and_decades() -> None:
    values = [f.value for f in find_dates("Third-quarter profit rose, as in the 1990s.", "en", FRIDAY)]
    assert values == ["2024-Q3", "199"]


def test_unknown_language_still_finds_cldr_month_names() -> None:
    # Czech: no hand-written table, month names from CLDR (genitive "března")
    (found,) = find_dates("Smlouva byla podepsána 4. března 2020.", "cs", FRIDAY)
    assert found.value == "2020-03-04"


def test_helpers() -> None:
    assert iso_week(dt.date(2023, 2, 22)) == "2023-W08"
    assert shift_month(2024, 1, -1) == (2023, 12)
    assert shift_month(2024, 12, 1) == (2025, 1)


def test_token_cache_gives_the_same_dates_cold_and_warm() -> None:
    """Words remembered from earlier articles (the lexicon's token cache) resolve as a fresh
    lookup does, including stemmed and clitic forms; the cache stays bounded."""
    from storyline.dates.lexicon import SEEN_MAX, lexicon

    today = dt.date(2024, 5, 20)
    cases = [
        ("de", "Am Dienstag, dem 14. Mai, und letzte Woche tagte der Rat; am Freitagabend nicht."),
        ("lv", "Sanāksme notika pirmdien, 13. maijā, un nākamajā nedēļā turpināsies."),
        ("fr", "L'accord signé hier et l'an dernier, avant-hier aussi, le 3 mars."),
    ]
    for language, text in cases:
        lexicon(language).seen.clear()
        cold = find_dates(text, language, today)
        assert lexicon(language).seen  # filled by the first pass
        warm = find_dates(text, language, today)
        assert warm == cold and cold
    lex = lexicon("en")
    lex.seen.update({f"w{i}": (f"w{i}", None) for i in range(SEEN_MAX + 1)})
    find_dates("on Monday", "en", today)
    assert len(lex.seen) < 10
