"""Dates: when each article was published, every date it mentions, and the day its
reported happening took place.

The stage :class:`DateResolver` (name ``"dates"``) runs after language detection:

* ``published`` — checked if ingest gave one, else taken from the text or the URL
  (:mod:`storyline.dates.publication`), with ``published_source`` and
  ``published_precision``; future or absurd dates are refused with a reason.
* ``dates`` — every date expression of the title and body, in each paragraph's own
  language, resolved against the publication date (:mod:`storyline.dates.extract`).
* ``event_date`` — the first day-precise mention in the title or lead that falls in a
  short window around publication ("am Freitag", "on Wednesday"), else the
  publication day; ``event_date_evidence`` says which.

Package layout: ``tables.py`` (hand-written grammar words per language),
``lexicon.py`` (CLDR + dateparser names merged with the tables, cached per
language), ``extract.py`` (candidates → normalise → resolve), ``publication.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from storyline.config import Config
from storyline.dates.extract import Extractor, Found, find_dates, iso_week
from storyline.dates.publication import Published, parse_iso, resolve_published
from storyline.models import Article, DateMention, Field, replace

log = logging.getLogger(__name__)

__all__ = [
    "DateResolver",
    "DateSettings",
    "Found",
    "absolute_dates",
    "find_dates",
    "iso_week",
    "mentions_of",
    "pick_event_date",
]


@dataclass(frozen=True, slots=True)
class DateSettings:
    """``[dates]`` in defaults.toml."""

    max_future_days: int = 2  # a publication date later than today + this is refused
    min_year: int = 1900  # ... and so is one before this year
    event_days_before: int = 7  # an event date may precede publication by this many days
    event_days_after: int = 1  # ... or follow it by this many
    event_lead_chars: int = 1500  # the event date is looked for in the title and this much text
    keep_vague: bool = False  # also store "now", "recently" (PRESENT_REF, PAST_REF ...)
    today: str = ""  # ISO date standing for "today" (tests); empty = the system clock


def _reference(published: str | None) -> tuple[dt.date, bool] | None:
    """The reference date for relative expressions and whether it is day-precise."""
    if not published:
        return None
    parsed = parse_iso(published)
    if parsed is None:
        return None
    date, precision = parsed
    if precision == "month":
        # mid-month keeps a weekday within the month more often than the 1st does
        return date.replace(day=15), False
    return date, precision == "day"


def mentions_of(
    text: str,
    language: str | None,
    reference: dt.date,
    *,
    offset: int = 0,
    field: Field = "text",
    vague: bool = False,
    precise: bool = True,
) -> list[DateMention]:
    """:class:`DateMention` records for ``text`` (offsets shifted by ``offset``)."""
    found = Extractor(language, reference, vague=vague, reference_precise=precise).find(text)
    return [
        DateMention(
            text=text[f.start : f.end],
            start=f.start + offset,
            end=f.end + offset,
            value=f.value,
            granularity=f.granularity,  # type: ignore[arg-type]
            confidence=f.confidence,
            field=field,
        )
        for f in found
    ]


_HEADER_END = frozenset("-–—:|(\n")
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}\b")  # "4 March 2024, 10:31"


def is_dateline(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` heads the text as a dateline ("VIENNA,
    4 March 2024 - …", "Wien, 4. März 2024 –", a date alone on the first line), not a
    date inside the first sentence ("The minister visited Vienna on 4 March 2024"):
    before it only capitalised words (a place, an agency), after it a separator or the
    end of the line."""
    before = text[:start]
    if "\n" in before.strip() or any(w[:1].islower() for w in before.split()):
        return False
    after = text[end : end + 8].lstrip(" \t,")
    return not after or after[0] in _HEADER_END or _CLOCK.match(after) is not None


def absolute_dates(text: str, language: str | None, today: dt.date) -> list[Found]:
    """Expressions whose value does not depend on the reference date ("4 March 2024").

    Found by resolving against two references far apart and keeping what agrees,
    so no expression type needs a separate "absolute" flag.
    """
    first = find_dates(text, language, today)
    second = {(f.start, f.value) for f in find_dates(text, language, today - dt.timedelta(days=400))}
    return [f for f in first if (f.start, f.value) in second]


def pick_event_date(
    mentions: Iterable[DateMention],
    published: str | None,
    *,
    lead_chars: int,
    days_before: int,
    days_after: int,
) -> tuple[str | None, str | None]:
    """The day the reported happening most likely took place, with the evidence.

    News reports the latest happening first: the first day-precise mention in the
    title or lead that lies within a few days of publication is taken ("am Freitag"
    in a Saturday paper). Older dates in the lead are background (an earlier visit),
    so without such a mention the publication day stands.
    """
    ref = _reference(published)
    for mention in mentions:
        if mention.field == "text" and mention.start > lead_chars:
            continue
        if mention.granularity not in ("day", "range") or mention.value.endswith("_REF"):
            continue
        first = parse_iso(mention.value.split("/")[0])
        if first is None or first[1] != "day":
            continue
        day = first[0]
        if ref is not None:
            low = ref[0] - dt.timedelta(days=days_before)
            high = ref[0] + dt.timedelta(days=days_after)
            if not low <= day <= high:
                continue
        elif mention.confidence < 0.9:
            continue
        return day.isoformat(), f"{mention.field}:{mention.start}-{mention.end} {mention.text!r} → {day.isoformat()}"
    if ref is not None and ref[1]:
        return ref[0].isoformat(), "published"
    return None, None


class DateResolver:
    """Pipeline stage ``dates``: publication date, mentioned dates, event date."""

    name = "dates"
    parallel_safe = True  # output depends only on the article and the config (caches aside): runs in workers

    def __init__(self, config: Config) -> None:
        self.settings = config.section("dates", DateSettings)
        self.today = dt.date.fromisoformat(self.settings.today) if self.settings.today else None

    def __repr__(self) -> str:
        return f"DateResolver({self.settings!r})"

    def _published(self, article: Article, today: dt.date) -> Published:
        s = self.settings
        head = "\n".join(part for part in (article.title, article.text[:600], article.raw[:600]) if part)
        dateline = None
        if not article.published:
            top = article.text[:200]
            for found in absolute_dates(top, article.language, today):
                if found.granularity == "day" and is_dateline(top, found.start, found.end):
                    dateline = parse_iso(found.value)
                    break
        return resolve_published(
            article.published,
            article.published_source,
            head,
            article.url,
            today,
            max_future_days=s.max_future_days,
            min_year=s.min_year,
            dateline=dateline,
        )

    def _mentions(self, article: Article, language: str | None, reference: dt.date,
                  precise: bool) -> list[DateMention]:
        """Mentions of the title and of each paragraph, in the paragraph's own language."""
        vague = self.settings.keep_vague
        mentions: list[DateMention] = []
        if article.title:
            mentions.extend(mentions_of(article.title, language, reference, field="title",
                                        vague=vague, precise=precise))
        if article.paragraphs:
            for para in article.paragraphs:
                mentions.extend(mentions_of(article.text[para.start : para.end], para.language or language,
                                            reference, offset=para.start, vague=vague, precise=precise))
        elif article.text:
            mentions.extend(mentions_of(article.text, language, reference, vague=vague, precise=precise))
        return mentions

    def __call__(self, article: Article) -> Article:
        s = self.settings
        today = self.today or dt.datetime.now(dt.UTC).date()
        published = self._published(article, today)
        ref = _reference(published.value)
        language = article.language or article.language_hint
        reference, precise = ref if ref is not None else (today, False)
        mentions = self._mentions(article, language, reference, precise)
        if ref is None:
            # nothing to resolve relative expressions against: keep only absolute dates,
            # those that read the same against a reference a year and more earlier
            shifted = today - dt.timedelta(days=400)
            again = {(m.field, m.start, m.value) for m in self._mentions(article, language, shifted, False)}
            mentions = [m for m in mentions if (m.field, m.start, m.value) in again]
        event_date, evidence = pick_event_date(
            mentions,
            published.value,
            lead_chars=s.event_lead_chars,
            days_before=s.event_days_before,
            days_after=s.event_days_after,
        )
        return replace(
            article,
            published=published.value,
            published_source=published.source,
            published_precision=published.precision,
            dates=tuple(mentions),
            event_date=event_date,
            event_date_evidence=evidence,
        )

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]:
        for article in articles:
            yield self(article)
