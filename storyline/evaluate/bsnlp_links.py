"""Place-link accuracy on BSNLP: do the places we link to the gazetteer agree with the gold ids?

The gold marks each place mention with an id made of an English name ("GPE-Great-Britain",
"LOC-Black-Sea"). For every distinct form of a gold place (GPE-/LOC-) that we recognised
and linked to a gazetteer entry (an id starting ``LOC:``), the link agrees when the gold
name, looked up in our own gazetteer, is that entry, or when the gold name and the entry's
display name are the same or nearly so (fuzzy ratio >= 80, or one is a prefix of the other
of at least four letters). The answer lists the disagreements by gold id and by form, and
the gazetteer links of forms the gold does not annotate at all (false place links, or
places the annotators left out).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from storyline.entities.knowledge import Gazetteer, base_gazetteer
from storyline.entities.normalize import plain_key, split_name
from storyline.models import Article

_NEAR = 80  # fuzzy ratio of two names that are one place written two ways
_TOP = 40  # how many disagreements and non-gold links the answer lists


def _key(name: str) -> str:
    """The name without case, accents, spaces or punctuation ("Great-Britain" -> "greatbritain")."""
    return plain_key([name])


def _gold_name(gold_id: str) -> str:
    return gold_id.split("-", 1)[1].replace("-", " ")


def _agrees(gold_id: str, entry_id: str, entry_name: str, gaz: Gazetteer) -> bool:
    hit = gaz.lookup(split_name(_gold_name(gold_id)))
    if hit is not None and hit.id == entry_id:
        return True
    g, n = _key(gold_id.split("-", 1)[1]), _key(entry_name)
    return g == n or fuzz.ratio(g, n) >= _NEAR or (len(n) >= 4 and (g.startswith(n) or n.startswith(g)))


def score(docs: Iterable[Any], articles: Iterable[Article]) -> dict[str, Any]:
    """``docs``: BSNLP documents (``evaluate.bsnlp_data``: ``key``, ``mentions`` with
    ``surface`` and ``entity_id``); ``articles``: the same documents through the entity
    stage, with ids ``bsnlp:<key>``."""
    gaz = base_gazetteer()
    by_id = {a.id: a for a in articles}
    agree = disagree = unlinked = 0
    wrong: Counter[tuple[str, str]] = Counter()
    by_form: Counter[tuple[str, str]] = Counter()
    not_gold: Counter[tuple[str, str]] = Counter()
    for doc in docs:
        article = by_id.get(f"bsnlp:{doc.key}")
        if article is None:
            continue
        predicted: dict[str, Any] = {}
        for entity in article.entities:
            for span in entity.mentions:
                predicted.setdefault(span.text.lower(), entity)
        gold_forms = {m.surface.lower() for m in doc.mentions}
        for form, entity in predicted.items():
            if entity.id.startswith("LOC:") and form not in gold_forms:
                not_gold[(form, entity.name)] += 1
        seen: set[str] = set()
        for m in doc.mentions:
            form = m.surface.lower()
            if form in seen:
                continue
            seen.add(form)
            if not m.entity_id.startswith(("GPE-", "LOC-")):
                continue
            linked = predicted.get(form)
            if linked is None:
                continue
            if not linked.id.startswith("LOC:"):
                unlinked += 1
            elif _agrees(m.entity_id, linked.id, linked.name, gaz):
                agree += 1
            else:
                disagree += 1
                wrong[(m.entity_id, linked.name)] += 1
                by_form[(m.surface, linked.name)] += 1
    total = agree + disagree
    return {
        "linked_places": total,
        "agree": agree,
        "disagree": disagree,
        "accuracy": round(agree / total, 4) if total else 0.0,
        "gold_place_items_not_gazetteer_linked": unlinked,
        "links_of_forms_not_in_gold": sum(not_gold.values()),
        "disagreements_by_gold_id": [[g, n, c] for (g, n), c in wrong.most_common(_TOP)],
        "disagreements_by_form": [[f, n, c] for (f, n), c in by_form.most_common(_TOP)],
        "links_of_forms_not_in_gold_top": [[f, n, c] for (f, n), c in not_gold.most_common(_TOP)],
    }


__all__ = ["score"]
