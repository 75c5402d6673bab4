"""Seeds, dates part: every gold ``mentioned_dates`` expression found and resolved right,
and each article's event date equal to its gold event's date.

An expression counts as *found* when a predicted mention overlaps the place where the
gold expression stands (title or body), and as *right* when that mention's value is
the gold value (a two-element gold list is the range ``start/end``).
"""

from __future__ import annotations

from typing import Any

from storyline.models import Article


def _gold_value(value: Any) -> str:
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return str(value)


def _places(article: Article, expression: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for field, text in (("title", article.title), ("text", article.text)):
        start = text.find(expression)
        while start >= 0:
            out.append((field, start, start + len(expression)))
            start = text.find(expression, start + 1)
    return out


def score(gold: dict[str, Any], articles: dict[str, Article], store: Any) -> dict[str, Any]:
    expressions = found = right = 0
    details: dict[str, list[dict[str, Any]]] = {}
    for seed, wanted in gold.get("mentioned_dates", {}).items():
        article = articles.get(seed)
        for expression, value in wanted.items():
            expressions += 1
            expected = _gold_value(value)
            row: dict[str, Any] = {"text": expression, "gold": expected, "found": None}
            places = _places(article, expression) if article is not None else []
            hits = [
                m
                for m in (article.dates if article is not None else ())
                for field, start, end in places
                if m.field == field and m.start < end and start < m.end
            ]
            if hits:
                found += 1
                values = [m.value for m in hits]
                row["found"] = values
                if expected in values:
                    right += 1
            elif not places:
                row["found"] = "expression not in the cleaned article"
            details.setdefault(seed, []).append(row)
    events_total = events_right = 0
    event_rows: dict[str, dict[str, str | None]] = {}
    for event in gold.get("events", []):
        for seed in event.get("articles", []):
            article = articles.get(seed)
            events_total += 1
            predicted = article.event_date if article is not None else None
            events_right += predicted == event.get("date")
            event_rows[seed] = {
                "gold": event.get("date"),
                "predicted": predicted,
                "evidence": article.event_date_evidence if article is not None else None,
            }
    return {
        "expressions": expressions,
        "found": found,
        "resolved_right": right,
        "found_rate": round(found / expressions, 4) if expressions else 0.0,
        "value_accuracy": round(right / expressions, 4) if expressions else 0.0,
        "event_dates": events_total,
        "event_dates_right": events_right,
        "details": details,
        "events": event_rows,
    }
