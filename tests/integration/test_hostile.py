"""Articles and requests are hostile input: markup stays text, odd URLs are not links,
queries cannot break the search, sizes are capped, errors say nothing about the code."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.config import Config
from storyline.models import Article
from storyline.store.sqlite import SQLiteStore
from storyline.web import create_app
from tests.webdata import HOSTILE_TEXT, HOSTILE_TITLE, build

LINKISH = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*(javascript|data|vbscript):""", re.I)
FORMULA_TITLE = '=HYPERLINK("http://evil.example","click") and more'


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build(tmp_path_factory.mktemp("hostile") / "web.db")
    with SQLiteStore(path) as store:
        store.write(
            [
                Article(
                    id="formula",
                    content_hash="formula-hash",
                    source="tests/formula.txt",
                    raw=FORMULA_TITLE,
                    title=FORMULA_TITLE,
                    text="A spreadsheet would run this title as a formula.",
                    url="data:text/html,<script>alert(1)</script>",
                    published="2024-02-02",
                    language="en",
                ),
                Article(
                    id="<script>alert('id')</script>",
                    content_hash="odd-id-hash",
                    source="tests/odd.txt",
                    raw="x",
                    title="An article whose id is markup",
                    text="Nothing else here to see at all.",
                    url="  JavaScript:alert(1)",
                    published="2024-02-03",
                    language="en",
                ),
            ]
        )
    return path


def _client(db: Path, **web: object) -> TestClient:
    cfg = Config.load(web={"allowed_hosts": ["testserver"], **web})
    return TestClient(create_app(db, cfg), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with _client(db, max_request_bytes=2000) as c:
        yield c


# -- markup stays text --------------------------------------------------------------------

PAGES = [
    "/articles/hostile",
    "/events/ev-hostile",
    "/search?q=readers",
    "/search?q=Lukashenko",
    "/entities/ent:lukashenko",
    "/",
    "/articles/formula",
]


@pytest.mark.parametrize("path", PAGES)
def test_markup_in_articles_is_escaped(client: TestClient, path: str) -> None:
    html = client.get(path).text
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<b>news</b>", "<i>nowhere</i>", "</textarea>"):
        assert raw not in html, f"{raw!r} reached {path} unescaped"
    assert not LINKISH.search(html), LINKISH.search(html)
    # the only scripts are our own file
    assert html.count("<script") == 1 and '<script src="/static/app.js" defer></script>' in html


def test_escaped_text_is_still_shown(client: TestClient) -> None:
    html = client.get("/articles/hostile").text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Breaking &lt;b&gt;news&lt;/b&gt;" in html
    assert "javascript:alert(2)" in html  # as text in the body, never as a link
    assert HOSTILE_TEXT.split(";")[0].replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") in html


def test_only_http_urls_become_links(client: TestClient) -> None:
    assert 'href="https://example.lv/zinas/1"' in client.get("/events/ev-sochi").text
    for aid in ("hostile", "formula"):
        body = client.get(f"/api/articles/{aid}").json()
        assert body["url"] is None
    html = client.get("/articles/formula").text
    assert 'rel="noopener' not in html


def test_markup_in_ids_and_paths(client: TestClient) -> None:
    r = client.get("/articles/%3Cscript%3Ealert('id')%3C%2Fscript%3E")
    assert r.status_code == 200 and "<script>alert('id')" not in r.text
    r = client.get("/entities/%3Cimg%20src%3Dx%3E")
    assert r.status_code == 404 and "<img src=x>" not in r.text


def test_json_keeps_text_as_it_was(client: TestClient) -> None:
    body = client.get("/api/articles/hostile").json()
    assert body["title"] == HOSTILE_TITLE and body["text"] == HOSTILE_TEXT
    assert client.get("/api/articles/hostile").headers["content-type"].startswith("application/json")


def test_csv_cells_cannot_be_formulas(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/api/articles", params={"format": "csv"}).text)))
    titles = [r["title"] for r in rows]
    assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles


def test_headers_lock_the_page_down(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


# -- queries -------------------------------------------------------------------------------

NASTY = [
    '"',
    '""',
    "*",
    "***",
    "a*b",
    "NEAR(",
    "NEAR(a b, 2)",
    "AND",
    "OR OR",
    "NOT x",
    "title:x",
    "{title}: x",
    "^start",
    "-minus",
    "(((",
    ")",
    "'; DROP TABLE articles; --",
    "\\",
    "%",
    "_",
    "\x00",
    "\u202e",
    "🙂",
    "<script>alert(1)</script>",
    "a" * 500,
]


@pytest.mark.parametrize("q", NASTY)
def test_any_query_is_answered(client: TestClient, q: str) -> None:
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200, r.text
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text


@given(st.text(max_size=80))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_queries_never_fail(client: TestClient, q: str) -> None:
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200, (q, r.text)


def test_store_survives(client: TestClient) -> None:
    client.get("/api/search", params={"q": "'; DROP TABLE articles; --"})
    assert client.get("/api/stats").json()["articles"] == 9


# -- sizes and limits ----------------------------------------------------------------------


def test_page_size_is_capped(client: TestClient) -> None:
    body = client.get("/api/articles", params={"limit": 10**9}).json()
    assert body["limit"] == 200 and len(body["results"]) == 9
    for bad in ({"limit": 0}, {"limit": -1}, {"offset": -5}, {"offset": 10**9}, {"limit": "many"}):
        r = client.get("/api/articles", params=bad)
        assert r.status_code == 422, bad
        assert "Traceback" not in r.text


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/search", {"q": "x" * 501}),
        ("/api/search", {"since": "yesterday"}),
        ("/api/events", {"until": "2024-13-45-x"}),
        ("/api/articles", {"lang": "<script>"}),
        ("/api/search", {"format": "xml"}),
        ("/api/entities", {"type": "ALIEN"}),
    ],
)
def test_bad_parameters_are_refused_plainly(client: TestClient, path: str, params: dict[str, str]) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 422
    assert r.json()["error"] == "invalid request"
    assert "<script>" not in r.text or r.headers["content-type"].startswith("application/json")


def test_bad_parameters_on_pages_get_an_html_page(client: TestClient) -> None:
    r = client.get("/", params={"since": "<script>"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "<script>" not in r.text.replace('<script src="/static/app.js" defer></script>', "")
    r = client.get("/search", params={"since": "<b>x</b>", "lang": "<i>"})
    assert r.status_code == 200 and "<b>x</b>" not in r.text and "date must be" in r.text


def test_large_bodies_are_refused(client: TestClient) -> None:
    r = client.post("/api/ingest", content=b"x" * 5000)
    assert r.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 500

    r = client.post("/api/ingest", content=chunks())  # no Content-Length: counted while read
    assert r.status_code in (403, 413)


def test_unknown_hosts_are_refused(client: TestClient) -> None:
    r = client.get("/api/stats", headers={"host": "attacker.example"})
    assert r.status_code == 400


# -- writing needs a token -----------------------------------------------------------------


def test_ingest_is_off_without_a_token(client: TestClient) -> None:
    r = client.post("/api/ingest", content=b'{"title": "t", "text": "some words here"}\n')
    assert r.status_code == 403 and "ingest_token" in r.json()["error"]


def test_ingest_wants_the_right_token(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    with _client(copy, ingest_token="s3cret-token-for-tests") as c:
        line = b'{"title": "Posted", "text": "Ein neuer Artikel ueber Sotschi und das Treffen der beiden."}\n'
        assert c.post("/api/ingest", content=line).status_code == 401
        assert c.post("/api/ingest", content=line, headers={"Authorization": "Bearer wrong"}).status_code == 401
        r = c.post("/api/ingest", content=line, headers={"Authorization": "Bearer s3cret-token-for-tests"})
        assert r.status_code == 200, r.text
        summary = r.json()
        assert summary["seen"] == 1 == summary["stored"] + summary["rejected"] + summary["quarantined"]
        # the app itself stays read-only: its connections cannot write
        store = c.app.state.stores.get()  # type: ignore[attr-defined]
        assert store.readonly


# -- errors ---------------------------------------------------------------------------------


def test_errors_show_no_traceback(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret internals /home/user/db password=hunter2")

    monkeypatch.setattr(SQLiteStore, "events", boom)
    with _client(db) as c:
        api = c.get("/api/events")
        assert api.status_code == 500 and api.json() == {"error": "internal error"}
        page = c.get("/")
        assert page.status_code == 500
        for leak in ("Traceback", "hunter2", "RuntimeError", "storyline/"):
            assert leak not in page.text and leak not in api.text
