"""JSONL: one article a line, ``{"id"?, "url"?, "title"?, "text" | "html", "published"?,
"language"?, "source"?}``.

Each line is its own input (key ``FILE#lineN``): a line that is not JSON is rejected as
``malformed`` with its number, a line without text as ``empty``, and the other lines still
come through. The file is streamed, so a large export costs one line of memory; the size
limit applies to each line (one article), not to the file.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from storyline.errors import RejectedInput
from storyline.ingest.base import (
    IngestSettings,
    Item,
    check_text,
    guard,
    language_hint,
    make_article,
    newlines,
    rejection,
    text_or_none,
    without_surrogates,
)
from storyline.ingest.meta import with_published
from storyline.models import Article

log = logging.getLogger(__name__)


def lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """``(number, line, size)`` for each line; ``line`` is ``None`` when it is over ``limit``."""
    n = 0
    while True:
        chunk = stream.readline(limit + 1)
        if not chunk:
            return
        n += 1
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            size = len(chunk)
            while chunk and not chunk.endswith(b"\n"):  # skip the rest of the long line
                chunk = stream.readline(1 << 20)
                size += len(chunk)
            yield n, None, size
            continue
        yield n, chunk, len(chunk)


def _decode_line(line: bytes, n: int) -> str:
    if n == 1 and line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        # JSON is UTF-8 by definition, but exports from old tools are not always
        from storyline.ingest.decode import decode

        return decode(line).text


def parse_record(obj: object, source: str, settings: IngestSettings, where: str) -> Article:
    """An article from one parsed JSONL object; ``RejectedInput`` when it is none."""
    if not isinstance(obj, dict):
        raise RejectedInput("malformed", f"{where} is JSON {type(obj).__name__}, not an object")
    text, html = obj.get("text"), obj.get("html")
    for name, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise RejectedInput("malformed", f'{where}: "{name}" is {type(value).__name__}, not a string')
    title = text_or_none(obj.get("title")) or ""
    url = text_or_none(obj.get("url"))
    if isinstance(text, str) and text.strip():
        raw = newlines(without_surrogates(text))
        check_text(raw, settings, what=f'{where} "text"')
        article = make_article(source, raw, fmt="jsonl", title=title, encoding="utf-8", url=url)
    elif isinstance(html, str) and html.strip():
        from storyline.ingest.html import extract, page_article

        page = extract(without_surrogates(html), url)
        if title:
            page = replace(page, title=title)
        article = page_article(page, source, settings, fmt="jsonl", encoding="utf-8", url=url)
    else:
        raise RejectedInput("empty", f'{where} has no "text" or "html"')
    article = with_published(article, obj.get("published"), "jsonl")
    hint = language_hint(obj.get("language"))
    changes: dict[str, Any] = {}
    if hint:
        changes["language_hint"] = hint
    outlet = text_or_none(obj.get("source"))
    if outlet:
        changes["outlet"] = outlet
    given_id = text_or_none(obj.get("id"))
    if given_id:
        changes["id"] = given_id
    if changes:
        article = replace(article, **changes)
    return article


def read_jsonl(stream: BinaryIO, source: str, settings: IngestSettings) -> Iterator[Item]:
    """Every line of a JSONL stream as an article, a rejection or a quarantine."""
    for n, line, size in lines(stream, settings.max_bytes):
        key = f"{source}#line{n}"
        if line is None:
            detail = f"line {n} is {size:,} bytes (limit {settings.max_bytes:,})"
            yield rejection(source, key, RejectedInput("too-large", detail))
            continue
        if not line.strip():
            continue  # blank lines are not inputs
        yield from guard(source, key, _one, line, n, source, settings)


def _one(line: bytes, n: int, source: str, settings: IngestSettings) -> Iterator[Item]:
    text = _decode_line(line, n)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RejectedInput("malformed", f"line {n} is not JSON: {exc.msg} at column {exc.colno}") from None
    yield parse_record(obj, source, settings, f"line {n}")


def read_json(data: bytes, source: str, settings: IngestSettings) -> Iterator[Item]:
    """A ``.json`` file: one article object, a list of them (key ``FILE#itemN``), or JSONL
    under another name."""
    try:
        obj = json.loads(_decode_line(data, 1))
    except json.JSONDecodeError:
        yield from read_jsonl(io.BytesIO(data), source, settings)  # JSON lines, or reported line by line
        return
    if isinstance(obj, list):
        for n, record in enumerate(obj, 1):
            yield from guard(source, f"{source}#item{n}", _record, record, source, settings, f"item {n}")
        return
    yield parse_record(obj, source, settings, "the file")


def _record(obj: object, source: str, settings: IngestSettings, where: str) -> Iterator[Item]:
    yield parse_record(obj, source, settings, where)
