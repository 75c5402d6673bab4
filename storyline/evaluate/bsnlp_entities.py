"""BSNLP part ``entities``: mention recognition, entity types and cross-lingual normalisation.

The documents go through the pipeline up to the entity stage (language detected, not
given), in one knowledge base, topic after topic.

* **Recognition (relaxed)**: per document, the gold items are its distinct surface forms
  (lower case, as the 2017 topics are annotated in lower case); a predicted mention counts
  when its surface form is one of them. Micro precision/recall/F1, overall, per language
  and per topic.
* **Types**: the same items with their type (the gold's PER, LOC, ORG, EVT, PRO; ours PER,
  LOC, ORG, MISC): per type, precision (our items of that type that are gold items of
  that type), recall (gold items of that type we found with that type) and F1; ``found``
  is the share of the type's gold items recognised whatever type we gave them, and
  ``confusion`` counts, per gold type, the types we gave the items we found. A user sees
  the type beside every name: a river typed as a person is an error even where the
  mention itself was found.
* **Normalisation**: B-cubed F1 over the recognised items (document, form), our entity id
  against the gold cross-lingual id, across all languages of a topic; per topic, per
  language, and over all items. Beside it the baseline whose id is the lower-cased surface
  form, over the same items.
* **Place links** (:mod:`.bsnlp_links`): of the gold places we linked to the gazetteer,
  the share linked to the right entry, with the disagreements and the gazetteer links of
  forms the gold does not annotate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from storyline.config import Config
from storyline.evaluate import bsnlp_links
from storyline.evaluate.bsnlp_data import BsnlpDoc
from storyline.evaluate.metrics import bcubed, prf
from storyline.models import Article
from storyline.pipeline import build_pipeline

TARGET_F1 = 0.80
TARGET_BCUBED = 0.85


def score(docs: list[BsnlpDoc], config: Config) -> dict[str, Any]:
    docs = [d for d in docs if d.annotated]
    pipeline = build_pipeline(config, None, upto="entities")
    articles, failed = pipeline.process([d.article(hint=False) for d in docs])
    result = score_articles(docs, articles, len(failed))
    result["place_links"] = bsnlp_links.score(docs, articles)
    return result


def score_articles(docs: list[BsnlpDoc], articles: Iterable[Article], failed: int = 0) -> dict[str, Any]:
    """The part's metrics for annotated ``docs`` from the articles the entity stage made of them."""
    by_id = {a.id: a for a in articles}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    typed: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # per type: tp, fp, fn
    found: Counter[str] = Counter()  # per gold type: items recognised, whatever their type
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    ours: dict[tuple[str, str], str] = {}
    gold_ids: dict[tuple[str, str], str] = {}
    lang_of: dict[tuple[str, str], str] = {}
    for d in docs:
        article = by_id.get(f"bsnlp:{d.key}")
        gold: dict[str, str] = {}
        gold_type: dict[str, str] = {}
        for m in d.mentions:
            gold.setdefault(m.surface.lower(), m.entity_id)
            gold_type.setdefault(m.surface.lower(), m.type)
        predicted: dict[str, str] = {}
        predicted_type: dict[str, str] = {}
        if article is not None:
            for e in article.entities:
                for s in e.mentions:
                    predicted.setdefault(s.text.lower(), e.id)
                    predicted_type.setdefault(s.text.lower(), e.type)
        tp = len(set(gold) & set(predicted))
        fp = len(set(predicted) - set(gold))
        fn = len(set(gold) - set(predicted))
        for scope in ("all", f"lang:{d.language}", f"topic:{d.topic}"):
            c = counts[scope]
            c[0] += tp
            c[1] += fp
            c[2] += fn
        for form, kind in gold_type.items():
            mine = predicted_type.get(form)
            if mine is not None:
                found[kind] += 1
                confusion[kind][mine] += 1
            if mine == kind:
                typed[kind][0] += 1
            else:
                typed[kind][2] += 1
        for form, mine in predicted_type.items():
            if gold_type.get(form) != mine:
                typed[mine][1] += 1
        for form in set(gold) & set(predicted):
            item = (d.key, form)
            ours[item] = f"{d.topic}/{predicted[form]}"
            gold_ids[item] = f"{d.topic}/{gold[form]}"
            lang_of[item] = d.language
    recognition = {scope: prf(*c) for scope, c in sorted(counts.items())}
    types: dict[str, Any] = {}
    for kind, (tp, fp, fn) in sorted(typed.items()):
        gold_n = tp + fn
        types[kind] = {
            **prf(tp, fp, fn),
            "gold": gold_n,
            "predicted": tp + fp,
            "found": round(found[kind] / gold_n, 4) if gold_n else 0.0,
        }
        if confusion.get(kind):
            types[kind]["confusion"] = dict(confusion[kind].most_common())

    def norm(items: list[tuple[str, str]]) -> dict[str, Any]:
        pred = {i: ours[i] for i in items}
        base = {i: f"{i[0].split('/')[0]}/{i[1]}" for i in items}
        g = {i: gold_ids[i] for i in items}
        return {"items": len(items), "ours": bcubed(pred, g), "baseline_surface": bcubed(base, g)}

    items = sorted(ours)
    normalisation: dict[str, Any] = {"all": norm(items)}
    for topic in sorted({d.topic for d in docs}):
        normalisation[f"topic:{topic}"] = norm([i for i in items if i[0].startswith(topic + "/")])
    for lang in sorted({d.language for d in docs}):
        normalisation[f"lang:{lang}"] = norm([i for i in items if lang_of[i] == lang])
    f1 = recognition["all"]["f1"]
    b3 = normalisation["all"]["ours"]["f1"]
    return {
        "documents": len(docs),
        "failed": failed,
        "recognition": recognition,
        "types": types,
        "normalisation": normalisation,
        "targets": {"recognition_f1": TARGET_F1, "bcubed_f1": TARGET_BCUBED},
        "ok": f1 >= TARGET_F1 and b3 >= TARGET_BCUBED,
    }
