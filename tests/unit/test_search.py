"""Folding, query parsing, snippets and the index, in several languages and scripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.models import Article, ArticleEntity, Span
from storyline.search import (
    SearchQuery,
    entity_token,
    fold,
    fts_expression,
    name_key,
    parse,
    search,
    snippet,
    split_marks,
    tokens,
    translit,
)
from storyline.store.sqlite import SQLiteStore


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Λουκασένκο", "λουκασενκο"),  # Greek tonos, which unicode61 keeps
        ("ΟΔΥΣΣΕΎΣ", "οδυσσευσ"),  # final sigma and capital tonos
        ("Łódź", "lodz"),  # ł does not decompose
        ("Straße", "strasse"),
        ("Ærøskøbing", "aeroskobing"),
        ("Lukašenko", "lukasenko"),
        ("Ёлка", "елка"),
        ("İstanbul", "istanbul"),
        ("Đakovo", "dakovo"),
        ("Þingvellir", "thingvellir"),
        ("ﬁnal", "final"),
        ("  many\n\tspaces  ", "many spaces"),
        ("北京会谈", "北 京 会 谈"),  # Han: one token a character
        ("서울 회담", "서울 회담"),  # Hangul stays whole
        ("हिंदी", "हिंदी"),  # Devanagari vowel signs are letters: kept
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_translit_only_for_non_latin() -> None:
    assert translit(fold("Lukašenko")) == ""
    assert translit(fold("Лукашенко")) == "lukashenko"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Lukašenko", "LUKASENKO"), ("Лукашенко", "Lukashenko"), ("习近平", "Xi Jinping"), ("Sōchi", "sochi")],
)
def test_name_key_meets_across_spellings(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_tokens_split_like_unicode61() -> None:
    assert tokens("don't stop-now 3,5 km") == ["don", "t", "stop", "now", "3", "5", "km"]


def test_parse_groups_a_known_name_and_quotes_every_word() -> None:
    names = {"alexanderlukashenko": ("E1",), "putin": ("E2",)}
    parsed = parse('Alexander Lukashenko meets "Putin" NEAR(x)', lambda k, _raw: names.get(k, ()))
    assert [t.entities for t in parsed.terms] == [("E1",), (), ("E2",), ()]
    expr = fts_expression(parsed)
    assert f"ents : {entity_token('E1')}" in expr
    assert '"near x"' in expr  # FTS5 operators in the query are plain words


def test_parse_ignores_names_that_name_too_many() -> None:
    parsed = parse("kim", lambda k, _raw: tuple(f"E{i}" for i in range(9)))
    assert parsed.terms[0].entities == ()


def test_prefix_needs_two_letters() -> None:
    assert parse("lu*").terms[0].prefix
    assert not parse("l*").terms[0].prefix
    assert fts_expression(parse("lu*")).endswith('"lu" *')


def test_snippet_marks_the_words_whatever_their_accents() -> None:
    text = "Erst am Ende: " + "viel Text davor. " * 20 + "Dann traf Lukašenko in Sotschi ein."
    shown, marks = snippet(text, {"lukasenko", "sotschi"}, width=80)
    assert shown.startswith("… ")
    assert [shown[a:b] for a, b in marks] == ["Lukašenko", "Sotschi"]
    pieces = split_marks(shown, marks)
    assert "".join(p for p, _ in pieces) == shown
    assert [p for p, hit in pieces if hit] == ["Lukašenko", "Sotschi"]


def _article(aid: str, lang: str, title: str, text: str, forms: dict[str, str]) -> Article:
    ents = []
    for eid, form in forms.items():
        k = text.index(form)
        ents.append(ArticleEntity(id=eid, name=eid, type="PER", mentions=(Span(form, k, k + len(form)),)))
    return Article(
        id=aid,
        content_hash="h-" + aid,
        source=aid,
        raw=text,
        title=title,
        text=text,
        language=lang,
        published="2024-03-0" + aid[-1],
        entities=tuple(ents),
    )


@pytest.fixture()
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "s.db")
    s.write(
        [
            _article("a1", "pl", "Powódź we Wrocławiu", "Wrocław czeka na falę powodziową na Odrze.", {"W": "Wrocław"}),
            _article("a2", "de", "Hochwasser in Breslau", "Breslau erwartet die Flutwelle der Oder.", {"W": "Breslau"}),
            _article(
                "a3", "cs", "Povodeň ve Vratislavi", "Vratislav čeká povodňovou vlnu na Odře.", {"W": "Vratislav"}
            ),
        ]
    )
    return s


def test_index_is_written_with_the_articles(store: SQLiteStore) -> None:
    assert store.pending_count() == 0
    assert {r[0] for r in store.db.execute("SELECT article_id FROM search_docs")} == {"a1", "a2", "a3"}


def test_a_name_finds_the_entity_in_every_language(store: SQLiteStore) -> None:
    result = search(store, SearchQuery(q="wroclaw"))
    assert result.entities == ("W",)
    assert {h.id for h in result.hits} == {"a1", "a2", "a3"}
    assert result.hits[0].id == "a1"  # the article with the word itself ranks first


def test_update_reindexes_and_delete_unindexes(store: SQLiteStore) -> None:
    a2 = store.article("a2")
    assert a2 is not None
    from storyline.models import replace

    store.update_articles([replace(a2, text="Breslau meldet heute Sonnenschein.")])
    assert {h.id for h in search(store, SearchQuery(q="sonnenschein")).hits} == {"a2"}
    assert search(store, SearchQuery(q="flutwelle")).total == 0
    with store.db:
        store.db.execute("DELETE FROM articles WHERE id = 'a2'")
    assert search(store, SearchQuery(q="sonnenschein")).total == 0


def test_a_change_that_search_does_not_see_does_not_reindex(store: SQLiteStore) -> None:
    a1 = store.article("a1")
    assert a1 is not None
    from storyline.models import replace, to_json

    with store.db:
        store.db.execute(
            "UPDATE articles SET event_date = '2024-03-01', record = ? WHERE id = 'a1'",
            (to_json(replace(a1, event_date="2024-03-01")),),
        )
    assert store.pending_count() == 0


def test_reindex_rebuilds(store: SQLiteStore) -> None:
    with store.db:
        store.db.execute("DELETE FROM search_fts")
    assert search(store, SearchQuery(q="odra")).total == 0
    assert store.reindex_search() == 3
    assert search(store, SearchQuery(q="odre")).total == 1  # Czech "Odře", folded


def test_filters_and_paging(store: SQLiteStore) -> None:
    assert [h.id for h in search(store, SearchQuery(q="wroclaw", language="cs")).hits] == ["a3"]
    assert search(store, SearchQuery(q="wroclaw", since="2024-03-02", until="2024-03-02")).total == 1
    page = search(store, SearchQuery(q="wroclaw", limit=2, offset=2))
    assert page.total == 3 and len(page.hits) == 1
    browse = search(store, SearchQuery())
    assert [h.id for h in browse.hits] == ["a3", "a2", "a1"]  # no words: newest first


def test_date_tokens_cover_exactly_the_range() -> None:
    from storyline.search import date_tokens

    # whole months by month, the rest by day
    assert date_tokens("2024-01-30", "2024-03", (None, None)) == ["zd20240130", "zd20240131", "zm202402", "zm202403"]
    assert date_tokens("2024", "2024", (None, None)) == [f"zm2024{m:02d}" for m in range(1, 13)]
    # an open end is closed by the stored dates
    assert date_tokens("2024-03-30", None, ("2020-01-01", "2024-04-02")) == [
        "zd20240330",
        "zd20240331",
        "zd20240401",
        "zd20240402",
    ]
    assert date_tokens("2024-05-01", "2024-04-01", (None, None)) == ["zd00000000"]  # empty: matches nothing
    assert date_tokens("1990-01-15", "2024-12-30", (None, None)) is None  # too many: SQL filters


def test_expression_leaves_sql_only_what_fts_cannot_do() -> None:
    from storyline.search import expression

    parsed = parse("odra")
    expr, rest = expression(parsed, SearchQuery(q="odra", language="pl", since="2024-03", until="2024-03"))
    assert "meta : zlpl" in expr and "zm202403" in expr
    assert (rest.language, rest.since, rest.until) == (None, None, None)
    expr, rest = expression(parsed, SearchQuery(q="odra", since="1900-01-02", until="2024-03-01"))
    assert rest.since == "1900-01-02" and "zd" not in expr
    assert expression(parse(""), SearchQuery(language="pl"))[0] == ""  # no words: plain SQL


def test_links_changed_later_are_searchable(store: SQLiteStore) -> None:
    with store.db:
        store.db.execute("UPDATE articles SET event_id = 'ev-flood', story_id = 'st-odra' WHERE id IN ('a1', 'a3')")
    assert store.pending_count() == 2
    store.ensure_search_index()
    assert {h.id for h in search(store, SearchQuery(q="wroclaw", event="ev-flood")).hits} == {"a1", "a3"}
    assert {h.id for h in search(store, SearchQuery(q="wroclaw", story="st-odra", language="cs")).hits} == {"a3"}


def test_the_stored_dates_are_read_only_to_close_an_open_range(store: SQLiteStore, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from storyline.search import store_expression

    calls: list[int] = []
    real = store.published_bounds
    monkeypatch.setattr(store, "published_bounds", lambda: (calls.append(1), real())[1])
    parsed = parse("odra")
    store_expression(store, parsed, SearchQuery(q="odra", since="2024-03", until="2024-04"))
    store_expression(store, parsed, SearchQuery(q="odra"))
    assert calls == []
    expr, _ = store_expression(store, parsed, SearchQuery(q="odra", since="2024-03-30"))
    assert calls == [1] and "meta : " in expr
