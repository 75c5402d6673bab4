"""When was an article published: check the date ingest gave, else find one.

Order of trust: metadata (feed, HTML meta, WARC header, sidecar — filled by ingest),
then the text ("date 2023-09", "Published: 15.09.2023", a dateline at the very top),
then the URL ("/2023/09/15/"). A date in the future (beyond a small clock-skew
allowance) or before ``min_year`` is not used: the reason is recorded in
``published_source`` as ``rejected:future`` / ``rejected:absurd`` (``rejected:placeholder``
for 1970-01-01 and the like, which systems write when they have no date) and the next
source is tried; when one is found the source reads e.g. ``url;rejected:future``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year"]

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
#: Words that label a page's own date line ("Published: 12.03.2023"), in many languages,
#: as a regular-expression alternation. Shared with :mod:`storyline.clean`, which takes
#: such lines out of the body.
DATE_LABELS = (
    r"date|dated|published|posted|updated|datum|fecha|publicado|publié(?:e)?|pubblicato|data"
    r"|veröffentlicht|aktualisiert|opublikowano|publikováno|publikované|objavljeno|datums|publicēts"
    r"|дата|опубликовано|опубліковано|публикувано|обновлено|ημερομηνία|δημοσίευση|δημοσιεύθηκε"
    r"|tarih|yayınlanma"
)
#: A label that introduces a publication date, then a date in one of the usual shapes
#: ("le" as in "le 15/09/2011" only here: a line starting with it is not furniture).
_LABELLED = re.compile(
    rf"(?i)\b(?:{DATE_LABELS}|le)"
    r"\s*[:\-–]?\s*"
    r"(?P<date>\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}[./]\d{1,2}[./]\d{4})(?!\d)"
)
_URL_DATE = (
    re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})(?:[/-](\d{1,2}))?(?=[/-]|$|\.)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"),
)


@dataclass(frozen=True, slots=True)
class Published:
    """A publication date with where it came from and how precise it is."""

    value: str | None
    source: str | None
    precision: Precision | None


def parse_iso(value: str) -> tuple[dt.date, Precision] | None:
    """``2023-09-15``, ``2023-09-15T10:00:00Z``, ``2023-09`` or ``2023`` → (date, precision).

    A month or year stands for its first day; the precision says how much is known.
    """
    match = _ISO.match(value)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day is not None:
            return dt.date(int(year), int(month), int(day)), "day"
        if month is not None:
            return dt.date(int(year), int(month), 1), "month"
        return dt.date(int(year), 1, 1), "year"
    except ValueError:
        return None


def _format(date: dt.date, precision: Precision) -> str:
    if precision == "day":
        return date.isoformat()
    if precision == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return f"{date.year:04d}"


#: what systems write when they have no date: Unix time 0 and the zero date of
#: spreadsheets and databases (1899-12-30, the other one, is already before ``min_year``).
#: No news is dated so; taken as a date, such an article would sit decades from its story.
PLACEHOLDER_DATES = frozenset({dt.date(1970, 1, 1), dt.date(1900, 1, 1)})


def check(date: dt.date, today: dt.date, *, max_future_days: int, min_year: int) -> str | None:
    """Why ``date`` cannot be a publication date, or None when it can."""
    if date > today + dt.timedelta(days=max_future_days):
        return "future"
    if date in PLACEHOLDER_DATES:
        return "placeholder"
    if date.year < min_year:
        return "absurd"
    return None


def from_text(head: str) -> tuple[dt.date, Precision] | None:
    """A labelled date near the top of the text ("date 2023-09", "Datum: 15.09.2023")."""
    match = _LABELLED.search(head)
    if not match:
        return None
    raw = match.group("date")
    if "-" in raw:
        return parse_iso(raw)
    day, month, year = re.split(r"[./]", raw)
    try:
        return dt.date(int(year), int(month), int(day)), "day"
    except ValueError:
        return None


def from_url(url: str) -> tuple[dt.date, Precision] | None:
    """``/2023/09/15/``, ``/2023-09-15-``, ``/20230915`` or ``/2023/09/`` in a URL path."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for pattern in _URL_DATE:
        for match in pattern.finditer(path):
            year, month, day = match.groups()
            try:
                if day:
                    return dt.date(int(year), int(month), int(day)), "day"
                if 1 <= int(month) <= 12:
                    return dt.date(int(year), int(month), 1), "month"
            except ValueError:
                continue
    return None


def resolve_published(
    given: str | None,
    given_source: str | None,
    head: str,
    url: str | None,
    today: dt.date,
    *,
    max_future_days: int,
    min_year: int,
    dateline: tuple[dt.date, Precision] | None = None,
) -> Published:
    """The best publication date from the sources in order of trust.

    ``dateline`` is an absolute date the caller found at the very top of the text
    (by the mention extractor); it is tried after a labelled date and before the URL.
    """
    rejected: list[str] = []
    # looked at lazily, in order: a valid metadata date (the common case) spares the text search
    candidates: list[tuple[str, Callable[[], tuple[dt.date, Precision] | None]]] = []
    if given:
        parsed = parse_iso(given)
        if parsed is None:
            rejected.append("rejected:unparsable")
        candidates.append((given_source or "meta", lambda: parsed))
    candidates.append(("text", lambda: from_text(head)))
    candidates.append(("text", lambda: dateline))
    if url:
        candidates.append(("url", lambda: from_url(url)))
    for source, find in candidates:
        found = find()
        if found is None:
            continue
        date, precision = found
        reason = check(date, today, max_future_days=max_future_days, min_year=min_year)
        if reason is not None:
            rejected.append(f"rejected:{reason}")
            continue
        if rejected:
            source = f"{source};{rejected[0]}"  # e.g. "url;rejected:future": the fall-back and why
        return Published(_format(date, precision), source, precision)
    return Published(None, rejected[0] if rejected else None, None)
