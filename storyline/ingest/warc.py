"""WARC and WARC.GZ archives (warcio), such as Common Crawl's CC-NEWS.

Each ``response`` record is one input (key ``FILE#offsetN``): HTML pages become
articles (URL from ``WARC-Target-URI``; ``WARC-Date`` as the publication date when the
page has none), other content types and HTTP errors are rejected with their reason.
``request``, ``warcinfo`` and ``metadata`` records describe a capture and are not inputs.

A truncated archive keeps every record read before the damage and ends with one
``truncated`` rejection for the rest: warcio stops quietly at a cut, so the reader
checks that each record's payload was read to its declared length and that the last
record ends where the file ends.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from storyline.errors import RejectedInput
from storyline.ingest.base import IngestSettings, Item, guard, rejection
from storyline.ingest.meta import with_published

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def read_warc(stream: BinaryIO, source: str, settings: IngestSettings) -> Iterator[Item]:
    """Every response record of an archive as an article or a rejection."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        size: int | None = os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        size = None
    records = ArchiveIterator(stream)
    try:
        for record in records:
            if record.rec_type != "response":
                continue
            body, cut = _payload(record, settings.max_bytes)
            offset = records.get_record_offset()  # reads to the record's end: only after the payload
            key = f"{source}#offset{offset}"
            if cut:
                yield rejection(
                    source, key, RejectedInput("truncated", f"the record at byte {offset} is cut off: {cut}")
                )
                return
            yield from guard(source, key, _response, record, body, source, settings)
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError) as exc:
        reason = "truncated" if isinstance(exc, EOFError) else "malformed"
        yield rejection(
            source,
            f"{source}#offset{records.offset}",
            RejectedInput(reason, f"archive unreadable after byte {records.offset}: {type(exc).__name__}: {exc}"),
        )
        return
    end = records.offset
    if size is not None and end < size:
        yield rejection(
            source,
            f"{source}#offset{end}",
            RejectedInput("truncated", f"the archive is cut off: bytes {end:,} to {size:,} are not a whole record"),
        )


def _payload(record: Any, limit: int) -> tuple[bytes | None, str]:
    """The record's payload (``None`` when over ``limit``), and why it is cut short, if it is."""
    stream = record.content_stream()
    body = stream.read(limit + 1)
    if len(body) > limit:
        while stream.read(1 << 20):  # skip the rest so the next record can be read
            pass
        return None, ""
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return body, f"{missing:,} bytes of its declared length are missing"
    return body, ""


def _response(record: Any, body: bytes | None, source: str, settings: IngestSettings) -> Iterator[Item]:
    from storyline.ingest.decode import decode
    from storyline.ingest.html import extract, page_article

    url = record.rec_headers.get_header("WARC-Target-URI")
    http = record.http_headers
    status = http.get_statuscode() if http is not None else None
    if status is not None and not str(status).startswith("2"):
        raise RejectedInput("http-status", f"{url}: HTTP {status}")
    content_type = (http.get_header("Content-Type") if http is not None else None) or ""
    if content_type and not content_type.lower().startswith(_HTML_TYPES):
        raise RejectedInput("not-html", f"{url}: {content_type.split(';')[0]}")
    if body is None:
        raise RejectedInput("too-large", f"{url}: payload over {settings.max_bytes:,} bytes")
    decoded = decode(body, _charset(content_type))
    page = extract(decoded.text, url)
    article = page_article(page, source, settings, fmt="warc", encoding=decoded.encoding, url=url)
    if article.published is None:
        article = with_published(article, record.rec_headers.get_header("WARC-Date"), "warc")
    yield article
