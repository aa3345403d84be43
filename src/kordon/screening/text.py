"""Character-level cleaning of names: invisible characters, lookalikes, scripts.

Everything here works on single characters or short strings and is compiled
once from the YAML files in ``data/`` into ``str.translate`` tables. The
functions are the first steps of :func:`kordon.screening.normalise.normalise_name`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"

# Whitespace-like control characters become a space, all other controls vanish.
_SPACE_CONTROLS = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85"
_WHITESPACE = re.compile(r"\s+")


@cache
def load_yaml(name: str) -> dict:
    """One reference file from ``data/``, parsed once."""
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def _invisible_table() -> dict[int, str | None]:
    """Map every invisible, format and control code point to None (or space)."""
    table: dict[int, str | None] = {}
    for lo, hi in load_yaml("invisible.yml")["ranges"]:
        for cp in range(lo, hi + 1):
            table[cp] = None
    for cp in list(range(0x20)) + list(range(0x7F, 0xA0)):
        table[cp] = " " if chr(cp) in _SPACE_CONTROLS else None
    # Other whitespace (no-break, thin, ideographic spaces, line separators)
    # becomes a plain space before NFKC sees it.
    for cp in (0x00A0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
        table[cp] = " "
    return table


@cache
def _invisible_chars() -> frozenset[str]:
    return frozenset(chr(cp) for cp, v in _invisible_table().items() if v is None)


def _char_class(codepoints: Iterable[int]) -> str:
    """A regex character class of the given code points, as ranges."""
    cps = sorted(set(codepoints))
    spans, start = [], 0
    for i in range(1, len(cps) + 1):
        if i == len(cps) or cps[i] != cps[i - 1] + 1:
            lo, hi = cps[start], cps[i - 1]
            spans.append(f"\\U{lo:08x}" + (f"-\\U{hi:08x}" if hi > lo else ""))
            start = i
    return "".join(spans)


@cache
def _invisible_search() -> Callable[[str], re.Match[str] | None]:
    """Finds a character that :func:`strip_invisible` changes: a regex scans a name
    many times faster than str.translate walks one that has nothing to change."""
    return re.compile(f"[{_char_class(_invisible_table())}]").search


def strip_invisible(text: str) -> tuple[str, str]:
    """Remove invisible and control characters; return (clean text, removed chars)."""
    if _invisible_search()(text) is None:
        return text, ""
    cleaned = text.translate(_invisible_table())
    if len(cleaned) == len(text):
        return cleaned, ""
    invisible = _invisible_chars()
    return cleaned, "".join(ch for ch in text if ch in invisible)


def clean_text(text: str) -> str:
    """Unicode NFKC, invisible/zero-width/control chars removed, case-folded, whitespace collapsed."""
    text, _ = strip_invisible(text)
    text = unicodedata.normalize("NFKC", text)
    return _WHITESPACE.sub(" ", text.casefold()).strip()


# --- scripts ----------------------------------------------------------------

_SCRIPT_BY_PREFIX = {
    "LATIN": "Latin",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "CJK": "Han",
    "IDEOGRAPHIC": "Han",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Hangul",
    "HEBREW": "Hebrew",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
    "DEVANAGARI": "Devanagari",
    "BENGALI": "Bengali",
    "THAI": "Thai",
    "ETHIOPIC": "Ethiopic",
    "SYRIAC": "Syriac",
    "THAANA": "Thaana",
    "MODIFIER": None,
}


@lru_cache(maxsize=4096)
def char_script(ch: str) -> str | None:
    """Script of one letter ("Latin", "Cyrillic", ...), None for non-letters."""
    if ch.isascii():
        return "Latin" if ch.isalpha() else None
    if not ch.isalpha():
        return None
    first = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return _SCRIPT_BY_PREFIX.get(first, first.title())


@cache
def _script_codes() -> dict[int, str | None]:
    """str.translate table: letters of the common scripts -> one code letter, ASCII non-letters -> gone."""
    table: dict[int, str | None] = {cp: None for cp in range(0x80)}
    ranges = {
        "L": [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF)],
        "C": [(0x400, 0x52F)],
        "G": [(0x370, 0x3FF), (0x1F00, 0x1FFF)],
        "A": [(0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
    }
    for code, spans in ranges.items():
        for lo, hi in spans:
            for cp in range(lo, hi + 1):
                table[cp] = code if chr(cp).isalpha() else None
    return table


_CODE_SCRIPTS = (("L", "Latin"), ("C", "Cyrillic"), ("G", "Greek"), ("A", "Arabic"))

# Opens a negated character class of \w less digits and _: letters, and the few
# numeric signs that are not digits (², ½), which merely send a name the slow way.
_LETTER_LIKE = r"^\W\d_"


@cache
def _other_letter_search() -> dict[str, tuple[str, Callable[[str], re.Match[str] | None]]]:
    """Code letter -> (script, search for a letter that is not of that script)."""
    letters: dict[str, list[int]] = {}
    for cp, code in _script_codes().items():
        if code is not None:
            letters.setdefault(code, []).append(cp)
    return {
        code: (script, re.compile(f"[{_LETTER_LIKE}{_char_class(letters[code])}]").search)
        for code, script in _CODE_SCRIPTS
    }


_FIRST_LETTER = re.compile(f"[{_LETTER_LIKE}]")


def single_script(text: str) -> str | None:
    """The script of ``text`` when all its letters are of one of the common scripts
    ("Unknown" when it has none), else None: then count them with :func:`script_counts`.

    Two regex searches instead of counting every letter; most names are in one script.
    """
    first = _FIRST_LETTER.search(text)
    if first is None:
        return "Unknown"
    code = _script_codes().get(ord(first.group()))
    if code is None:
        return None
    script, other = _other_letter_search()[code]
    return script if other(text) is None else None


def script_counts(text: str) -> dict[str, int]:
    """Number of letters of each script in ``text`` (the common scripts first, then others as met)."""
    coded = text.translate(_script_codes())
    counts: dict[str, int] = {}
    known = 0
    for code, script in _CODE_SCRIPTS:
        n = coded.count(code)
        if n:
            counts[script] = n
            known += n
    if known < len(coded):  # other scripts (Han, Hebrew...) or non-ASCII punctuation
        for ch in coded:
            if ch not in "LCGA":
                script = char_script(ch)
                if script is not None:
                    counts[script] = counts.get(script, 0) + 1
    return counts


def dominant_script(counts: dict[str, int]) -> str:
    """The script of two thirds or more of the letters, else "Mixed" ("Unknown" without letters).

    Of scripts with as many letters, the first in ``counts`` wins.
    """
    if not counts:
        return "Unknown"
    script = max(counts, key=counts.__getitem__)
    return script if counts[script] * 3 >= sum(counts.values()) * 2 else "Mixed"


# --- lookalikes -------------------------------------------------------------


@cache
def _lookalike_tables() -> tuple[dict[int, str], dict[int, str]]:
    data = load_yaml("lookalikes.yml")
    to_latin = {ord(k): v for k, v in data["to_latin"].items()}
    to_cyrillic = {ord(k): v for k, v in data["to_cyrillic"].items()}
    return to_latin, to_cyrillic


@cache
def _protected_cyrillic_words() -> frozenset[str]:
    """Cyrillic legal-form abbreviations made only of lookalike letters (ООО, АО, ТОО...).

    In "ООО Romashka" the ООО is genuine Cyrillic and must stay so: folded to
    Latin it would read "OOO" anyway, but "РАО" would become "PAO".
    """
    from kordon.screening.names import cyrillic_legal_abbreviations

    return cyrillic_legal_abbreviations()


def _strong_script(ch: str, to_latin: dict[int, str], to_cyrillic: dict[int, str]) -> str | None:
    """Script of a letter that has no lookalike in the other script, else None."""
    script = char_script(ch)
    if script == "Latin" and ord(ch) not in to_cyrillic and ord(ch) not in to_latin:
        return "Latin"
    if script in ("Cyrillic", "Greek") and ord(ch) not in to_latin:
        return script
    return None


_SCRIPT_OF_CODE = dict(_CODE_SCRIPTS)
_CODE_OF_SCRIPT = {script: code for code, script in _CODE_SCRIPTS}


def _strong_code(cp: int) -> str | None:
    """Code letter of :func:`_strong_script` for one code point; the space stays a space."""
    if cp == 0x20:
        return " "
    script = _strong_script(chr(cp), *_lookalike_tables())
    return _CODE_OF_SCRIPT[script] if script else None


class _StrongCodes(dict):
    """str.translate table of :func:`_strong_code`, held for the first 0x2000 code points
    (Latin, Greek, Cyrillic); rarer characters are looked up as they come."""

    def __missing__(self, cp: int) -> str | None:
        return _strong_code(cp)


@cache
def _strong_codes() -> _StrongCodes:
    return _StrongCodes({cp: _strong_code(cp) for cp in range(0x2000)})


def fold_lookalikes(text: str, counts: dict[str, int]) -> str:
    """Fold homoglyphs in each word toward the word's (else the name's) dominant script.

    Only names mixing Latin with Cyrillic or Greek letters are touched. A word
    whose letters all have lookalikes follows the script of the whole name.
    Letters are counted on their code letters (``_strong_codes``: one
    str.translate for the name, not a loop over its characters).
    """
    if not counts.get("Latin") or not (counts.get("Cyrillic") or counts.get("Greek")):
        return text
    to_latin, to_cyrillic = _lookalike_tables()
    words = text.split(" ")
    strong_by_word = text.translate(_strong_codes()).split(" ")
    strong = "".join(strong_by_word)
    strong_total = {_SCRIPT_OF_CODE[code]: strong.count(code) for code in dict.fromkeys(strong)}
    # Ties go to Latin: a name made only of lookalike letters is most likely a
    # spoofed Latin name, the case the lists must catch.
    name_script = max(strong_total or counts, key=lambda s: ((strong_total or counts)[s], s == "Latin"))
    protected = _protected_cyrillic_words()
    out = []
    for word, codes in zip(words, strong_by_word):
        target = _SCRIPT_OF_CODE[max(dict.fromkeys(codes), key=codes.count)] if codes else name_script
        if target == "Latin" and word.casefold() not in protected:
            word = word.translate(to_latin)
        elif target == "Cyrillic":
            word = word.translate(to_cyrillic)
        out.append(word)
    return " ".join(out)
