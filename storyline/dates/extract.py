"""Find date expressions in a text and resolve them against a reference date.

Three steps, in this order, because each is cheap only after the one before:

1. **Candidates**: one regex pass splits the text into tokens; each word is looked
   up once in the language's :class:`~storyline.dates.lexicon.Lexicon` (a dict hit,
   with stem and compound fall-backs for inflected languages). Only tokens that are
   numbers or known date words can start an expression.
2. **Normalisation**: a small grammar around each candidate collects its parts —
   day, month, year, weekday, "last"/"next", "two … ago", a range connector — and
   the span the expression covers.
3. **Resolution**: the parts are placed on the calendar against the reference
   (publication) date. A bare weekday is the most recent such day on or before the
   reference unless the wording nearby points forward ("soll am Sonntag", "will",
   "θα", Spanish "-rá"); a day and month without a year take the year that puts them
   within about ten months before to two months after the reference.

dateparser is not called here: it resolves "am Freitag" a week late, knows no
Latvian locative weekdays and reads "1η Μαρτίου" as the wrong day, and costs
milliseconds a call. Its language data still feeds the lexicon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from storyline.dates.lexicon import SEEN_MAX, TOKEN, Lexicon, Tags, lexicon, norm

Date = dt.date
#: (first token, end token, value, granularity, confidence)
Hit = tuple[int, int, str, str, float]

_SENTENCE_END = frozenset({".", "!", "?", ";", "…"})
_CJK_YEAR = frozenset({"年", "년"})
_CJK_MONTH = frozenset({"月", "월"})
_CJK_DAY = frozenset({"日", "일"})
#: Where the clause around a weekday ends when looking for future wording.
_CLAUSE_END = _SENTENCE_END | {",", ":", "(", ")", "«", "»", "“", "”", "\"", "—", "–"}
_ADJACENT_SEPARATORS = frozenset({"-", "/", "."})


@dataclass(frozen=True, slots=True)
class Found:
    """One resolved expression: character offsets into the text given, ISO value."""

    start: int
    end: int
    value: str
    granularity: str
    confidence: float


#: A token is a plain tuple (built ~200k times per second of text, so no class):
#: (raw text, normalised form, start, end, lexicon tags or None, value if digits).
_Tok = tuple[str, str, int, int, Tags | None, int | None]
RAW: Final = 0
N: Final = 1
START: Final = 2
END: Final = 3
TAGS: Final = 4
NUM: Final = 5


def iso_week(day: Date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _valid(year: int, month: int, day: int) -> Date | None:
    try:
        return Date(year, month, day)
    except ValueError:
        return None


class Extractor:
    """Date expressions of one text in one language against one reference date.

    ``vague=True`` also reports references that place nothing on the calendar
    ("now", "recently", "the future": TimeBank's PRESENT_REF, PAST_REF, FUTURE_REF).
    """

    def __init__(self, language: str | None, reference: Date, *, vague: bool = False,
                 reference_precise: bool = True) -> None:
        self.lex: Lexicon = lexicon(language)
        self.ref = reference
        self.vague = vague
        self.weekday_confidence = 0.8 if reference_precise else 0.4
        self.toks: list[_Tok] = []

    # ------------------------------------------------------------------ tokens
    def _tokenise(self, text: str) -> list[_Tok]:
        lex = self.lex
        words = lex.words
        slow = lex.stemmed or lex.compound or bool(lex.clitics)
        phrases = lex.phrases
        not_after = lex.not_after
        seen = lex.seen
        if len(seen) > SEEN_MAX:
            seen.clear()
        phrase_at: list[int] = []
        toks: list[_Tok] = []
        append = toks.append
        for match in TOKEN.finditer(text):
            raw = match.group()
            start, end = match.span()
            if raw.isdigit():
                append((raw, raw, start, end, None, int(raw) if len(raw) <= 4 else None))
                continue
            known = seen.get(raw)
            if known is None:
                n = norm(raw)
                tags = words.get(n)
                if tags is None and slow and len(n) >= 4:
                    tags = lex.lookup(n)
                seen[raw] = (n, tags)
            else:
                n, tags = known
            if n in phrases:
                phrase_at.append(len(toks))
            if tags is not None and n in not_after and toks and toks[-1][N] in not_after[n]:
                tags = None  # "la mañana" is the morning, "am Morgen" too
            append((raw, n, start, end, tags, None))
        if phrase_at:
            toks = self._merge_phrases(toks, phrase_at)
        return toks

    def _merge_phrases(self, toks: list[_Tok], starts: list[int]) -> list[_Tok]:
        """Fold multi-word entries ("il y a", "letzte woche") into one token each."""
        phrases = self.lex.phrases
        out: list[_Tok] = []
        done = 0
        for i in starts:
            if i < done:
                continue
            for words, tags in phrases[toks[i][N]]:
                k = len(words)
                if tuple(t[N] for t in toks[i : i + k]) == words:
                    out.extend(toks[done:i])
                    first, last = toks[i], toks[i + k - 1]
                    out.append((" ".join(t[RAW] for t in toks[i : i + k]), " ".join(words),
                                first[START], last[END], tags, None))
                    done = i + k
                    break
        out.extend(toks[done:])
        return out

    # ----------------------------------------------------------------- helpers
    def _tag(self, i: int, kind: str) -> Any:
        """The value of tag ``kind`` on token ``i`` (tags hold ints, strings or pairs), else None."""
        if 0 <= i < len(self.toks):
            tags = self.toks[i][TAGS]
            if tags is not None:
                return tags.get(kind)
        return None

    def _skip_glue(self, i: int, limit: int = 2, *, words_only: bool = False) -> int:
        while limit and i < len(self.toks) and self._tag(i, "GLUE") is not None \
                and not (words_only and not self.toks[i][RAW][:1].isalnum()):
            i += 1
            limit -= 1
        return i

    def _num(self, i: int, low: int, high: int, digits: tuple[int, ...] = (1, 2)) -> int | None:
        if 0 <= i < len(self.toks):
            tok = self.toks[i]
            if tok[NUM] is not None and len(tok[RAW]) in digits and low <= tok[NUM] <= high:
                return tok[NUM]
        return None

    def _adjacent(self, i: int, j: int) -> bool:
        return 0 <= i < j < len(self.toks) and self.toks[i][END] == self.toks[j][START]

    def _future(self, i: int, j: int) -> bool:
        """Whether the clause around tokens ``i..j`` speaks of what is to come."""
        toks = self.toks
        lo = i
        while lo > 0 and i - lo < 7 and toks[lo - 1][RAW] not in _CLAUSE_END:
            lo -= 1
        hi = j
        while hi < len(toks) and hi - j < 7 and toks[hi][RAW] not in _CLAUSE_END:
            hi += 1
        suffixes = self.lex.fut_suffix
        for k in range(lo, hi):
            if i <= k < j:
                continue
            tags = toks[k][TAGS]
            if tags is not None and "FUT" in tags and not (k > 0 and toks[k - 1][RAW] == "-"):
                return True  # "lower-than-expected" is no future
            if suffixes and len(toks[k][RAW]) > 4 and toks[k][RAW].casefold().endswith(suffixes):
                return True
        return False

    def _month_allowed(self, i: int, alone: bool) -> bool:
        """A month name standing alone must look like one (capitalised where that matters)."""
        tok = self.toks[i]
        if not self.lex.capitalised and tok[TAGS] is not None and tok[TAGS].get("stemmed") \
                and tok[RAW][:1].isupper() and i > 0 \
                and self.toks[i - 1][RAW] not in _SENTENCE_END:
            return False
        if alone and self.lex.capitalised and not tok[RAW][:1].isupper():
            return False
        return True

    # -------------------------------------------------------------- resolution
    def _year_for(self, month: int, day: int, future: bool) -> Date | None:
        ref = self.ref
        lo, hi = (ref - dt.timedelta(days=60), ref + dt.timedelta(days=305)) if future else \
            (ref - dt.timedelta(days=305), ref + dt.timedelta(days=60))
        best: Date | None = None
        for year in (ref.year, ref.year - 1, ref.year + 1):
            cand = _valid(year, month, day)
            if cand is None:
                continue
            if lo <= cand <= hi:
                return cand
            if best is None or abs((cand - ref).days) < abs((best - ref).days):
                best = cand
        return best

    def _month_year(self, month: int, mod: int | None, future: bool) -> str:
        ref = self.ref
        here = ref.year * 12 + ref.month - 1
        if mod == 0:
            return f"{ref.year:04d}-{month:02d}"
        if mod == -1:
            year = ref.year if month < ref.month else ref.year - 1
        elif mod == 1:
            year = ref.year if month > ref.month else ref.year + 1
        else:
            window = range(-1, 11) if future else range(-10, 2)
            year = ref.year
            for cand in (ref.year, ref.year - 1, ref.year + 1):
                if cand * 12 + month - 1 - here in window:
                    year = cand
                    break
        return f"{year:04d}-{month:02d}"

    def _weekday_date(self, weekday: int, mod: int | None, future: bool) -> Date:
        ref = self.ref
        back = (ref.weekday() - weekday) % 7
        ahead = (weekday - ref.weekday()) % 7
        if mod == -1:
            return ref - dt.timedelta(days=back or 7)
        if mod == 1:
            return ref + dt.timedelta(days=ahead or 7)
        if mod == 0:
            return ref + dt.timedelta(days=weekday - ref.weekday())
        if future:
            return ref + dt.timedelta(days=ahead)
        return ref - dt.timedelta(days=back)

    def _unit_value(self, unit: str, offset: int) -> tuple[str, str] | None:
        ref = self.ref
        if unit == "day":
            return (ref + dt.timedelta(days=offset)).isoformat(), "day"
        if unit == "week":
            return iso_week(ref + dt.timedelta(weeks=offset)), "week"
        if unit == "month":
            year, month = shift_month(ref.year, ref.month, offset)
            return f"{year:04d}-{month:02d}", "month"
        if unit == "year":
            return f"{ref.year + offset:04d}", "year"
        if unit == "decade":
            return f"{ref.year // 10 + offset:03d}", "decade"
        if unit == "century":
            return f"{ref.year // 100 + offset:02d}", "unknown"
        return None

    # ---------------------------------------------------------------- grammar
    def find(self, text: str) -> list[Found]:
        """Every date expression in ``text``, left to right, not overlapping."""
        self.toks = self._tokenise(text)
        out: list[Found] = []
        i = 0
        n = len(self.toks)
        while i < n:
            tok = self.toks[i]
            if tok[TAGS] is None and tok[NUM] is None:
                i += 1
                continue
            hit = self._at(i)
            if hit is None:
                i += 1
                continue
            start, end, value, granularity, confidence = hit
            out.append(Found(self.toks[start][START], self.toks[end - 1][END], value, granularity, confidence))
            i = end
        return out

    def _at(self, i: int) -> Hit | None:
        tok = self.toks[i]
        if tok[NUM] is not None:
            return self._number(i)
        tags = tok[TAGS]
        assert tags is not None
        if "EARLY" in tags:
            j = i + 1
            while j < len(self.toks) and j - i <= 3 and (self.toks[j][RAW] == "-" or self._tag(j, "GLUE") is not None):
                j += 1
            if j < len(self.toks) and (self.toks[j][TAGS] is not None or self.toks[j][NUM] is not None) \
                    and "EARLY" not in (self.toks[j][TAGS] or {}):
                inner = self._at(j)
                if inner is not None:
                    return (i, *inner[1:])
        if "MOD" in tags:
            hit = self._modified(i, int(tags["MOD"]))
            if hit is not None:
                return hit
        if "MON" in tags or "MONW" in tags:
            hit = self._month_first(i, int(tags.get("MON") or tags["MONW"]), strong="MON" in tags)
            if hit is not None:
                return hit
        if "WD" in tags and (tok[RAW][:1].isupper() or not self.lex.weekdays_capitalised):
            return self._weekday(i, i, int(tags["WD"]), None)
        if "REL" in tags:
            return self._relative_day(i, int(tags["REL"]))
        if "RELU" in tags:
            unit, offset = tags["RELU"]
            resolved = self._unit_value(unit, offset)
            if resolved is not None:
                return i, i + 1, resolved[0], resolved[1], 0.85
        if "UNIT" in tags:
            hit = self._unit_then_mod(i, str(tags["UNIT"]))
            if hit is not None:
                return hit
        if "NUMW" in tags:
            hit = self._amount_ago(i, i)
            if hit is not None:
                return hit
        if "AGO_PRE" in tags:
            hit = self._amount_ago(self._skip_glue(i + 1, 1), i, pre=True)
            if hit is not None:
                return hit
        if "YEARW" in tags or "DAYW" in tags:
            hit = self._year_word(i)
            if hit is not None:
                return hit
        if "ORDW" in tags:
            hit = self._ordinal_word(i, int(tags["ORDW"]))
            if hit is not None:
                return hit
        if "QUARTER" in tags:
            hit = self._quarter(i, i, None)
            if hit is not None:
                return hit
        if "SEASON" in tags and i > 0 and self._tag(i - 1, "GLUE") is not None:
            return self._season(i, i, str(tags["SEASON"]), None)
        if self.vague and "VAGUE" in tags:
            nxt = self.toks[i + 1] if i + 1 < len(self.toks) else None
            if nxt is not None and (nxt[NUM] is not None or (nxt[TAGS] is not None and (
                    "NUMW" in nxt[TAGS] or "UNIT" in nxt[TAGS]))):
                return None  # "the past three years" is a duration
            return i, i + 1, str(tags["VAGUE"]), "unknown", 0.3
        return None

    # numbers ---------------------------------------------------------------
    def _number(self, i: int) -> Hit | None:
        tok = self.toks[i]
        assert tok[NUM] is not None
        if len(tok[RAW]) == 4:
            return self._year_first(i, tok[NUM])
        if len(tok[RAW]) <= 2 and 1 <= tok[NUM] <= 31:
            numeric = self._numeric_dmy(i)
            if numeric is not None:
                return numeric
            day = self._day_month(i)
            if day is not None:
                return self._maybe_range(i, day)
            same_month = self._day_to_day(i)
            if same_month is not None:
                return same_month
            return self._amount_ago(i, i)
        return None

    def _numeric_dmy(self, i: int) -> Hit | None:
        """15.09.2023, 15/09/2023, 09/15/2023 (month first only where that is the custom)."""
        t = self.toks
        if i + 4 >= len(t) or not all(self._adjacent(k, k + 1) for k in range(i, i + 4)):
            return None
        sep = t[i + 1][RAW]
        if sep not in _ADJACENT_SEPARATORS or t[i + 3][RAW] != sep:
            return None
        a, b = t[i][NUM], t[i + 2][NUM]
        year = self._num(i + 4, 1000, 2199, (4,))
        if a is None or b is None or year is None:
            return None
        month_first = self.lex.language == "en" and sep == "/"
        month, day = (a, b) if month_first else (b, a)
        date = _valid(year, month, day)
        if date is None:
            return None
        return i, i + 5, date.isoformat(), "day", 0.9

    def _day_month(self, i: int) -> tuple[int, int | None, int, int] | None:
        """DAY [ordinal] [of] MONTH [YEAR] → (end, year, month, day)."""
        day = self.toks[i][NUM]
        assert day is not None
        j = i + 1
        if self._adjacent(i, j) and (self._tag(j, "ORD") is not None or self.toks[j][RAW] == "."):
            j += 1  # "1η", "1st", "1er"; "4." is an ordinal day in most European languages
        j = self._skip_glue(j)
        month = self._tag(j, "MON") or self._tag(j, "MONW")
        if month is None or not self._month_allowed(j, alone=False):
            return None
        end = j + 1
        k = self._skip_glue(end)
        if self._tag(k, "YEARW") is not None:
            k = self._skip_glue(k + 1)
        year = self._num(k, 1000, 2199, (4,))
        if year is not None:
            end = k + 1
        if year is None and self._tag(end, "ORD") is not None and self._adjacent(end - 1, end):
            end += 1  # Lithuanian "15 d."
        if _valid(year or 2000, int(month), day) is None:
            return None
        return end, year, int(month), day

    def _resolve_day(self, year: int | None, month: int, day: int, i: int, end: int) -> Date | None:
        if year is not None:
            return _valid(year, month, day)
        return self._year_for(month, day, self._future(i, end))

    def _maybe_range(self, i: int, first: tuple[int, int | None, int, int]) -> Hit | None:
        end, year, month, day = first
        start_date = self._resolve_day(year, month, day, i, end)
        if start_date is None:
            return None
        conf = 0.95 if year is not None else 0.85
        j = self._skip_glue(end, 1)
        if self._tag(j, "TO") is not None:
            k = self._skip_glue(j + 1)
            if self._num(k, 1, 31) is not None:
                second = self._day_month(k)
                if second is not None:
                    end2, year2, month2, day2 = second
                    if year2 is not None and year is None:
                        start_date = _valid(year2, month, day) or start_date
                        if start_date > Date(year2, month2, day2):
                            start_date = _valid(year2 - 1, month, day) or start_date
                    stop = _valid(year2 if year2 is not None else start_date.year, month2, day2)
                    if stop is not None and stop < start_date and year2 is None:
                        stop = _valid(start_date.year + 1, month2, day2)
                    if stop is not None and start_date < stop and (stop - start_date).days < 400:
                        return i, end2, f"{start_date.isoformat()}/{stop.isoformat()}", "range", conf
        return i, end, start_date.isoformat(), "day", conf

    def _day_to_day(self, i: int) -> Hit | None:
        """DAY to DAY MONTH [YEAR]: "vom 3. bis 5. Mai", "28-30 March"."""
        j = i + 1
        if self._tag(j, "ORD") is not None and self._adjacent(i, j):
            j += 1
        if self._tag(j, "TO") is None:
            return None
        k = self._skip_glue(j + 1)
        if self._num(k, 1, 31) is None:
            return None
        second = self._day_month(k)
        if second is None:
            return None
        end, year, month, day2 = second
        day1 = self.toks[i][NUM]
        assert day1 is not None
        if day1 >= day2:
            return None
        stop = self._resolve_day(year, month, day2, i, end)
        if stop is None:
            return None
        begin = _valid(stop.year, month, day1)
        if begin is None:
            return None
        return i, end, f"{begin.isoformat()}/{stop.isoformat()}", "range", 0.85

    def _year_first(self, i: int, year: int) -> Hit | None:
        t = self.toks
        if not 1000 <= year <= 2199:
            return None
        # ISO 2023-09-15 / 2023-09 / 2023/09/15
        if i + 2 < len(t) and t[i + 1][RAW] in ("-", "/") and self._adjacent(i, i + 1) and self._adjacent(i + 1, i + 2):
            month = self._num(i + 2, 1, 12, (2,))
            if month is not None:
                if i + 4 < len(t) and t[i + 3][RAW] == t[i + 1][RAW] and self._adjacent(i + 2, i + 3) \
                        and self._adjacent(i + 3, i + 4):
                    day = self._num(i + 4, 1, 31, (2, 1))
                    date = _valid(year, month, day) if day is not None else None
                    if date is not None:
                        return i, i + 5, date.isoformat(), "day", 0.95
                return i, i + 3, f"{year:04d}-{month:02d}", "month", 0.9
        # CJK: 2023年7月15日, 2023년 7월 15일
        if i + 3 < len(t) and t[i + 1][RAW] in _CJK_YEAR:
            month = self._num(i + 2, 1, 12)
            if month is not None and t[i + 3][RAW] in _CJK_MONTH:
                day = self._num(i + 4, 1, 31)
                if day is not None and i + 5 < len(t) and t[i + 5][RAW] in _CJK_DAY:
                    date = _valid(year, month, day)
                    if date is not None:
                        return i, i + 6, date.isoformat(), "day", 0.95
                return i, i + 4, f"{year:04d}-{month:02d}", "month", 0.95
            return i, i + 2, f"{year:04d}", "year", 0.9
        # YEAR [.] [gada] [DAY .] MONTH [DAY]  (lv "2000.gada jūlijā", hu "2023. július 15.")
        j = i + 1
        steps = 0
        while j < len(t) and steps < 3 and (t[j][RAW] == "." or self._tag(j, "YEARW") is not None
                                            or self._tag(j, "GLUE") is not None):
            j += 1
            steps += 1
        if steps:
            day_first = self._num(j, 1, 31)
            if day_first is not None:
                k = j + 1
                if k < len(t) and t[k][RAW] == ".":
                    k += 1
                month = self._tag(k, "MON")
                if month is not None:
                    date = _valid(year, int(month), day_first)
                    if date is not None:
                        return i, k + 1, date.isoformat(), "day", 0.9
            month = self._tag(j, "MON")
            if month is not None:
                day_after = self._num(j + 1, 1, 31)
                if day_after is not None:
                    date = _valid(year, int(month), day_after)
                    if date is not None:
                        end = j + 2 if not (j + 2 < len(t) and t[j + 2][RAW] == ".") else j + 3
                        return i, end, date.isoformat(), "day", 0.9
                return i, j + 1, f"{year:04d}-{int(month):02d}", "month", 0.9
        # decades: 1990s, 1990's
        nxt = t[i + 1] if i + 1 < len(t) else None
        if nxt is not None and self._adjacent(i, i + 1) and nxt[N] == "s" and year % 10 == 0:
            return i, i + 2, f"{year // 10:03d}", "decade", 0.8
        if i + 2 < len(t) and nxt is not None and nxt[RAW] in ("'", "’") and t[i + 2][N] == "s" and year % 10 == 0:
            return i, i + 3, f"{year // 10:03d}", "decade", 0.8
        return self._bare_year(i, year)

    def _bare_year(self, i: int, year: int) -> Hit | None:
        t = self.toks
        if not 1800 <= year <= 2100:
            return None
        prev = t[i - 1] if i > 0 else None
        nxt = t[i + 1] if i + 1 < len(t) else None
        if prev is not None and (prev[RAW] in "$€£¥#№" or (prev[RAW] in ",." and self._adjacent(i - 1, i))):
            return None
        if nxt is not None and (nxt[RAW] in ("%", "‰") or (nxt[RAW] in ",." and self._adjacent(i, i + 1)
                                                           and i + 2 < len(t) and t[i + 2][NUM] is not None
                                                           and self._adjacent(i + 1, i + 2))):
            return None
        if nxt is not None and nxt[RAW] in ("-", "–", "/") and i + 2 < len(t) and t[i + 2][NUM] is not None \
                and len(t[i + 2][RAW]) == 4:
            return i, i + 3, f"{year:04d}", "year", 0.7
        confident = prev is not None and (prev[TAGS] is not None and ("GLUE" in prev[TAGS] or "YEARW" in prev[TAGS]))
        return i, i + 1, f"{year:04d}", "year", 0.85 if confident else 0.6

    # months ----------------------------------------------------------------
    def _month_first(self, i: int, month: int, *, strong: bool) -> Hit | None:
        t = self.toks
        j = self._skip_glue(i + 1, 1)
        day = self._num(j, 1, 31)
        clock = j + 2 < len(t) and t[j + 1][RAW] == ":" and t[j + 2][NUM] is not None and self._adjacent(j + 1, j + 2)
        if day is not None and not clock and self._month_allowed(i, alone=False):
            end = j + 1
            if self._tag(end, "ORD") is not None and self._adjacent(j, end):
                end += 1
            k = self._skip_glue(end, 1)
            year = self._num(k, 1000, 2199, (4,))
            if year is not None:
                end = k + 1
            date = self._resolve_day(year, month, day, i, end)
            if date is not None:
                conf = 0.95 if year is not None else 0.85
                # MONTH DAY to DAY
                if year is None and self._tag(end, "TO") is not None:
                    day2 = self._num(end + 1, 1, 31)
                    stop = _valid(date.year, month, day2) if day2 is not None else None
                    if stop is not None and stop > date:
                        return i, end + 2, f"{date.isoformat()}/{stop.isoformat()}", "range", conf
                return i, end, date.isoformat(), "day", conf
        k = self._skip_glue(i + 1, 2)
        if self._tag(k, "YEARW") is not None:
            k = self._skip_glue(k + 1, 1)
        year = self._num(k, 1000, 2199, (4,))
        if year is not None and self._month_allowed(i, alone=False):
            return i, k + 1, f"{year:04d}-{month:02d}", "month", 0.95
        if not strong or not self._month_allowed(i, alone=True):
            return None
        return i, i + 1, self._month_year(month, None, self._future(i, i + 1)), "month", 0.7

    # weekdays --------------------------------------------------------------
    def _weekday(self, start: int, i: int, weekday: int, mod: int | None) -> Hit | None:
        t = self.toks
        end = i + 1
        # "Friday, September 15" / "viernes 15 de septiembre": the absolute date wins
        j = self._skip_glue(end, 2)
        if j < len(t) and t[j][NUM] is not None and len(t[j][RAW]) <= 2:
            day = self._day_month(j)
            if day is not None:
                hit = self._maybe_range(j, day)
                if hit is not None:
                    return start, *hit[1:]
        if j < len(t) and (self._tag(j, "MON") or self._tag(j, "MONW")):
            hit = self._month_first(j, int(self._tag(j, "MON") or self._tag(j, "MONW")), strong=True)
            if hit is not None and hit[3] == "day":
                return start, *hit[1:]
        if mod is None:
            k = self._skip_glue(end, 1)
            after = self._tag(k, "MOD")
            if after is not None:
                mod = int(after)
                end = k + 1
        k = self._skip_glue(end, 2)
        if self._tag(k, "PART") is not None:
            end = k + 1
        date = self._weekday_date(weekday, mod, self._future(start, end))
        return start, end, date.isoformat(), "day", self.weekday_confidence

    def _relative_day(self, i: int, offset: int) -> Hit:
        end = i + 1
        j = self._skip_glue(end, 1)
        if self._tag(j, "WD") is not None:
            end = j + 1
        k = self._skip_glue(end, 2)
        if self._tag(k, "PART") is not None and self._tag(k, "REL") is None:
            end = k + 1
        return i, end, (self.ref + dt.timedelta(days=offset)).isoformat(), "day", 0.9

    # modifiers -------------------------------------------------------------
    def _season(self, start: int, i: int, code: str, mod: int | None) -> Hit:
        """"this summer", "last fall", "el verano de 1998" → 1998-SU."""
        first_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
        year = self.ref.year
        if mod == -1 and first_month >= self.ref.month:
            year -= 1
        elif mod == 1 and first_month <= self.ref.month:
            year += 1
        end = i + 1
        k = self._skip_glue(end, 2)
        explicit = self._num(k, 1000, 2199, (4,))
        if explicit is not None:
            year, end = explicit, k + 1
        return start, end, f"{year:04d}-{code}", "unknown", 0.6

    def _modified(self, i: int, mod: int) -> Hit | None:
        j = self._skip_glue(i + 1, 2, words_only=True)
        if j >= len(self.toks):
            return None
        tags = self.toks[j][TAGS]
        if tags is None:
            num = self._num(j, 1, 31)
            if num is not None and mod == 1:  # "el próximo 2 de mayo": the next such day
                day = self._day_month(j)
                if day is not None:
                    end, year, month, d = day
                    date = _valid(year, month, d) if year else self._year_for(month, d, True)
                    if date is not None:
                        return i, end, date.isoformat(), "day", 0.85
            return None
        if "WD" in tags and (self.toks[j][RAW][:1].isupper() or not self.lex.weekdays_capitalised):
            return self._weekday(i, j, int(tags["WD"]), mod)
        if "SEASON" in tags:
            return self._season(i, j, str(tags["SEASON"]), mod)
        if "UNIT" in tags and "PLURAL" not in tags:
            unit = str(tags["UNIT"])
            end = j + 1
            # "el próximo mes de septiembre"
            k = self._skip_glue(end, 1)
            if unit == "month" and self._tag(k, "MON") is not None:
                month = int(self._tag(k, "MON"))
                return i, k + 1, self._month_year(month, mod, False), "month", 0.85
            resolved = self._unit_value(unit, mod)
            if resolved is None:
                return None
            k = self._skip_glue(end, 1)
            if self._tag(k, "QUARTER") is not None:
                return self._quarter(i, k, int(resolved[0]) if unit == "year" else None)
            return i, end, resolved[0], resolved[1], 0.85
        if "MON" in tags:
            return i, j + 1, self._month_year(int(tags["MON"]), mod, False), "month", 0.85
        if "QUARTER" in tags or "ORDW" in tags:
            return self._quarter(i, j, None, latest=mod == -1)
        return None

    def _unit_then_mod(self, i: int, unit: str) -> Hit | None:
        """"la semana pasada", "el año próximo", "الأسبوع الماضي"."""
        j = self._skip_glue(i + 1, 1, words_only=True)
        mod = self._tag(j, "MOD")
        if mod is None or self._tag(i, "PLURAL") is not None:
            return None
        if unit == "day":
            return None
        resolved = self._unit_value(unit, int(mod))
        if resolved is None:
            return None
        return i, j + 1, resolved[0], resolved[1], 0.85

    def _amount_ago(self, i: int, start: int, *, pre: bool = False) -> Hit | None:
        """"two days ago", "vor zwei Tagen", "hace 14 días", "πριν από δύο ημέρες"."""
        t = self.toks
        if i >= len(t):
            return None
        amount = t[i][NUM] if t[i][NUM] is not None and len(t[i][RAW]) <= 3 else self._tag(i, "NUMW")
        if amount is None:
            return None
        j = self._skip_glue(i + 1, 1)
        unit = self._tag(j, "UNIT")
        if unit is None:
            return None
        end = j + 1
        if pre:
            sign = -1
        elif self._tag(end, "AGO_POST") is not None:
            sign, end = -1, end + 1
        elif i > 0 and self._tag(i - 1, "AGO_PRE") is not None:
            sign, start = -1, i - 1
        else:
            return None
        resolved = self._unit_value(str(unit), sign * int(amount))
        if resolved is None:
            return None
        return start, end, resolved[0], resolved[1], 0.8

    def _year_word(self, i: int) -> Hit | None:
        """"Im Jahr 2023", "el año 2006", "el día 13"."""
        j = self._skip_glue(i + 1, 1)
        if self._tag(i, "YEARW") is not None:
            year = self._num(j, 1000, 2199, (4,))
            if year is not None:
                return i, j + 1, f"{year:04d}", "year", 0.95
        if self._tag(i, "DAYW") is not None:
            day = self._num(j, 1, 31)
            if day is not None:
                full = self._day_month(j)
                if full is not None:
                    hit = self._maybe_range(j, full)
                    return (i, *hit[1:]) if hit is not None else None
                date = _valid(self.ref.year, self.ref.month, day)
                if date is not None and date > self.ref and not self._future(i, j + 1):
                    year, month = shift_month(self.ref.year, self.ref.month, -1)
                    date = _valid(year, month, day)
                if date is not None:
                    return i, j + 1, date.isoformat(), "day", 0.6
        return None

    def _ordinal_word(self, i: int, value: int) -> Hit | None:
        """"el primero de mayo", "the third quarter"."""
        j = self._skip_glue(i + 1, 1)
        if self._tag(j, "MON") is not None:
            month = int(self._tag(j, "MON"))
            date = self._resolve_day(None, month, value, i, j + 1)
            if date is not None:
                return i, j + 1, date.isoformat(), "day", 0.8
        return self._quarter(i, i, None)

    def _quarter(self, start: int, i: int, year: int | None, *, latest: bool = False) -> Hit | None:
        """"the third quarter", "third-quarter", "el tercer trimestre", "the latest quarter"."""
        t = self.toks
        number = self._tag(i, "ORDW")
        j = i + 1 if number is not None else i
        while j < len(t) and t[j][RAW] == "-":
            j += 1
        if self._tag(j, "QUARTER") is None:
            return None
        end = j + 1
        k = self._skip_glue(end, 1)
        explicit = self._num(k, 1000, 2199, (4,))
        if explicit is not None:
            year, end = explicit, k + 1
        if number is None or latest:
            q_now = (self.ref.month - 1) // 3 + 1
            y, q = (self.ref.year, q_now - 1) if q_now > 1 else (self.ref.year - 1, 4)
            return start, end, f"{y:04d}-Q{q}", "unknown", 0.5
        if not 1 <= int(number) <= 4:
            return None
        return start, end, f"{year or self.ref.year:04d}-Q{number}", "unknown", 0.7


def find_dates(text: str, language: str | None, reference: Date, *, vague: bool = False,
               reference_precise: bool = True) -> list[Found]:
    """Convenience wrapper: every date expression of ``text`` (see :class:`Extractor`)."""
    return Extractor(language, reference, vague=vague, reference_precise=reference_precise).find(text)
