"""Name normalisation for screening: any name, any script -> comparable Latin tokens.

:func:`normalise_name` turns a listed or queried name into a :class:`NameForm`:
lower-case ASCII tokens in the listed order, one spelling-folded key and one
tag per token, with titles, legal forms and vessel prefixes removed and every
removal recorded. The steps, in order:

1. remove invisible, format and control characters (``invisible.yml``) and
   cap the work (20,000 raw characters, then 500 characters and 40 tokens);
2. Unicode NFKC (fullwidth and mathematical letters become ASCII);
3. fold lookalike letters toward each word's script (``lookalikes.yml``);
4. case-fold, drop apostrophes, record punctuation;
5. transliterate (``translit_*.yml`` for Cyrillic and Arabic, ICU for others);
6. remove legal forms (at the edges; spelled out, anywhere), vessel prefixes
   and titles (at the front, and titles also right after the comma of an
   inverted name) until nothing more comes off;
7. tag each token (name, generic, particle, initial, patronymic) and key it
   with :func:`name_key` (``spelling_variants.yml``).
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from kordon.screening import names
from kordon.screening.names import PhraseTable, name_key, spelling_key
from kordon.screening.text import (
    clean_text,
    dominant_script,
    fold_lookalikes,
    load_yaml,
    script_counts,
    single_script,
    strip_invisible,
)
from kordon.screening.translit import TOKEN as _TOKEN
from kordon.screening.translit import drop_apostrophes, phrase_variants, transliterate, transliterate_folded

__all__ = ["EmptyName", "NameForm", "clean_text", "name_key", "normalise_name", "transliterate"]

MAX_CHARS = 500  # longer names are cut (recorded as "truncated")
MAX_TOKENS = 40
_RAW_LIMIT = 40 * MAX_CHARS  # raw input kept before invisible characters are removed

ENTITY_TYPES = ("person", "company", "organization", "vessel", "aircraft", "any")
_WITH_LEGAL_FORMS = ("company", "organization", "any")
_WITH_TITLES = ("person", "any")

_PUNCTUATION = re.compile(r"[^\w\s]|_")


class EmptyName(ValueError):
    """Raised for empty / whitespace-only / nothing-left names."""


@dataclass(frozen=True, slots=True)
class NameForm:
    original: str
    tokens: tuple[str, ...]  # Latin lower-case ASCII tokens, listed order, titles/legal forms removed
    keys: tuple[str, ...]  # name_key(token) for each token
    tags: tuple[str, ...]  # "name" | "generic" | "particle" | "initial" | "patronymic"
    legal_form: str | None  # id of the (first) removed legal form: "ooo", "llc", "too"...
    removed: tuple[tuple[str, str], ...]  # (text, reason): title, legal_form, invisible, punctuation, vessel_prefix, truncated
    script: str  # dominant script of the original: Latin, Cyrillic, Arabic, Greek, Han, Mixed...


@cache
def _vessel_prefixes() -> PhraseTable:
    words = load_yaml("titles.yml")["vessel_prefixes"]
    return PhraseTable.build([(t, "vessel_prefix") for w in words for t in phrase_variants(str(w))])


@dataclass(frozen=True, slots=True)
class _Profile:
    """What to strip and how to tag, for one entity type, compiled once."""

    front: tuple[tuple[PhraseTable, str], ...]  # (table, reason) removed from the front
    titles: PhraseTable | None  # removed after the comma of an inverted name ("KARPOV, Emir Pavel")
    legal_forms: bool
    short_legal_forms: bool  # also AG, SA, AO... (organisations only)
    front_tokens: frozenset[str]  # tokens that may start a title or prefix
    front_keys: frozenset[str]  # keys that may start a legal form
    back_keys: frozenset[str]  # keys that may end a legal form
    inner_keys: frozenset[str]  # keys that may start a spelled-out legal form
    tag_of: dict[str, str]  # token -> "generic" | "particle" | "initial" (a single letter)
    patronymics: bool


@cache
def _profile(entity_type: str) -> _Profile:
    front: list[tuple[PhraseTable, str]] = []
    if entity_type == "vessel":
        front.append((_vessel_prefixes(), "vessel_prefix"))
    titles = names.titles_after_comma(entity_type == "person") if entity_type in _WITH_TITLES else None
    if titles is not None:
        front.append((names.titles(entity_type == "person"), "title"))
    with_forms = entity_type in _WITH_LEGAL_FORMS
    forms = names.legal_forms()
    front_tokens = {t for table, _ in front for t in table.by_first}
    tag_of = dict.fromkeys(string.ascii_lowercase, "initial")
    tag_of.update((t, "particle") for t in names.particles())
    if entity_type != "person":
        tag_of.update((t, "generic") for t in names.generic_words())
    return _Profile(
        front=tuple(front),
        titles=titles,
        legal_forms=with_forms,
        short_legal_forms=entity_type in ("company", "organization"),
        front_tokens=frozenset(front_tokens),
        front_keys=frozenset(forms.prefixes.by_first) if with_forms else frozenset(),
        back_keys=frozenset(forms.suffixes.by_last) if with_forms else frozenset(),
        inner_keys=frozenset(forms.spelled_out.by_first) if with_forms else frozenset(),
        tag_of=tag_of,
        patronymics=entity_type == "person",
    )


def _strip_front(tokens: list[str], table: PhraseTable, reason: str, removed: list, keep: int = 0) -> bool:
    """Remove one phrase of ``table`` from the front, unless nothing would remain.

    ``keep``: a phrase of exactly this many tokens stays (see ``_surname_first``).
    """
    hit = table.match_at(tokens, 0)
    if hit is None or hit[0] >= len(tokens) or hit[0] == keep:
        return False
    removed.append((" ".join(tokens[: hit[0]]), reason))
    del tokens[: hit[0]]
    return True


def _strip_legal_form(tokens: list[str], keys: list[str], removed: list, found: list[str], short: bool) -> bool:
    """Remove one legal form (matched on keys): at the end, at the start, or spelled out anywhere.

    ``short``: also one-token forms of one or two letters (AG, SA, AS, AO...),
    which are surnames and particles too (Mário Sá, as-Sahab); only for names
    known to be organisations.
    """
    forms = names.legal_forms()

    def accept(start: int, n: int, value: tuple[str, str | None]) -> bool:
        exact = value[1]
        return exact is None or (tokens[start] == exact and (short or len(exact) > 2))

    hit = forms.suffixes.match_end(keys, accept)
    start = len(keys) - hit[0] if hit else 0
    if hit is None and len(keys) > 1:
        hit = forms.prefixes.match_at(keys, 0, accept)
        if hit is None:
            starts = forms.spelled_out.by_first
            for start, key in enumerate(keys):
                if key in starts and (hit := forms.spelled_out.match_at(keys, start, accept)):
                    break
    if hit is None:
        return False
    n, (form, _) = hit
    removed.append((" ".join(tokens[start : start + n]), "legal_form"))
    del tokens[start : start + n], keys[start : start + n]
    found.append(form)
    return True


def _strip_title_after_comma(tokens: list[str], profile: _Profile, removed: list, at: int) -> None:
    """Remove a title that starts the given names of an inverted name ("KARPOV, Emir Pavel",
    "HEMSI, Hon. Hosein"), unless no given name would follow it ("HODZIC, Emir" keeps "emir").
    Titles that are also parts of names (Syed, Sheikh, Haji) stay there."""
    if profile.titles is None or not 0 < at < len(tokens) - 1:
        return
    hit = profile.titles.match_at(tokens, at)
    if hit is not None and at + hit[0] < len(tokens):
        removed.append((" ".join(tokens[at : at + hit[0]]), "title"))
        del tokens[at : at + hit[0]]


def _strip(tokens: list[str], keys: list[str], profile: _Profile, removed: list, found: list[str],
           surname_first: int) -> None:
    """Strip legal forms, prefixes and titles until nothing more comes off (``keys`` in step)."""
    changed = True
    while changed and tokens:
        changed = False
        if profile.legal_forms:
            changed |= _strip_legal_form(tokens, keys, removed, found, profile.short_legal_forms)
        for table, reason in profile.front:
            if tokens:
                n = len(tokens)
                if _strip_front(tokens, table, reason, removed, surname_first):
                    changed = True
                    del keys[: n - len(tokens)]
                surname_first = 0


def _needs_strip(tokens: list[str], keys: tuple[str, ...], profile: _Profile) -> bool:
    """Cheap test: can anything be stripped at all? (Most names: no.)"""
    if tokens[0] in profile.front_tokens:
        return True
    if not profile.legal_forms:
        return False
    return keys[-1] in profile.back_keys or keys[0] in profile.front_keys or not profile.inner_keys.isdisjoint(keys)


def _cap_tokens(tokens: list[str], removed: list) -> list[str]:
    """At most MAX_TOKENS tokens and MAX_CHARS characters once joined by spaces."""
    kept, size = [], 0
    for token in tokens[:MAX_TOKENS]:
        room = MAX_CHARS - size - (1 if kept else 0)
        if room <= 0:
            break
        kept.append(token[:room])
        size += len(kept[-1]) + (1 if len(kept) > 1 else 0)
    if len(kept) < len(tokens) or kept[-1] != tokens[len(kept) - 1]:
        removed.append((f"{len(tokens) - len(kept)} tokens", "truncated"))
    return kept


def _tags(tokens: list[str], profile: _Profile) -> tuple[str, ...]:
    tag_of = profile.tag_of
    tags = [tag_of.get(t, "name") for t in tokens]
    if profile.patronymics and len(tokens) >= 3:
        for i in names.patronymic_positions(tokens):
            tags[i] = "patronymic"
    return tuple(tags)


def _surname_first(text: str) -> int:
    """Tokens before the comma of an inverted name ("SHEIKH, Umair Naeem"), else 0.

    A title-like word alone before the comma is the surname, not a title. This
    is the one context-dependent rule: "sheikh umair naeem" without the comma
    loses its "sheikh".
    """
    head, comma, _ = text.partition(",")
    return len(_TOKEN.findall(head)) if comma else 0


class _KeyCache(dict):
    """token -> name_key(token), filled on first sight: known tokens are looked up
    without a Python call (faster than the lru_cache of name_key, which it bypasses)."""

    def __missing__(self, token: str) -> str:
        if len(self) > 1 << 19:
            self.clear()
        key = self[token] = spelling_key(token)
        return key


_KEYS = _KeyCache()


def _keys(tokens: list[str]) -> tuple[str, ...]:
    """name_key of each token."""
    return tuple(map(_KEYS.__getitem__, tokens))


def normalise_name(name: str, entity_type: str = "any") -> NameForm:
    """Normalise one name; ``entity_type``: person|company|organization|vessel|aircraft|any.

    Raises :class:`EmptyName` when nothing comparable is left (empty,
    whitespace, punctuation only, or only a legal form).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, not {type(name).__name__}")
    if entity_type not in ENTITY_TYPES:
        entity_type = "any"
    return _normalise(name, entity_type)


_ASCII_PUNCTUATION = re.compile(r"[^a-z0-9\s]")


@lru_cache(maxsize=1 << 16)
def _normalise(name: str, entity_type: str) -> NameForm:
    removed: list[tuple[str, str]] = []
    text = name
    if len(text) > _RAW_LIMIT:
        removed.append((f"{len(text) - _RAW_LIMIT} characters", "truncated"))
        text = text[:_RAW_LIMIT]
    if not text.isascii() or not text.isprintable():  # on ASCII, only control characters are not printable
        text, invisible = strip_invisible(text)
        if invisible:
            removed.append((invisible, "invisible"))
    if len(text) > MAX_CHARS:
        removed.append((f"{len(text) - MAX_CHARS} characters", "truncated"))
        text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        # Fast path, most list names (and those ASCII but for invisible or fullwidth
        # characters): NFKC changed nothing, no lookalikes or transliteration.
        text = text.lower()
        if "'" in text or "`" in text:
            text = text.replace("'", "").replace("`", "")
        if text.replace(" ", "").isalnum():  # letters, digits and spaces only (most names): no regex needed
            punctuation, tokens = [], text.split()
        else:
            punctuation, tokens = _ASCII_PUNCTUATION.findall(text), _TOKEN.findall(text)
        script = "Unknown" if all(map(str.isdigit, tokens)) else "Latin"  # a token not all digits has a letter
    else:
        script = single_script(text)
        if script is None:  # several scripts (lookalikes to fold?) or a rare one
            counts = script_counts(text)
            folded = fold_lookalikes(text, counts)
            if folded != text:
                text, counts = folded, script_counts(folded)
            script = dominant_script(counts)
        text = drop_apostrophes(text.casefold())
        punctuation = _PUNCTUATION.findall(text)
        text = transliterate_folded(text)
        tokens = _TOKEN.findall(text)
    if punctuation:
        removed.append(("".join(dict.fromkeys(punctuation)), "punctuation"))
    if not tokens:
        if not name.strip():
            raise EmptyName("empty or whitespace-only name")
        raise EmptyName(f"no letters or digits in name {name[:80]!r}")
    if len(tokens) > MAX_TOKENS or len(text) > MAX_CHARS:
        tokens = _cap_tokens(tokens, removed)

    profile = _profile(entity_type)
    forms: list[str] = []
    surname_first = _surname_first(text) if profile.titles is not None and "," in text else 0
    if surname_first and surname_first < len(tokens) and tokens[surname_first] in profile.front_tokens:
        _strip_title_after_comma(tokens, profile, removed, surname_first)
    keys = _keys(tokens)
    if _needs_strip(tokens, keys, profile):
        _strip(tokens, list(keys), profile, removed, forms, surname_first)
        if not tokens:
            raise EmptyName(f"name {name[:80]!r} is only a legal form ({', '.join(forms)})")
        keys = _keys(tokens)
    # In field order, positional: keyword arguments cost a quarter of a microsecond more per name.
    legal_form = forms[0] if forms else None
    return NameForm(name, tuple(tokens), keys, _tags(tokens, profile), legal_form, tuple(removed), script)


def clear_caches() -> None:
    """Forget the names and parts normalised so far (for fair timing)."""
    _normalise.cache_clear()
    _KEYS.clear()
    names.name_key.cache_clear()
