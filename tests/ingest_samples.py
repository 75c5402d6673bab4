"""Tiny hand-written inputs for the ingest tests (sentences written for these tests).

Builders return bytes so each test decides where they go (a file, stdin, a server).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Sequence
from pathlib import Path

# One short "article" per language and script: (language, title, body).
ARTICLES: list[tuple[str, str, str]] = [
    (
        "en",
        "Council votes to rebuild the old bridge",
        "The town council voted on Tuesday to rebuild the old stone bridge over the river. Work starts in autumn.",
    ),
    (
        "de",
        "Stadtrat beschließt neue Brücke",
        "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss zu erneuern. Anwohner begrüßen das.",
    ),
    (
        "fr",
        "Le conseil vote la rénovation du pont",
        "Le conseil municipal a décidé mardi de rénover le vieux pont. "
        "Les travaux commenceront à l'automne, a précisé le maire.",
    ),
    (
        "ru",
        "Совет решил отремонтировать мост",
        "Городской совет во вторник решил отремонтировать старый мост через реку. Работы начнутся осенью.",
    ),
    (
        "el",
        "Το συμβούλιο αποφάσισε νέα γέφυρα",
        "Το δημοτικό συμβούλιο αποφάσισε την Τρίτη να ανακαινίσει την παλιά γέφυρα πάνω από τον ποταμό.",
    ),
    (
        "pl",
        "Rada miasta wyremontuje most",
        "Rada miasta zdecydowała we wtorek o remoncie starego mostu nad rzeką. "
        "Prace ruszą jesienią, powiedział burmistrz.",
    ),
    (
        "lv",
        "Dome atjaunos veco tiltu",
        "Rīgas dome otrdien nolēma atjaunot veco tiltu pār upi. Darbi sāksies rudenī, sacīja mērs.",
    ),
    ("zh", "市议会决定翻修旧桥", "市议会周二决定翻修河上的旧桥。工程将于秋季开始，市长说。居民对此表示欢迎。"),
    (
        "ar",
        "المجلس يقرر ترميم الجسر القديم",
        "قرر المجلس البلدي يوم الثلاثاء ترميم الجسر الحجري القديم فوق النهر، وتبدأ الأعمال في الخريف.",
    ),
]


def text_file(lang: str) -> str:
    """A text file as scrapers write them: title line, blank line, body."""
    for code, title, body in ARTICLES:
        if code == lang:
            return f"{title}\n\n{body}\n"
    raise KeyError(lang)


def html_page(
    title: str, paragraphs: list[str], *, lang: str = "en", date: str | None = None, author: str | None = None
) -> str:
    meta = ""
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    if author:
        meta += f'<meta name="author" content="{author}">'
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title} | The Daily Example</title>{meta}</head>"
        f"<body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Contact us</footer></body></html>"
    )


EMPTY_PAGE = (
    "<!DOCTYPE html><html><head><title>Gallery</title></head>"
    "<body><div class='gallery'><img src='a.jpg'><img src='b.jpg'></div></body></html>"
)


def rss(items: list[dict[str, str]], *, language: str = "pl") -> bytes:
    parts = []
    for item in items:
        parts.append(
            "<item>"
            f"<title>{item['title']}</title><link>{item['link']}</link>"
            f"<pubDate>{item['date']}</pubDate>"
            f"<description><![CDATA[{item['html']}]]></description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Example Wire</title><link>https://example.org/</link><language>{language}</language>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def atom(entries: list[dict[str, str]]) -> bytes:
    parts = []
    for e in entries:
        parts.append(
            "<entry>"
            f'<title>{e["title"]}</title><link href="{e["link"]}"/><id>{e["link"]}</id>'
            f"<updated>{e['date']}</updated>"
            f'<content type="html">{e["html"]}</content>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="el">'
        "<title>Παράδειγμα</title><id>urn:example</id><updated>2024-01-01T00:00:00Z</updated>"
        + "".join(parts)
        + "</feed>"
    ).encode()


MALFORMED_FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><link>https://exa'


def warc(
    pages: list[tuple[str, bytes, str]], *, gz: bool = True, extra: tuple[tuple[str, bytes, str, str], ...] = ()
) -> bytes:
    """A WARC with a request + response record per page ``(url, body, content_type)``.

    ``extra`` adds responses with a status: ``(url, body, content_type, status)``.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    info = writer.create_warcinfo_record("test.warc", {"software": "storyline tests"})
    writer.write_record(info)
    rows = [(u, b, c, "200 OK") for u, b, c in pages] + list(extra)
    for i, (url, body, ctype, status) in enumerate(rows):
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example.org")], is_http_request=True),
        )
        writer.write_record(request)
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": f"2024-02-{i + 1:02d}T08:00:00Z"},
        )
        writer.write_record(record)
    return buf.getvalue()


def warc_pages(n: int = 3, start: int = 0) -> list[tuple[str, bytes, str]]:
    pages = []
    for i, (lang, title, body) in enumerate(ARTICLES[start : start + n], start):
        html = html_page(title, [body, body], lang=lang)
        pages.append((f"https://example.org/{lang}/{i}", html.encode("utf-8"), "text/html; charset=utf-8"))
    return pages


def jsonl(rows: Sequence[object]) -> bytes:
    """JSON lines as UTF-8; a row that is a string is written as it is (a broken line)."""
    out = []
    for row in rows:
        line = row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)
        if any("\ud800" <= ch <= "\udfff" for ch in line):
            line = json.dumps(row)  # lone surrogates only survive as JSON escapes
        out.append(line + "\n")
    return "".join(out).encode()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)
