"""Transliteration of any script to lower-case ASCII.

Cyrillic follows kordon's canonical tables (``data/translit_*.yml``): one
romanisation per letter and language, chosen for the spellings the sanctions
lists use. Latin letters lose their diacritics (Müller -> muller, Şahin ->
sahin). Every other script (Arabic, Greek, Han, Hangul, Hebrew...) goes
through ICU's ``Any-Latin; Latin-ASCII`` transform, cached per run of
characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from kordon.screening.text import load_yaml

CYRILLIC_LANGS = ("ru", "uk", "be", "kk")
# Kyrgyz and Tatar/Bashkir use the Kazakh extra letters the same way.
_LANG_ALIASES = {"ky": "kk", "kz": "kk", "ua": "uk", "by": "be", "rus": "ru", "ukr": "uk", "bel": "be", "kaz": "kk"}

# Apostrophes and ayin/hamza signs are deleted, joining the word (O'Brien ->
# obrien, Мар'яна -> mariana, Sa'id -> said) rather than splitting it.
APOSTROPHES = "'’‘ʼʻ`´′ʹʺʾʿ\u02bd\u02c8"

# Letters with no decomposition into ASCII + combining marks.
_LATIN_SPECIAL = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l",
    "þ": "th", "ħ": "h", "ı": "i", "ŋ": "ng", "ə": "a", "ɛ": "e", "ſ": "s",
    "ĳ": "ij", "ŀ": "l", "ɨ": "i", "ʉ": "u", "ɔ": "o", "ƒ": "f", "ɓ": "b",
    "ɗ": "d", "ƙ": "k", "ƴ": "y", "ǝ": "e", "ɣ": "g",
}


_APOSTROPHE = re.compile(f"[{re.escape(APOSTROPHES)}]")


def drop_apostrophes(text: str) -> str:
    """Delete apostrophes (a regex: str.translate is slow on non-ASCII text)."""
    return _APOSTROPHE.sub("", text)


@cache
def _latin_table() -> dict[int, str | int]:
    """Latin letters with diacritics -> ASCII, combining marks -> ''."""
    table: dict[int, str | int] = {ord(k): v for k, v in _LATIN_SPECIAL.items()}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        if cp in table or not ch.isalpha():
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base.isascii() and base:
            table[cp] = base.lower()
    for cp in range(0x0300, 0x0370):  # combining diacritical marks
        table[cp] = ""
    for ch in APOSTROPHES:
        table[ord(ch)] = ""
    for cp in range(0x80):  # unchanged, but found: str.translate is slower on a miss
        table.setdefault(cp, cp)
    return table


@cache
def translit_table(lang: str) -> dict[int, str | int]:
    """One str.translate table for a Cyrillic language plus Latin diacritic stripping."""
    ru = load_yaml("translit_ru.yml")
    table = dict(_latin_table())
    letters = dict(ru["other_letters"])
    letters.update(ru["letters"])
    if lang != "ru":
        letters.update(load_yaml(f"translit_{lang}.yml")["letters"])
    for k, v in letters.items():
        table[ord(k)] = v
        table[ord(k.upper())] = v
    return table


@cache
def _initial_pattern(lang: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    if lang == "ru":
        return None
    initial = load_yaml(f"translit_{lang}.yml").get("initial") or {}
    if not initial:
        return None
    return re.compile(r"(?<!\w)[" + "".join(initial) + "]"), initial


_UKRAINIAN = frozenset("ґєї")
_KAZAKH = frozenset("әғқңөұүһ")
_BELARUSIAN_E = re.compile(r"[бвгджзклмнпрстфхцчш]э")
# Ukrainian adjectival surnames end in -ський/-цький/-зький (Russian -ский).
_UKRAINIAN_SURNAME = re.compile(r"[сцз]ьк(?:ий|а|ого)\b")


_OTHER_LANG_LETTER = re.compile(f"[{''.join(sorted(_KAZAKH | _UKRAINIAN))}ўі]")


def detect_cyrillic_lang(text: str) -> str:
    """Guess ru / uk / be / kk from the letters only a language uses (lower-case text)."""
    # Any other answer needs one of these letters, "ьк" (_UKRAINIAN_SURNAME) or "э"
    # (_BELARUSIAN_E); most Cyrillic names have none.
    if _OTHER_LANG_LETTER.search(text) is None and "ьк" not in text and "э" not in text:
        return "ru"
    return _guess_cyrillic_lang(text)


def _guess_cyrillic_lang(text: str) -> str:
    chars = set(text)
    if chars & _KAZAKH:
        return "kk"
    if chars & _UKRAINIAN:
        return "uk"
    if "ў" in chars:
        return "be"
    if _UKRAINIAN_SURNAME.search(text):
        return "uk"
    if "і" in chars:
        return "uk" if "и" in chars else ("be" if chars & {"ы", "э"} else "uk")
    # Belarusian has no и, щ, ъ and writes э after consonants (Лукашэнка).
    if not chars & {"и", "щ", "ъ"} and _BELARUSIAN_E.search(text):
        return "be"
    return "ru"


# --- Arabic script ------------------------------------------------------------

_HAMZA_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ـ": None})
_LOOKUP_FOLD = str.maketrans({"ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك"})
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+")
_ARABIC_VOWEL_LETTERS = frozenset("اوي")


@cache
def _arabic_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[int, str]]:
    data = load_yaml("translit_ar.yml")
    marks = {ord(k): v for k, v in data["marks"].items()}
    marks.update({0x660 + i: str(i) for i in range(10)})  # Arabic-Indic digits
    marks.update({0x6F0 + i: str(i) for i in range(10)})  # Persian digits
    words = {_arabic_lookup_form(k): v for k, v in data["words"].items()}
    return words, data["letters"], data["initial"], marks


def _arabic_bare(word: str) -> str:
    """Word without vowel marks and tatweel, hamza-alefs written as ا."""
    word = word.translate(_HAMZA_ALEFS)
    return "".join(ch for ch in word if not ("\u064b" <= ch <= "\u0652" or ch == "\u0670"))


def _arabic_lookup_form(word: str) -> str:
    """Bare word with ى ة ی ک folded, the form the words list is looked up in."""
    return _arabic_bare(word).translate(_LOOKUP_FOLD)


def _arabic_letters(word: str) -> str:
    """Letter-by-letter romanisation; و and ي are consonants next to ا, long vowels elsewhere."""
    _, letters, initial, marks = _arabic_tables()
    out = []
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if i == 0 and ch in initial:
            out.append(initial[ch])
        elif ch in "وي" and ("ا" in (prev, nxt) or nxt in _ARABIC_VOWEL_LETTERS):
            out.append("w" if ch == "و" else "y")
        elif ch in letters:
            out.append(letters[ch])
        elif ord(ch) in marks:
            out.append(marks[ord(ch)])
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def arabic_word(word: str) -> str:
    """One Arabic-script word in Latin letters.

    The words list first; then "عبدال..." as "abd al ...", the article "ال"
    split off as "al"; else letter by letter (vowel marks used when written).
    """
    words, *_ = _arabic_tables()
    key = _arabic_lookup_form(word)
    if key in words:
        return words[key]
    bare = _arabic_bare(word)
    if key.startswith("عبدال") and len(key) > 6:
        return "abd " + arabic_word(bare[3:])
    if key.startswith("ال") and len(key) > 3:
        return "al " + (words.get(key[2:]) or _arabic_letters(bare[2:]))
    return _arabic_letters(word.translate(_HAMZA_ALEFS))


@cache
def _icu():
    import icu

    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


@lru_cache(maxsize=65536)
def _icu_ascii(run: str) -> str:
    out = _icu().transliterate(run)
    if not out.isascii():
        out = out.translate(_latin_table())
    return out.lower()


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def transliterate(text: str, lang: str | None = None) -> str:
    """Any script -> Latin lower-case ASCII (Cyrillic per kordon's canonical tables).

    ``lang`` picks the Cyrillic table (ru, uk, be, kk; ky uses kk); without it
    the language is guessed from the letters. Characters that no table or ICU
    can turn into ASCII are dropped.
    """
    text = text.casefold()
    if text.isascii():
        return text
    lang = _LANG_ALIASES.get(lang, lang) if lang else None
    if lang not in CYRILLIC_LANGS:
        lang = detect_cyrillic_lang(text)
    return _romanise(drop_apostrophes(text), lang)  # Мар'яна: я after an apostrophe is not word-initial


def transliterate_folded(text: str) -> str:
    """:func:`transliterate` of text that is case-folded and has no apostrophes
    (as :func:`~kordon.screening.normalise.normalise_name` has it): no step done twice."""
    return text if text.isascii() else _romanise(text, detect_cyrillic_lang(text))


def _romanise(text: str, lang: str) -> str:
    initial = _initial_pattern(lang)
    if initial is not None:
        pattern, mapping = initial
        text = pattern.sub(lambda m: mapping[m.group()], text)
    text = text.translate(translit_table(lang))
    if not text.isascii() and _ARABIC_WORD.search(text):
        text = _ARABIC_WORD.sub(lambda m: arabic_word(m.group()), text)
    if not text.isascii():
        text = _NON_ASCII_RUN.sub(lambda m: _icu_ascii(m.group()), text)
        if not text.isascii():
            text = text.encode("ascii", "ignore").decode()
    return text


TOKEN = re.compile(r"[a-z0-9]+")


def phrase_tokens(phrase: str, lang: str | None = None) -> tuple[str, ...]:
    """The Latin tokens of a short reference phrase (legal form, title, word).

    Uses the same cleaning and transliteration as names, so that a phrase
    written in any script matches the tokens of a name.
    """
    from kordon.screening.text import fold_lookalikes, script_counts, strip_invisible

    text = unicodedata.normalize("NFKC", strip_invisible(phrase)[0])
    text = fold_lookalikes(text, script_counts(text))
    return tuple(TOKEN.findall(transliterate(text, lang)))


def phrase_variants(phrase: str) -> set[tuple[str, ...]]:
    """Token tuples of a phrase under every Cyrillic table (Cyrillic phrases only).

    "Жауапкершілігі шектеулі серіктестік" reads differently with the
    Ukrainian and the Kazakh tables; a name may be guessed as either.
    """
    langs = CYRILLIC_LANGS if any("\u0400" <= ch <= "\u04ff" for ch in phrase) else (None,)
    return {t for t in (phrase_tokens(phrase, lang) for lang in langs) if t}
