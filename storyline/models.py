"""Typed, immutable records that flow between the stages.

Every stage takes a record and returns a new one (``dataclasses.replace``); nothing
mutates a record in place. Records serialise to JSON with :func:`to_json` /
:func:`from_json` (msgspec understands dataclasses natively).

Offsets (``start``/``end``) are character offsets into ``Article.text`` unless the
span's ``field`` says ``"title"`` (offsets into ``Article.title``) or ``"caption"``
(offsets into :attr:`Article.caption_text`, the captions joined by newlines).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import msgspec

Granularity = Literal["day", "week", "month", "year", "range", "decade", "unknown"]
EntityType = Literal["PER", "LOC", "ORG", "MISC"]
Field = Literal["text", "title", "caption"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A block of the body, with its own language (documents mix languages)."""

    text: str
    start: int
    end: int
    language: str | None = None
    language_score: float = 0.0


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption or credit taken out of the body and kept aside."""

    text: str
    kind: Literal["caption", "credit"] = "caption"
    language: str | None = None
    repaired_from: str | None = None  # the mojibake it was repaired from, if any


@dataclass(frozen=True, slots=True)
class Span:
    """Where a mention stands: offsets into the article's ``text`` (or ``title``)."""

    text: str
    start: int
    end: int
    field: Field = "text"


@dataclass(frozen=True, slots=True)
class ArticleEntity:
    """One entity as it occurs in one article, with every mention of it there."""

    id: str
    name: str
    type: EntityType
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in the text, resolved to the calendar.

    ``value`` is ISO 8601: ``2023-09-15``, ``2023-09``, ``2023``, ``2023-W08`` or a
    range ``2023-02-28/2023-03-02``.
    """

    text: str
    start: int
    end: int
    value: str
    granularity: Granularity
    confidence: float = 1.0
    field: Field = "text"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, from ingest to storyline.

    Ingest fills the first block (``raw`` is the decoded input text before cleaning);
    each later stage fills its own block and leaves the rest untouched.
    """

    # identity and provenance (ingest)
    id: str  # the id the input gave, else ``content_hash``
    content_hash: str  # hash of the decoded input; re-ingesting is harmless
    source: str  # file path or URL the input came from
    raw: str  # decoded input text (title + body as read)
    url: str | None = None
    title: str = ""
    text: str = ""  # the clean body
    published: str | None = None  # ISO date (day, month or year precision)
    published_source: str | None = None  # meta, html, feed, warc, text, url
    published_precision: Literal["day", "month", "year"] | None = None
    language_hint: str | None = None  # language the input claimed; a hint only
    author: str | None = None
    encoding: str | None = None  # how the bytes were decoded, when they were bytes
    fmt: str = "text"  # text, jsonl, html, feed, warc
    # clean
    paragraphs: tuple[Paragraph, ...] = ()
    captions: tuple[Caption, ...] = ()
    removed: tuple[str, ...] = ()  # page leftovers taken out of the body
    repairs: tuple[str, ...] = ()  # what clean repaired (e.g. "ftfy", "cp1251")
    # language
    language: str | None = None
    language_score: float = 0.0
    # entities
    entities: tuple[ArticleEntity, ...] = ()
    # dates
    dates: tuple[DateMention, ...] = ()
    event_date: str | None = None
    event_date_evidence: str | None = None
    # events and storylines
    event_id: str | None = None
    story_id: str | None = None
    duplicate_of: str | None = None
    # ingest: the publisher or site the input named (JSONL/sidecar "source"); ``source`` is the file/URL
    outlet: str | None = None

    @property
    def caption_text(self) -> str:
        """The captions and credits joined by newlines (what ``field="caption"`` offsets index)."""
        return "\n".join(c.text for c in self.captions)


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that is not an article, with the reason. Stored, never dropped."""

    source: str
    reason: str  # short code: empty, not-text, encoding, duplicate, malformed, too-large, ...
    detail: str = ""
    input_key: str = ""  # stable key of the input (source + position/hash)


@dataclass(frozen=True, slots=True)
class Quarantine:
    """An input a stage failed on unexpectedly: kept with stage and traceback."""

    source: str
    stage: str
    error: str
    traceback: str
    input_key: str = ""
    article_id: str | None = None


@dataclass(frozen=True, slots=True)
class Variant:
    text: str
    language: str | None
    script: str
    count: int = 1
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A real-world entity with one id across languages and scripts."""

    id: str
    name: str  # canonical, preferably English/Latin
    type: EntityType
    variants: tuple[Variant, ...] = ()
    articles: int = 0


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One signal's share of a clustering decision (for ``storyline explain``)."""

    signal: str  # embedding, entities, place, time, ...
    value: float
    weight: float


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    title: str
    date: str | None  # ISO day or range
    place: str | None = None
    actors: tuple[str, ...] = ()  # entity ids
    languages: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()  # article ids
    sources: tuple[str, ...] = ()
    first_seen: str | None = None
    last_seen: str | None = None
    story_id: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str
    events: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    """Who met whom, where and when (from a meeting or visit event)."""

    event_id: str
    participants: tuple[str, ...]  # entity ids
    host: str | None = None
    guest: str | None = None
    place: str | None = None
    date: str | None = None
    evidence: str = ""
    article_id: str | None = None
    planned: bool = False  # the reports speak of it only as to come ("will meet", "посетит")


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did with its inputs: ``seen == stored + rejected + quarantined``."""

    seen: int = 0
    stored: int = 0
    rejected: int = 0
    quarantined: int = 0
    reasons: tuple[tuple[str, int], ...] = ()
    seconds: float = 0.0

    @property
    def reconciles(self) -> bool:
        return self.seen == self.stored + self.rejected + self.quarantined


R = TypeVar("R")

_encoder = msgspec.json.Encoder()


def to_json(record: object) -> bytes:
    """Serialise any record of this module to JSON bytes."""
    return _encoder.encode(record)


def from_json(data: bytes | str, type_: type[R]) -> R:
    """Read a record of ``type_`` back from :func:`to_json` output."""
    return msgspec.json.decode(data, type=type_)


def to_dict(record: object) -> dict[str, object]:
    """A plain dict of a record (for export); nested records become dicts too."""
    result: dict[str, object] = msgspec.to_builtins(record)
    return result


replace = dataclasses.replace

__all__ = [
    "Article",
    "ArticleEntity",
    "Caption",
    "DateMention",
    "Entity",
    "Event",
    "Meeting",
    "Paragraph",
    "Quarantine",
    "Rejection",
    "RunSummary",
    "ScorePart",
    "Span",
    "Story",
    "Variant",
    "field",
    "from_json",
    "replace",
    "to_dict",
    "to_json",
]
