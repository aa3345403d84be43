"""Name-level reference data: keys, legal forms, titles, particles, generic words.

Each YAML file in ``data/`` is compiled once, on first use, into plain dicts
and sets over Latin tokens (the tokens a name has after transliteration), so
that a name written in any script meets the same tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Callable

from kordon.screening.text import load_yaml
from kordon.screening.translit import phrase_tokens, phrase_variants

Tokens = tuple[str, ...]


# --- spelling keys ----------------------------------------------------------


_LITERALS = re.compile(r"[a-z]+(\|[a-z]+)*")


@cache
def _rules() -> Callable[[str], str]:
    """The spelling rules compiled into one function of straight-line tests, in rule order.

    Most rules do nothing to a given token, so looping over them costs more
    than applying them; generated code makes the same substring tests and
    replacements without the loop (a third of the time per token). A regular
    expression is searched for before it substitutes: most tokens match no
    rule, and a failed search is cheaper than a failed sub (which still
    builds its result).
    """
    lines = ["def apply_rules(t):"]
    env: dict[str, Any] = {}
    for i, (pattern, repl, *only_if) in enumerate(load_yaml("spelling_variants.yml")["rules"]):
        if _LITERALS.fullmatch(pattern):
            lines += [f"    if {lit!r} in t: t = t.replace({lit!r}, {repl!r})" for lit in pattern.split("|")]
            continue
        regex = re.compile(pattern)
        env[f"search{i}"], env[f"sub{i}"], env[f"repl{i}"] = regex.search, regex.sub, _template(repl)
        test = f"search{i}(t)"
        if only_if and _LITERALS.fullmatch(only_if[0]):
            test = f"({' or '.join(f'{lit!r} in t' for lit in only_if[0].split('|'))}) and {test}"
        elif only_if:
            env[f"needs{i}"] = re.compile(only_if[0]).search
            test = f"needs{i}(t) and {test}"
        lines.append(f"    if {test}: t = sub{i}(repl{i}, t)")
    lines.append("    return t")
    exec(compile("\n".join(lines), "<spelling_variants.yml rules>", "exec"), env)
    return env["apply_rules"]


def _template(repl: str) -> str | Callable[[re.Match[str]], str]:
    r"""A replacement with group references as a function (faster than re's template expansion):
    r"\1e" becomes ``lambda m: (m[1] or "") + 'e'`` (a group that took no part is empty)."""
    if "\\" not in repl:
        return repl
    parts = re.split(r"\\(\d)", repl)  # literal, group, literal, group, ...
    terms = [f'(m[{p}] or "")' if i % 2 else repr(p) for i, p in enumerate(parts) if i % 2 or p]
    return eval(f"lambda m: {' + '.join(terms)}")


@cache
def _name_groups() -> dict[str, str]:
    """Rule key of every listed spelling -> rule key of its group's canonical spelling.

    Groups that share a spelling are merged (union-find), so "sergey" in the
    names list and in the cross-language list end up on one key.
    """
    data = load_yaml("spelling_variants.yml")
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for group in data["names"] + data["cross_language"]:
        keys = [_rules()(str(name)) for name in group]
        root = find(keys[0])
        for key in keys[1:]:
            other = find(key)
            if other != root:
                parent[other] = root
    return {key: find(key) for key in parent}


@lru_cache(maxsize=1 << 18)
def name_key(token: str) -> str:
    """The spelling-folded key of one Latin token.

    Romanisation variants collide: aleksandr/alexander, yuri/iurii/jurij/yury,
    zelenskiy/zelenskyi/zelensky, mohammed/muhammad, qasym/kasym, zhanna/janna.
    Keys are for comparison only and never shown.
    """
    return spelling_key(token)


def spelling_key(token: str) -> str:
    """:func:`name_key` without its cache, for callers that keep their own
    (``normalise._KEYS``): a token is then not stored twice."""
    key = _rules()(token)
    return _name_groups().get(key, key) or token


# --- phrase tables (legal forms, titles) -------------------------------------


@dataclass(frozen=True, slots=True)
class PhraseTable:
    """Token sequences to recognise at the edges of (or anywhere in) a name.

    ``by_first`` / ``by_last`` map a token to the phrases starting / ending
    with it, longest first, each with its value (a legal-form id, a title).
    Matching looks the name's tokens up in ``values`` once per phrase length
    (``first_lengths`` / ``last_lengths``, longest first) instead of comparing
    them with every phrase: hundreds of legal forms end in "otvetstvennostyu".
    """

    by_first: dict[str, list[tuple[Tokens, Any]]]
    by_last: dict[str, list[tuple[Tokens, Any]]]
    values: dict[Tokens, list[Any]]  # phrase -> its values, first listed first
    first_lengths: dict[str, tuple[int, ...]]  # token -> lengths of the phrases it starts, longest first
    last_lengths: dict[str, tuple[int, ...]]  # token -> lengths of the phrases it ends, longest first

    @classmethod
    def build(cls, phrases: list[tuple[Tokens, Any]]) -> PhraseTable:
        by_first: dict[str, list[tuple[Tokens, Any]]] = {}
        by_last: dict[str, list[tuple[Tokens, Any]]] = {}
        values: dict[Tokens, list[Any]] = {}
        # Longest first; phrases of one length keep the order they are given in (the data file's), so that
        # when two values share a phrase the first listed wins in every process (a set's order depends
        # on string hashing, which changes from process to process).
        for toks, value in sorted(dict.fromkeys(phrases), key=lambda p: -len(p[0])):
            by_first.setdefault(toks[0], []).append((toks, value))
            by_last.setdefault(toks[-1], []).append((toks, value))
            values.setdefault(toks, []).append(value)

        def lengths(index: dict[str, list[tuple[Tokens, Any]]]) -> dict[str, tuple[int, ...]]:
            return {token: tuple(dict.fromkeys(len(toks) for toks, _ in found)) for token, found in index.items()}

        return cls(by_first, by_last, values, lengths(by_first), lengths(by_last))

    def match_at(self, seq: list[str], start: int, accept=None) -> tuple[int, Any] | None:
        """Longest phrase starting at ``start``: (length, value); ``accept(start, n, value)`` may veto."""
        for n in self.first_lengths.get(seq[start], ()):
            if start + n <= len(seq):
                for value in self.values.get(tuple(seq[start : start + n]), ()):
                    if accept is None or accept(start, n, value):
                        return n, value
        return None

    def match_end(self, seq: list[str], accept=None) -> tuple[int, Any] | None:
        """Longest phrase ending the sequence: (length, value)."""
        for n in self.last_lengths.get(seq[-1], ()):
            if n <= len(seq):
                for value in self.values.get(tuple(seq[-n:]), ()):
                    if accept is None or accept(len(seq) - n, n, value):
                        return n, value
        return None


@dataclass(frozen=True, slots=True)
class LegalForms:
    """Legal-form phrases over spelling keys (see :func:`legal_forms`)."""

    prefixes: PhraseTable  # forms also removed at the start ("where: both")
    suffixes: PhraseTable  # every form, removed at the end
    spelled_out: PhraseTable  # phrases of 2+ tokens, removed anywhere


@cache
def legal_forms() -> LegalForms:
    """Legal forms, matched on the keys of the tokens.

    Spelled-out forms thus absorb their own romanisation variants
    ("ogranichennoy/ogranichennoi", "otvetstvennostyu/otvetstvennostiu").
    A one-token alias must match its token exactly: keys of abbreviations
    collide with ordinary words too easily (ooo -> o).
    Values are (form id, the exact token of a one-token alias or None).
    """
    prefixes, suffixes, spelled = [], [], []
    for form in load_yaml("legal_forms.yml")["forms"]:
        for alias in form["aliases"]:
            for toks in phrase_variants(str(alias)):
                keys = tuple(name_key(t) for t in toks)
                entry = (keys, (form["id"], toks[0] if len(toks) == 1 else None))
                if form.get("where") == "both":
                    prefixes.append(entry)
                suffixes.append(entry)
                if len(toks) >= 2 and len("".join(toks)) >= 6:
                    spelled.append(entry)
    return LegalForms(PhraseTable.build(prefixes), PhraseTable.build(suffixes), PhraseTable.build(spelled))


@cache
def cyrillic_legal_abbreviations() -> frozenset[str]:
    """Cyrillic one-word legal forms as written (lower case): ооо, ао, тоо..."""
    out = set()
    for form in load_yaml("legal_forms.yml")["forms"]:
        for alias in form["aliases"]:
            alias = str(alias).casefold()
            if " " not in alias and any("\u0400" <= ch <= "\u04ff" for ch in alias):
                out.add(alias)
    return frozenset(out)


@cache
def titles(person: bool) -> PhraseTable:
    """Titles removed from the front of a name; ``person`` adds the person-only ones."""
    data = load_yaml("titles.yml")
    words = data["always"] + (data["person_only"] if person else [])
    return PhraseTable.build([(t, "title") for w in words for t in phrase_variants(str(w))])


@cache
def titles_after_comma(person: bool) -> PhraseTable:
    """Titles removed right after the comma of an inverted name: :func:`titles` without the
    ``name_parts`` (Syed, Sheikh, Haji), which are parts of the name there."""
    data = load_yaml("titles.yml")
    keep = {str(w) for w in data.get("name_parts", ())}
    words = [w for w in data["always"] + (data["person_only"] if person else []) if str(w) not in keep]
    return PhraseTable.build([(t, "title") for w in words for t in phrase_variants(str(w))])


@cache
def particles() -> frozenset[str]:
    return frozenset(t for w in load_yaml("particles.yml")["particles"] for t in phrase_tokens(str(w)))


@cache
def generic_words() -> frozenset[str]:
    return frozenset(
        t for w in load_yaml("generic_words.yml")["generic"] for v in phrase_variants(str(w)) for t in v
    )


# --- patronymics ------------------------------------------------------------

# Russian/Ukrainian/Belarusian patronymics and the Turkic "son of"/"daughter of".
_PATRONYMIC_ENDINGS = (
    "ovich", "evich", "ovych", "evych", "avich", "ich", "ovna", "evna", "avna", "ivna", "ichna",
    "uly", "ugly", "ogly", "oglu", "uulu", "kyzy", "qyzy", "kizi", "gyzy",
)
_PATRONYMIC_WORDS = frozenset({"uly", "ugly", "ogly", "oglu", "uulu", "kyzy", "qyzy", "kizi", "gyzy"})
# Last three letters of every ending and word: a token that ends otherwise (most do) is
# ruled out by one set lookup instead of twenty endswith tests.
_PATRONYMIC_TAILS = frozenset(w[-3:] for w in (*_PATRONYMIC_ENDINGS, *_PATRONYMIC_WORDS))


def patronymic_positions(tokens: list[str]) -> set[int]:
    """Positions of tokens that look like a patronymic in a person name.

    Needs three name tokens or more (a two-token "Ivan Abramovich" is first
    name + surname). The first token is never the patronymic. When several
    tokens qualify ("Roman Arkadyevich Abramovich"), the one right after the
    first name wins, else the last one ("Abramovich Roman Arkadyevich").
    Turkic "uly"/"kyzy" written apart mark themselves and the father's name
    before them ("Abish uly").
    """
    if len(tokens) < 3:
        return set()
    attached: set[int] = set()
    separate: set[int] = set()
    for i in range(1, len(tokens)):
        token = tokens[i]
        if token[-3:] not in _PATRONYMIC_TAILS:
            continue
        if token in _PATRONYMIC_WORDS:
            separate.add(i)
            if i > 1:
                separate.add(i - 1)
        elif len(token) > 4 and token.endswith(_PATRONYMIC_ENDINGS):
            attached.add(i)
    attached -= separate
    if len(attached) > 1:
        attached = {1} if 1 in attached else {max(attached)}
    return attached | separate
