"""Reader for the BSNLP shared-task data (``../shared/data/bsnlp``), shared by the scorers.

Layout (see ``data/README.md``)::

    TOPIC/raw/LANG/NAME.txt        line 1 doc id, 2 language, 3 date, 4 URL, then title and body
    TOPIC/annotated/LANG/NAME.out  line 1 doc id, then one mention a line:
                                   surface <TAB> base <TAB> type <TAB> entity id
                                   (some topics name their annotation files NAME.txt)

:func:`load_topic_docs` gives one :class:`BsnlpDoc` per raw file with its gold
annotations; :meth:`BsnlpDoc.article` turns it into an ingested
:class:`~storyline.models.Article` (the gold language is *not* passed as a hint
unless asked: language accuracy must be measured without it);
:func:`jsonl_records` gives the same documents as JSONL input records for
``storyline.ingest.read_inputs``.

The data is read only from the path given; nothing of it is copied into the project.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import EvaluationError
from storyline.models import Article

log = logging.getLogger(__name__)

#: Language labels of the data that are not ISO 639-1 codes.
GOLD_LANGUAGE_ALIASES: dict[str, str] = {"cz": "cs", "ua": "uk"}

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class BsnlpMention:
    """One annotated mention (the data gives no offsets: surface forms only)."""

    surface: str
    base: str
    type: str  # PER, LOC, ORG, PRO, EVT (and MISC in some topics)
    entity_id: str  # cross-lingual id, the same in every language


@dataclass(frozen=True, slots=True)
class BsnlpDoc:
    """One raw document of a topic with its gold annotations."""

    key: str  # "TOPIC/LANG/NAME": unique across the data set
    doc_id: str  # line 1 of the raw file
    topic: str
    language: str  # gold language, ISO 639-1 (``cz``/``ua`` mapped to ``cs``/``uk``)
    published: str | None  # YYYY-MM-DD when line 3 gives one
    url: str | None
    title: str  # "" when the document has a single line of text
    body: str
    path: str
    mentions: tuple[BsnlpMention, ...] = ()
    annotated: bool = False  # whether a gold annotation file was found

    def article(self, *, hint: bool = False) -> Article:
        """The document as ingest would yield it (title given, body as ``raw``)."""
        from storyline.ingest.base import make_article

        article = make_article(
            self.path, self.body, fmt="jsonl", title=self.title, id=f"bsnlp:{self.key}", url=self.url,
            language=self.language if hint else None,
        )
        if self.published:
            from dataclasses import replace

            article = replace(article, published=self.published, published_source="meta",
                              published_precision="day")
        return article

    def record(self, *, hint: bool = False) -> dict[str, str]:
        """The document as one JSONL input record."""
        out = {"id": f"bsnlp:{self.key}", "title": self.title, "text": self.body}
        if self.url:
            out["url"] = self.url
        if self.published:
            out["published"] = self.published
        if hint:
            out["language"] = self.language
        return out


def gold_language(label: str) -> str:
    """The data's language label as an ISO 639-1 code."""
    label = label.strip().lower()
    return GOLD_LANGUAGE_ALIASES.get(label, label)


def _read(path: Path) -> str:
    text = path.read_text("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def read_mentions(path: Path) -> tuple[str, tuple[BsnlpMention, ...]]:
    """The doc id and mentions of one annotation file (malformed lines are skipped, logged)."""
    lines = _read(path).split("\n")
    doc_id = lines[0].strip() if lines else ""
    mentions: list[BsnlpMention] = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 4 or not cols[0]:
            log.debug("%s:%d: not a mention line", path, n)
            continue
        mentions.append(BsnlpMention(surface=cols[0], base=cols[1], type=cols[2].upper(), entity_id=cols[3]))
    return doc_id, tuple(mentions)


def read_raw(path: Path, topic: str) -> BsnlpDoc:
    """One raw document (without annotations)."""
    lines = _read(path).split("\n")
    if len(lines) < 5:
        raise EvaluationError(f"{path}: fewer than 5 lines, not a BSNLP raw document")
    doc_id, language, date, url = (x.strip() for x in lines[:4])
    rest = lines[4:]
    while rest and not rest[0].strip():
        rest.pop(0)
    title = rest[0].strip() if rest else ""
    body = "\n".join(rest[1:]).strip("\n")
    if not body.strip():
        # a few documents are one line of text with no title
        title, body = "", title
    m = _DATE.match(date)
    lang_dir = path.parent.name
    return BsnlpDoc(
        key=f"{topic}/{lang_dir}/{path.stem}",
        doc_id=doc_id,
        topic=topic,
        language=gold_language(language or lang_dir),
        published=m.group(1) if m else None,
        url=url or None,
        title=title,
        body=body,
        path=str(path),
    )


def topics(path: Path) -> list[str]:
    """The topic folders under ``path`` (those with a ``raw`` folder)."""
    if not path.is_dir():
        raise EvaluationError(f"no BSNLP data at {path}")
    return sorted(p.name for p in path.iterdir() if (p / "raw").is_dir())


def iter_topic_docs(path: str | Path, *, annotations: bool = True) -> Iterator[BsnlpDoc]:
    """Every raw document under ``path`` (topic by topic, in file-name order)."""
    from dataclasses import replace

    root = Path(path)
    found = topics(root)
    if not found:
        raise EvaluationError(f"{root} has no TOPIC/raw folders")
    for topic in found:
        for lang_dir in sorted((root / topic / "raw").iterdir()):
            if not lang_dir.is_dir():
                continue
            gold_dir = root / topic / "annotated" / lang_dir.name
            by_id: dict[str, Path] | None = None
            for raw in sorted(lang_dir.glob("*.txt")):
                doc = read_raw(raw, topic)
                if annotations:
                    gold = next((p for p in (gold_dir / f"{raw.stem}.out", gold_dir / raw.name) if p.is_file()), None)
                    if gold is None and gold_dir.is_dir():
                        # some topics name annotation files differently: match on the doc id
                        if by_id is None:
                            by_id = _index_by_doc_id(gold_dir)
                        gold = by_id.get(doc.doc_id)
                    if gold is not None:
                        _, mentions = read_mentions(gold)
                        doc = replace(doc, mentions=mentions, annotated=True)
                yield doc


def _index_by_doc_id(gold_dir: Path) -> dict[str, Path]:
    """Annotation files of a folder by the doc id on their first line."""
    index: dict[str, Path] = {}
    for p in sorted(gold_dir.iterdir()):
        if p.is_file():
            with p.open(encoding="utf-8", errors="replace") as fh:
                first = fh.readline().strip().lstrip("\ufeff")
            index.setdefault(first, p)
    return index


def load_topic_docs(path: str | Path, *, annotations: bool = True) -> list[BsnlpDoc]:
    """All documents of the data set at ``path`` with their gold annotations."""
    return list(iter_topic_docs(path, annotations=annotations))


def jsonl_records(docs: list[BsnlpDoc], *, hint: bool = False) -> Iterator[dict[str, str]]:
    """The documents as JSONL input records (``id``, ``title``, ``text``, ``url``, ``published``)."""
    for doc in docs:
        yield doc.record(hint=hint)
