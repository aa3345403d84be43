"""Damaged variants of real listed names, one damage class at a time.

Each variant class is one small function ``(source, rng) -> str | None`` that
applies one kind of damage a screening engine meets in real queries: a name
typed by a clerk, read by OCR, re-romanised by another country's passport
office, or pasted from a web page with invisible characters. A function returns
``None`` when its damage cannot apply to the name (no middle name to drop, a
company name for a person-only class...), and otherwise a string that differs
from the listed name.

All classes are registered in :data:`VARIANT_CLASSES`; :func:`make_variant`
runs one of them with a random generator seeded from ``(seed, class, name)``,
so the same seed always yields the same variant, whatever order the names are
processed in.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable

__all__ = ["Source", "VARIANT_CLASSES", "PERSON_ONLY", "make_variant", "to_cyrillic", "romanise"]


@dataclass(frozen=True, slots=True)
class Source:
    """A listed name to damage."""

    name: str
    type: str = "person"  # person | company | organization | vessel | aircraft
    original: str | None = None  # the list's own Cyrillic form of the name, when it has one


VariantFn = Callable[[Source, random.Random], "str | None"]

_WORD = re.compile(r"[^\W\d_]+")  # a run of letters
_SPACE = re.compile(r"\s+")


# --- small helpers ----------------------------------------------------------------------


def _like(new: str, old: str) -> str:
    """``new`` in the letter case of ``old`` (UPPER, Title or lower)."""
    if old.isupper():
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:].lower()
    return new.lower()


def _recase_words(new: str, old: str) -> str:
    """Re-case ``new`` word by word like ``old``; both must have the same word count."""
    old_words = _WORD.findall(old)
    it = iter(old_words)
    new_words = _WORD.findall(new)
    if len(new_words) != len(old_words):
        return new
    return _WORD.sub(lambda m: _like(m.group(0), next(it)), new)


def _words(name: str, min_len: int = 1) -> list[re.Match[str]]:
    return [m for m in _WORD.finditer(name) if len(m.group(0)) >= min_len]


def _pick_word(name: str, rng: random.Random, min_len: int) -> re.Match[str] | None:
    """A letter run of at least ``min_len`` letters, longer words more likely (they carry more typos)."""
    words = _words(name, min_len)
    if not words:
        return None
    return rng.choices(words, weights=[len(w.group(0)) for w in words])[0]


def _is_person(source: Source) -> bool:
    return source.type == "person"


def _person_parts(name: str) -> tuple[list[str], list[str], bool]:
    """(family-name tokens, given-name tokens, listed as ``LAST, Given``) of a person's name."""
    if "," in name:
        last, _, given = name.partition(",")
        return last.split(), given.split(), True
    tokens = name.split()
    return tokens[-1:], tokens[:-1], False


def _join_person(last: list[str], given: list[str], comma: bool) -> str:
    if comma:
        return " ".join(last) + ", " + " ".join(given) if given else " ".join(last)
    return " ".join(given + last)


def _sub_one_site(text: str, rules: list[tuple[str, list[str]]], rng: random.Random,
                  flags: int = 0) -> str | None:
    """Apply one randomly chosen (rule, site, replacement) to ``text``; None when no rule matches."""
    sites = [(m, repl) for pattern, repl in rules for m in re.finditer(pattern, text, flags)]
    if not sites:
        return None
    m, options = rng.choice(sites)
    return text[: m.start()] + rng.choice(options) + text[m.end():]


# --- Cyrillic <-> Latin -----------------------------------------------------------------

# Latin -> Cyrillic, the way a Russian speaker would write a romanised name back
# (longest match first). Deliberately simple and lossy, like the real thing.
_TO_CYRILLIC = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("tz", "ц"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("yu", "ю"), ("iu", "ю"), ("ya", "я"), ("ye", "е"), ("yo", "ё"), ("ja", "я"),
    ("ju", "ю"), ("ph", "ф"), ("x", "кс"), ("w", "в"), ("q", "к"), ("j", "дж"), ("h", "х"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"),
    ("t", "т"), ("u", "у"), ("f", "ф"), ("'", "ь"),
]
_VOWELS = set("aeiouy")


def _word_to_cyrillic(word: str) -> str:
    w = word.lower()
    out: list[str] = []
    i = 0
    while i < len(w):
        ch = w[i]
        digraph = next(((lat, cyr) for lat, cyr in _TO_CYRILLIC if len(lat) > 1 and w.startswith(lat, i)), None)
        if digraph:
            out.append(digraph[1])
            i += len(digraph[0])
            continue
        if ch == "y":  # й after a vowel, ий/ый at the end, ы between consonants
            rest = w[i + 1:]
            prev = w[i - 1] if i else ""
            if not rest and prev == "i":
                out[-1:] = ["ий"]
            elif not rest and prev == "y":
                out[-1:] = ["ый"]
            elif not rest and prev and prev not in _VOWELS:
                out.append("ий")
            elif prev in _VOWELS or not prev:
                out.append("й")
            else:
                out.append("ы")
            i += 1
            continue
        if ch == "c":  # ц before front vowels, к elsewhere
            out.append("ц" if w[i + 1:i + 2] in ("e", "i", "y") else "к")
            i += 1
            continue
        for latin, cyr in _TO_CYRILLIC:
            if w.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def to_cyrillic(name: str) -> str:
    """Write a romanised (Russian/Ukrainian/Kazakh-origin) name in Cyrillic, keeping its letter case."""
    return _WORD.sub(lambda m: _like(_word_to_cyrillic(m.group(0)), m.group(0)), name)


_ROMAN_COMMON = dict(zip("абвгдзиклмнопрстуфыэ", "abvgdziklmnoprstufye"))
_ROMAN_COMMON.update({"ъ": "", "ь": "", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ә": "a", "ғ": "gh",
                      "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h"})
# Romanisation systems in common use (diacritics dropped where a system has them):
# what differs between them is how these letters are written.
ROMANISATIONS: dict[str, dict[str, str]] = {
    # BGN/PCGN (US and UK governments; OFAC and OFSI lists mostly follow it)
    "bgn": {"е": "e", "ё": "yo", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
            "щ": "shch", "ю": "yu", "я": "ya"},
    # ICAO Doc 9303 (Russian and Ukrainian passports since 2013)
    "icao": {"е": "e", "ё": "e", "ж": "zh", "й": "i", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
             "щ": "shch", "ю": "iu", "я": "ia", "ъ": "ie"},
    # German (Duden) - German press and registers
    "german": {"в": "w", "е": "e", "ё": "jo", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z",
               "ч": "tsch", "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "с": "s"},
    # French - French press and registers
    "french": {"е": "e", "ё": "io", "ж": "j", "й": "i", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch",
               "щ": "chtch", "у": "ou", "ю": "iou", "я": "ia"},
    # ISO 9 / scholarly with the diacritics lost (ž -> z, č -> c, š -> s)
    "iso9_ascii": {"е": "e", "ё": "e", "ж": "z", "й": "j", "х": "h", "ц": "c", "ч": "c", "ш": "s",
                   "щ": "sc", "ю": "ju", "я": "ja", "ы": "y"},
    # What people type without a system
    "informal": {"е": "e", "ё": "e", "ж": "zh", "й": "y", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
                 "щ": "sch", "ю": "yu", "я": "ya"},
}


def romanise(text: str, system: str) -> str:
    """Romanise Cyrillic ``text`` under one of :data:`ROMANISATIONS`, keeping the letter case word by word."""
    table = {**_ROMAN_COMMON, **ROMANISATIONS[system]}

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        latin = "".join(table.get(ch, ch) for ch in w.lower())
        if system == "bgn" and w[:1].lower() == "е":  # BGN: initial е is ye
            latin = "y" + latin
        return _like(latin, w)

    return _WORD.sub(word, text)


def _letters(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


# --- the variant classes ----------------------------------------------------------------

# Systematic spelling swaps between romanisations of one Cyrillic spelling.
_SPELLING_SWAPS: list[tuple[str, list[str]]] = [
    (r"ks", ["x"]), (r"x", ["ks"]),
    (r"kh", ["h", "ch"]), (r"(?<![kcszgt])h", ["kh"]),
    (r"shch", ["sch", "shh"]),
    (r"zh", ["j", "z"]),
    (r"iy\b", ["y", "ii", "i"]), (r"yy\b", ["y", "iy"]), (r"(?<=[bcdfgklmnprstvz])y\b", ["iy", "ii", "i"]),
    (r"ye", ["e", "ie"]), (r"\be(?=[vkl])", ["ye"]),
    (r"yu", ["iu", "ju"]), (r"iu", ["yu"]), (r"ya", ["ia", "ja"]), (r"(?<=[bcdfgklmnprstvz])ia", ["ya"]),
    (r"ts", ["tz", "c"]),
    (r"ov\b", ["off"]), (r"ev\b", ["eff"]),
    (r"(?<=[aeou])y(?=[aeou])", ["i", "j"]),
]


def transliteration(source: Source, rng: random.Random) -> str | None:
    """Re-romanise the name under another system (via its Cyrillic form) or apply a systematic spelling swap.

    The Cyrillic form is the list's own original when the source has one, else
    the name written back to Cyrillic; it is then romanised under a randomly
    chosen other system (ICAO passports, German, French, ISO 9 without
    diacritics...). When that does not change the letters, or in half the cases,
    one or two systematic swaps are applied instead: ks/x, kh/h, -iy/-y/-ii,
    shch/sch, zh/j, ye/e, yu/iu, ya/ia, ts/tz, -ov/-off.
    """
    letters = _letters(source.name)

    def reromanised() -> str | None:
        cyrillic = source.original if source.original and _has_cyrillic(source.original) else to_cyrillic(source.name)
        for system in rng.sample(sorted(ROMANISATIONS), len(ROMANISATIONS)):
            latin = romanise(cyrillic, system)
            if cyrillic is not source.original:
                latin = _recase_words(latin, source.name)
            if _letters(latin) != letters:
                return latin
        return None

    def swapped() -> str | None:
        lower = source.name.lower()
        out = _sub_one_site(lower, _SPELLING_SWAPS, rng)
        if out is None:
            return None
        if rng.random() < 0.4:
            out = _sub_one_site(out, _SPELLING_SWAPS, rng) or out
        if _letters(out) == letters:
            return None
        return _recase_words(out, source.name)

    ways = [reromanised, swapped]
    rng.shuffle(ways)
    for way in ways:
        out = way()
        if out is not None:
            return out
    return None


def _has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


HOMOGLYPHS: dict[str, str] = {
    # Latin letter -> Cyrillic / Greek letters that look the same in most fonts
    "a": "а", "c": "с", "e": "е", "i": "і", "j": "ј", "o": "оο", "p": "р", "s": "ѕ", "x": "х", "y": "у",
    "A": "АΑ", "B": "ВΒ", "C": "С", "E": "ЕΕ", "H": "НΗ", "I": "ІΙ", "J": "Ј", "K": "КΚ", "M": "МΜ",
    "N": "Ν", "O": "ОΟ", "P": "РΡ", "S": "Ѕ", "T": "ТΤ", "X": "ХΧ", "Y": "УΥ", "Z": "Ζ",
}


def lookalike(source: Source, rng: random.Random) -> str | None:
    """Replace one to three Latin letters by Cyrillic or Greek homoglyphs (Latin 'A' -> Cyrillic 'А')."""
    sites = [i for i, ch in enumerate(source.name) if ch in HOMOGLYPHS]
    if not sites:
        return None
    chars = list(source.name)
    for i in rng.sample(sites, min(len(sites), rng.randint(1, 3))):
        chars[i] = rng.choice(HOMOGLYPHS[chars[i]])
    return "".join(chars)


INVISIBLES = {
    "\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
    "\u00ad": "soft hyphen", "\u200e": "left-to-right mark", "\u200f": "right-to-left mark",
    "\u2060": "word joiner", "\ufeff": "zero-width no-break space (BOM)", "\u202a": "left-to-right embedding",
    "\u202c": "pop directional formatting",
}


def invisible(source: Source, rng: random.Random) -> str | None:
    """Insert one to three invisible characters (zero-width spaces and joiners, soft hyphens, RTL/LTR marks).

    Most go inside words, where they split a token for a naive matcher; a
    space may also become a no-break space.
    """
    inside = [i for w in _words(source.name, 2) for i in range(w.start() + 1, w.end())]
    if not inside:
        return None
    out = source.name
    for pos in sorted(rng.sample(inside, min(len(inside), rng.randint(1, 3))), reverse=True):
        out = out[:pos] + rng.choice(list(INVISIBLES)) + out[pos:]
    if " " in out and rng.random() < 0.3:
        spaces = [i for i, ch in enumerate(out) if ch == " "]
        i = rng.choice(spaces)
        out = out[:i] + "\u00a0" + out[i + 1:]
    return out


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, str]:
    pos = {ch: (r, c) for r, row in enumerate(_KEYBOARD_ROWS) for c, ch in enumerate(row)}
    out = {}
    for ch, (r, c) in pos.items():
        near = [o for o, (r2, c2) in pos.items() if o != ch and abs(r2 - r) <= 1 and -1 <= c2 - c + (r2 - r) * 0.5 <= 1]
        out[ch] = "".join(sorted(near))
    return out


KEYBOARD_NEIGHBOURS = _keyboard_neighbours()


def typo(source: Source, rng: random.Random) -> str | None:
    """One keyboard typo in a word of three or more letters: a neighbouring key substituted or
    inserted, or a letter deleted."""
    w = _pick_word(source.name, rng, 3)
    if w is None:
        return None
    word = w.group(0)
    i = rng.randrange(len(word))
    ch = word[i]
    near = KEYBOARD_NEIGHBOURS.get(ch.lower())
    ops = ["delete"] + (["substitute", "insert"] if near else [])
    op = rng.choice(ops)
    if op == "delete":
        new = word[:i] + word[i + 1:]
    elif op == "substitute":
        new = word[:i] + _like(rng.choice(near), ch) + word[i + 1:]  # type: ignore[arg-type]
    else:
        new = word[:i] + _like(rng.choice(near), ch) + word[i:]  # type: ignore[arg-type]
    return source.name[: w.start()] + new + source.name[w.end():]


def transposition(source: Source, rng: random.Random) -> str | None:
    """Swap two adjacent, different letters inside one word."""
    sites = [(w.start() + i) for w in _words(source.name, 2) for i in range(len(w.group(0)) - 1)
             if w.group(0)[i].lower() != w.group(0)[i + 1].lower()]
    if not sites:
        return None
    i = rng.choice(sites)
    s = source.name
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


_OCR_RULES: list[tuple[str, list[str]]] = [
    ("rn", ["m"]), ("RN", ["M"]), ("(?<!r)m", ["rn"]), ("M", ["RN"]),
    ("l", ["1", "I"]), ("I", ["l", "1"]), ("O", ["0"]), ("o", ["0"]),
    ("cl", ["d"]), ("CL", ["D"]), ("d", ["cl"]), ("D", ["CL"]),
    ("vv", ["w"]), ("VV", ["W"]), ("w", ["vv"]), ("W", ["VV"]),
]


def ocr(source: Source, rng: random.Random) -> str | None:
    """One OCR confusion: rn/m, l/1/I, O/0, cl/d, vv/w."""
    return _sub_one_site(source.name, _OCR_RULES, rng)


def dropped_token(source: Source, rng: random.Random) -> str | None:
    """Drop a middle name or patronymic (persons), or one word other than the first of a name
    of three or more words (others)."""
    if _is_person(source):
        last, given, comma = _person_parts(source.name)
        if len(given) + len(last) < 3 or len(given) < 2:
            return None
        del given[rng.randrange(1, len(given))]
        return _join_person(last, given, comma)
    tokens = source.name.split()
    if len(tokens) < 3:
        return None
    candidates = [i for i in range(1, len(tokens)) if len(_letters(tokens[i])) >= 3] or list(range(1, len(tokens)))
    del tokens[rng.choice(candidates)]
    return " ".join(tokens)


def reordered(source: Source, rng: random.Random) -> str | None:
    """Reorder a person's name: ``LAST, First`` <-> ``First Last``, family name first, or a shuffle."""
    if not _is_person(source):
        return None
    last, given, comma = _person_parts(source.name)
    if not given or not last:
        return None
    if comma:
        options = [" ".join(given + last)] * 2
    else:
        options = [" ".join(last) + ", " + " ".join(given), " ".join(last + given)]
    tokens = [t.rstrip(",") for t in last + given]
    if len(tokens) >= 3:
        shuffled = tokens[:]
        rng.shuffle(shuffled)
        options.append(" ".join(shuffled))
    listed_order = [t.rstrip(",") for t in source.name.split()]
    options = [o for o in options if [t.rstrip(",") for t in o.split()] != listed_order]
    return rng.choice(options) if options else None


def initials(source: Source, rng: random.Random) -> str | None:
    """Reduce a person's first and/or middle names to initials, keeping the family name: ``PUTIN, V. V.``."""
    if not _is_person(source):
        return None
    last, given, comma = _person_parts(source.name)
    given_idx = [i for i, t in enumerate(given) if len(_letters(t)) >= 2]
    if not given_idx or not last:
        return None
    choices = [given_idx, given_idx[:1]] + ([given_idx[1:]] if len(given_idx) > 1 else [])
    reduce = rng.choice(choices)
    dot = rng.choice([".", ""])
    given = [(_letters(t)[:1].upper() + dot if i in reduce else t) for i, t in enumerate(given)]
    return _join_person(last, given, comma)


TITLES = ("Mr", "Mr.", "Mrs", "Ms", "Dr", "Dr.", "General", "Gen.", "Major General", "Colonel", "Col.",
          "Lieutenant", "Captain", "Sheikh", "Shaykh", "Haji", "Hajji", "Mullah", "Maulana", "Prof.", "Sir",
          "H.E.", "Hon.", "Ayatollah", "Emir")


def title(source: Source, rng: random.Random) -> str | None:
    """Add an honorific or rank to a person's name (Mr, Dr., General, Sheikh, Haji, H.E. ...)."""
    if not _is_person(source):
        return None
    t = rng.choice(TITLES)
    last, given, comma = _person_parts(source.name)
    if comma and given:
        return _join_person(last, [t] + given, True)
    return f"{t} {source.name}"


def punctuation(source: Source, rng: random.Random) -> str | None:
    """Add or remove punctuation: strip it all, hyphenate or un-hyphenate words, add dots, commas or
    apostrophes."""
    name = source.name
    ops: list[Callable[[str], str]] = []
    if re.search(r"[-,.'’]", name):
        ops.append(lambda s: _SPACE.sub(" ", re.sub(r"[,.'’]", "", s).replace("-", " ")).strip())
    if "-" in name:
        ops.append(lambda s: s.replace("-", rng.choice([" ", ""]), 1))
    if " " in name:
        def hyphenate(s: str) -> str:
            spaces = [i for i, ch in enumerate(s) if ch == " " and s[i - 1].isalpha()]
            if not spaces:
                return s
            i = rng.choice(spaces)
            return s[:i] + "-" + s[i + 1:]
        ops.append(hyphenate)
        if "," not in name:
            ops.append(lambda s: s.replace(" ", ", ", 1))
    def add_dot(s: str) -> str:
        words = [w for w in _words(s, 2) if s[w.end():w.end() + 1] in ("", " ")]
        w = rng.choice(words) if words else None
        return s[: w.end()] + "." + s[w.end():] if w else s
    def apostrophe(s: str) -> str:
        sites = [m.start() + 1 for m in re.finditer(r"[aeiouAEIOU](?=[^\W\d_])", s)]
        if not sites:
            return s
        i = rng.choice(sites)
        return s[:i] + rng.choice(["'", "’"]) + s[i:]
    ops += [add_dot, apostrophe]
    rng.shuffle(ops)
    out = name
    for op in ops[: rng.randint(1, 2)]:
        out = op(out)
    if out == name:
        for op in ops:
            out = op(name)
            if out != name:
                break
    return out if out != name else None


SWIFT_FIELD = 35  # characters per line in a SWIFT MT name/address field


def truncation(source: Source, rng: random.Random) -> str | None:
    """Cut a long name (15+ characters, 2+ words): at a 35-character field limit, by its last word
    (names of 3+ words) or by two to six trailing characters (the last word keeps three letters)."""
    name = source.name.strip()
    tokens = name.split()
    if len(name) < 15 or len(tokens) < 2:
        return None
    options: list[str] = []
    if len(name) > SWIFT_FIELD:
        options.append(name[:SWIFT_FIELD].rstrip())
    if len(tokens) >= 3:
        options.append(" ".join(tokens[:-1]).rstrip(",;"))
    last = tokens[-1]
    if len(last) >= 5:
        cut = rng.randint(2, min(6, len(last) - 3))
        options.append(name[:-cut])
    options = [o for o in options if o and o != name]
    return rng.choice(options) if options else None


def cyrillic(source: Source, rng: random.Random) -> str | None:
    """Write the name in Cyrillic: the list's own Cyrillic original when the source has one (half the
    time), else the romanised name written back to Cyrillic the way a Russian speaker would."""
    if source.original and _has_cyrillic(source.original) and rng.random() < 0.5:
        return source.original
    if not _WORD.search(source.name) or _has_cyrillic(source.name):
        return source.original if source.original and source.original != source.name else None
    return to_cyrillic(source.name)


VARIANT_CLASSES: dict[str, VariantFn] = {
    "transliteration": transliteration,
    "lookalike": lookalike,
    "invisible": invisible,
    "typo": typo,
    "transposition": transposition,
    "ocr": ocr,
    "dropped_token": dropped_token,
    "reordered": reordered,
    "initials": initials,
    "title": title,
    "punctuation": punctuation,
    "truncation": truncation,
    "cyrillic": cyrillic,
}

# Classes that only apply to people's names.
PERSON_ONLY = frozenset({"reordered", "initials", "title"})


def make_variant(kind: str, source: Source, seed: int = 0) -> str | None:
    """One variant of ``source`` under damage class ``kind``, or None when the class cannot apply.

    Deterministic: the random generator is seeded from ``seed``, the class and the name.
    """
    rng = random.Random(f"{seed}\x1f{kind}\x1f{source.type}\x1f{source.name}")
    out = VARIANT_CLASSES[kind](source, rng)
    if out is None or out == source.name:
        return None
    return out


if __name__ == "__main__":  # a quick look: python bench/variants.py "PUTIN, Vladimir Vladimirovich"
    import sys

    name = sys.argv[1] if len(sys.argv) > 1 else "PUTIN, Vladimir Vladimirovich"
    typ = sys.argv[2] if len(sys.argv) > 2 else "person"
    for k in VARIANT_CLASSES:
        for s in range(3):
            print(f"{k:16} {make_variant(k, Source(name, typ), s)!r}")
