"""Seeds part ``entities``: the gold entities of ``gold.json`` against what the stage found.

For every gold entity and every document its ``in`` lists, the entity is *found* when a
mention of the article is written as one of its gold forms, or else overlaps an
occurrence of one (in the title or the body; "Wagner" in "Söldnergruppe Wagner"). Its
ids are the ids of those mentions over all documents: done when every gold entity has
exactly one id, and no id is shared by two gold entities. Mentions that are month or
weekday names (CLDR, in the article's language and English) are counted as
non-entities, as are single words at a sentence start that are common words in the
language and no gold form.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from storyline.models import Article


def _occurrences(text: str, form: str) -> list[tuple[int, int]]:
    pattern = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _calendar_words(lang: str | None) -> set[str]:
    from babel import Locale, UnknownLocaleError

    words: set[str] = set()
    for code in {lang or "en", "en"}:
        try:
            locale = Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            continue
        for table in (locale.months, locale.days):
            for ctx in table.values():
                for width in ctx.values():
                    words.update(v.lower() for v in width.values())
    return words


def score(gold: dict[str, Any], articles: dict[str, Article], store: Any) -> dict[str, Any]:
    from storyline.entities.recognize import zipf

    entities: dict[str, Any] = gold.get("entities", {})
    ids_of: dict[str, set[str]] = defaultdict(set)
    missing: list[str] = []
    found = total = 0
    for name, spec in entities.items():
        for doc in spec["in"]:
            total += 1
            article = articles.get(doc)
            if article is None:
                missing.append(f"{name} in {doc} (no article)")
                continue
            forms = {f.lower() for f in spec["forms"]}
            exact = {e.id for e in article.entities for m in e.mentions if m.text.lower() in forms}
            overlap: set[str] = set()
            for field, text in (("title", article.title), ("text", article.text), ("caption", article.caption_text)):
                spans = [o for form in spec["forms"] for o in _occurrences(text, form)]
                for e in article.entities:
                    for m in e.mentions:
                        if m.field == field and any(m.start < b and a < m.end for a, b in spans):
                            overlap.add(e.id)
            # a mention written exactly as a gold form decides; else one overlapping it
            ids = exact or overlap
            ids_of[name].update(ids)
            hit = bool(ids)
            if hit:
                found += 1
            else:
                missing.append(f"{name} in {doc}")
    split = {n: sorted(ids) for n, ids in ids_of.items() if len(ids) > 1}
    owners: dict[str, list[str]] = defaultdict(list)
    for n, ids in ids_of.items():
        for i in ids:
            owners[i].append(n)
    shared = {i: ns for i, ns in owners.items() if len(ns) > 1}
    gold_forms = {f.lower() for spec in entities.values() for f in spec["forms"]}
    calendar: list[str] = []
    initial_common: list[str] = []
    for doc, article in sorted(articles.items()):
        words = _calendar_words(article.language)
        for e in article.entities:
            for m in e.mentions:
                low = m.text.lower()
                if low in words:
                    calendar.append(f"{doc}: {m.text}")
                text = {"title": article.title, "caption": article.caption_text}.get(m.field, article.text)
                before = text[max(0, m.start - 3) : m.start]
                initial = m.start == 0 or bool(re.search(r"[.!?:\n]\s*$", before))
                gazetteer = e.id[:4] in ("LOC:", "ORG:")
                if (
                    initial
                    and not gazetteer
                    and " " not in m.text
                    and low not in gold_forms
                    and zipf(low, article.language) >= 5.0
                ):
                    initial_common.append(f"{doc}: {m.text}")
    ok = not missing and not split and not shared and not calendar and not initial_common
    return {
        "found": found,
        "expected": total,
        "recall": round(found / total, 4) if total else 0.0,
        "missing": missing,
        "entities_with_several_ids": split,
        "ids_shared_by_gold_entities": shared,
        "calendar_words_as_entities": calendar,
        "sentence_initial_common_words": initial_common,
        "ids": {n: sorted(i) for n, i in sorted(ids_of.items())},
        "ok": ok,
    }
