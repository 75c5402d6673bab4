"""The ``dates`` stage: publication date sources and checks, mentions, event date."""

from __future__ import annotations

import datetime as dt

import pytest

from storyline.config import Config
from storyline.dates import DateResolver, pick_event_date
from storyline.dates.publication import from_text, from_url, parse_iso, resolve_published
from storyline.models import Article, DateMention, Paragraph
from storyline.pipeline import build_pipeline

TODAY = "2025-06-01"


def _stage(**overrides: object) -> DateResolver:
    return DateResolver(Config.load(dates={"today": TODAY, **overrides}))


def _article(text: str, **fields: object) -> Article:
    return Article(id="a", content_hash="h", source="test", raw=text, text=text, **fields)  # type: ignore[arg-type]


def test_stage_is_in_the_default_pipeline_after_language_before_entities() -> None:
    names = [s.name for s in build_pipeline(Config.load(), None, upto="dates").stages]
    assert names.index("language") < names.index("dates") < len(names)
    assert "entities" not in names  # dates come first: pure stages lead, for the worker pool


def test_given_publication_date_is_kept_and_resolves_mentions() -> None:
    article = _article("Die Ministerin reiste am Freitag nach Graz.", published="2024-03-16",
                       published_source="feed", language="de")
    out = _stage()(article)
    assert (out.published, out.published_source, out.published_precision) == ("2024-03-16", "feed", "day")
    assert [(m.text, m.value) for m in out.dates] == [("Freitag", "2024-03-15")]
    assert out.event_date == "2024-03-15"
    assert out.event_date_evidence is not None and "Freitag" in out.event_date_evidence


def test_publication_date_from_a_label_in_the_text() -> None:
    out = _stage()(_article(" date 2022-11 Photo: agency. Ministrs otrdien ieradās Tallinā.", language="lv"))
    assert (out.published, out.published_source, out.published_precision) == ("2022-11", "text", "month")


def test_publication_date_from_the_url() -> None:
    out = _stage()(_article("Talks ended on Tuesday.", url="https://news.example/world/2021/05/14/talks-end",
                            language="en"))
    assert (out.published, out.published_source, out.published_precision) == ("2021-05-14", "url", "day")
    assert out.dates[0].value == "2021-05-11"


def test_future_publication_date_is_refused_with_a_reason_and_falls_back() -> None:
    out = _stage()(_article("Nothing dated here at all.", published="2031-01-01", language="en",
                            url="https://news.example/2024/02/03/story"))
    assert out.published == "2024-02-03"
    assert out.published_source == "url;rejected:future"
    alone = _stage()(_article("Nothing dated here at all.", published="2031-01-01", language="en"))
    assert (alone.published, alone.published_source) == (None, "rejected:future")


def test_absurd_publication_date_is_refused() -> None:
    out = _stage()(_article("Nothing dated here.", published="1066-10-14", language="en"))
    assert (out.published, out.published_source) == (None, "rejected:absurd")


@pytest.mark.parametrize("placeholder", ["1970-01-01", "1970-01-01T00:00:00Z", "1900-01-01"])
def test_a_placeholder_publication_date_is_refused_and_falls_back(placeholder: str) -> None:
    out = _stage()(_article("Nothing dated here.", published=placeholder, language="en",
                            url="https://news.example/2024/02/03/story"))
    assert (out.published, out.published_source) == ("2024-02-03", "url;rejected:placeholder")


def test_a_dateline_at_the_top_becomes_the_publication_date() -> None:
    out = _stage()(_article("VIENNA, 4 March 2024 - The court ruled; yesterday it met again.", language="en"))
    assert (out.published, out.published_source) == ("2024-03-04", "text")
    assert [m.value for m in out.dates] == ["2024-03-04", "2024-03-03"]


def test_without_publication_date_only_absolute_dates_are_kept() -> None:
    filler = "The judges heard many witnesses over a long and difficult session. " * 4
    text = "Yesterday the court met again. " + filler + "The ruling of 4 March 2024 stands."
    out = _stage()(_article(text, language="en"))
    assert out.published is None
    assert [m.value for m in out.dates] == ["2024-03-04"]
    assert out.event_date == "2024-03-04"


def test_title_mentions_are_marked_as_title() -> None:
    article = _article("The vote was held on Sunday.", title="Vote on Sunday", published="2024-03-15",
                       language="en")
    out = _stage()(article)
    assert [m.field for m in out.dates] == ["title", "text"]
    title_mention = out.dates[0]
    assert article.title[title_mention.start:title_mention.end] == "Sunday"


def test_each_paragraph_is_read_in_its_own_language() -> None:
    text = "Der Minister kam am Dienstag.\nMinistrs ieradās trešdien."
    paragraphs = (Paragraph(text=text[:29], start=0, end=29, language="de"),
                  Paragraph(text=text[30:], start=30, end=len(text), language="lv"))
    article = _article(text, published="2024-03-15", language="de", paragraphs=paragraphs)
    out = _stage()(article)
    assert [(m.text, m.value) for m in out.dates] == [("Dienstag", "2024-03-12"), ("trešdien", "2024-03-13")]
    assert all(text[m.start:m.end] == m.text for m in out.dates)


def test_event_date_ignores_old_background_dates() -> None:
    text = "The president is visiting Rome. His first visit was on 3 February 2019."
    out = _stage()(_article(text, published="2024-03-15", language="en"))
    assert (out.event_date, out.event_date_evidence) == ("2024-03-15", "published")


def test_pick_event_date_takes_the_first_mention_in_the_window() -> None:
    mentions = [
        DateMention("May 2", 0, 5, "2020-05-02", "day"),
        DateMention("Thursday", 10, 18, "2024-03-14", "day"),
        DateMention("Friday", 20, 26, "2024-03-15", "day"),
    ]
    day, evidence = pick_event_date(mentions, "2024-03-15", lead_chars=1000, days_before=7, days_after=1)
    assert day == "2024-03-14"
    assert evidence is not None and "Thursday" in evidence


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2023-09-15", (dt.date(2023, 9, 15), "day")), ("2023-09-15T08:00:00Z", (dt.date(2023, 9, 15), "day")),
     ("2023-09", (dt.date(2023, 9, 1), "month")), ("2023", (dt.date(2023, 1, 1), "year")),
     ("2023-02-30", None), ("yesterday", None)],
)
def test_parse_iso(value: str, expected: object) -> None:
    assert parse_iso(value) == expected


def test_text_and_url_sources() -> None:
    assert from_text("Datum: 15.09.2023 | Politik") == (dt.date(2023, 9, 15), "day")
    assert from_text("no date here") is None
    assert from_url("https://x.example/a/20230915/b") == (dt.date(2023, 9, 15), "day")
    assert from_url("https://x.example/2023/09/story") == (dt.date(2023, 9, 1), "month")
    assert from_url("https://x.example/story-12345") is None


def test_resolve_published_order_of_trust() -> None:
    today = dt.date(2025, 1, 1)
    got = resolve_published("2024-02-02", "feed", "date 2023-01-01", "https://x.example/2022/01/01/a", today,
                            max_future_days=2, min_year=1900)
    assert (got.value, got.source) == ("2024-02-02", "feed")
    got = resolve_published(None, None, "date 2023-01-01", "https://x.example/2022/01/01/a", today,
                            max_future_days=2, min_year=1900)
    assert (got.value, got.source) == ("2023-01-01", "text")


@pytest.mark.parametrize(
    "text",
    [
        "Valid again: the minister visited Vienna on 3 March 2024.",
        "On 3 March 2024 the minister visited Vienna.",
        "Der Minister besuchte am 3. März 2024 Wien.",
    ],
)
def test_a_date_inside_the_first_sentence_is_not_a_dateline(text: str) -> None:
    out = _stage()(_article(text, language="de" if text.startswith("Der") else "en"))
    assert out.published is None
    assert [m.value for m in out.dates] == ["2024-03-03"]


@pytest.mark.parametrize(
    "text",
    [
        "Wien, 4. März 2024 – Das Gericht entschied.",
        "4. März 2024\nDas Gericht entschied.",
        "Aktualisiert 4. März 2024, 10:31",
    ],
)
def test_a_dateline_in_german_shapes(text: str) -> None:
    out = _stage()(_article(text, language="de"))
    assert (out.published, out.published_source) == ("2024-03-04", "text")
