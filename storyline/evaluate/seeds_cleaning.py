"""Seeds part ``cleaning``: language, title, mojibake repair and leftovers against ``gold.json``.

Per seed:

- ``language``: the document language is gold's ``languages[seed]``;
- ``title``: the title equals gold's ``titles[seed]`` (whitespace-insensitive), where gold gives one;
- ``caption_repaired``: gold's ``mojibake_caption_fixed_to`` stands in a caption (not the body);
- ``leftovers_out``: no item of gold's ``not_body_text`` is in the body or the title;
- ``lost``: sentences of the raw text found nowhere in title, body, captions (as
  repaired or as read) or removed — must be none;
- ``moved_out``: sentences of the raw text that left the body (captions or removed)
  although their raw line holds none of gold's leftovers: real text taken out of
  the body by mistake — must be none.

A "sentence" of the raw text is a piece of a line split after ``. ! ? …`` with at least
three words and ten letters; both sides are compared after NFC, ftfy's encoding fix,
case folding, invisible characters dropped and whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from storyline.language import letters
from storyline.models import Article

_SPLIT = re.compile(r"(?<=[.!?…])['\"”’»)]*\s+")
# characters that carry no text (zero-width, soft hyphen, BOM): the cleaner drops them
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\xad"))


def _n(text: str) -> str:
    import ftfy

    text = unicodedata.normalize("NFC", ftfy.fix_encoding(text)).translate(_INVISIBLE)
    return " ".join(text.casefold().split())


def sentences(raw: str) -> list[tuple[str, str]]:
    """``(line, sentence)`` pairs of the raw text worth checking (see the module docstring)."""
    out: list[tuple[str, str]] = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        for piece in _SPLIT.split(line):
            piece = piece.strip()
            if len(piece.split()) >= 3 and letters(piece) >= 10:
                out.append((line, piece))
    return out


def covered(sentence: str, pieces: list[str]) -> bool:
    """Whether ``sentence`` is inside one piece or is a run of whole pieces then the start of one.

    A raw line split by the cleaner (a dateline, a credit and a caption on one line)
    is still "not lost" when its parts follow each other in ``pieces`` (longest first).
    """
    rest = sentence
    while rest:
        if any(rest in p for p in pieces):
            return True
        for p in pieces:
            if rest.startswith(p):
                rest = rest[len(p) :].lstrip()
                break
        else:
            return False
    return True


def score_article(article: Article, seed: str, gold: dict[str, Any]) -> dict[str, Any]:
    """The checks of one seed (``None`` where gold has nothing to check)."""
    cleaning = gold.get("cleaning", {}).get(seed, {})
    result: dict[str, Any] = {}
    want_language = gold.get("languages", {}).get(seed)
    result["language"] = None if want_language is None else article.language == want_language
    want_title = gold.get("titles", {}).get(seed)
    result["title"] = None if want_title is None else _n(article.title) == _n(want_title)
    body = _n(article.title + "\n" + article.text)
    captions = " ".join(_n(c.text) for c in article.captions)
    fixed = cleaning.get("mojibake_caption_fixed_to")
    result["caption_repaired"] = None if fixed is None else (_n(fixed) in captions and _n(fixed) not in body)
    leftovers = list(cleaning.get("not_body_text", []))
    missed = [x for x in leftovers if _n(x) in body]
    result["leftovers_out"] = not missed
    result["leftovers_in_body"] = missed
    # nothing lost: every raw sentence is somewhere; nothing real moved out of the body
    pieces = [_n(article.title), *(_n(p.text) for p in article.paragraphs), *(_n(x) for x in article.removed)]
    pieces += [_n(c.text) for c in article.captions]
    pieces += [_n(c.repaired_from) for c in article.captions if c.repaired_from]
    pieces = sorted({p for p in pieces if p}, key=len, reverse=True)
    lost: list[str] = []
    moved: list[str] = []
    marked = [_n(x) for x in leftovers]
    for line, sentence in sentences(article.raw):
        s = _n(sentence)
        if not covered(s, pieces):
            lost.append(sentence)
        elif s not in body and not any(m in _n(line) for m in marked):
            moved.append(sentence)
    result["lost"] = lost
    result["moved_out"] = moved
    result["ok"] = all(v is not False for v in (result["language"], result["title"], result["caption_repaired"])) and (
        result["leftovers_out"] and not lost and not moved
    )
    return result


def score(gold: dict[str, Any], articles: dict[str, Article], store: object) -> dict[str, Any]:
    """Every seed's checks and the totals; ``ok`` when every seed passes."""
    per_seed: dict[str, Any] = {}
    for seed in sorted(gold.get("languages", {})):
        article = articles.get(seed)
        per_seed[seed] = {"ok": False, "missing": True} if article is None else score_article(article, seed, gold)

    def count(key: str) -> str:
        values = [r.get(key) for r in per_seed.values() if r.get(key) is not None]
        return f"{sum(1 for v in values if v)}/{len(values)}"

    return {
        "languages_right": count("language"),
        "titles_right": count("title"),
        "captions_repaired": count("caption_repaired"),
        "leftovers_out": count("leftovers_out"),
        "sentences_lost": sum(len(r.get("lost", [])) for r in per_seed.values()),
        "sentences_moved_out": sum(len(r.get("moved_out", [])) for r in per_seed.values()),
        "ok": all(r.get("ok") for r in per_seed.values()),
        "seeds": per_seed,
    }
