"""Character-level cleaning of names: invisible characters, lookalikes, scripts.

Everything here works on single characters or short strings and is compiled
once from the YAML files in ``data/`` into ``str.translate`` tables. The
functions are the first steps of :func:`kordon.screening.normalise.normalise_name`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
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


def strip_invisible(text: str) -> tuple[str, str]:
    """Remove invisible and control characters; return (clean text, removed chars)."""
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


def script_counts(text: str) -> Counter[str]:
    """Number of letters of each script in ``text``."""
    coded = text.translate(_script_codes())
    counts: Counter[str] = Counter()
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
                    counts[script] += 1
    return counts


def dominant_script(counts: Counter[str]) -> str:
    """The script of two thirds or more of the letters, else "Mixed" ("Unknown" without letters)."""
    if not counts:
        return "Unknown"
    script, n = counts.most_common(1)[0]
    return script if n * 3 >= sum(counts.values()) * 2 else "Mixed"


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


def fold_lookalikes(text: str, counts: Counter[str]) -> str:
    """Fold homoglyphs in each word toward the word's (else the name's) dominant script.

    Only names mixing Latin with Cyrillic or Greek letters are touched. A word
    whose letters all have lookalikes follows the script of the whole name.
    """
    if not counts.get("Latin") or not (counts.get("Cyrillic") or counts.get("Greek")):
        return text
    to_latin, to_cyrillic = _lookalike_tables()
    words = text.split(" ")
    strong_by_word = [
        Counter(s for s in (_strong_script(ch, to_latin, to_cyrillic) for ch in word) if s)
        for word in words
    ]
    strong_total = sum(strong_by_word, Counter())
    # Ties go to Latin: a name made only of lookalike letters is most likely a
    # spoofed Latin name, the case the lists must catch.
    name_script = max(strong_total or counts, key=lambda s: ((strong_total or counts)[s], s == "Latin"))
    protected = _protected_cyrillic_words()
    out = []
    for word, strong in zip(words, strong_by_word):
        target = strong.most_common(1)[0][0] if strong else name_script
        if target == "Latin" and word.casefold() not in protected:
            word = word.translate(to_latin)
        elif target == "Cyrillic":
            word = word.translate(to_cyrillic)
        out.append(word)
    return " ".join(out)
