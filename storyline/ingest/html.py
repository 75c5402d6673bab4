"""HTML pages: main text, title, date and author through trafilatura.

trafilatura (and htmldate under it) costs a third of a second to import, so it is
imported only when the first page is met. Dates come only from the page's markup and
URL (``extensive_search`` off), never from its running text: that is the dates stage's
job.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from storyline.ingest.base import IngestSettings, check_text, language_hint, make_article, newlines, without_surrogates
from storyline.ingest.decode import decode
from storyline.ingest.meta import with_published
from storyline.models import Article

log = logging.getLogger(__name__)

_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)""", re.IGNORECASE)
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}


@dataclass(frozen=True, slots=True)
class Page:
    """What trafilatura found in a page."""

    text: str
    title: str = ""
    date: str | None = None
    author: str | None = None
    url: str | None = None
    language: str | None = None


def _field(doc: Any, name: str) -> str | None:
    value = getattr(doc, name, None)
    return without_surrogates(value.strip()) if isinstance(value, str) and value.strip() else None


def extract(html: str, url: str | None = None) -> Page:
    """Main text and metadata of a page; ``text`` is empty when the page has none."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if doc is None:
        return Page(text="")
    text = newlines(_field(doc, "text") or "")
    title = _field(doc, "title") or ""
    if title and text:
        # trafilatura keeps the page's <h1> as the first line; the title is kept apart
        first, _, rest = text.partition("\n")
        if " ".join(first.split()) == " ".join(title.split()):
            text = rest.lstrip("\n")
    return Page(
        text=text,
        title=title,
        date=_field(doc, "date"),
        author=_field(doc, "author"),
        url=_field(doc, "url"),
        language=language_hint(_field(doc, "language")) or _declared_language(html),
    )


def _declared_language(html: str) -> str | None:
    """The ``<html lang>`` attribute: what the page says it is written in (a hint)."""
    m = _LANG.search(html[:5000])
    return language_hint(m.group(1)) if m else None


def page_article(
    page: Page,
    source: str,
    settings: IngestSettings,
    *,
    fmt: str = "html",
    encoding: str | None = None,
    url: str | None = None,
) -> Article:
    """An article from an extracted page; ``RejectedInput("no-text")`` when it has no text."""
    check_text(page.text, settings, what="page text", reason="no-text")
    article = make_article(
        source,
        page.text,
        fmt=fmt,
        title=page.title,
        encoding=encoding,
        url=url or page.url,
        author=page.author,
        language=page.language,
    )
    return with_published(article, page.date, "html") if page.date else article


def read_html(data: bytes, source: str, settings: IngestSettings, *, declared: str | None = None) -> Article:
    """One article from the bytes of an HTML page."""
    decoded = decode(data, declared)
    page = extract(decoded.text)
    return page_article(page, source, settings, encoding=decoded.encoding)
