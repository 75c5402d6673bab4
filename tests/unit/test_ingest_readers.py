"""Each reader on tiny hand-written inputs: what it takes from the format, and what it refuses."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest

from storyline.errors import RejectedInput
from storyline.ingest import kind_of, sniff
from storyline.ingest.base import IngestSettings, content_hash
from storyline.ingest.feeds import fragment_text, read_feed
from storyline.ingest.html import read_html
from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.meta import Sidecar, normalise_date
from storyline.ingest.text import read_text
from storyline.ingest.warc import read_warc
from storyline.models import Article, Quarantine, Rejection
from tests.ingest_samples import (
    ARTICLES,
    EMPTY_PAGE,
    MALFORMED_FEED,
    atom,
    html_page,
    jsonl,
    rss,
    text_file,
    warc,
    warc_pages,
)

S = IngestSettings()


# -- content hash ---------------------------------------------------------------
def test_content_hash_ignores_spacing_and_unicode_composition() -> None:
    body = "Café in Zürich\r\n\r\nA   new café opened."
    same = unicodedata.normalize("NFD", "Café in Zürich\n\nA new café opened.  ")
    assert content_hash("", body) == content_hash("", same)
    assert len(content_hash("", body)) == 16
    assert content_hash("", body) != content_hash("", body.replace("new", "old"))
    assert content_hash("Title", body) != content_hash("Other", body)


# -- text -------------------------------------------------------------------------
@pytest.mark.parametrize("lang", [a[0] for a in ARTICLES])
def test_text_file_keeps_the_whole_file_and_leaves_the_title_to_clean(lang: str) -> None:
    data = text_file(lang)
    article = read_text(data.encode(), "in/a.txt", S)
    assert article.raw == data
    assert article.title == ""
    assert (article.fmt, article.encoding, article.source) == ("text", "utf-8", "in/a.txt")
    assert article.id == article.content_hash == content_hash("", data)


def test_text_file_line_endings_become_unix() -> None:
    article = read_text(text_file("pl").replace("\n", "\r\n").encode(), "a.txt", S)
    assert "\r" not in article.raw and article.raw == text_file("pl")


def test_cp1251_text_file_is_an_article() -> None:
    article = read_text(text_file("ru").encode("cp1251"), "ru.txt", S)
    assert article.raw == text_file("ru") and article.encoding == "cp1251"


@pytest.mark.parametrize(
    "data, reason, words",
    [
        (b"", "empty", "empty"),
        (b" \n\t\r\n  ", "empty", "whitespace"),
        (b"OK.\n12 345 678\n", "empty", "letters"),
        (b"\x01\x02\x03\x04\x05 abc \x06\x07\x08\x0e\x0f\x10" * 20, "not-text", "control"),
        (b"\x00\x01binary\x00\xff\xfe", "not-text", "NUL"),
    ],
)
def test_text_that_is_not_an_article_is_rejected_with_a_reason(data: bytes, reason: str, words: str) -> None:
    with pytest.raises(RejectedInput) as err:
        read_text(data, "x.txt", S)
    assert err.value.reason == reason
    assert words in err.value.detail


# -- JSONL ------------------------------------------------------------------------
def _jsonl(rows: list[object], settings: IngestSettings = S) -> list[Article | Rejection | Quarantine]:
    return list(read_jsonl(io.BytesIO(jsonl(rows)), "in.jsonl", settings))


def test_jsonl_takes_every_field() -> None:
    _, title, body = ARTICLES[4]
    [a] = _jsonl(
        [
            {
                "id": 17,
                "url": "https://example.org/el/1",
                "title": title,
                "text": body,
                "published": "2024-03-05T23:30:00-05:00",
                "language": "el-GR",
                "source": "Example News",
            }
        ]
    )
    assert isinstance(a, Article)
    assert (a.id, a.title, a.raw, a.url) == ("17", title, body, "https://example.org/el/1")
    assert (a.published, a.published_precision, a.published_source) == ("2024-03-05", "day", "jsonl")
    assert (a.language_hint, a.outlet, a.fmt, a.source) == ("el", "Example News", "jsonl", "in.jsonl")
    assert a.content_hash == content_hash(title, body)


def test_jsonl_without_id_uses_the_content_hash() -> None:
    [a] = _jsonl([{"text": ARTICLES[0][2]}])
    assert isinstance(a, Article) and a.id == a.content_hash and a.title == ""


def test_jsonl_html_field_goes_through_the_page_extractor() -> None:
    lang, title, body = ARTICLES[1]
    page = html_page(title, [body, body], lang=lang, date="2023-11-02T09:00:00+01:00", author="Anna Beispiel")
    [a] = _jsonl([{"html": page, "published": "2023-11"}])
    assert isinstance(a, Article)
    assert a.title == title and body in a.raw and "Home" not in a.raw
    assert (a.published, a.published_precision, a.published_source) == ("2023-11", "month", "jsonl")
    assert a.author == "Anna Beispiel"


def test_bad_jsonl_lines_are_rejected_and_the_others_come_through() -> None:
    good = {"text": ARTICLES[3][2]}
    items = _jsonl(
        [
            good,
            "{not json",
            "",
            {"title": "only a title"},
            [1, 2, 3],
            {"text": 42},
            {"text": "   "},
            {"text": ARTICLES[5][2] + " \ud800"},
            good | {"id": "second"},
        ]
    )
    kinds = [(type(i).__name__, getattr(i, "reason", ""), getattr(i, "input_key", "")) for i in items]
    assert kinds == [
        ("Article", "", ""),
        ("Rejection", "malformed", "in.jsonl#line2"),
        ("Rejection", "empty", "in.jsonl#line4"),
        ("Rejection", "malformed", "in.jsonl#line5"),
        ("Rejection", "malformed", "in.jsonl#line6"),
        ("Rejection", "empty", "in.jsonl#line7"),
        ("Article", "", ""),
        ("Article", "", ""),
    ]
    assert "line 2 is not JSON" in items[1].detail  # type: ignore[union-attr]
    assert items[6].raw.endswith("\ufffd")  # type: ignore[union-attr] # lone surrogate replaced


def test_an_overlong_jsonl_line_is_too_large_and_reading_goes_on() -> None:
    small = IngestSettings(max_bytes=200)
    items = _jsonl([{"text": "Long line. " * 100}, {"text": ARTICLES[0][2]}], small)
    assert [type(i).__name__ for i in items] == ["Rejection", "Article"]
    assert items[0].reason == "too-large" and items[0].input_key == "in.jsonl#line1"  # type: ignore[union-attr]


# -- HTML -------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ru", "zh", "ar"])
def test_html_page_gives_main_text_title_date_author(lang: str) -> None:
    _, title, body = next(a for a in ARTICLES if a[0] == lang)
    page = html_page(title, [body] * 3, lang=lang, date="2024-01-15T10:00:00+02:00", author="Rita Writer")
    a = read_html(page.encode(), "p.html", S)
    assert a.title == title
    assert body in a.raw and not a.raw.startswith(title)  # the <h1> is not repeated in the body
    assert "Home" not in a.raw and "Contact us" not in a.raw
    assert (a.published, a.published_source, a.author) == ("2024-01-15", "html", "Rita Writer")
    assert (a.fmt, a.language_hint) == ("html", lang)


def test_html_page_in_a_declared_legacy_charset() -> None:
    _, title, body = ARTICLES[3]
    page = html_page(title, [body, body]).replace('charset="utf-8"', 'charset="windows-1251"')
    a = read_html(page.encode("cp1251"), "p.html", S)
    assert a.title == title and a.encoding == "cp1251"


def test_html_page_without_text_is_no_text() -> None:
    with pytest.raises(RejectedInput) as err:
        read_html(EMPTY_PAGE.encode(), "gallery.html", S)
    assert err.value.reason == "no-text"


# -- feeds ------------------------------------------------------------------------
def test_rss_entries_become_articles() -> None:
    _, t1, b1 = ARTICLES[5]
    _, t2, b2 = ARTICLES[3]
    data = rss(
        [
            {
                "title": t1,
                "link": "https://example.org/pl/1",
                "date": "Tue, 05 Mar 2024 23:30:00 -0500",
                "html": f"<p>{b1}</p><p>{b1}</p>",
            },
            {
                "title": t2,
                "link": "https://example.org/ru/2",
                "date": "Wed, 06 Mar 2024 08:00:00 +0300",
                "html": f"<div>{b2}<br/>{b2}</div>",
            },
            {"title": "Headline only", "link": "https://example.org/x", "date": "", "html": ""},
        ]
    )
    items = list(read_feed(data, "feed.xml", S))
    a, b, c = items
    assert isinstance(a, Article) and isinstance(b, Article)
    assert (a.title, a.url, a.published, a.published_source) == (t1, "https://example.org/pl/1", "2024-03-05", "feed")
    assert a.raw == f"{b1}\n{b1}" and a.language_hint == "pl" and a.outlet == "Example Wire"
    assert b.raw == f"{b2}\n{b2}" and b.published == "2024-03-06"
    assert isinstance(c, Rejection) and c.reason == "empty" and c.input_key == "feed.xml#entry3"
    assert "https://example.org/x" in c.detail


def test_atom_entries_become_articles() -> None:
    _, title, body = ARTICLES[4]
    html = f"&lt;p&gt;{body}&lt;/p&gt;"
    data = atom([{"title": title, "link": "https://example.org/el/1", "date": "2024-02-29T12:00:00Z", "html": html}])
    [a] = read_feed(data, "feed.atom", S)
    assert isinstance(a, Article)
    assert (a.title, a.raw, a.published, a.fmt) == (title, body, "2024-02-29", "feed")


def test_malformed_feed_is_rejected() -> None:
    with pytest.raises(RejectedInput) as err:
        list(read_feed(MALFORMED_FEED, "bad.xml", S))
    assert err.value.reason == "malformed" and "not a readable feed" in err.value.detail
    with pytest.raises(RejectedInput) as err:
        list(
            read_feed(b"<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet</title></channel></rss>", "f", S)
        )
    assert err.value.reason == "empty" and "no entries" in err.value.detail


def test_feed_with_a_flaw_keeps_its_whole_entries() -> None:
    _, title, body = ARTICLES[0]
    whole = rss([{"title": title, "link": "https://example.org/1", "date": "", "html": body}])
    cut = whole.replace(b"</channel></rss>", b"<item><title>Cut off in the mid")
    items = list(read_feed(cut, "cut.xml", S))
    assert isinstance(items[0], Article) and items[0].raw == body
    assert all(isinstance(i, Rejection) for i in items[1:])


def test_fragment_text_keeps_blocks_as_lines_and_drops_scripts() -> None:
    html = "<p>Erste  Zeile</p><script>var x = 1;</script><ul><li>zwei</li><li>drei</li></ul>frei &amp; los"
    assert fragment_text(html) == "Erste Zeile\nzwei\ndrei\nfrei & los"


# -- WARC -------------------------------------------------------------------------
@pytest.mark.parametrize("gz", [True, False])
def test_warc_response_records_become_articles(gz: bool) -> None:
    pages = warc_pages(3)
    extra = (
        ("https://example.org/logo.png", b"\x89PNG....", "image/png", "200 OK"),
        ("https://example.org/gone", b"<html><body>Not found</body></html>", "text/html", "404 Not Found"),
    )
    items = list(read_warc(io.BytesIO(warc(pages, gz=gz, extra=extra)), "crawl.warc", S))
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.url for a in articles] == [p[0] for p in pages]
    assert [a.title for a in articles] == [a[1] for a in ARTICLES[:3]]
    assert all(a.fmt == "warc" and a.published_source == "warc" for a in articles)
    assert [a.published for a in articles] == ["2024-02-01", "2024-02-02", "2024-02-03"]
    rejected = [(r.reason, r.input_key.startswith("crawl.warc#offset")) for r in items if isinstance(r, Rejection)]
    assert rejected == [("not-html", True), ("http-status", True)]


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("keep", [0.45, 0.7, 0.9, 0.97])
def test_truncated_warc_keeps_what_came_before_and_says_truncated(gz: bool, keep: float, tmp_path: Path) -> None:
    data = warc(warc_pages(4), gz=gz)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: int(len(data) * keep)])
    with path.open("rb") as fh:
        items = list(read_warc(fh, "cut.warc", S))
    *articles, last = items
    assert all(isinstance(a, Article) for a in articles)
    assert 0 < len(articles) < 4 or keep < 0.5
    assert isinstance(last, Rejection) and last.reason == "truncated", last
    assert "byte" in last.detail
    complete = list(read_warc(io.BytesIO(data), "whole.warc", S))
    assert [a.raw for a in articles] == [a.raw for a in complete[: len(articles)]]  # type: ignore[union-attr]


# -- metadata ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-12-04", ("2023-12-04", "day")),
        ("2023-12-04T23:30:00-05:00", ("2023-12-04", "day")),
        ("2023-12-04 08:15:00", ("2023-12-04", "day")),
        ("2023-09", ("2023-09", "month")),
        ("2023", ("2023", "year")),
        ("20231204", ("2023-12-04", "day")),
        ("Mon, 04 Dec 2023 10:00:00 GMT", ("2023-12-04", "day")),
        (1701684000, ("2023-12-04", "day")),
        ("4 December 2023", ("2023-12-04", "day")),
        ("2023-02-30", None),
        ("yesterday-ish", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_normalise_date(value: object, expected: tuple[str, str] | None) -> None:
    got = normalise_date(value)
    assert (None if got is None else (got.value, got.precision)) == expected


def test_sidecar_matches_by_file_name_and_fills_the_article(tmp_path: Path) -> None:
    meta = tmp_path / "meta.jsonl"
    meta.write_text(
        jsonl(
            [
                {
                    "file": "a.txt",
                    "published": "2024-05-24",
                    "language": "de",
                    "url": "https://example.org/a",
                    "source": "Zeitung",
                },
                {"file": "one/b.txt", "published": "2024-01"},
                {"file": "two/b.txt", "published": "2025-01"},
                "not json",
                {"published": "2024-01-01"},
            ]
        ).decode()
    )
    sidecar = Sidecar.load(meta)
    assert len(sidecar) == 3
    a = read_text(text_file("de").encode(), "in/a.txt", S)
    got = sidecar.apply(a, "in/a.txt", override=True)
    assert (got.published, got.published_source, got.language_hint, got.url, got.outlet) == (
        "2024-05-24",
        "meta",
        "de",
        "https://example.org/a",
        "Zeitung",
    )
    assert sidecar.find("x/two/b.txt").published == "2025-01"  # type: ignore[union-attr]
    assert sidecar.find("x/three/b.txt") is None  # two candidates, neither fits
    assert sidecar.find("c.txt") is None


# -- recognising formats ------------------------------------------------------------
@pytest.mark.parametrize(
    "name, kind",
    [
        ("a.txt", "text"),
        ("A.TXT", "text"),
        ("x.jsonl", "jsonl"),
        ("x.ndjson", "jsonl"),
        ("x.jsonl.gz", "jsonl.gz"),
        ("x.json", "json"),
        ("p.htm", "html"),
        ("f.rss", "feed"),
        ("f.atom", "feed"),
        ("f.xml", "feed"),
        ("c.warc", "warc"),
        ("CC-NEWS-1.warc.gz", "warc"),
        ("x.gz", None),
        ("README", None),
    ],
)
def test_kind_of(name: str, kind: str | None) -> None:
    assert kind_of(name) == kind


@pytest.mark.parametrize(
    "head, kind",
    [
        (b'{"text": "x"}\n', "jsonl"),
        (b"\xef\xbb\xbf  {", "jsonl"),
        (b"<!DOCTYPE html><html>", "html"),
        (b"<?xml version='1.0'?><rss version='2.0'>", "feed"),
        (b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        (b"WARC/1.0\r\n", "warc"),
        (b"Plain words here", "text"),
    ],
)
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff(head) == kind


def test_sniff_looks_inside_gzip() -> None:
    import gzip

    assert sniff(warc(warc_pages(1))[:4096]) == "warc"
    assert sniff(gzip.compress(jsonl([{"text": "x"}]))) == "jsonl.gz"
    assert sniff(gzip.compress(b"just text")) == "gzip"
