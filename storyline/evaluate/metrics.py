"""Scoring functions shared by the evaluations (pure, unit-tested on tiny cases)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import Any, TypeVar


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0.0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


K = TypeVar("K", bound=Hashable)


def bcubed(predicted: Mapping[K, Hashable], gold: Mapping[K, Hashable]) -> dict[str, float]:
    """B-cubed precision/recall/F1 of a clustering over the items both map.

    ``predicted`` and ``gold`` map each item to its cluster label.
    """
    items = [i for i in gold if i in predicted]
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    by_pred: dict[Hashable, set[K]] = defaultdict(set)
    by_gold: dict[Hashable, set[K]] = defaultdict(set)
    for i in items:
        by_pred[predicted[i]].add(i)
        by_gold[gold[i]].add(i)
    p_sum = r_sum = 0.0
    for i in items:
        same_pred = by_pred[predicted[i]]
        same_gold = by_gold[gold[i]]
        both = len(same_pred & same_gold)
        p_sum += both / len(same_pred)
        r_sum += both / len(same_gold)
    p, r = p_sum / len(items), r_sum / len(items)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def accuracy(predicted: Mapping[str, str | None], gold: Mapping[str, str]) -> dict[str, Any]:
    """Share of gold items whose predicted label is the gold one, overall and per gold label.

    An item missing from ``predicted`` counts as wrong (a rejected or failed document
    is an error of the system, not a hole in the data).
    """
    total: dict[str, int] = defaultdict(int)
    right: dict[str, int] = defaultdict(int)
    for item, label in gold.items():
        total[label] += 1
        if item in predicted and predicted[item] == label:
            right[label] += 1
    n = sum(total.values())
    correct = sum(right.values())
    per_label = {
        label: {"accuracy": round(right[label] / count, 4), "n": count} for label, count in sorted(total.items())
    }
    return {"accuracy": round(correct / n, 4) if n else 0.0, "correct": correct, "total": n, "per_label": per_label}
