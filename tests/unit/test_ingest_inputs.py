"""``read_inputs``: folders, the sidecar, stdin, URLs, failures that must not stop a walk."""

from __future__ import annotations

import http.server
import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from storyline.config import Config
from storyline.errors import InputError
from storyline.ingest import read_inputs
from storyline.models import Article, Quarantine, Rejection
from tests.ingest_samples import (
    ARTICLES,
    EMPTY_PAGE,
    MALFORMED_FEED,
    html_page,
    jsonl,
    rss,
    text_file,
    warc,
    warc_pages,
    write,
)

CONFIG = Config.load()


def _read(*paths: str | Path, **kw: object) -> list[Article | Rejection | Quarantine]:
    return list(read_inputs([str(p) for p in paths], config=CONFIG, **kw))  # type: ignore[arg-type]


def _sources(items: list[Article | Rejection | Quarantine]) -> list[str]:
    return [i.source for i in items]


def test_folder_is_walked_recursively_in_order_and_each_file_read_by_kind(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "b.txt", text_file("en"))
    write(root / "a" / "z.html", html_page(ARTICLES[1][1], [ARTICLES[1][2]] * 3, lang="de"))
    write(root / "a" / "y.jsonl", jsonl([{"text": ARTICLES[2][2]}, {"text": ARTICLES[3][2]}]))
    write(root / "c.rss", rss([{"title": "T", "link": "https://e.org/1", "date": "", "html": ARTICLES[5][2]}]))
    write(root / "d.warc.gz", warc(warc_pages(1)))
    write(root / ".hidden.txt", text_file("el"))
    write(root / ".git" / "HEAD.txt", text_file("el"))
    write(root / "noext", text_file("lv"))
    items = _read(root)
    assert all(isinstance(i, Article) for i in items), items
    got = [(Path(i.source).relative_to(root).as_posix(), i.fmt) for i in items]  # type: ignore[union-attr]
    assert got == [
        ("a/y.jsonl", "jsonl"),
        ("a/y.jsonl", "jsonl"),
        ("a/z.html", "html"),
        ("b.txt", "text"),
        ("c.rss", "feed"),
        ("d.warc.gz", "warc"),
        ("noext", "text"),
    ]
    # the source is the path as given, joined with the walk: stable across re-runs
    assert items[3].source == os.path.join(str(root), "b.txt")


def test_sidecar_fills_dates_and_language_and_is_not_read_as_an_input(tmp_path: Path) -> None:
    write(tmp_path / "de.txt", text_file("de"))
    write(tmp_path / "ru.txt", text_file("ru").encode("cp1251"))
    meta = write(
        tmp_path / "meta.jsonl",
        jsonl(
            [
                {"file": "de.txt", "published": "2023-09-15", "language": "de"},
                {"file": "ru.txt", "published": "2024-05", "language": "ru", "url": "https://example.org/ru"},
            ]
        ),
    )
    items = _read(tmp_path, meta=meta)
    assert [type(i).__name__ for i in items] == ["Article", "Article"]
    de, ru = items
    assert isinstance(de, Article) and isinstance(ru, Article)
    assert (de.published, de.published_source, de.language_hint) == ("2023-09-15", "meta", "de")
    assert (ru.published, ru.published_precision, ru.url, ru.encoding) == (
        "2024-05",
        "month",
        "https://example.org/ru",
        "cp1251",
    )


def test_missing_sidecar_fails_before_the_run(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="metadata"):
        read_inputs([str(tmp_path)], meta=tmp_path / "nope.jsonl", config=CONFIG)


def test_missing_path_is_a_rejection_and_the_rest_goes_on(tmp_path: Path) -> None:
    good = write(tmp_path / "ok.txt", text_file("pl"))
    items = _read(tmp_path / "nothing-here", good)
    assert isinstance(items[0], Rejection) and items[0].reason == "missing"
    assert isinstance(items[1], Article)


def test_stdin_is_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    data = jsonl([{"id": "a", "text": ARTICLES[0][2]}, "nope", {"id": "b", "text": ARTICLES[6][2]}])
    items = _read("-", stdin=io.BytesIO(data))
    assert [(type(i).__name__, i.source) for i in items] == [
        ("Article", "<stdin>"),
        ("Rejection", "<stdin>"),
        ("Article", "<stdin>"),
    ]
    assert items[1].input_key == "<stdin>#line2"  # type: ignore[union-attr]
    # and through sys.stdin, as the CLI reads it
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert [i.id for i in _read("-") if isinstance(i, Article)] == ["a", "b"]


def test_an_unexpected_failure_is_quarantined_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.ingest.text as text_module

    real = text_module.read_text

    def flaky(data: bytes, source: str, settings: object) -> Article:
        if source.endswith("b.txt"):
            raise ZeroDivisionError("a bug in a reader")
        return real(data, source, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(text_module, "read_text", flaky)
    for name, lang in (("a.txt", "en"), ("b.txt", "de"), ("c.txt", "fr")):
        write(tmp_path / name, text_file(lang))
    items = _read(tmp_path)
    assert [type(i).__name__ for i in items] == ["Article", "Quarantine", "Article"]
    q = items[1]
    assert isinstance(q, Quarantine)
    assert q.stage == "ingest" and "ZeroDivisionError" in q.error and "flaky" in q.traceback
    assert q.input_key == str(tmp_path / "b.txt")


def test_a_50_mb_file_is_too_large_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: costs no disk and no time
        fh.truncate(50 * 1024 * 1024)
    write(tmp_path / "small.txt", text_file("el"))
    started = time.perf_counter()
    items = _read(tmp_path)
    assert time.perf_counter() - started < 2
    assert isinstance(items[0], Rejection) and items[0].reason == "too-large"
    assert "52,428,800 bytes" in items[0].detail
    assert isinstance(items[1], Article)


def test_a_large_jsonl_file_is_streamed_with_the_limit_per_line(tmp_path: Path) -> None:
    config = Config.load(ingest={"max_bytes": 1000})
    rows = [{"text": f"{ARTICLES[0][2]} Number {i}."} for i in range(40)]  # ~5 kB in all
    path = write(tmp_path / "many.jsonl", jsonl(rows))
    assert path.stat().st_size > 1000
    items = list(read_inputs([str(path)], config=config))
    assert len(items) == 40 and all(isinstance(i, Article) for i in items)


def test_unknown_extension_gzip_that_is_no_archive_is_not_text(tmp_path: Path) -> None:
    import gzip

    write(tmp_path / "x.bin", gzip.compress(b"some words in a zip"))
    [item] = _read(tmp_path)
    assert isinstance(item, Rejection) and item.reason == "not-text"


# -- URLs (a local server; tests never use the network) ---------------------------------
class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def do_GET(self) -> None:
        status, ctype, body = self.routes.get(self.path, (404, "text/plain", b"not here"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    _, title, body = ARTICLES[5]
    _Handler.routes = {
        "/feed": (
            200,
            "application/rss+xml",
            rss([{"title": title, "link": "https://e.org/pl", "date": "", "html": body}]),
        ),
        "/page": (200, "text/html; charset=utf-8", html_page(title, [body] * 3, lang="pl").encode()),
        "/broken": (200, "application/xml", MALFORMED_FEED),
        "/empty": (200, "text/html", EMPTY_PAGE.encode()),
        "/huge": (200, "application/rss+xml", b"<rss>" + b" " * 5000 + b"</rss>"),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_urls_are_fetched_and_read(server: str) -> None:
    config = Config.load(ingest={"max_bytes": 4000, "timeout": 5.0})
    urls = [f"{server}/{p}" for p in ("feed", "page", "broken", "empty", "huge", "missing")]
    items = list(read_inputs(urls, config=config))
    summary = [(type(i).__name__, getattr(i, "reason", i.fmt if isinstance(i, Article) else "")) for i in items]
    assert summary == [
        ("Article", "feed"),
        ("Article", "html"),
        ("Rejection", "malformed"),
        ("Rejection", "no-text"),
        ("Rejection", "too-large"),
        ("Rejection", "fetch-failed"),
    ]
    feed, page = items[0], items[1]
    assert isinstance(feed, Article) and feed.source == urls[0] and feed.url == "https://e.org/pl"
    assert isinstance(page, Article) and page.url == urls[1] and page.title == ARTICLES[5][1]
    assert "HTTP 404" in items[5].detail  # type: ignore[union-attr]


def test_an_unreachable_url_is_a_rejection() -> None:
    config = Config.load(ingest={"timeout": 2.0})
    [item] = read_inputs(["http://127.0.0.1:9/feed"], config=config)
    assert isinstance(item, Rejection) and item.reason == "fetch-failed"


# -- speed ------------------------------------------------------------------------
def test_text_files_cost_well_under_a_millisecond_each(tmp_path: Path) -> None:
    langs = [a[0] for a in ARTICLES]
    for i in range(1000):
        write(tmp_path / f"{i:04d}.txt", text_file(langs[i % len(langs)]) + f"\nNumber {i}.\n")
    list(read_inputs([str(tmp_path / "0000.txt")], config=CONFIG))  # imports out of the timing
    started = time.perf_counter()
    items = list(read_inputs([str(tmp_path)], config=CONFIG))
    per_file = (time.perf_counter() - started) / 1000
    assert len(items) == 1000 and all(isinstance(i, Article) for i in items)
    assert per_file < 0.001, f"{per_file * 1000:.2f} ms per file"


def test_reading_text_files_imports_no_heavy_library(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", text_file("en"))
    code = (
        "import sys; from storyline.ingest import read_inputs; "
        f"items = list(read_inputs([{str(tmp_path)!r}])); assert len(items) == 1; "
        "print(sorted(m for m in ('trafilatura', 'feedparser', 'warcio', 'charset_normalizer', 'httpx') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_json_files_hold_one_article_a_list_or_lines(tmp_path: Path) -> None:
    import json

    one = {"id": "one", "title": ARTICLES[1][1], "text": ARTICLES[1][2]}
    write(tmp_path / "a.json", json.dumps(one, indent=2, ensure_ascii=False))
    write(tmp_path / "b.json", json.dumps([{"id": "l1", "text": ARTICLES[2][2]}, {"title": "nothing"}]))
    write(tmp_path / "c.json", jsonl([{"id": "c1", "text": ARTICLES[3][2]}, {"id": "c2", "text": ARTICLES[4][2]}]))
    items = _read(tmp_path)
    got = [(type(i).__name__, i.id if isinstance(i, Article) else i.input_key) for i in items]
    assert got == [
        ("Article", "one"),
        ("Article", "l1"),
        ("Rejection", f"{tmp_path / 'b.json'}#item2"),
        ("Article", "c1"),
        ("Article", "c2"),
    ]


def test_a_cut_jsonl_gz_keeps_its_whole_lines_and_says_truncated(tmp_path: Path) -> None:
    import gzip

    rows = [{"id": f"r{i}", "text": f"{ARTICLES[i % 9][2]} ({i})"} for i in range(200)]
    data = gzip.compress(jsonl(rows))
    write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    items = _read(tmp_path)
    *articles, last = items
    assert articles and all(isinstance(a, Article) for a in articles)
    assert [a.id for a in articles] == [f"r{i}" for i in range(len(articles))]  # type: ignore[union-attr]
    assert isinstance(last, Rejection) and last.reason == "truncated"
    assert last.input_key == str(tmp_path / "cut.jsonl.gz")
