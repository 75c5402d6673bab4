"""Articles as flat export rows (JSONL or CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from storyline.models import Article, DateMention, Span


def _span(m: Span) -> dict[str, Any]:
    row: dict[str, Any] = {"text": m.text, "start": m.start, "end": m.end}
    if m.field != "text":
        row["field"] = m.field
    return row


def _date(d: DateMention) -> dict[str, Any]:
    row: dict[str, Any] = {
        "text": d.text,
        "start": d.start,
        "end": d.end,
        "value": d.value,
        "granularity": d.granularity,
        "confidence": d.confidence,
    }
    if d.field != "text":
        row["field"] = d.field
    return row


def article_row(a: Article, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The export shape of one article (what ``storyline export`` prints).

    ``names`` maps entity ids to their current canonical names (the knowledge base may
    have found a better, English or Latin, name since the article was analysed).
    """
    names = names or {}
    return {
        "id": a.id,
        "source": a.source,
        "url": a.url,
        "title": a.title,
        "text": a.text,
        "published": a.published,
        "published_source": a.published_source,
        "published_precision": a.published_precision,
        "language": a.language,
        "paragraphs": [{"text": p.text, "language": p.language} for p in a.paragraphs],
        "captions": [c.text for c in a.captions],
        "removed": list(a.removed),
        "entities": [
            {
                "id": e.id,
                "name": names.get(e.id, e.name),
                "type": e.type,
                "mentions": [_span(m) for m in e.mentions],
            }
            for e in a.entities
        ],
        "event_date": a.event_date,
        "dates": [_date(d) for d in a.dates],
        "event_id": a.event_id,
        "story_id": a.story_id,
        "duplicate_of": a.duplicate_of,
    }


def record_rows(store: Any, what: str, page: int = 1000) -> Iterator[dict[str, Any]]:
    """Every stored event, storyline, meeting, rejection or quarantined input as a flat
    dict (``--what``)."""
    from storyline.models import to_dict

    def flat(record: object) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in to_dict(record).items()}

    if what == "rejections":
        yield from (flat(r) for r in store.rejections())
        return
    if what == "quarantine":
        yield from (flat(q) for q in store.quarantined())
        return
    if what == "meetings":
        yield from (flat(m) for m in store.meetings(limit=10**9))
        return
    fetch = store.events if what == "events" else store.stories
    offset = 0
    while batch := fetch(limit=page, offset=offset):
        yield from (flat(r) for r in batch)
        offset += len(batch)


def to_jsonl(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def to_csv(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV with nested values as JSON strings; header from the first row."""
    buf = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        flat = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()}
        if writer is None:
            writer = csv.DictWriter(buf, fieldnames=list(flat))
            writer.writeheader()
        writer.writerow(flat)
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
