"""Metadata that comes with an input: the sidecar file, and dates in the forms feeds,
crawlers and JSONL exports write them.

The sidecar (``--meta FILE``) is JSONL, one object a line:
``{"file", "published"?, "language"?, "url"?, "source"?}``, matched to an input by its
file name (or by a longer path suffix when two files share a name). It is what a feed or
crawler knew about the file; the language is a hint, not the truth.

Dates are only normalised here, never searched for in the body text: the dates stage
does that, with the article's language at hand.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

from storyline.errors import InputError
from storyline.ingest.base import language_hint, text_or_none
from storyline.models import Article

log = logging.getLogger(__name__)

Precision = Literal["day", "month", "year"]

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}.*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?\d{2}:?\d{2}.*)?$")
_YEARS = range(1800, 2200)


@dataclass(frozen=True, slots=True)
class PublishedDate:
    value: str  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    precision: Precision


def _valid(year: int, month: int | None, day: int | None) -> PublishedDate | None:
    if year not in _YEARS:
        return None
    if month is None:
        return PublishedDate(f"{year:04d}", "year")
    if not 1 <= month <= 12:
        return None
    if day is None:
        return PublishedDate(f"{year:04d}-{month:02d}", "month")
    try:
        return PublishedDate(dt.date(year, month, day).isoformat(), "day")
    except ValueError:
        return None


def normalise_date(value: object) -> PublishedDate | None:
    """A metadata date as ISO with its precision; ``None`` when it is not a date.

    Accepts ISO 8601 (date, month, year, date-time with zone: the local calendar day is
    kept, not converted to UTC), ``YYYYMMDD``, RFC 2822 (RSS ``pubDate``), Unix
    timestamps, and, as a last resort, what dateparser reads.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if 0 < value < 1e11:  # seconds since 1970 (up to year 5138)
            stamp = dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
            return _valid(stamp.year, stamp.month, stamp.day)
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    m = _ISO.match(text) or _COMPACT.match(text)
    if m:
        parts = [int(g) if g else None for g in m.groups()]
        return _valid(int(m.group(1)), parts[1], parts[2])
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return _valid(parsed.year, parsed.month, parsed.day)
    return _dateparser(text)


def _dateparser(text: str) -> PublishedDate | None:
    """The slow general fallback, imported only when a date is in an unusual form."""
    from dateparser.date import DateDataParser

    try:
        data = DateDataParser(settings={"PREFER_DAY_OF_MONTH": "first"}).get_date_data(text)
    except (ValueError, OverflowError) as exc:
        log.debug("dateparser failed on %r: %s", text, exc)
        return None
    if data.date_obj is None:
        return None
    d = data.date_obj
    period = data.period or "day"
    if period == "year":
        return _valid(d.year, None, None)
    if period == "month":
        return _valid(d.year, d.month, None)
    return _valid(d.year, d.month, d.day)


def with_published(article: Article, value: object, source: str, *, override: bool = True) -> Article:
    """``article`` with ``value`` as its publication date, when it is one."""
    if article.published is not None and not override:
        return article
    date = normalise_date(value)
    if date is None:
        if value not in (None, ""):
            log.warning("%s: %r is not a date I can read; published left empty", article.source, value)
        return article
    return replace(article, published=date.value, published_precision=date.precision, published_source=source)


@dataclass(frozen=True, slots=True)
class MetaRecord:
    file: str
    published: object = None
    language: str | None = None
    url: str | None = None
    source: str | None = None
    id: str | None = None


class Sidecar:
    """The ``--meta`` file, indexed by file name."""

    def __init__(self, records: list[MetaRecord], path: str = "") -> None:
        self.path = path
        self._by_name: dict[str, list[MetaRecord]] = {}
        for record in records:
            self._by_name.setdefault(Path(record.file).name, []).append(record)

    @classmethod
    def load(cls, path: str | Path) -> Sidecar:
        """Read the sidecar; a missing file is an error (the user named it), a bad line is logged."""
        path = Path(path)
        try:
            lines = path.read_text("utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read metadata file {path}: {exc}") from exc
        records: list[MetaRecord] = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                log.warning("%s line %d is not JSON (%s); ignored", path, n, exc)
                continue
            file = obj.get("file") if isinstance(obj, dict) else None
            if not isinstance(file, str) or not file:
                log.warning('%s line %d has no "file"; ignored', path, n)
                continue
            records.append(
                MetaRecord(
                    file=file.replace("\\", "/"),
                    published=obj.get("published"),
                    language=language_hint(obj.get("language")),
                    url=text_or_none(obj.get("url")),
                    source=text_or_none(obj.get("source")),
                    id=text_or_none(obj.get("id")),
                )
            )
        log.info("read %d metadata records from %s", len(records), path)
        return cls(records, str(path))

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_name.values())

    def find(self, path: str) -> MetaRecord | None:
        """The record for the file at ``path``: the longest ``file`` that ends its path."""
        posix = Path(path).as_posix()
        candidates = self._by_name.get(Path(path).name)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        fitting = [r for r in candidates if posix == r.file or posix.endswith("/" + r.file.lstrip("./"))]
        return max(fitting, key=lambda r: len(r.file)) if fitting else None

    def apply(self, article: Article, path: str, *, override: bool) -> Article:
        """Fill ``article`` from the record for ``path``.

        ``override``: the sidecar wins over what the file itself says (a single-article
        file); otherwise it only fills gaps (each line of a JSONL file knows itself best).
        """
        record = self.find(path)
        if record is None:
            return article
        changes: dict[str, Any] = {}
        if record.url and (override or not article.url):
            changes["url"] = record.url
        if record.language and (override or not article.language_hint):
            changes["language_hint"] = record.language
        if record.source and (override or not article.outlet):
            changes["outlet"] = record.source
        if record.id and override and article.id == article.content_hash:
            changes["id"] = record.id
        if changes:
            article = replace(article, **changes)
        return with_published(article, record.published, "meta", override=override)
