"""BSNLP part ``entities``: mention recognition and cross-lingual normalisation.

The documents go through the pipeline up to the entity stage (language detected, not
given), in one knowledge base, topic after topic.

* **Recognition (relaxed)**: per document, the gold items are its distinct surface forms
  (lower case, as the 2017 topics are annotated in lower case); a predicted mention counts
  when its surface form is one of them. Micro precision/recall/F1, overall, per language
  and per topic.
* **Normalisation**: B-cubed F1 over the recognised items (document, form), our entity id
  against the gold cross-lingual id, across all languages of a topic; per topic, per
  language, and over all items. Beside it the baseline whose id is the lower-cased surface
  form, over the same items.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from storyline.config import Config
from storyline.evaluate.bsnlp_data import BsnlpDoc
from storyline.evaluate.metrics import bcubed, prf
from storyline.pipeline import build_pipeline

TARGET_F1 = 0.80
TARGET_BCUBED = 0.85


def score(docs: list[BsnlpDoc], config: Config) -> dict[str, Any]:
    docs = [d for d in docs if d.annotated]
    pipeline = build_pipeline(config, None, upto="entities")
    articles, failed = pipeline.process([d.article(hint=False) for d in docs])
    by_id = {a.id: a for a in articles}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    ours: dict[tuple[str, str], str] = {}
    gold_ids: dict[tuple[str, str], str] = {}
    lang_of: dict[tuple[str, str], str] = {}
    for d in docs:
        article = by_id.get(f"bsnlp:{d.key}")
        gold: dict[str, str] = {}
        for m in d.mentions:
            gold.setdefault(m.surface.lower(), m.entity_id)
        predicted: dict[str, str] = {}
        if article is not None:
            for e in article.entities:
                for s in e.mentions:
                    predicted.setdefault(s.text.lower(), e.id)
        tp = len(set(gold) & set(predicted))
        fp = len(set(predicted) - set(gold))
        fn = len(set(gold) - set(predicted))
        for scope in ("all", f"lang:{d.language}", f"topic:{d.topic}"):
            c = counts[scope]
            c[0] += tp
            c[1] += fp
            c[2] += fn
        for form in set(gold) & set(predicted):
            item = (d.key, form)
            ours[item] = f"{d.topic}/{predicted[form]}"
            gold_ids[item] = f"{d.topic}/{gold[form]}"
            lang_of[item] = d.language
    recognition = {scope: prf(*c) for scope, c in sorted(counts.items())}

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
        "failed": len(failed),
        "recognition": recognition,
        "normalisation": normalisation,
        "targets": {"recognition_f1": TARGET_F1, "bcubed_f1": TARGET_BCUBED},
        "ok": f1 >= TARGET_F1 and b3 >= TARGET_BCUBED,
    }
