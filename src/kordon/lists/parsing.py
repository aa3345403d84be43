"""Small value parsers shared by the list sources: dates, countries, text cleanup.

Official lists print dates and countries in many ways ("28 Sep 1973",
"26.11.1972", "circa 1960", "1960 to 1962", "Russian Federation", "Korea,
North"). These functions turn them into the model's partial ISO dates and
ISO 3166 codes, and return ``None`` rather than guess.
"""

from __future__ import annotations

import re
from functools import lru_cache

from collections import Counter

from rigour.territories import lookup_territory
from rigour.text.scripts import codepoint_script, text_scripts

from kordon.model import DateKind, EntityDate

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january", "janvier", "enero"),
            ("feb", "february", "fevrier", "février", "febrero"),
            ("mar", "march", "mars", "marzo"),
            ("apr", "april", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "junio"),
            ("jul", "july", "juillet", "julio"),
            ("aug", "august", "aout", "août", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "decembre", "décembre", "diciembre"),
        ],
        start=1,
    )
    for m in names
}

_APPROX = re.compile(r"^(?:circa|ca\.?|c\.|approx(?:imately|\.)?|about|around|~)\s*", re.I)
_RANGE = re.compile(r"^(?:between\s+)?(.+?)\s*(?:\bto\b|\band\b|-|–|—)\s*(.+)$", re.I)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*|Z|[+-]\d\d:?\d\d)?$")
_DMY_NUM = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_MY_NUM = re.compile(r"^(\d{1,2})[./](\d{4})$")
_DMY_TXT = re.compile(r"^(\d{1,2})[\s-]*([A-Za-zéû]+)\.?,?[\s-]*(\d{4})$")
_MDY_TXT = re.compile(r"^([A-Za-zéû]+)\.?\s+(\d{1,2}),?\s*(\d{4})$")
_MY_TXT = re.compile(r"^([A-Za-zéû]+)\.?,?\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")

# Unicode script names (as rigour reports them) -> ISO 15924 codes, for Name.script.
SCRIPT_CODES = {
    "Latin": "Latn", "Cyrillic": "Cyrl", "Arabic": "Arab", "Greek": "Grek", "Armenian": "Armn",
    "Georgian": "Geor", "Hebrew": "Hebr", "Han": "Hani", "Hangul": "Hang", "Hiragana": "Hira",
    "Katakana": "Kana", "Thai": "Thai", "Lao": "Laoo", "Khmer": "Khmr", "Myanmar": "Mymr",
    "Devanagari": "Deva", "Bengali": "Beng", "Tamil": "Taml", "Ethiopic": "Ethi", "Thaana": "Thaa",
    "Tibetan": "Tibt", "Mongolian": "Mong", "Syriac": "Syrc", "Gujarati": "Gujr", "Gurmukhi": "Guru",
}


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1000 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    days = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    if not 1 <= day <= days:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_single_date(text: str) -> str | None:
    """One date as printed -> partial ISO (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), or None.

    Day-first for numeric dates (European and OFAC practice): ``26.11.1972``.
    """
    t = text.strip().strip(".;,").strip()
    if not t:
        return None
    if m := _ISO.match(t):
        y, mo, d = m.groups()
        return _iso(int(y), int(mo) if mo else None, int(d) if d else None)
    if m := _DMY_NUM.match(t):
        d, mo, y = m.groups()
        return _iso(int(y), int(mo), int(d))
    if m := _MY_NUM.match(t):
        mo, y = m.groups()
        return _iso(int(y), int(mo))
    if m := _DMY_TXT.match(t):
        d, mon, y = m.groups()
        mo = MONTHS.get(mon.lower())
        return _iso(int(y), mo, int(d)) if mo else None
    if m := _MDY_TXT.match(t):
        mon, d, y = m.groups()
        mo = MONTHS.get(mon.lower())
        return _iso(int(y), mo, int(d)) if mo else None
    if m := _MY_TXT.match(t):
        mon, y = m.groups()
        mo = MONTHS.get(mon.lower())
        return _iso(int(y), mo) if mo else None
    return None


def parse_date(text: str | None, kind: DateKind = DateKind.BIRTH) -> EntityDate | None:
    """A date as printed in a list -> :class:`EntityDate`, or None when it cannot be read.

    Handles exact and partial dates, "circa"/"approximately", and ranges
    ("1960 to 1962", "between 1960 and 1962", "1960-1962").
    """
    if text is None:
        return None
    raw = " ".join(text.split())
    if not raw:
        return None
    t = raw
    approximate = False
    if m := _APPROX.match(t):
        approximate = True
        t = t[m.end():]
    value = parse_single_date(t)
    if value:
        return EntityDate(kind=kind, value=value, approximate=approximate,
                          text=raw if raw != value else None)
    if m := _RANGE.match(t):
        start, end = parse_single_date(m.group(1)), parse_single_date(m.group(2))
        if start and end and start <= end:
            return EntityDate(kind=kind, start=start, end=end, approximate=approximate, text=raw)
    return None


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """A country name or code as printed -> ISO 3166-1 alpha-2 (lower case), or None.

    Uses rigour's territory database, which knows historic and disputed
    territories too (``suhh`` for the USSR, ``ua-cri`` for Crimea).
    """
    if not text:
        return None
    t = text.strip().strip(".;,").strip()
    if not t:
        return None
    territory = lookup_territory(t)
    if territory is None:
        return None
    return territory.ftm_country or territory.code


def clean_text(value: str | None) -> str | None:
    """Collapse white space; empty -> None."""
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def iso_day(text: str | None) -> str | None:
    """``2026-02-27T00:00:09.554Z`` or ``2015-04-07-04:00`` (date with offset) -> ``2026-02-27``."""
    if not text:
        return None
    if match := _ISO_DAY.match(text.strip()):
        return parse_single_date(match.group(1))
    return parse_single_date(text)


def script_code(text: str) -> str | None:
    """ISO 15924 code of the non-Latin script a name is written in, else None.

    Latin names get None (the default, not worth storing). When several
    non-Latin scripts appear (a Greek iota slipped into Cyrillic text), the
    one with the most letters wins.
    """
    if not (text_scripts(text) - {"Latin"}):
        return None
    letters = Counter(codepoint_script(ord(ch)) for ch in text if ch.isalnum())
    for shared in ("Latin", "Common", "Inherited", None):
        letters.pop(shared, None)
    if not letters:
        return None
    script = letters.most_common(1)[0][0]
    return SCRIPT_CODES.get(script) if script else None
