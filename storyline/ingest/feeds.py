"""RSS and Atom feeds (feedparser): one article per entry.

An entry's text is its full content when the feed carries it, else its summary, both
HTML fragments turned into plain text (paragraphs kept as lines). Entry links are not
followed. A feed feedparser cannot read and that yields no entry is ``malformed``; a
feed with a recoverable flaw keeps the entries it has (each entry key ``FEED#entryN``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from storyline.errors import RejectedInput
from storyline.ingest.base import (
    IngestSettings,
    Item,
    check_text,
    guard,
    language_hint,
    make_article,
    newlines,
    text_or_none,
)
from storyline.ingest.meta import with_published

log = logging.getLogger(__name__)

_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "tr", "table", "section", "article", "figure", "figcaption", "hr",
}  # fmt: skip
_DROP = {"script", "style", "noscript", "template"}
_HTMLISH = re.compile(r"<[A-Za-z!/][^>]*>")
_SPACES = re.compile(r"[ \t\u00a0]+")


def fragment_text(html: str) -> str:
    """Plain text of an HTML fragment, one line per block element."""
    if not _HTMLISH.search(html):
        return newlines(html).strip()
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _DROP:
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in _BLOCKS
        if block:
            parts.append("\n")
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = newlines("".join(parts))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _entry_date(entry: Any) -> tuple[object, str]:
    """The entry's own date string (local day kept), else feedparser's UTC tuple."""
    # dict.get: feedparser's own get() maps "published" to "updated" with a warning
    for key in ("published", "updated", "created"):
        if dict.get(entry, key):
            return dict.get(entry, key), key
    for key in ("published_parsed", "updated_parsed"):
        parsed = dict.get(entry, key)
        if parsed:
            return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}", key
    return None, ""


def _entry_text(entry: Any) -> tuple[str, str | None]:
    """Text of the richest content the entry carries, and that content's language."""
    for content in entry.get("content") or ():
        value = content.get("value") or ""
        if value.strip():
            text = fragment_text(value) if "html" in (content.get("type") or "html") else value
            if text.strip():
                return text, content.get("language")
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    if "html" in (detail.get("type") or "html"):
        return fragment_text(summary), detail.get("language")
    return newlines(summary).strip(), detail.get("language")


def read_feed(data: bytes, source: str, settings: IngestSettings) -> Iterator[Item]:
    """Every entry of a feed as an article or a rejection."""
    import feedparser

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            raise RejectedInput("malformed", f"not a readable feed: {parsed.get('bozo_exception')}")
        raise RejectedInput("empty", "the feed has no entries")
    if parsed.get("bozo"):
        log.warning(
            "%s: feed has a flaw (%s); keeping its %d entries", source, parsed.get("bozo_exception"), len(entries)
        )
    feed = parsed.get("feed") or {}
    feed_language = language_hint(feed.get("language"))
    outlet = text_or_none(feed.get("title"))
    encoding = parsed.get("encoding")
    for n, entry in enumerate(entries, 1):
        yield from guard(
            source,
            f"{source}#entry{n}",
            _entry,
            entry,
            n,
            source,
            settings,
            feed_language,
            outlet,
            encoding,
        )


def _entry(
    entry: Any,
    n: int,
    source: str,
    settings: IngestSettings,
    feed_language: str | None,
    outlet: str | None,
    encoding: str | None,
) -> Iterator[Item]:
    title = fragment_text(entry.get("title") or "").replace("\n", " ")
    text, language = _entry_text(entry)
    link = text_or_none(entry.get("link"))
    what = f"entry {n}" + (f" ({link})" if link else "")
    check_text(text, settings, what=f"{what} text")
    article = make_article(
        source,
        text,
        fmt="feed",
        title=title,
        encoding=encoding,
        url=link,
        author=text_or_none(entry.get("author")),
        language=language_hint(language) or feed_language,
        outlet=outlet,
    )
    value, _ = _entry_date(entry)
    yield with_published(article, value, "feed") if value else article
