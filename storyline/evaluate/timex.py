"""``storyline eval timex PATH``: DATE expressions on TimeBank (XTN-timexes format).

``PATH`` is a folder (every ``*.tsv`` below it; the language is the file's folder
name, e.g. ``timebank/es/train.tsv``) or one ``.tsv`` file. Each file holds one token
a line (token, BIO tag with the type, normalised value); a document starts with its
creation date ``*!-DCTVALUE="YYYY-MM-DD"-!*``, which is the reference date here, as
the publication date is in the pipeline.

The tokens are joined with spaces into a text, the date extractor runs on it (with
vague references such as "now" switched on, since TimeBank annotates them), and each
prediction is mapped back to tokens. Scores per language:

* ``date_f1_relaxed`` / ``date_f1_strict``: predictions against gold DATE spans
  (relaxed = any token overlap, strict = same tokens), one-to-one. A prediction that
  overlaps a gold TIME, DURATION or SET expression is reported apart
  (``other_type``) and counted as a false positive (``date_f1_relaxed``) — the
  extractor is only asked for dates.
* ``date_value_accuracy``: of the relaxed matches, the share whose value equals the
  gold value exactly.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.config import Config
from storyline.dates.extract import Extractor
from storyline.errors import EvaluationError
from storyline.evaluate.metrics import prf

_DCT = re.compile(r'DCTVALUE="(\d{4}-\d{2}-\d{2})')


@dataclass(slots=True)
class Document:
    """One TimeBank document: tokens, their sentence breaks and gold expressions."""

    dct: dt.date
    tokens: list[str] = field(default_factory=list)
    breaks: set[int] = field(default_factory=set)  # token indices that start a sentence
    gold: list[tuple[int, int, str, str]] = field(default_factory=list)  # (first, end, type, value)


def read_tsv(path: Path) -> list[Document]:
    """The documents of one XTN-timexes file."""
    docs: list[Document] = []
    current: list[Any] | None = None
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("*!-DCTVALUE"):
            match = _DCT.search(line)
            if not match:
                raise EvaluationError(f"{path}: unreadable creation date {line!r}")
            docs.append(Document(dct=dt.date.fromisoformat(match.group(1))))
            current = None
            continue
        if not docs:
            continue
        doc = docs[-1]
        if not line.strip():
            doc.breaks.add(len(doc.tokens))
            current = None
            continue
        parts = line.split("\t")
        token, tag = parts[0], parts[1] if len(parts) > 1 else "O"
        value = parts[2] if len(parts) > 2 else "-"
        index = len(doc.tokens)
        doc.tokens.append(token)
        if tag.startswith("B-"):
            current = [index, index + 1, tag[2:], value]
            doc.gold.append(tuple(current))
        elif tag.startswith("I-") and current is not None:
            current[1] = index + 1
            doc.gold[-1] = tuple(current)
        else:
            current = None
    return docs


def predict(doc: Document, language: str) -> list[tuple[int, int, str]]:
    """Predicted expressions as (first token, end token, value)."""
    pieces: list[str] = []
    starts: list[int] = []
    pos = 0
    for i, token in enumerate(doc.tokens):
        sep = "\n" if i in doc.breaks and i else (" " if i else "")
        pos += len(sep)
        pieces.append(sep + token)
        starts.append(pos)
        pos += len(token)
    text = "".join(pieces)
    ends = [s + len(t) for s, t in zip(starts, doc.tokens, strict=True)]
    out: list[tuple[int, int, str]] = []
    for found in Extractor(language, doc.dct, vague=True).find(text):
        first = bisect.bisect_right(ends, found.start)  # the first token ending after the start
        end = bisect.bisect_left(starts, found.end)  # the tokens starting before the end
        out.append((first, end, found.value))
    return out


def score_documents(docs: list[Document], language: str) -> dict[str, Any]:
    tp_relaxed = tp_strict = fp = fn = other = 0
    values_right = 0
    wrong: Counter[str] = Counter()
    for doc in docs:
        gold_dates = [g for g in doc.gold if g[2] == "DATE"]
        others = [g for g in doc.gold if g[2] != "DATE"]
        used: set[int] = set()
        for first, end, value in predict(doc, language):
            match = next(
                (k for k, g in enumerate(gold_dates) if k not in used and first < g[1] and g[0] < end), None
            )
            if match is None:
                fp += 1
                if any(first < g[1] and g[0] < end for g in others):
                    other += 1
                continue
            used.add(match)
            gold = gold_dates[match]
            tp_relaxed += 1
            tp_strict += (first, end) == (gold[0], gold[1])
            if value == gold[3]:
                values_right += 1
            else:
                wrong[f"{' '.join(doc.tokens[gold[0]:gold[1]])} | {doc.dct} | gold {gold[3]} | ours {value}"] += 1
        fn += len(gold_dates) - len(used)
    relaxed = prf(tp_relaxed, fp, fn)
    strict = prf(tp_strict, fp + tp_relaxed - tp_strict, fn + tp_relaxed - tp_strict)
    return {
        "documents": len(docs),
        "gold_dates": tp_relaxed + fn,
        "predicted": tp_relaxed + fp,
        "date_f1_relaxed": relaxed["f1"],
        "date_precision_relaxed": relaxed["precision"],
        "date_recall_relaxed": relaxed["recall"],
        "date_f1_strict": strict["f1"],
        "date_value_accuracy": round(values_right / tp_relaxed, 4) if tp_relaxed else 0.0,
        "other_type": other,
        "frequent_value_errors": [k for k, _ in wrong.most_common(15)],
    }


def evaluate(path: Path, config: Config) -> dict[str, Any]:
    files = [path] if path.is_file() else sorted(path.rglob("*.tsv"))
    if not files:
        raise EvaluationError(f"no .tsv files under {path}")
    by_language: dict[str, list[Document]] = {}
    for file in files:
        by_language.setdefault(file.parent.name, []).extend(read_tsv(file))
    return {
        "kind": "timex",
        "languages": {lang: score_documents(docs, lang) for lang, docs in sorted(by_language.items())},
    }
