"""Scoring features: small functions, each documented by its docstring, registered in one place.

Every feature looks at one query and one listed name of one entity (a
:class:`Comparison`) and returns a value in [0, 1] with a short detail for the
explanation. :mod:`kordon.screening.score` multiplies each value by the
feature's weight (``data/weights.yml``; negative weights lower the score) and
adds them up. :data:`FEATURES` is the one registry: a feature is scored if and
only if it is listed there and has a default weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz.distance import OSA

from kordon.screening import kernels, names
from kordon.screening.index import (
    _OCR_CHARS,
    _OCR_PAIRS,
    TAG_CODES,
    TAG_WEIGHT,
    TYPE_CODES,
    TYPE_NAMES,
    Index,
    country_code,
    ocr_fold,
)
from kordon.screening.query import ParsedQuery, QueryDate, TokenMatch

WEIGHTS_FILE = Path(__file__).parent / "data" / "weights.yml"

INITIAL = TAG_CODES["initial"]
PATRONYMIC = TAG_CODES["patronymic"]
PARTICLE = TAG_CODES["particle"]
FORMAL = TAG_CODES["formal"]
INITIAL_SIMILARITY = 0.8
PERSON = TYPE_CODES["person"]
LEGAL = {TYPE_CODES["company"], TYPE_CODES["organization"]}
WEAK_KIND = 2  # index.KIND_CODES[NameKind.WEAK]


def typo_cost(a: str, b: str) -> float:
    """Typos between two parts: letters added, dropped, replaced or swapped with a neighbour.

    Two neighbouring letters swapped or a letter doubled (``faiz``/``afiz``,
    ``rodi``/``roodi``) cost half: real names rarely differ that way. A key
    replaced by or pressed with its neighbour on the keyboard (``jafar``/``iafar``)
    costs three quarters: a slip, but also how many real names differ
    (``karelin``/``katelin``). Any other replaced or dropped letter costs one,
    because in a short part it usually makes another name (``ping``/``bing``,
    ``cheng``/``chen``).
    """
    typos = OSA.distance(a, b)
    if typos == 1:
        return _slip_cost(a, b)
    return float(typos)


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_POSITION = {ch: (r, c + 0.5 * r) for r, row in enumerate(_KEYBOARD_ROWS) for c, ch in enumerate(row)}


def _keyboard_neighbours(a: str, b: str) -> bool:
    """Keys next to each other on a QWERTY keyboard (same row, or the row above or below)."""
    pa, pb = _KEY_POSITION.get(a), _KEY_POSITION.get(b)
    return pa is not None and pb is not None and abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1


def _slip_cost(a: str, b: str) -> float:
    """The cost of the one edit between two parts (see :func:`typo_cost`)."""
    if len(a) == len(b):
        i = next(i for i in range(len(a)) if a[i] != b[i])
        if i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]:
            return 0.5  # swapped neighbours
        return 0.75 if a[i + 1 :] == b[i + 1 :] and _keyboard_neighbours(a[i], b[i]) else 1.0
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    i = next((i for i in range(len(shorter)) if longer[i] != shorter[i]), len(shorter))
    extra = longer[i]
    around = [longer[j] for j in (i - 1, i + 1) if 0 <= j < len(longer)]
    if extra in around:
        return 0.5  # doubled letter
    return 0.75 if any(_keyboard_neighbours(ch, extra) for ch in around) else 1.0


def token_similarity(a: str, b: str) -> float:
    """1 − 1.5 × typo cost / length of the longer part (never below 0); see :func:`typo_cost`.

    One slip in four letters keeps 0.81, one replaced letter in five 0.70, in
    eight 0.81; two in eight 0.63. Parts that differ only as OCR misreads each
    other (``Mikhay1ovich``, ``CORNPANY``) keep 0.9.
    """
    if a == b:
        return 1.0
    sim = max(0.0, 1.0 - 1.5 * typo_cost(a, b) / max(len(a), len(b)))
    if sim < 0.9 and ocr_fold(a) == ocr_fold(b):
        return 0.9
    return sim


@lru_cache(maxsize=1)
def _formal_words() -> tuple[frozenset[str], frozenset[str], dict[str, str], dict[str, list[str]],
                             dict[str, list[str]]]:
    """The normaliser's titles, and its legal-form and generic company words (tokens and keys),
    with the one-typo variants and the three-letter starts of the words of five letters or more;
    last, the starts of the words that end a name (generic words, last words of legal forms)."""
    titles: set[str] = set()
    for phrases in names.titles(True).by_first.values():
        for toks, _ in phrases:
            titles.update(toks)
    generic = set(names.generic_words())
    company: set[str] = set(generic)
    forms = names.legal_forms()
    for table in (forms.suffixes, forms.prefixes, forms.spelled_out):
        for phrases in table.by_first.values():
            for toks, (_, exact_token) in phrases:
                company.update(toks)  # spelling keys
                if exact_token:
                    company.add(exact_token)  # a one-token abbreviation as written (ooo, too)
    ending = generic | set(forms.suffixes.by_last)
    near: dict[str, str] = {}
    starts: dict[str, list[str]] = {}
    for word in titles | company:
        if len(word) >= 5:
            starts.setdefault(word[:3], []).append(word)
            for variant in {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}:
                near.setdefault(variant, word)
    end_starts: dict[str, list[str]] = {}
    for word in ending:
        if len(word) >= 5:
            end_starts.setdefault(word[:3], []).append(word)
    return frozenset(titles), frozenset(company), near, starts, end_starts


def is_formal_word(token: str, key: str, known: bool, last: bool, person: bool = False) -> bool:
    """A title, legal-form or generic company word the normaliser left in the name, or such a word misspelt or cut.

    Titles the normaliser only removes at the front (``SITNIKOV, Mr Sergey``;
    never the last part: ``William Khan``) and, unless the query is a person,
    legal forms it cannot recognise (``JOINT STOCK COMPAYN``, ``PRIVATE LIM``,
    ``OO0``) should not weigh like a rare name. Short company words count only
    for parts no list has (``known`` false); misspellings (one typo or an OCR
    misreading, four letters or more) likewise; a cut (three letters or more,
    the last part only) also in a known part, when it cuts a word that ends
    names (a generic word or the last word of a legal form). An exact generic
    word that lists have (``trading``, ``energy``) keeps the normaliser's
    "generic" tag: listed names carry that tag too, and the candidate stage
    estimates the listed side with the query's tag weight. Keys shorter than
    four letters are not compared (``all`` has the key ``al``).
    """
    titles, company, near, starts, end_starts = _formal_words()
    if not last and len(token) >= 2 and token in titles:
        return True  # a title comes before a name: a last "Khan" or "General" is a name
    if person:
        return False
    if known and token in names.generic_words():
        return False  # the normaliser tags it "generic" here and in every listed name: same weight on both sides
    folded = ocr_fold(token)
    # A key alone says "company word" only when it is long enough not to collide with a name's key
    # ("all" has the key "al", as some legal-form abbreviation does).
    forms = {token, folded} | ({key} if len(key) >= 4 else set())
    if any(f in company for f in forms) and (len(token) >= 3 or not known):
        return True
    if len(token) < 3:
        return False
    if last:
        # A known part is taken for a cut only of a word that ends names (``PRIVATE LIM``): "solid"
        # is no cut of the Serbo-Croatian "solidarnom" inside a spelled-out legal form.
        cut_of = end_starts if known else starts
        if any(w.startswith(f) and len(w) >= len(f) + 2 for f in forms for w in cut_of.get(f[:3], ())):
            return True
    if known:
        return False
    return any(len(f) >= 4 and (f in near or any(f[:i] + f[i + 1 :] in near for i in range(len(f)))) for f in forms)


# --- the two sides of a comparison -----------------------------------------------


@dataclass(frozen=True)
class QueryToken:
    """One prepared query part; frozen, so that one object serves every query with the same part."""

    token: str  # as the normaliser wrote it (for explanations)
    key: str  # spelling-folded key
    kid: int  # the key's id in the index vocabulary, -1 if no list has it
    tag: int
    weight: float  # rarity in the lists × tag weight
    near: tuple[tuple[int, float], ...]  # listed keys within one typo (loose similarity), for candidates
    last: bool = False  # the query's last part (may be cut short)

    @cached_property
    def near_keys(self) -> frozenset[int]:
        return frozenset(kid for kid, _ in self.near)

    @cached_property
    def packed(self) -> np.ndarray:
        """The part as the compiled alignment reads it (made once per part, shared by the queries that have it)."""
        return kernels.query_part(self.kid, self.tag, self.last, self.key, self.token, sorted(k for k, _ in self.near))


@dataclass(slots=True)
class PreparedQuery:
    """A validated query with its name normalised and looked up in the index once."""

    parsed: ParsedQuery
    tokens: list[QueryToken]
    mass: float  # sum of token weights
    countries: frozenset[int]
    type_code: int | None  # None for "any"
    id_entities: dict[int, str]  # entity row -> the identifier value that matched
    pair_cache: dict[tuple[int, int, str], float] = field(default_factory=dict)
    arrays: tuple[np.ndarray, np.ndarray] | None = None  # the query's side of kernels.align_names, once aligned


Pair = tuple[tuple[int, ...], tuple[int, ...], float, str]  # query parts, listed parts, similarity, how
Parts = tuple[list[Pair], list[int], list[int]]


class Alignment:
    """How the query's parts met a listed name's parts (see :func:`align_names_reference`).

    Besides the similarity: the ``pairs`` taken, best first; the listed parts the query lacks (``missing``);
    the query parts the listed name lacks (``extra``). They may come as a function that makes them when
    first read: every name is scored, few are explained.
    """

    __slots__ = ("similarity", "_parts")

    def __init__(self, similarity: float, parts: Parts | Callable[[], Parts]):
        self.similarity = similarity
        self._parts = parts

    def _made(self) -> Parts:
        if callable(self._parts):
            self._parts = self._parts()
        return self._parts

    @property
    def pairs(self) -> list[Pair]:
        return self._made()[0]

    @property
    def missing(self) -> list[int]:
        return self._made()[1]

    @property
    def extra(self) -> list[int]:
        return self._made()[2]

    def __repr__(self) -> str:
        return f"Alignment({self.similarity!r}, pairs={self.pairs!r}, missing={self.missing!r}, extra={self.extra!r})"


@dataclass(slots=True)
class Comparison:
    """One query against one listed name of one entity."""

    query: PreparedQuery
    index: Index
    entity: int
    name: int
    params: dict[str, float]
    alignment: Alignment | None = None
    values: list[tuple[str, float, str]] | None = None  # (feature, value, detail) of each, once scored in full
    listed_parts: tuple[list[int], list[int], list[str]] | None = None  # Index.name_keys, read when first needed

    @property
    def keys(self) -> list[int]:
        return self._name_keys()[0]

    @property
    def tags(self) -> list[int]:
        return self._name_keys()[1]

    @property
    def tokens(self) -> list[str]:
        """The listed name's Latin tokens."""
        return self._name_keys()[2]

    def _name_keys(self) -> tuple[list[int], list[int], list[str]]:
        """The listed name's parts: the compiled alignment reads them from the index itself, explanations here."""
        if self.listed_parts is None:
            self.listed_parts = self.index.name_keys(self.name)
        return self.listed_parts


# --- name alignment -----------------------------------------------------------------


ORGANISATIONS = frozenset({"company", "organization"})  # query types whose left-out listed words cost less


def align_names_reference(c: Comparison) -> Alignment:
    """Best one-to-one alignment of query parts with listed parts, weighted by rarity.

    The definition, in Python; screening runs the compiled :func:`align_names`, tested to give the same.

    Order does not matter. Each pair scores its similarity (1 for the same key;
    typo similarity of keys or tokens otherwise; 0.8 for an initial against a
    part with that first letter, on the initial's weight only (never against a
    particle: al, abu, bin, ben); for the query's
    last part, cut short, ``0.5 + 0.5 × its share`` of the listed part it
    starts) on the rarity weights of both parts.
    When parts are left over on both sides, two neighbouring parts written as
    one (``Abdul Salam`` / ``Abdulsalam``) are tried as a joined pair. Parts left
    over count against the match with their own weight: in full when the query
    has them, times ``missing_listed`` when only the listed name has them, and
    times ``missing_patronymic`` for a patronymic on either side; for a query
    known to be a company or organisation, ``missing_listed_organisation``
    (a company's listed name often carries a descriptive word, a place or a
    country the query leaves out: ``VERTOLETY ROSSII AO``, ``NOOR ENERGY
    (MALAYSIA) LTD``; people's middle names keep ``missing_listed``).
    """
    q, index, params = c.query, c.index, c.params
    min_sim = params["min_token_similarity"]
    vocab, idf = index.vocab_list, index.idf_list
    keys, tags = c.keys, c.tags
    lweights = [idf[k] * _TAG_WEIGHTS[t] for k, t in zip(keys, tags)]
    options: list[tuple[float, tuple[int, ...], tuple[int, ...], str]] = []
    for qi, qt in enumerate(q.tokens):
        near = qt.near_keys
        for lj, kid in enumerate(keys):
            if kid == qt.kid:
                options.append((1.0, (qi,), (lj,), "exact"))
            elif qt.tag == INITIAL or tags[lj] == INITIAL:
                # an initial stands for a name, never for a particle ("HAMAWI, A" is no "HAMAWI Abu")
                if c.tokens[lj][:1] == qt.token[:1] and PARTICLE not in (qt.tag, tags[lj]):
                    options.append((INITIAL_SIMILARITY, (qi,), (lj,), "initial"))
            else:
                listed = c.tokens[lj]
                # one typo was found by the index; more than one can only pass in long parts
                if kid in near or max(len(qt.token), len(listed)) >= 8:
                    sim = _pair_similarity(q, qi, qt, kid, listed, vocab)
                    if sim >= min_sim:
                        options.append((sim, (qi,), (lj,), "fuzzy"))
                if qt.last and len(qt.token) >= 3 and len(listed) > len(qt.token) and listed.startswith(qt.token):
                    options.append((0.5 + 0.5 * len(qt.token) / len(listed), (qi,), (lj,), "truncated"))
    pairs, used_q, used_l = _greedy(options)
    if len(used_q) < len(q.tokens) and len(used_l) < len(keys):
        joins = _join_options(q, c, pairs, used_q, used_l, params["min_join_similarity"])
        if joins:
            pairs, used_q, used_l = _greedy(options + joins)
    num = den = 0.0
    for qset, lset, sim, how in pairs:
        wq = sum(q.tokens[i].weight for i in qset)
        wl = sum(lweights[j] for j in lset)
        if how == "initial":  # one letter matches: only the initial's weight is matched
            small = min(wq, wl)
            num += sim * 2 * small
            # the query abbreviating a listed name is usual; a listed initial does not confirm a query name
            rest = (wl - small) * params["initial_listed"] if q.tokens[qset[0]].tag == INITIAL else wq - small
            den += 2 * small + rest
        else:
            num += sim * (wq + wl)
            den += wq + wl
    extra = [i for i in range(len(q.tokens)) if i not in used_q]
    missing = [j for j in range(len(keys)) if j not in used_l]
    for i in extra:
        qt = q.tokens[i]
        den += qt.weight * (params["missing_patronymic"] if qt.tag == PATRONYMIC else 1.0)
    left_out = params["missing_listed_organisation"] if q.parsed.type in ORGANISATIONS else params["missing_listed"]
    for j in missing:
        factor = params["missing_patronymic"] if tags[j] == PATRONYMIC else left_out
        den += lweights[j] * factor
    return Alignment(num / den if den > 0 else 0.0, (pairs, missing, extra))


def _pair_similarity(q: PreparedQuery, qi: int, qt: QueryToken, kid: int, token: str, vocab: list[str]) -> float:
    """Typo similarity of two parts, the better of keys and of Latin tokens (cached per query)."""
    cache_key = (qi, kid, token)
    sim = q.pair_cache.get(cache_key)
    if sim is None:
        sim = max(token_similarity(qt.key, vocab[kid]), token_similarity(qt.token, token))
        q.pair_cache[cache_key] = sim
    return sim


_TAG_WEIGHTS = TAG_WEIGHT.tolist()  # by tag code: name, generic, particle, initial, patronymic


def _greedy(options):
    """Take the most similar pairs first, each part at most once; on ties, single parts first."""
    options = sorted(options, key=lambda o: (-o[0], len(o[1]) + len(o[2])))
    used_q: set[int] = set()
    used_l: set[int] = set()
    pairs = []
    for sim, qset, lset, how in options:
        if used_q.isdisjoint(qset) and used_l.isdisjoint(lset):
            used_q.update(qset)
            used_l.update(lset)
            pairs.append((qset, lset, sim, how))
    return pairs, used_q, used_l


def _spans(parts: list[str], free: list[int], loose: set[int]) -> dict[int, list[tuple[tuple[int, ...], str]]]:
    """Free parts, and neighbouring pairs of a free part and a free or loosely paired one, by length.

    An exactly paired part cannot be half of a moved word boundary, so it never joins.
    """
    spans: dict[int, list[tuple[tuple[int, ...], str]]] = {}
    for i in free:
        spans.setdefault(len(parts[i]), []).append(((i,), parts[i]))
    movable = loose.union(free)
    starts = {j for f in free for j in (f - 1, f) if 0 <= j < len(parts) - 1 and j in movable and j + 1 in movable}
    for i in sorted(starts):
        text = parts[i] + parts[i + 1]
        spans.setdefault(len(text), []).append(((i, i + 1), text))
    return spans


def _can_join(n: int, free: list[int], loose: set[int]) -> bool:
    movable = loose.union(free)
    return any(i in movable and i + 1 in movable for i in range(n - 1) if i in free or i + 1 in free)


def _join_options(q: PreparedQuery, c: Comparison, pairs, used_q: set[int], used_l: set[int], min_sim: float):
    """Neighbouring parts joined on one side or both, compared as one string."""
    vocab = c.index.vocab_list
    free_q = [i for i in range(len(q.tokens)) if i not in used_q]
    free_l = [j for j in range(len(c.keys)) if j not in used_l]
    loose_q = {i for qset, _, sim, _ in pairs if sim < 1.0 for i in qset}
    loose_l = {j for _, lset, sim, _ in pairs if sim < 1.0 for j in lset}
    if not (_can_join(len(q.tokens), free_q, loose_q) or _can_join(len(c.keys), free_l, loose_l)):
        return []  # a join needs two neighbouring parts on one side
    qkeys, lkeys = [t.key for t in q.tokens], [vocab[k] for k in c.keys]
    qtokens = [t.token for t in q.tokens]
    levels = [(qkeys, lkeys)]
    if qtokens != qkeys or c.tokens != lkeys:
        # folding can differ across a moved boundary (myongc-hin / myong-chin): compare tokens too
        levels.append((qtokens, c.tokens))
    best: dict[tuple[tuple[int, ...], tuple[int, ...]], float] = {}
    cutoff = 2  # joined strings are long: more typos than this never reach min_join_similarity
    for qparts, lparts in levels:
        lspans = _spans(lparts, free_l, loose_l)
        for length, qgroup in _spans(qparts, free_q, loose_q).items():
            for near in range(length - 2, length + 3):
                for lset, ltext in lspans.get(near, ()):
                    for qset, qtext in qgroup:
                        if len(qset) + len(lset) > 2 and (qtext[0] == ltext[0] or qtext[-1] == ltext[-1]):
                            if OSA.distance(qtext, ltext, score_cutoff=cutoff) > cutoff:
                                continue  # cheap check first: too many typos for any join
                            sim = token_similarity(qtext, ltext)
                            if sim >= min_sim and sim > best.get((qset, lset), 0.0):
                                best[(qset, lset)] = sim
    return [(sim, qset, lset, "joined") for (qset, lset), sim in best.items()]


# --- the compiled name alignment ------------------------------------------------------

_TAG_WEIGHTS_ARRAY = np.array(_TAG_WEIGHTS, np.float64)
_KEYBOARD = np.full((128, 2), -1.0)  # (row, column) of each key by code point; row -1: no key
_KEYBOARD[[ord(ch) for ch in _KEY_POSITION]] = list(_KEY_POSITION.values())
_OCR_PAIR_CODES = np.array([[ord(many[0]), ord(many[1]), ord(one)] for many, one in _OCR_PAIRS], np.int32)
_OCR_CHAR_CODES = np.arange(128, dtype=np.int32)
_OCR_CHAR_CODES[list(_OCR_CHARS)] = list(_OCR_CHARS.values())


def align_names(c: Comparison) -> Alignment:
    """The alignment of one comparison (:func:`align_names_reference`), compiled."""
    return align_many(c.query, c.index, [c.name], c.params)[0]


class Alignments:
    """One query's alignments with several listed names, from one compiled call (:func:`align_many`): the
    similarities at once, each name's :class:`Alignment` when asked for (names that cannot score are not)."""

    __slots__ = ("similarity", "_pairs", "_query_parts", "_name_ptr", "_names")

    def __init__(self, similarity: list[float], pairs: list[np.ndarray], query_parts: int, name_ptr: np.ndarray,
                 names: list[int]):
        self.similarity = similarity
        self._pairs, self._query_parts, self._name_ptr, self._names = pairs, query_parts, name_ptr, names

    def __getitem__(self, i: int) -> Alignment:
        return Alignment(self.similarity[i],
                         partial(_unpacked, self._pairs, i, self._query_parts, self._name_ptr, self._names[i]))


def align_many(q: PreparedQuery, index: Index, names: list[int], params: dict[str, float]) -> Alignments:
    """The query aligned with each of the listed ``names`` in one compiled call: calls, not names, cost the most."""
    if not names:
        return Alignments([], [], 0, index.name_ptr, names)
    vocab_text, vocab_off, raw_text, raw_off, idf = index.alignment_arrays()
    left_out = params["missing_listed_organisation"] if q.parsed.type in ORGANISATIONS else params["missing_listed"]
    settings = np.array([params["min_token_similarity"], params["min_join_similarity"], params["initial_listed"],
                         params["missing_patronymic"], left_out, INITIAL_SIMILARITY])
    similarity, *pairs = kernels.align_names(
        np.array(names, np.int64), index.name_ptr, index.tok_key, index.tok_tag, index.tok_raw, vocab_text, vocab_off,
        raw_text, raw_off, idf, _TAG_WEIGHTS_ARRAY, *_query_arrays(q), settings, INITIAL, PARTICLE, PATRONYMIC,
        _KEYBOARD, _OCR_PAIR_CODES, _OCR_CHAR_CODES)
    return Alignments(similarity.tolist(), pairs, len(q.tokens), index.name_ptr, names)


def _query_arrays(q: PreparedQuery) -> tuple[np.ndarray, np.ndarray]:
    """The query's parts and their weights as kernels.align_names reads them (made once per query)."""
    if q.arrays is None:
        q.arrays = (np.concatenate([t.packed for t in q.tokens]), np.array([t.weight for t in q.tokens], np.float64))
    return q.arrays


def _unpacked(pairs: list[np.ndarray], i: int, query_parts: int, name_ptr: np.ndarray, name: int) -> Parts:
    """The pairs, missing and extra parts of the ``i``-th name (``name``) from kernels.align_names' arrays."""
    pair_ptr, spans, sims = pairs
    lo, hi = pair_ptr[i], pair_ptr[i + 1]
    taken = [(tuple(range(qa, qb + 1)), tuple(range(la, lb + 1)), sim, kernels.PAIR_KINDS[how])
             for (qa, qb, la, lb, how), sim in zip(spans[lo:hi].tolist(), sims[lo:hi].tolist())]
    used_q = {part for qset, _, _, _ in taken for part in qset}
    used_l = {part for _, lset, _, _ in taken for part in lset}
    return (taken, [j for j in range(int(name_ptr[name + 1] - name_ptr[name])) if j not in used_l],
            [k for k in range(query_parts) if k not in used_q])


# --- features -----------------------------------------------------------------------


def name_match(c: Comparison) -> tuple[float, str]:
    """Similarity of the query name with the listed name, part by part and weighted by rarity.

    See :func:`align_names_reference`: 1.0 when every part matches exactly; typos, initials,
    parts the query adds and rare listed parts it leaves out lower it.
    """
    if c.alignment is None:  # the screener sets it: one compiled call aligns all of a query's names
        c.alignment = align_names(c)
    return c.alignment.similarity, ""


def weak_alias(c: Comparison) -> tuple[float, str]:
    """1 when the matched listed name is a weak (low-quality) alias such as a nickname or a short form."""
    if int(c.index.name_kind[c.name]) == WEAK_KIND:
        return 1.0, "the listed name is a weak alias"
    return 0.0, ""


def dob_unverified(c: Comparison) -> tuple[float, str]:
    """The query gives a date of birth and the listed person has none to check it against.

    A name match that its date of birth could not confirm is weaker evidence
    than one whose date agrees, and screening with dates is how alerts stay few.
    """
    if c.query.parsed.dob is None or int(c.index.ent_type[c.entity]) != PERSON:
        return 0.0, ""
    if c.index.entity_dates(c.entity):
        return 0.0, ""
    return 1.0, "the list gives no date of birth"


def _dates(c: Comparison) -> tuple[QueryDate, list[tuple[int, int, int]]] | None:
    """The query's date and the entity's listed dates, when both sides have one."""
    dob = c.query.parsed.dob
    if dob is None:
        return None
    dates = c.index.entity_dates(c.entity)
    return (dob, dates) if dates else None


def _year_gap(year: int, dates: list[tuple[int, int, int]]) -> int:
    return min(0 if lo <= year <= hi else min(abs(year - lo), abs(year - hi)) for lo, hi, _ in dates)


def dob_match(c: Comparison) -> tuple[float, str]:
    """Date of birth (or incorporation) agrees: 1 same day, 0.6 same month, 0.4 same year or inside a listed range."""
    both = _dates(c)
    if both is None:
        return 0.0, ""
    dob, dates = both
    best, detail = 0.0, ""
    for lo, hi, exact in dates:
        value, text = 0.0, ""
        ly, lm, ld = exact // 10000, exact // 100 % 100, exact % 100
        if exact and ly == dob.year:
            if dob.month and lm and dob.month == lm:
                if dob.day and ld and dob.day == ld:
                    value, text = 1.0, "same date"
                elif dob.day and ld:
                    value, text = 0.4, "same year and month, another day"
                else:
                    value, text = 0.6, "same year and month"
            elif dob.month and lm:
                value, text = 0.3, "same year, another month"
            else:
                value, text = 0.4, "same year"
        elif lo <= dob.year <= hi:
            value, text = 0.3, f"inside listed range {lo}–{hi}"
        if value > best:
            best, detail = value, f"{text} ({dob} vs listed {_date_text(lo, hi, exact)})"
    return best, detail


def dob_mismatch(c: Comparison) -> tuple[float, str]:
    """Dates of birth clearly differ: 0 within a year of a listed date or range, rising to 1 at nine years apart."""
    both = _dates(c)
    if both is None:
        return 0.0, ""
    dob, dates = both
    gap = _year_gap(dob.year, dates)
    if gap <= 1:
        return 0.0, ""
    listed = ", ".join(_date_text(*d) for d in dates[:3])
    return min(1.0, (gap - 1) / 8), f"{gap} years from listed {listed}"


def _date_text(lo: int, hi: int, exact: int) -> str:
    if exact:
        y, m, d = exact // 10000, exact // 100 % 100, exact % 100
        return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")
    return str(lo) if lo == hi else f"{lo}–{hi}"


def country_match(c: Comparison) -> tuple[float, str]:
    """A query country is one of the entity's countries (nationality, citizenship, residence, registration...)."""
    if not c.query.countries:
        return 0.0, ""
    shared = c.query.countries.intersection(c.index.entity_countries(c.entity))
    if shared:
        return 1.0, "same country: " + ", ".join(sorted(_code_text(x) for x in shared))
    return 0.0, ""


def country_mismatch(c: Comparison) -> tuple[float, str]:
    """Both sides name countries and none is shared."""
    if not c.query.countries:
        return 0.0, ""
    listed = c.index.entity_countries(c.entity)
    if listed and c.query.countries.isdisjoint(listed):
        return 1.0, f"listed countries {', '.join(sorted(_code_text(x) for x in listed))}"
    return 0.0, ""


def _code_text(code: int) -> str:
    return chr(97 + code // 26) + chr(97 + code % 26)


def identifier_match(c: Comparison) -> tuple[float, str]:
    """An identifier of the query (passport, INN, OGRN, BIN, IIN, IMO, LEI...) equals one listed for the entity.

    Normalised exact equality only (spaces, dashes and dots ignored); strong
    evidence on its own, whatever the names say.
    """
    value = c.query.id_entities.get(c.entity)
    if value is None:
        return 0.0, ""
    return 1.0, f"identifier {value} is listed for this entity"


def type_mismatch(c: Comparison) -> tuple[float, str]:
    """The query is a person and the entity is not (or the reverse), or a company against a vessel or aircraft."""
    want = c.query.type_code
    if want is None:
        return 0.0, ""
    have = int(c.index.ent_type[c.entity])
    if want == have or (want in LEGAL and have in LEGAL):
        return 0.0, ""
    return 1.0, f"query is a {TYPE_NAMES[want]}, listed entity is a {TYPE_NAMES[have]}"


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    func: Callable[[Comparison], tuple[float, str]]

    @property
    def doc(self) -> str:
        return " ".join((self.func.__doc__ or "").split("\n\n")[0].split())


# The one registry: the order is the order of explanations.
FEATURES: list[Feature] = [
    Feature("name_match", name_match),
    Feature("weak_alias", weak_alias),
    Feature("dob_match", dob_match),
    Feature("dob_mismatch", dob_mismatch),
    Feature("dob_unverified", dob_unverified),
    Feature("country_match", country_match),
    Feature("country_mismatch", country_mismatch),
    Feature("identifier_match", identifier_match),
    Feature("type_mismatch", type_mismatch),
]


@dataclass(frozen=True)
class Defaults:
    threshold: float
    weights: dict[str, float]  # feature name -> weight
    params: dict[str, float]  # name alignment and candidate-stage settings


@lru_cache(maxsize=1)
def defaults() -> Defaults:
    """The documented defaults from ``data/weights.yml``, checked against :data:`FEATURES`."""
    data = yaml.safe_load(WEIGHTS_FILE.read_text(encoding="utf-8"))
    weights = {k: float(v) for k, v in data["weights"].items()}
    names = [f.name for f in FEATURES]
    if set(weights) != set(names):
        raise ValueError(f"{WEIGHTS_FILE}: weights for {sorted(weights)}, features are {sorted(names)}")
    return Defaults(float(data["threshold"]), weights, {k: float(v) for k, v in data["params"].items()})


def token_matches(c: Comparison) -> list[TokenMatch]:
    """The alignment as explanation rows: paired parts first (in query order), then leftovers."""
    al = c.alignment or align_names(c)
    q, index = c.query, c.index
    listed_tokens = c.tokens
    idf = index.idf_list
    rows = []
    for qset, lset, sim, how in sorted(al.pairs, key=lambda p: p[0][0]):
        if how == "exact" and any(q.tokens[i].token != listed_tokens[j] for i, j in zip(qset, lset)):
            how = "spelling"
        weight = sum(idf[c.keys[j]] * _TAG_WEIGHTS[c.tags[j]] for j in lset)
        rows.append(TokenMatch(" ".join(q.tokens[i].token for i in qset),
                               " ".join(listed_tokens[j] for j in lset), round(sim, 3), round(weight, 2), how))
    for i in al.extra:
        rows.append(TokenMatch(q.tokens[i].token, None, 0.0, round(q.tokens[i].weight, 2), "extra"))
    for j in al.missing:
        rows.append(TokenMatch(None, listed_tokens[j], 0.0,
                               round(idf[c.keys[j]] * _TAG_WEIGHTS[c.tags[j]], 2), "missing"))
    return rows


def query_country_codes(codes) -> frozenset[int]:
    return frozenset(x for x in (country_code(code) for code in codes) if x >= 0)
