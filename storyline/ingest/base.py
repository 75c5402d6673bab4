"""What every reader shares: settings, the content hash, the text checks, and how an
input that is not an article becomes a :class:`~storyline.models.Rejection`.

Readers are generators of ``Article | Rejection | Quarantine``. An expected problem
deep in a reader is raised as :class:`~storyline.errors.RejectedInput` and turned into a
``Rejection`` by whoever knows the input's key; anything else raised becomes a
``Quarantine`` with the traceback (see :func:`guard`), so one bad input never stops a walk.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from storyline.errors import RejectedInput
from storyline.models import Article, Quarantine, Rejection

log = logging.getLogger(__name__)

Item = Article | Rejection | Quarantine


@dataclass(frozen=True, slots=True)
class IngestSettings:
    """The ``[ingest]`` section of the configuration."""

    max_bytes: int = 20_000_000  # one article's input (a file, a JSONL line, a WARC record)
    min_letters: int = 20  # fewer letters than this in the body: "empty"
    timeout: float = 20.0  # seconds for fetching one URL
    skip_hidden: bool = True  # a folder walk skips dot-files and dot-folders (.git, .DS_Store)
    max_control_ratio: float = 0.05  # more control characters than this share: "not-text"


# C0 controls except tab, newline, vertical tab, form feed, carriage return; and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def content_hash(title: str, raw: str) -> str:
    """Hash of the normalised title and text: the same article read twice hashes the same.

    NFC and collapsed whitespace, so a copy saved with other line endings or a composed
    vs decomposed accent is still recognised as the same article.
    """
    text = " ".join(f"{title}\n{raw}".split())
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def without_surrogates(text: str) -> str:
    """Replace lone surrogates (JSON allows ``"\\ud800"``) with U+FFFD; they cannot be stored."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def newlines(text: str) -> str:
    """Unix line endings, as Python's text mode would give."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def count_letters(text: str, enough: int) -> int:
    """Letters in ``text``, counting no further than ``enough`` (most texts stop early)."""
    n = 0
    for ch in text:
        if ch.isalpha():
            n += 1
            if n >= enough:
                break
    return n


def check_text(text: str, settings: IngestSettings, *, what: str = "text", reason: str = "empty") -> None:
    """Raise :class:`RejectedInput` when ``text`` is not usable article text.

    Binary data that happened to decode has many control characters ("not-text");
    a text with fewer than ``min_letters`` letters has nothing to analyse (``reason``).
    """
    if text:
        controls = len(_CONTROL.findall(text))
        if controls > settings.max_control_ratio * len(text):
            raise RejectedInput("not-text", f"{what} is {controls / len(text):.0%} control characters (binary data?)")
    if not text.strip():
        raise RejectedInput(reason, f"{what} is empty" if not text else f"{what} is only whitespace")
    letters = count_letters(text, settings.min_letters)
    if letters < settings.min_letters:
        raise RejectedInput(reason, f"{what} has only {letters} letters (fewer than {settings.min_letters})")


def rejection(source: str, key: str, exc: RejectedInput) -> Rejection:
    """The stored form of an expected rejection; logged so a run says what it refused and why."""
    log.warning("rejected %s: %s (%s)", key, exc.reason, exc.detail)
    return Rejection(source=source, reason=exc.reason, detail=exc.detail, input_key=key)


def quarantine(source: str, key: str, exc: BaseException) -> Quarantine:
    log.warning("ingest failed on %s: %s: %s", key, type(exc).__name__, exc)
    return Quarantine(
        source=source,
        stage="ingest",
        error=f"{type(exc).__name__}: {exc}",
        traceback="".join(traceback.format_exception(exc)),
        input_key=key,
    )


def guard(source: str, key: str, read: Callable[..., Iterator[Item]], *args: Any) -> Iterator[Item]:
    """Run one reader; an expected rejection or an unexpected failure becomes a value.

    What the reader yielded before failing stands (a damaged file loses only its damaged
    part); the failure itself is one more item, keyed by ``key``.
    """
    try:
        yield from read(*args)
    except RejectedInput as exc:
        yield rejection(source, key, exc)
    except Exception as exc:  # noqa: BLE001 - quarantined with its traceback, the walk goes on
        yield quarantine(source, key, exc)


def language_hint(value: object) -> str | None:
    """A claimed language as a lower-case primary subtag (``en-US`` → ``en``); a hint only."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip().lower()
    m = re.match(r"^([a-z]{2,3})(?:[-_][a-z0-9-_]+)?$", value)
    return m.group(1) if m else value


def text_or_none(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return without_surrogates(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def make_article(
    source: str,
    raw: str,
    *,
    fmt: str,
    title: str = "",
    id: str | None = None,
    encoding: str | None = None,
    url: str | None = None,
    author: str | None = None,
    language: str | None = None,
    outlet: str | None = None,
) -> Article:
    """An ingested article: id from the input if it has one, else the content hash."""
    digest = content_hash(title, raw)
    return Article(
        id=id or digest,
        content_hash=digest,
        source=source,
        raw=raw,
        title=title,
        url=url,
        author=author,
        language_hint=language,
        encoding=encoding,
        fmt=fmt,
        outlet=outlet,
    )
