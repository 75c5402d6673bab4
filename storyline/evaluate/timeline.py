"""``storyline eval timeline PATH``: timeline date selection on CL-TLS.

``PATH`` holds ``LANG/TOPIC/YYYY-MM-DD/*.tokenized`` (articles, published on the
folder's date) and ``LANG/reference/TOPIC.txt`` (human timelines: a date line, its
sentences, a line of dashes). For each language and topic we pick the N most
important days from the articles, N being the number of distinct days of the
reference, and report date precision/recall/F1 against it. Beside it, the
baseline: the N days with the most articles published.

Importance of a day (:func:`rank_dates`): every article votes once for each day it
mentions (day-precise mentions only, up to its own publication day: a timeline is
about what happened), a vote weighted by the mention's confidence; the day an
article is published gets ``publication_weight`` of a vote, since news is mostly
about the day before or the day itself. Only days within the span of the topic's
publication dates (less ``margin_days`` before the first) count, and a line repeated
word for word in several articles (sidebars, "related" boxes) votes once. A mention
in a line without any of the topic's keywords (:func:`topic_keywords`) — crime news
from the same site, an unrelated sidebar — votes ``off_topic_weight``. The
weights were chosen on this dev data
with ``python bench/dates_bench.py --fit-timeline ../shared/data/cltls`` (a small
grid; see the bench's output) — they are not per-topic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.config import Config
from storyline.dates.extract import Extractor
from storyline.errors import EvaluationError
from storyline.evaluate.metrics import prf

_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Defaults chosen on the CL-TLS dev data (see module docstring).
PUBLICATION_WEIGHT = 0.0
MIN_CONFIDENCE = 0.5
MARGIN_DAYS = 30
KEYWORDS = 40
OFF_TOPIC_WEIGHT = 0.3


@dataclass(frozen=True, slots=True)
class DatedText:
    """One article of a topic: its publication day and its text."""

    published: dt.date
    text: str


def read_reference(path: Path) -> list[dt.date]:
    """The distinct days of a reference timeline, in file order."""
    days: list[dt.date] = []
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if _DATE_LINE.match(line):
            day = dt.date.fromisoformat(line)
            if day not in days:
                days.append(day)
    return days


def read_topic(folder: Path) -> list[DatedText]:
    """Every article under ``folder/YYYY-MM-DD/``."""
    out: list[DatedText] = []
    for day_dir in sorted(p for p in folder.iterdir() if p.is_dir() and _DATE_LINE.match(p.name)):
        published = dt.date.fromisoformat(day_dir.name)
        for file in sorted(day_dir.iterdir()):
            if file.is_file():
                out.append(DatedText(published, file.read_text("utf-8", errors="replace")))
    return out


def mentioned_days(article: DatedText, language: str) -> list[tuple[dt.date, float, str]]:
    """(day, confidence, the line it stands in) for each day-precise mention up to publication."""
    out: list[tuple[dt.date, float, str]] = []
    text = article.text
    for found in Extractor(language, article.published).find(text):
        if found.granularity not in ("day", "range") or found.confidence < MIN_CONFIDENCE:
            continue
        day = dt.date.fromisoformat(found.value.split("/")[0])
        if day > article.published:
            continue
        line_start = text.rfind("\n", 0, found.start) + 1
        line_end = text.find("\n", found.end)
        out.append((day, found.confidence, text[line_start : line_end if line_end >= 0 else len(text)]))
    return out


_WORD = re.compile(r"[^\W\d_]{3,}")


def topic_keywords(documents: Iterable[Iterable[str]], language: str, k: int = KEYWORDS) -> frozenset[str]:
    """The ``k`` words most typical of a topic, from each article's dated lines.

    A word's salience is the number of articles whose dated lines hold it times its
    rarity in the language at large (8 − Zipf frequency from wordfreq), so
    "Mubarak" and "Cairo" rise and "il", "che" sink, with no stop-word list.
    """
    import wordfreq

    df: Counter[str] = Counter()
    for lines in documents:
        df.update({w.lower() for line in lines for w in _WORD.findall(line)})
    salience = {w: c * (8.0 - wordfreq.zipf_frequency(w, language)) for w, c in df.items()}
    return frozenset(w for w, _ in sorted(salience.items(), key=lambda item: (-item[1], item[0]))[:k])


Mentions = list[tuple[DatedText, list[tuple[dt.date, float, str]]]]


def collect(articles: Iterable[DatedText], language: str) -> Mentions:
    """Each article with its day mentions (the slow part, done once per topic)."""
    return [(a, mentioned_days(a, language)) for a in articles]


def score_days(
    found: Mentions,
    language: str,
    *,
    publication_weight: float = PUBLICATION_WEIGHT,
    margin_days: int = MARGIN_DAYS,
    keywords: int = KEYWORDS,
    off_topic_weight: float = OFF_TOPIC_WEIGHT,
) -> dict[dt.date, float]:
    """Importance of each day from collected mentions (see module docstring)."""
    if not found:
        return {}
    first = min(a.published for a, _ in found) - dt.timedelta(days=margin_days)
    last = max(a.published for a, _ in found)
    topical = topic_keywords(([line for _, _, line in ms] for _, ms in found), language, keywords) \
        if keywords else frozenset()
    score: dict[dt.date, float] = {}
    seen_lines: set[tuple[dt.date, int]] = set()
    for article, mentions in found:
        votes: dict[dt.date, float] = {}
        for day, confidence, line in mentions:
            key = (day, hash(line))
            if key in seen_lines or not first <= day <= last:
                continue  # the same line in another article is page furniture, not a new report
            seen_lines.add(key)
            on_topic = not topical or bool(topical & {w.lower() for w in _WORD.findall(line)})
            votes[day] = max(votes.get(day, 0.0), confidence * (1.0 if on_topic else off_topic_weight))
        for day, vote in votes.items():
            score[day] = score.get(day, 0.0) + vote
        score[article.published] = score.get(article.published, 0.0) + publication_weight
    return score


def rank_dates(articles: Iterable[DatedText], language: str, **weights: Any) -> dict[dt.date, float]:
    """Importance of each day over a topic's articles (see module docstring)."""
    return score_days(collect(articles, language), language, **weights)


def top(score: Mapping[dt.date, float], n: int, tie: Mapping[dt.date, int] | None = None) -> list[dt.date]:
    """The ``n`` best days; ties broken by ``tie`` (e.g. articles published), then the earlier day."""
    ties = tie or {}
    return [day for day, _ in sorted(score.items(), key=lambda item: (-item[1], -ties.get(item[0], 0), item[0]))[:n]]


def date_f1(predicted: Iterable[dt.date], reference: Iterable[dt.date]) -> dict[str, float]:
    pred, ref = set(predicted), set(reference)
    return prf(len(pred & ref), len(pred - ref), len(ref - pred))


def evaluate(path: Path, config: Config, parts: tuple[str, ...] = ("dates", "storylines")) -> dict[str, Any]:
    """Timeline dates per language and topic (vs the publication-count baseline) and,
    with the ``storylines`` part, storyline clustering of all documents vs the topics."""
    out: dict[str, Any] = _dates(path) if "dates" in parts else {"kind": "timeline"}
    if "storylines" in parts:
        from storyline.evaluate.timeline_clustering import score

        out["storylines"] = score(path, config)
    return out


def _dates(path: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for lang_dir in sorted(p for p in path.iterdir() if p.is_dir()):
        reference_dir = lang_dir / "reference"
        for topic_dir in sorted(p for p in lang_dir.iterdir() if p.is_dir() and p.name != "reference"):
            reference_file = reference_dir / f"{topic_dir.name}.txt"
            if not reference_file.exists():
                continue
            reference = read_reference(reference_file)
            articles = read_topic(topic_dir)
            if not articles or not reference:
                continue
            n = len(reference)
            published = Counter(a.published for a in articles)
            ours = top(rank_dates(articles, lang_dir.name), n, tie=published)
            baseline = top(published, n)
            ours_f1 = date_f1(ours, reference)
            base_f1 = date_f1(baseline, reference)
            results[f"{lang_dir.name}/{topic_dir.name}"] = {
                "articles": len(articles),
                "reference_dates": n,
                "date_f1": ours_f1["f1"],
                "baseline_date_f1": base_f1["f1"],
                "beats_baseline": ours_f1["f1"] > base_f1["f1"],
            }
    if not results:
        raise EvaluationError(f"no LANG/TOPIC folders with a LANG/reference/TOPIC.txt under {path}")
    return {
        "kind": "timeline",
        "topics": results,
        "mean_date_f1": round(sum(r["date_f1"] for r in results.values()) / len(results), 4),
        "mean_baseline_date_f1": round(sum(r["baseline_date_f1"] for r in results.values()) / len(results), 4),
        "beats_baseline_everywhere": all(r["beats_baseline"] for r in results.values()),
    }
