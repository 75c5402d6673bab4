"""Clean stage: from the decoded page text to a title, body paragraphs and captions.

Scraped news text carries the page around the article: view counters, share and
comment prompts, "source site" links, photo captions and credits, datelines of the
scraper, and sometimes text decoded with the wrong code page. This stage

1. normalises the text (NFC, line ends, control and zero-width characters);
2. repairs mojibake: UTF-8 read as Latin-1/cp1252 with ftfy (only on lines a cheap
   regular expression flags, since ftfy is slow), and legacy single-byte text
   (cp1251, cp1253, koi8-r, cp1257, cp1250) read as Latin-1/cp1252 — a repair is kept
   only when the language detector is confident in the result and the original
   looked wrong (runs of whole words made of Latin-1 letters, or letters that are
   rare outside that failure);
3. splits the text into units (blank-line blocks, or lines when the text uses single
   newlines; hard-wrapped blocks are joined) and classifies each unit by general
   patterns of news pages: counters, interface prompts in many languages, scraper
   datelines, credits (``© …``, ``Photo: …``, ``Name Surname/AGENCY``), captions
   (agency-style ``CITY, COUNTRY - MONTH D, YYYY:`` captions, a trailing "photo"
   label, position hints like ``(l)``, a caption directly above a lone credit), and
   header lines of exported files (a lone date, link, identifier or language code);
4. picks the title when the input gave none: the first unit that is not page
   furniture, if it looks like a headline (short, no final full stop).

Nothing that reads like article text is dropped: captions and credits go to
``captions``, page furniture to ``removed``, the rest to ``paragraphs``/``text``.
A text with nothing left is rejected as ``empty``.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from storyline.config import Config
from storyline.dates.publication import DATE_LABELS
from storyline.errors import RejectedInput
from storyline.language import LETTER, detector, letters
from storyline.models import Article, Caption, Paragraph, replace

log = logging.getLogger(__name__)

Kind = Literal["body", "caption", "credit", "removed"]


@dataclass(frozen=True, slots=True)
class CleanSettings:
    """``[clean]`` in defaults.toml."""

    # a headline has at most this many words and characters
    max_title_words: int = 30
    max_title_chars: int = 250
    # how many leading units may be page furniture before the title
    title_scan_units: int = 6
    # a unit with a weak caption signal (position hint, a credit below it) is a caption
    # only when it is at most this long
    max_caption_words: int = 45
    # legacy mojibake: how many whole Latin-1 words make a run worth trying to repair
    min_mojibake_words: int = 3
    # the detector's probability needed to accept a repaired segment
    min_repair_score: float = 0.8


# --------------------------------------------------------------------------- text
# one pass of str.translate: line ends to "\n", control and zero-width characters out,
# every kind of space to " "
_TRANSLATE: dict[int, str | None] = {
    **{c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x200B, 0x200C, 0x200D,
                         0x2060, 0xFEFF, 0xAD]},
    **{c: "\n" for c in (0x0D, 0x2028, 0x2029, 0x85)},
    **{c: " " for c in (0x09, 0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)},
}
_MULTISPACE = re.compile(r" {2,}")
_UNUSUAL = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_WORD = re.compile(r"\S+")

# UTF-8 read as Latin-1/cp1252: a lead byte (Â-ô) followed by a continuation byte
# (0x80-0xBF, which cp1252 shows as € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ
# or as ¡-¿). Only lines that match are given to ftfy.
_UTF8_MOJIBAKE = re.compile(
    "[\xc2-\xf4][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)

# Single-byte text (Cyrillic, Greek) read as Latin-1/cp1252 shows as whole words of
# Latin-1 letters and a few symbols; these are the characters such words are made of.
_MOJI_CHARS = (
    "\xa2\xa5\xa8\xaa\xaf\xb2-\xb4\xb8\xba\xbc-\xbf\xc0-\xff"
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
)
_MOJI_RUN = re.compile(
    f"[{_MOJI_CHARS}]{{2,}}(?:[\\s\\d.,:;!?()\\[\\]\"'«»/\\-–—…]+[{_MOJI_CHARS}]+)*"
)
_HIGH_LATIN1 = re.compile("[\xc0-\xff]")
_MOJI_WORD = re.compile(f"[{_MOJI_CHARS}]{{2,}}")
# Baltic/Central European text read as Latin-1: mostly ASCII, with letters that are
# rare in real Latin-1 text (ð þ for š ž, ³ ¹ ¿ inside words for ł ą ż, ...).
_ODD_LATIN1 = re.compile(r"[a-zA-Z][ðþÐÞ³¹¿¾¼][a-zA-Z]|[ðþ][a-z]")
_ODD_CHAR = re.compile("[ðþÐÞ³¹¿¾¼]")

# code page -> languages its text may be in (a repair must be detected as one of them)
_WHOLE_WORD_CODECS: tuple[tuple[str, frozenset[str]], ...] = (
    ("cp1251", frozenset({"ru", "uk", "bg", "be", "mk", "sr"})),
    ("cp1253", frozenset({"el"})),
    ("koi8_r", frozenset({"ru", "bg"})),
    ("koi8_u", frozenset({"uk"})),
)
_INWORD_CODECS: tuple[tuple[str, frozenset[str]], ...] = (
    ("cp1257", frozenset({"lt", "lv", "et"})),
    ("cp1250", frozenset({"pl", "cs", "sk", "sl", "hr", "hu", "ro", "bs", "sr"})),
)

# --------------------------------------------------------------------------- page furniture
_PHOTO = (
    r"(?:photos?|photograph|foto(?:s|grafie|grafija|grafia)?|fotó|фото(?:графия)?|φωτο(?:γραφία)?|φωτ\."
    r"|bild(?:er)?|zdjęcie|fot\.|kuva|resim|imagen|immagine|image|picture|снимка|світлина)"
)
# "© …", "(c) …", "Photo: …", "Foto: …", "Bild: …", "Photo credit: …", "Фото ©": a photo credit
_PHOTO_LABEL = rf"(?:©|\(c\)|copyright\b|{_PHOTO}\s*(?:credits?|source)?\s*(?::|©))"
# "Source: …", "Quelle: …", "Źródło: …": the origin of the text (a credit, but no sign of a photo)
_SOURCE_LABEL = (
    r"(?:credits?|source|quelle|источник|джерело|izvor|źródło|zdroj|vir|πηγή|fuente|fonte|bron|kaynak|avots)"
    r"\s*(?:photo|foto|фото)?\s*:"
)
_CREDIT_LABEL = re.compile(rf"(?<!\w)(?:{_PHOTO_LABEL}|{_SOURCE_LABEL})", re.IGNORECASE)
_PHOTO_CREDIT_LABEL = re.compile(rf"(?<!\w){_PHOTO_LABEL}", re.IGNORECASE)
# a copyright footer: "© 2014-2018 …", "© X, 1993-2018. All rights reserved."
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s*[^.]{0,60}?\b(?:19|20)\d\d\b", re.IGNORECASE)
#: "All rights reserved" in many languages (lower case; looked for as plain substrings).
RIGHTS_RESERVED: tuple[str, ...] = (
    "all rights reserved", "alle rechte vorbehalten", "все права защищены", "всі права захищені",
    "всички права запазени", "wszelkie prawa zastrzeżone", "všechna práva vyhrazena", "všetky práva vyhradené",
    "vse pravice pridržane", "sva prava pridržana", "sva prava zadržana", "сва права задржана",
    "tous droits réservés", "todos los derechos reservados", "tutti i diritti riservati", "όλα τα δικαιώματα",
    "visas tiesības aizsargātas", "tüm hakları saklıdır",
)


def is_copyright(unit: str) -> bool:
    """A copyright footer: "© 2014-2018 …" or a short unit saying "all rights reserved"."""
    if _COPYRIGHT.match(unit):
        return True
    if len(unit) > 200:
        return False  # a long paragraph that mentions rights is text, or text with a footer glued on
    low = unit.lower()
    return any(p in low for p in RIGHTS_RESERVED)
_NAME = r"(?:[^\W\d_][\w'’&.-]*|-)"
# "Name Surname/AGENCY/AGENCY", "-/Kyodo/dpa", "EPA/SCANPIX"
_SLASH_CREDIT = re.compile(rf"(?<!\S)(?:{_NAME}\s){{0,3}}{_NAME}(?:\s?/\s?{_NAME})+(?=[\s,;]|$)")
# an agency-style photo caption: "CITY, COUNTRY - MONTH D, YYYY: ..." (or D MONTH YYYY)
_CAPS = r"[A-ZÀ-ÖØ-ÞА-ЯЁЄІЇΑ-Ω][A-ZÀ-ÖØ-ÞА-ЯЁЄІЇΑ-Ω.'’-]*"
_DATELINE_CAPTION = re.compile(
    rf"^{_CAPS}(?:\s{_CAPS})*(?:,\s{_CAPS}(?:\s{_CAPS})*)+\s[-–—]\s"
    rf"(?:{_CAPS}\s\d{{1,2}},?\s\d{{4}}|\d{{1,2}}\.?\s{_CAPS}\s\d{{4}})\s?:"
)
# a caption that ends with the page's "photo" label
_PHOTO_LABEL_END = re.compile(rf"(?:^|(?<=[.!?)»\"”|]))\s*{_PHOTO}\s*[.:]?$", re.IGNORECASE)
# position hints that only captions use: (l), (r), (l-r), (left), (links), (слева), (foto – no kreisās) ...
_POSITION_HINT = re.compile(
    r"\((?:l|r|m|c|li|re|l\.?\s?[-–]\s?r\.?|v\.\s?l\.|from left|left|right|cent(?:er|re)|links|rechts|mitte"
    r"|слева|справа|в центре|ліворуч|праворуч|зліва|вляво|вдясно|zleva|zprava|vlevo|vpravo|od lewej|z lewej"
    r"|z prawej|na zdjęciu|a sinistra|a destra|à gauche|à droite|izquierda|derecha"
    rf"|{_PHOTO}\s*[-–—:][^)]{{0,40}})\)",
    re.IGNORECASE,
)
# a lone number (view counter, page number), possibly with a "views" word
_COUNTER = re.compile(
    r"^[\W_]*\d[\d\s.,]*(?:k|тыс\.?)?\s*(?:views?|reads?|просмотр\w*|переглядів|прегледа|aufrufe|wyświetle\w*"
    r"|zobrazení|ogledov|προβολές|vues|visitas|visualizzazioni|comments?|коммент\w*)?[\W_]*$",
    re.IGNORECASE,
)
# a numeric date, perhaps with a time: "2023-09", "12.03.2023 14:05"
_DATE_TIME = r"(?:\d{4}-\d{2}(?:-\d{2})?|\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4})(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?)?"
# the scraper's own date line ("date 2023-09", "Published: 12.03.2023 14:05")
_META_PREFIX = re.compile(rf"^(?:{DATE_LABELS})\s*:?\s*{_DATE_TIME}(?=\s|$)", re.IGNORECASE)
_DATE_ONLY = re.compile(rf"^{_DATE_TIME}$")
#: A unit that is only a link, or a lower-case identifier or slug ("pl-878",
#: "story_2019-04"), or a lone two- or three-letter lower-case code (a language or section
#: code): the header lines of exported or scraped files, never article text.
_LINK_ONLY = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_IDENTIFIER_ONLY = re.compile(r"^(?=\S*\d)[a-z0-9]+(?:[-_./][a-z0-9]+)+$|^[a-z]{2,3}$")

#: Interface words and phrases of news pages (share, comment, print, read more, source
#: link, advertising ...), lower case, in many languages. A unit made only of these is
#: page furniture.
UI_PHRASES: frozenset[str] = frozenset(
    p.strip()
    for p in """
    share|share this|share this article|share on facebook|share on twitter|tweet|email|e mail|print|comments|comment
    |leave a reply|leave a comment|reply|add comment|post a comment|no comments|show comments|read more|read also
    |see also|related|related articles|related stories|more stories|advertisement|advertising|sponsored|subscribe
    |follow us|source site|source|source link|tags|like|save|copy link|link copied|loading|newsletter|sign up
    |log in|login|back to top|next article|previous article|more|menu|home|close|facebook|twitter|x|whatsapp
    |telegram|linkedin|pinterest|reddit|vk|viber|messenger|flipboard|mail|rss
    |teilen|artikel teilen|kommentare|kommentar|kommentieren|drucken|mehr zum thema|weiterlesen|anzeige
    |werbung|quelle|schlagworte|antworten|hinterlasse einen kommentar|schreibe einen kommentar
    |partager|commentaires|commenter|imprimer|lire aussi|lire la suite|publicité|réagir|laisser un commentaire
    |compartir|comentarios|comentar|imprimir|leer más|publicidad|fuente|deja un comentario|deja una respuesta
    |condividi|commenti|stampa|leggi anche|pubblicità|fonte|lascia un commento|rispondi
    |compartilhar|partilhar|comentários|leia mais|leia também|publicidade|deixe um comentário
    |delen|reacties|afdrukken|lees ook|advertentie|bron
    |udostępnij|komentarze|skomentuj|drukuj|czytaj też|czytaj także|czytaj więcej|reklama|źródło|zobacz też
    |sdílet|zdieľať|komentáře|komentáre|diskuse|diskusia|tisk|tlačiť|čtěte také|čítajte aj|zdroj
    |deli|deli članek|podijeli|podeli|komentarji|komentari|natisni|ispis|štampaj|preberite še|pročitajte još
    |oglas|vir|izvor
    |поделиться|комментарии|комментарий|комментировать|печать|версия для печати|читайте также|реклама
    |источник|оставить комментарий|оставьте комментарий|ответить
    |поділитися|коментарі|коментар|друк|читайте також|джерело
    |сподели|споделете|коментари|печат|принтирай|прочетете още|източник
    |κοινοποίηση|μοιραστείτε|σχόλια|σχόλιο|εκτύπωση|διαβάστε επίσης|διαβάστε ακόμα|διαφήμιση|πηγή
    |αφήστε ένα σχόλιο|αφήστε μια απάντηση
    |paylaş|yorumlar|yorum yap|yazdır|ayrıca okuyun|reklam|kaynak
    |dalīties|komentāri|komentēt|drukāt|lasi arī|reklāma|avots
    |dalintis|komentarai|spausdinti|skaitykite taip pat|šaltinis
    |jaga|kommentaarid|prindi|loe ka|reklaam|allikas
    |megosztás|hozzászólások|nyomtatás|hirdetés|forrás
    |distribuie|comentarii|tipărește|citește și|publicitate|sursa
    |jaa|kommentit|tulosta|lue myös|mainos|lähde
    |dela|del|kommentarer|skriv ut|läs också|annons|källa|kilde
    |شارك|تعليقات|طباعة|اقرأ أيضا|المصدر|إعلان
    """.replace("\n", "|").split("|")
) - {""}

#: News and photo agencies that appear alone on a line as a credit.
AGENCIES: frozenset[str] = frozenset(
    p.strip()
    for p in """
    ap|afp|epa|reuters|dpa|getty images|getty|shutterstock|istock|alamy|picture alliance|sputnik|tass|xinhua
    |anadolu|ansa|efe|kyodo|yonhap|scanpix|leta|pap|čtk|ctk|sta|bta|hina|tanjug|фото|тасс|риа новости
    |ria novosti|ukrinform|укрінформ|unian|уніан|ana mpa|απε μπε|imago|keystone|belga|anp|ntb|tt|lusa
    |pixabay|unsplash|wikimedia commons|wikipedia|facebook|twitter|instagram|youtube|x
    """.replace("\n", "|").split("|")
) - {""}

_SENTENCE_END = re.compile(r"[.!?…]['\"”’»)]*$")
_UI_SPLIT = re.compile(r"\s*[|•·/,;]\s*|\s{2,}")
_NON_LETTERS = re.compile(r"[\W\d_]+")


def _norm(text: str) -> str:
    """Lower case letters and single spaces only (for phrase lists)."""
    return _NON_LETTERS.sub(" ", text.lower()).strip()


def _parts(unit: str) -> list[str]:
    """The unit split at bars, bullets, slashes, commas and wide gaps, each part :func:`_norm`-ed."""
    return [p for p in (_norm(x) for x in _UI_SPLIT.split(unit)) if p]


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _capitalised(word: str) -> bool:
    return word == "-" or word[:1].isupper()


# --------------------------------------------------------------------------- pieces of a unit
@dataclass(frozen=True, slots=True)
class Piece:
    """A part of a unit (paragraph) with what it is."""

    kind: Kind
    text: str


def is_ui(unit: str) -> bool:
    """A unit made only of interface words ("Share", "Comments (3)", "Leave a Reply")."""
    if len(unit) > 80:
        return False
    norm = _norm(unit)
    if not norm:
        return False
    if norm in UI_PHRASES:
        return True
    parts = _parts(unit)
    return len(parts) > 1 and all(p in UI_PHRASES for p in parts)


def _is_header(unit: str) -> bool:
    """A header line of a file: a lone date, link or identifier."""
    return bool(_DATE_ONLY.match(unit) or _LINK_ONLY.match(unit) or _IDENTIFIER_ONLY.match(unit))


def is_counter(unit: str) -> bool:
    """A lone number, perhaps with a "views" word: a counter, never a sentence."""
    return len(unit) <= 40 and bool(_COUNTER.match(unit))


def _slash_credit_ok(text: str) -> str | None:
    """Trim a ``Name/AGENCY`` match to its capitalised part; None when it is not a credit."""
    head, _, rest = text.partition("/")
    words = head.split()
    keep: list[str] = []
    for word in reversed(words):
        if not _capitalised(word) or len(keep) == 3:
            break
        keep.insert(0, word)
    if not keep or (keep[0] != "-" and keep[0][-1:] in ".,:;"):
        return None
    parts = [p.strip() for p in rest.split("/")]
    for part in parts:
        for word in part.split():
            if not (_capitalised(word) or (word.isalpha() and len(word) <= 4)):
                return None
    if not any(_capitalised(p) and p != "-" for p in [*keep, *parts]):
        return None
    return " ".join(keep) + "/" + "/".join(parts)


def lone_credit(unit: str) -> Literal["photo", "source"] | None:
    """A credit standing alone, and of what kind.

    ``"photo"``: ``© -/Kyodo/dpa``, ``Photo: Reuters``, ``Name Surname/TASS``, ``AFP``;
    ``"source"``: ``Source: Reuters``, ``Źródło: PAP``. None when the unit is no credit.
    """
    if len(unit) > 100 or _words(unit) > 10:  # the length first: long paragraphs are the common case
        return None
    label = _CREDIT_LABEL.match(unit)
    if label:
        rest = unit[label.end() :].strip()
        n = _words(rest)
        if rest and (n <= 3 or (n <= 6 and not _SENTENCE_END.search(rest))):
            return "photo" if _PHOTO_CREDIT_LABEL.match(unit) else "source"
        return None
    if "/" in unit and not _SENTENCE_END.search(unit) and _SLASH_CREDIT.fullmatch(unit) and _slash_credit_ok(unit):
        return "photo"
    parts = _parts(unit)
    if parts and unit[:1].isupper() and all(p in AGENCIES for p in parts):
        return "photo"
    return None


def is_lone_credit(unit: str) -> bool:
    """Whether ``unit`` is a credit standing alone (see :func:`lone_credit`)."""
    return lone_credit(unit) is not None


def _credit_end(unit: str, pos: int) -> int:
    """Where the credit whose label ends at ``pos`` ends.

    A credit is slash-joined names (``EPA/PAUL SMITH/PAP``) or up to four capitalised
    words (``Hans Meier``, ``Reuters``); it stops before a new label (``Caption:``), a
    dash, a quote, and before a capitalised word that starts a sentence (one followed
    by a lower-case word: ``Foto: PAP Fundamentalists demand …``).
    """
    tokens = list(re.finditer(r"\s*(\S+)", unit[pos:]))
    end = pos
    slashed = False
    for n, w in enumerate(tokens):
        word = w.group(1)
        if "/" in word and n == 0:
            slashed = True
        elif slashed:
            if not ("/" in word or (word.isupper() and letters(word) > 1)):
                break
        else:
            agency = n == 0 and word.lower().strip(".,;") in AGENCIES
            if n == 4 or word[:1] in "-–—\"„“«'‚‘(" or not (_capitalised(word) or agency):
                break
            nxt = tokens[n + 1].group(1) if n + 1 < len(tokens) else ""
            if n > 0 and (not word.isupper() or len(word) == 1) and nxt[:1].islower():
                break
        if word.endswith(":") and n > 0:
            break
        end = pos + w.end()
        if _SENTENCE_END.search(word) and not slashed:
            break
    return end


def _credit_spans(unit: str) -> list[tuple[int, int]]:
    """Where credits stand inside a unit (label credits and ``Name/AGENCY``)."""
    spans: list[tuple[int, int]] = []
    for m in _CREDIT_LABEL.finditer(unit):
        end = _credit_end(unit, m.end())
        if end > m.end():
            spans.append((m.start(), end))
    for m in _SLASH_CREDIT.finditer(unit):
        credit = _slash_credit_ok(m.group(0))
        if credit is None:
            continue
        start = m.start() + m.group(0).find(credit.split("/", 1)[0].split()[0])
        end = m.end()
        if any(s <= start < e or s < end <= e for s, e in spans):
            continue
        spans.append((start, end))
    return sorted(spans)


def split_caption(unit: str) -> list[Piece]:
    """Split a caption unit into caption and credit pieces (a trailing photo label is removed)."""
    pieces: list[Piece] = []
    pos = 0
    for start, end in _credit_spans(unit):
        if start > pos:
            pieces.append(Piece("caption", unit[pos:start].strip()))
        pieces.append(Piece("credit", unit[start:end].strip()))
        pos = end
    if pos < len(unit):
        pieces.append(Piece("caption", unit[pos:].strip()))
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if piece.kind == "caption":
            label = _PHOTO_LABEL_END.search(piece.text)
            if label and label.start() > 0:
                out.append(Piece("caption", piece.text[: label.start()].strip()))
                out.append(Piece("removed", piece.text[label.start() :].strip()))
                continue
            if not LETTER.search(piece.text):
                out.append(Piece("removed", piece.text))
                continue
        out.append(piece)
    return out


_TAIL = 160  # characters at the end of a unit where a trailing credit is looked for
_MAX_CAPTION_CHARS = 2000  # no caption is longer (and splitting one costs time by its length squared)


def _may_have_label(text: str) -> bool:
    """Cheap test before the credit-label pattern: every label has ":" or "©", or says (c)/copyright."""
    return ":" in text or "©" in text or "(c)" in text or "(C)" in text or "opyright" in text


def _sentences(text: str) -> int:
    return len(re.findall(r"[.!?…](?:\s|$)", text)) or 1


def unit_pieces(unit: str, photo_credit_below: bool, max_caption_words: int) -> list[Piece]:
    """One unit that is not page furniture as body, caption, credit and removed pieces.

    A caption needs evidence of a photo — an agency-style dateline caption, a
    "photo" label or photo credit at its start or end, a position hint like ``(l)``,
    or a photo credit standing on the line below — and must be short (a real
    paragraph with a photo credit glued to its end stays body; only the credit
    leaves). Credits (``Foto: X``, ``Source: X``, ``Name/AGENCY``) at the very start
    or end of a unit are split off as credits in any case.
    """
    if len(unit) <= _MAX_CAPTION_CHARS and _DATELINE_CAPTION.match(unit):
        return split_caption(unit)
    head: list[Piece] = []
    tail: list[Piece] = []
    evidence = False
    rest = unit
    # a credit at the start: "Foto: EPA/SCANPIX <caption>"
    label = _CREDIT_LABEL.match(rest)
    if label:
        end = _credit_end(rest, label.end())
        if end > label.end():
            head.append(Piece("credit", rest[:end].strip()))
            evidence = bool(_PHOTO_CREDIT_LABEL.match(rest))
            rest = rest[end:].strip()
    # a credit at the end, after a sentence or a bar: "... on Monday. Photo: Reuters", "... | foto: X"
    # (only the last characters are searched: long paragraphs are the common case)
    cut = max(0, len(rest) - _TAIL)
    window = rest[cut:]
    spans = []
    if "/" in window or (_may_have_label(window) and _CREDIT_LABEL.search(window)):
        spans = [(cut + s, cut + e) for s, e in _credit_spans(window) if cut + e >= len(rest.rstrip(" .")) and s > 0]
    if spans:
        start = spans[-1][0]
        before = rest[:start].rstrip()
        if before and (before[-1] in ".!?…|)»\"”'" or _PHOTO_CREDIT_LABEL.match(rest, start)):
            tail.insert(0, Piece("credit", rest[start:].strip()))
            evidence = evidence or bool(_PHOTO_CREDIT_LABEL.match(rest, start))
            if before.endswith("|"):
                tail.insert(0, Piece("removed", "|"))
            rest = before.rstrip("|").rstrip()
    # a "photo" label at the end: "... to China. photo"
    photo = _PHOTO_LABEL_END.search(rest, max(0, len(rest) - 40))
    label_only = False
    if photo and photo.start() > 0:
        tail.insert(0, Piece("removed", rest[photo.start() :].strip()))
        rest = rest[: photo.start()].rstrip()
        label_only = not evidence
    if not rest or not LETTER.search(rest):
        return [*head, *([Piece("removed", rest)] if rest else []), *tail]
    words = rest.count(" ") + 1  # single spaces after normalise()
    short = words <= max_caption_words and _sentences(rest) <= 2
    if short and _POSITION_HINT.search(rest):
        evidence = True
    if label_only:
        # a trailing "photo" label alone is weak: a lead paragraph may stand above a photo
        evidence = photo_credit_below or words <= max_caption_words // 2 or evidence
    if not evidence and photo_credit_below:
        evidence = words <= max_caption_words * 2 // 3 and _sentences(rest) <= 1 and rest[:1] not in "\"„“«'‚‘-–—"
    if evidence and short:
        return [*head, *split_caption(rest), *tail]
    return [*head, Piece("body", rest), *tail]


# --------------------------------------------------------------------------- mojibake
@dataclass(frozen=True, slots=True)
class Repair:
    """One repaired segment of text."""

    codec: str
    original: str
    repaired: str


def _reencode(segment: str) -> bytes | None:
    for codec in ("latin-1", "cp1252"):
        try:
            return segment.encode(codec)
        except UnicodeEncodeError:
            continue
    return None


_INNER_FINAL_SIGMA = re.compile(r"ς(?=[^\W\d_])")


def implausible(text: str) -> bool:
    """A decoding no real text has: Greek final sigma inside a word, or many words that
    switch from lower to upper case inside (``пРЕЗИДЕНТ``: the wrong Cyrillic code page).

    The language detector is confident about the script more than the words, so it
    cannot tell cp1251 from cp1253 or koi8-r garbage on its own.
    """
    if _INNER_FINAL_SIGMA.search(text):
        return True
    words = text.split()
    flips = sum(1 for w in words if any(a.islower() and b.isupper() for a, b in itertools.pairwise(w)))
    return flips > max(2, len(words) // 5)


class MojibakeRepairer:
    """Repairs text decoded with the wrong code page, checked by the language detector."""

    def __init__(self, settings: CleanSettings) -> None:
        self.settings = settings
        self.detector = detector()

    def fix_utf8(self, text: str) -> tuple[str, bool]:
        """ftfy on the lines that look like UTF-8 read as Latin-1/cp1252."""
        if not _UTF8_MOJIBAKE.search(text):
            return text, False
        import ftfy

        changed = False
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if _UTF8_MOJIBAKE.search(line):
                fixed = ftfy.fix_encoding(line)
                if fixed != line:
                    lines[i] = fixed
                    changed = True
        return "\n".join(lines), changed

    def _best(self, segment: str, codecs: tuple[tuple[str, frozenset[str]], ...]) -> tuple[str, str, float] | None:
        raw = _reencode(segment)
        if raw is None:
            return None
        best: tuple[str, str, float] | None = None
        for codec, langs in codecs:
            try:
                candidate = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            if implausible(candidate):
                continue
            code, prob = self.detector.best(candidate)
            if code in langs and prob >= self.settings.min_repair_score and (best is None or prob > best[2]):
                best = (codec, candidate, prob)
        return best

    def fix_legacy(self, text: str) -> tuple[str, list[Repair]]:
        """Repair single-byte mojibake segment by segment; the rest of the text is untouched."""
        repairs: list[Repair] = []
        if not _HIGH_LATIN1.search(text) and not _ODD_CHAR.search(text):
            return text, repairs
        out: list[str] = []
        pos = 0
        for m in _MOJI_RUN.finditer(text):
            segment = m.group(0)
            if len(_MOJI_WORD.findall(segment)) < self.settings.min_mojibake_words:
                continue
            # the original must look wrong: not confidently a language itself
            _, orig_prob = self.detector.best(segment)
            best = self._best(segment, _WHOLE_WORD_CODECS)
            if best is None or best[2] <= orig_prob:
                continue
            out.append(text[pos : m.start()])
            out.append(best[1])
            pos = m.end()
            repairs.append(Repair(best[0], segment, best[1]))
        text = "".join(out) + text[pos:] if repairs else text
        if _ODD_CHAR.search(text) and _ODD_LATIN1.search(text):
            lines = text.split("\n")
            for i, line in enumerate(lines):
                if len(_ODD_LATIN1.findall(line)) < 2:
                    continue
                orig_code, orig_prob = self.detector.best(line)
                best = self._best(line, _INWORD_CODECS)
                if best is not None and best[2] > orig_prob + 0.2 and orig_code not in {"is", "fo"}:
                    lines[i] = best[1]
                    repairs.append(Repair(best[0], line, best[1]))
            text = "\n".join(lines)
        return text, repairs


# --------------------------------------------------------------------------- units
def _hard_wrapped(lines: list[str]) -> bool:
    """A block whose lines were wrapped at a width (join them) rather than one paragraph each."""
    if len(lines) < 3:
        return False
    body = lines[:-1]
    widths = [len(x) for x in body]
    open_ends = sum(1 for x in body if not _SENTENCE_END.search(x))
    return min(widths) >= 30 and max(widths) <= 100 and max(widths) - min(widths) <= 30 and open_ends >= len(body) / 2


def units(text: str) -> list[str]:
    """The text's paragraphs before classification: blocks, or lines of blocks."""
    out: list[str] = []
    for block in _BLANK_LINES.split(text):
        lines = [x.strip() for x in block.split("\n")]
        lines = [x for x in lines if x]
        if not lines:
            continue
        if _hard_wrapped(lines):
            out.append(" ".join(lines))
        else:
            out.extend(lines)
    return out


def normalise(text: str) -> str:
    """NFC, ``\\n`` line ends, no control or zero-width characters, single spaces."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _UNUSUAL.search(text):
        text = text.translate(_TRANSLATE)
    if "  " in text:
        text = _MULTISPACE.sub(" ", text)
    return text


# --------------------------------------------------------------------------- the stage
@dataclass(frozen=True, slots=True)
class Cleaned:
    """What :meth:`Cleaner.clean` finds in a text (before it becomes an Article)."""

    title: str
    paragraphs: tuple[str, ...]
    captions: tuple[Caption, ...]
    removed: tuple[str, ...]
    repairs: tuple[str, ...]


class Cleaner:
    """Stage ``clean``: title, body paragraphs, captions and removed leftovers from ``raw``."""

    name = "clean"
    parallel_safe = True  # output depends only on the article and the config: runs in workers

    def __init__(self, config: Config) -> None:
        self.settings = config.section("clean", CleanSettings)
        self.repairer = MojibakeRepairer(self.settings)

    def __call__(self, article: Article) -> Article:
        cleaned = self.clean(article.raw, article.title)
        if not cleaned.paragraphs and not LETTER.search(cleaned.title):
            raise RejectedInput("empty", "no article text left after cleaning")
        paragraphs: list[Paragraph] = []
        pos = 0
        for text in cleaned.paragraphs:
            paragraphs.append(Paragraph(text=text, start=pos, end=pos + len(text)))
            pos += len(text) + 2
        return replace(
            article,
            title=cleaned.title,
            text="\n\n".join(cleaned.paragraphs),
            paragraphs=tuple(paragraphs),
            captions=cleaned.captions,
            removed=cleaned.removed,
            repairs=cleaned.repairs,
        )

    def pipe(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[Article]:
        for article in articles:
            yield self(article)

    # -- the work --------------------------------------------------------------
    def clean(self, raw: str, title: str = "") -> Cleaned:
        """Clean ``raw``; ``title`` is the title the input gave ("" for none)."""
        repairs: list[str] = []
        text = normalise(raw)
        text, utf8_fixed = self.repairer.fix_utf8(text)
        if utf8_fixed:
            repairs.append("ftfy")
        text, legacy = self.repairer.fix_legacy(text)
        repairs.extend(dict.fromkeys(r.codec for r in legacy))
        if title:
            title = " ".join(normalise(title).split())
            title, title_fixed = self.repairer.fix_utf8(title)
            if title_fixed and "ftfy" not in repairs:
                repairs.append("ftfy")
        pieces = self._classify(units(text))
        title, pieces = self._title(title, pieces)
        body: list[str] = []
        captions: list[Caption] = []
        removed: list[str] = []
        for unit_pieces in pieces:
            for piece in unit_pieces:
                if piece.kind == "body":
                    body.append(piece.text)
                elif piece.kind == "removed":
                    removed.append(piece.text)
                else:
                    source = _original(piece.text, legacy)
                    captions.append(Caption(text=piece.text, kind=piece.kind, repaired_from=source))
        return Cleaned(title, tuple(body), tuple(captions), tuple(removed), tuple(repairs))

    def _classify(self, found: list[str]) -> list[list[Piece]]:
        """Each unit as pieces of body, caption, credit or removed furniture."""
        s = self.settings
        credits = [lone_credit(u) for u in found]
        out: list[list[Piece]] = []
        for i, unit in enumerate(found):
            pieces: list[Piece] = []
            meta = _META_PREFIX.match(unit)
            if meta:
                pieces.append(Piece("removed", meta.group(0).strip()))
                unit = unit[meta.end() :].strip()
                if not unit:
                    out.append(pieces)
                    continue
            if is_counter(unit) or is_ui(unit) or is_copyright(unit) or _is_header(unit):
                pieces.append(Piece("removed", unit))
            elif credits[i] is not None:
                pieces.append(Piece("credit", unit))
            else:
                below = i + 1 < len(found) and credits[i + 1] == "photo"
                pieces.extend(unit_pieces(unit, below, s.max_caption_words))
            out.append(pieces)
        return out

    def _title(self, title: str, pieces: list[list[Piece]]) -> tuple[str, list[list[Piece]]]:
        """The given title (dropped from the body when repeated there) or one picked from the top."""
        s = self.settings
        if title:
            for i, unit_pieces in enumerate(pieces[: s.title_scan_units]):
                body = [p for p in unit_pieces if p.kind == "body"]
                if body:
                    # the title repeated as the first paragraph (not merely similar: nothing is lost)
                    if " ".join(body[0].text.casefold().split()) in " ".join(title.casefold().split()):
                        pieces = [*pieces[:i], [p for p in unit_pieces if p is not body[0]], *pieces[i + 1 :]]
                    break
            return title, pieces
        body_units = [i for i, up in enumerate(pieces) if any(p.kind == "body" for p in up)]
        if len(body_units) < 2 or body_units[0] >= s.title_scan_units:
            return "", pieces
        i = body_units[0]
        first = next(p for p in pieces[i] if p.kind == "body")
        candidate = first.text
        if (
            _words(candidate) > s.max_title_words
            or len(candidate) > s.max_title_chars
            or re.search(r"(?<!\.\.)[.,;:]$", candidate)
        ):
            return "", pieces
        pieces = [*pieces[:i], [p for p in pieces[i] if p is not first], *pieces[i + 1 :]]
        return candidate, pieces


def _original(text: str, repairs: list[Repair]) -> str | None:
    """The mojibake a caption was repaired from, if it was."""
    original = text
    for r in repairs:
        if r.repaired in original:
            original = original.replace(r.repaired, r.original)
        else:
            # the caption may be part of a repaired segment (split at its credit)
            idx = r.repaired.find(text)
            if idx >= 0:
                return r.original[idx : idx + len(text)] if len(r.original) == len(r.repaired) else r.original
    return original if original != text else None
