"""The public screening API: :class:`Screener`.

::

    from kordon.store import Store
    from kordon.screening.screener import Screener, Query

    screener = Screener.from_store(Store.open())        # loads the persisted index, or builds it
    for hit in screener.screen(Query("Aleksandr Volkov", type="person", dob="1968")):
        print(hit.score, hit.entity.caption, hit.explanation.text())

A query runs in two stages. The *candidate stage* looks the query's keys and
their one-typo neighbours up in the inverted index and ranks listed names by
the summed rarity of what they share (numpy, no per-name Python). The *scoring
stage* runs the registered features on the best few candidates only, and
explains the hits.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kordon import config
from kordon.model import Entity, EntityType, Name, NameKind
from kordon.screening.features import (
    FORMAL,
    ORGANISATIONS,
    INITIAL_SIMILARITY,
    Comparison,
    PreparedQuery,
    QueryToken,
    align_many,
    is_formal_word,
    query_country_codes,
    token_matches,
)
from kordon.screening.index import (
    KINDS,
    TAG_CODES,
    TAG_WEIGHT,
    TYPE_CODES,
    Index,
    NearTerms,
    Segment,
    normaliser_signature,
    records_from_json,
    token_tags,
)
from kordon.screening import kernels, normalise
from kordon.screening.normalise import EmptyName, NameForm, normalise_name
from kordon.screening.query import Explanation, Hit, HitMaker, ParsedQuery, Query, QueryError
from kordon.screening.score import Settings, contributions, score, settings

INITIAL = TAG_CODES["initial"]
PARTICLE = TAG_CODES["particle"]
_TAG_WEIGHTS = TAG_WEIGHT.tolist()


@dataclass(slots=True)
class ScreenResult:
    """The outcome of one query of a batch: its hits, or the error that stopped it."""

    query: Query
    hits: list[Hit]
    error: str | None = None


@dataclass(slots=True)
class Candidate:
    entity: int
    names: list[int]
    estimate: float
    via: str  # "name" or "identifier"


class Screener:
    """Screens names against an :class:`~kordon.screening.index.Index` of listed entities."""

    def __init__(self, index: Index, *, store: Any = None, index_dir: Path | None = None,
                 defaults: Settings | None = None):
        self.index = index
        self._store = store
        self._index_dir = index_dir
        self.defaults = defaults or settings()  # threshold, weights and parameters of calls that set none

    # --- construction -------------------------------------------------
    @classmethod
    def from_entities(cls, entities: Iterable[Entity]) -> Screener:
        """An in-memory screener over the given entities (nothing is written to disk)."""
        return cls(Index.build(entities))

    @classmethod
    def from_store(cls, store: Any = None, *, index_dir: str | Path | None = None,
                   progress: Callable[[str], None] | None = None) -> Screener:
        """A screener over the current lists of a store, using the index persisted on disk.

        The index is loaded when it matches the store's fingerprint; otherwise the
        segments of changed list versions are rebuilt and merged again.
        """
        if store is None:
            from kordon.store import Store

            store = Store.open()
        directory = Path(index_dir) if index_dir else config.index_dir()
        return cls(load_or_build(store, directory, progress), store=store, index_dir=directory)

    def refresh(self) -> bool:
        """Pick up new list versions (store-backed screeners only); True when the index changed."""
        if self._store is None or self._store.fingerprint() == self.index.meta.get("fingerprint"):
            return False
        self.index = load_or_build(self._store, self._index_dir or config.index_dir())
        return True

    def clear_caches(self) -> None:
        """Forget what earlier queries left in caches (normalised names, prepared parts, typo neighbours);
        for fair timing."""
        normalise.clear_caches()
        self.index.clear_caches()

    @property
    def is_empty(self) -> bool:
        return self.index.entity_count == 0

    # --- queries ------------------------------------------------------
    def prepare(self, query: Query) -> PreparedQuery:
        """Validate and normalise a query and look its parts up in the index."""
        parsed = query.validate()
        try:
            form = normalise_name(parsed.name, parsed.type)  # cached by the normaliser
        except EmptyName as exc:
            raise QueryError(f"nothing to match in name {parsed.name!r}: {exc}") from None
        if not form.keys:
            raise QueryError(f"nothing to match in name {parsed.name!r}")
        return self._prepare_form(parsed, form)

    def _prepare_form(self, parsed: ParsedQuery, form: NameForm) -> PreparedQuery:
        index = self.index
        min_loose = self.defaults.params["min_candidate_similarity"]
        tokens = []
        last = len(form.tokens) - 1
        latin = form.script in ("Latin", "Unknown")
        syllables = form.script == "Han"
        person = parsed.type == "person"
        cache = index.query_token_cache
        for i, (token, key, tag) in enumerate(zip(form.tokens, form.keys, token_tags(form.tokens, form.tags))):
            cache_key = (token, key, tag, i == last, latin, syllables, person, min_loose)
            part = cache.get(cache_key)
            if part is None:
                new_tag, weight, loose = self._prepare_part(token, key, tag, i == last, latin, syllables, person,
                                                            min_loose)
                part = cache[cache_key] = QueryToken(token, key, index.vocab.get(key, -1), new_tag, weight, loose,
                                                     i == last and not syllables)
            tokens.append(part)
        if len(cache) > 200_000:
            cache.clear()
        id_entities: dict[int, str] = {}
        for value in parsed.identifiers:
            for e in index.entities_with_id(value):
                id_entities.setdefault(e, value)
        return PreparedQuery(
            parsed=parsed,
            tokens=tokens,
            mass=sum(t.weight for t in tokens),
            countries=query_country_codes(parsed.countries),
            type_code=None if parsed.type == "any" else TYPE_CODES[parsed.type],
            id_entities=id_entities,
        )

    def _prepare_part(self, token: str, key: str, tag: int, last: bool, latin: bool, syllables: bool,
                      person: bool, min_loose: float) -> tuple[int, float, NearTerms]:
        """One query part's tag, weight and listed neighbour keys (cached per index by the caller).

        A part of a name written in Chinese characters is one syllable in pinyin: a syllable one
        letter away is another character (``cheng`` is not ``chen``), so such parts have no typo
        neighbours and are never taken as cut short.
        """
        index = self.index
        kid = index.vocab.get(key)
        known = kid is not None
        if tag == INITIAL and not latin:
            tag = PARTICLE  # a single letter out of a transliteration is no initial
        if tag != INITIAL and is_formal_word(token, key, known, last, person):
            tag = FORMAL
        if syllables:
            loose = NearTerms(np.array([kid], np.int32), np.ones(1, np.float32)) if known else NearTerms()
            return tag, index.key_idf(key) * _TAG_WEIGHTS[tag], loose
        loose = index.fuzzy_terms(token, key, min_loose) if tag != INITIAL else NearTerms()
        if last and len(token) >= 3 and tag != INITIAL:  # the last part may be cut short
            loose = index.cut_or_near_terms(token, loose)
        if known:
            idf = index.idf_list[kid]
        elif len(loose):  # a misspelling: as rare as what it most resembles (the commoner one on ties)
            idf = index.idf_list[kernels.closest_key(loose.kids, loose.sims, index.idf)]
        else:
            idf = index.key_idf(key)
        return tag, idf * _TAG_WEIGHTS[tag], loose

    def candidates(self, pq: PreparedQuery, s: Settings | None = None, floor: float = 0.0) -> list[Candidate]:
        """The candidate stage: entities worth scoring, best estimate first.

        The estimate is a rarity-weighted Dice coefficient of shared keys, on the
        same scale as ``name_match``; ``floor`` drops candidates below it.
        """
        s = s or self.defaults
        p = s.params
        index = self.index
        distinct = {t.key: t for t in pq.tokens}.values()  # a repeated part is one part here
        token_terms = [(t.near, t.weight) for t in distinct if len(t.near)]
        mass = sum(t.weight for t in distinct)
        initials = {t.token for t in pq.tokens if t.tag == INITIAL}
        limit = int(p["candidate_names"]) * (4 if initials else 1)  # initials find nothing by themselves
        room = INITIAL_SIMILARITY * sum(t.weight for t in pq.tokens if t.tag == INITIAL) / max(pq.mass, 1e-9)
        left_out = p["missing_listed_organisation"] if pq.parsed.type in ORGANISATIONS else p["missing_listed"]
        names, estimate = index.candidate_names(token_terms, mass, left_out, limit, floor, room)
        out: list[Candidate] = []
        if len(names):
            if initials:
                estimate = self._initials_bonus(pq, initials, names, estimate)
                order = np.argsort(-estimate, kind="stable")
                names, estimate = names[order], estimate[order]
            ents, best, ptr, flat = kernels.entity_candidates(names, estimate, index.name_entity, float(floor),
                                                              int(p["candidate_entities"]), 3, 0.1)
            ptr, flat = ptr.tolist(), flat.tolist()
            out = [Candidate(e, flat[ptr[i] : ptr[i + 1]], est, "name")
                   for i, (e, est) in enumerate(zip(ents.tolist(), best.tolist()))]
        seen = {c.entity for c in out}
        for e in pq.id_entities:
            if e not in seen:
                out.append(Candidate(e, self._entity_names(e), 0.0, "identifier"))
        return out

    def _initials_bonus(self, pq: PreparedQuery, initials: set[str], names: np.ndarray,
                        estimate: np.ndarray) -> np.ndarray:
        """Raise the estimate of names with parts starting with the query's initials (``PAK, K. H.``)."""
        share = sum(t.weight for t in pq.tokens if t.tag == INITIAL) / max(pq.mass, 1e-9)
        found = self.index.initials_found(names, initials)
        return estimate + INITIAL_SIMILARITY * share * found / len(initials)

    def _entity_names(self, e: int) -> list[int]:
        ne = self.index.name_entity
        lo, hi = np.searchsorted(ne, [e, e + 1])
        return list(range(int(lo), int(hi)))

    def _compare(self, pq: PreparedQuery, e: int, n: int, s: Settings) -> Comparison:
        return Comparison(pq, self.index, e, n, s.params)

    def _scored(self, pq: PreparedQuery, s: Settings) -> list[tuple[float, Comparison, str]]:
        """Every candidate entity scoring at or above the threshold: (score, best comparison, via), best first."""
        threshold = s.threshold
        floor = max(0.0, threshold - s.params["prune_margin"])
        best: list[tuple[float, Comparison, str]] = []
        candidates = self.candidates(pq, s, floor)
        # one compiled call aligns every name; the same listed name on several lists is aligned once
        alignments = align_many(pq, self.index, [n for cand in candidates for n in cand.names], s.params)
        least = (s.least_name_match(threshold, False), s.least_name_match(threshold, True))  # by identifier matched
        at = 0
        for cand in candidates:
            top: tuple[float, Comparison] | None = None
            for i, n in enumerate(cand.names, at):
                if alignments.similarity[i] < least[cand.entity in pq.id_entities]:
                    continue  # cannot score the threshold, whatever the other features say
                comp = self._compare(pq, cand.entity, n, s)
                comp.alignment = alignments[i]
                value = score(comp, s, threshold)
                if top is None or value > top[0]:
                    top = (value, comp)
                if value >= 1.0:
                    break  # no other name of the entity can score higher
            at += len(cand.names)
            if top and top[0] >= threshold:
                best.append((top[0], top[1], cand.via))
        best.sort(key=lambda t: (-t[0], t[1].entity))
        return best

    def screen_prepared(self, pq: PreparedQuery, s: Settings, limit: int = 10) -> list[Hit]:
        return [self._hit(_Scored(self, comp, value, s, via), comp.entity, comp.name, value, pq.parsed.name)
                for value, comp, via in self._scored(pq, s)[: max(limit, 0)]]

    def _explain(self, comp: Comparison, value: float, s: Settings, via: str) -> Explanation:
        """Why a comparison scored what it did: the aligned parts and every feature's contribution."""
        index = self.index
        return Explanation(
            query_name=comp.query.parsed.name,
            matched_name=index.name_text[comp.name],
            matched_kind=KINDS[int(index.name_kind[comp.name])].value,
            tokens=token_matches(comp),
            features=contributions(comp, s),
            score=round(value, 4),
            threshold=s.threshold,
            candidate_via=via,
        )

    def _hit(self, make: HitMaker, entity: int, name: int, value: float, query_name: str) -> Hit:
        """A hit whose entity and explanation are built (by ``make``) when first read."""
        index = self.index
        return Hit(None, value, index.name_text[name], KINDS[int(index.name_kind[name])], query_name,
                   entity_id=index.entity_ids[entity], make=make)

    def screen(self, query: Query | str, threshold: float | None = None, limit: int = 10,
               weights: dict[str, float] | None = None) -> list[Hit]:
        """Listed entities the query may be, best first, with scores at or above the threshold.

        Raises :class:`QueryError` for a query that cannot be screened (empty or
        overlong name, unknown type, unreadable date or country, unknown weight).
        """
        if isinstance(query, str):
            query = Query(query)
        s = self.defaults if threshold is None and not weights else settings(threshold, weights, base=self.defaults)
        return self.screen_prepared(self.prepare(query), s, limit)

    def screen_many(self, queries: Iterable[Query], threshold: float | None = None, limit: int = 10,
                    weights: dict[str, float] | None = None, workers: int = 1) -> Iterator[ScreenResult]:
        """Screen a batch; a bad query gets an ``error`` and does not stop the others.

        Results come in input order. ``workers`` > 1 screens in that many processes
        (POSIX only): this one and ``workers - 1`` forked ones, which share the index read-only.
        While the batch runs, Python's cycle collector runs less often (see
        `_collector_off`).
        """
        s = settings(threshold, weights, base=self.defaults)
        with _collector_off() as collect:
            if workers > 1 and hasattr(os, "fork"):
                yield from _parallel(self, queries, s, limit, workers, collect)
                return
            for query in queries:
                yield self._screen_one(query, s, limit)
                collect()

    def _screen_one(self, query: Query, s: Settings, limit: int) -> ScreenResult:
        try:
            return ScreenResult(query, self.screen_prepared(self.prepare(query), s, limit))
        except QueryError as exc:
            return ScreenResult(query, [], str(exc))

    # --- pairs and evaluation ---------------------------------------------
    def match_pair(self, name1: str, name2: str, type: str = "any",
                   threshold: float | None = None, weights: dict[str, float] | None = None) -> Hit | None:
        """Score ``name1`` (as a query) against ``name2`` (as a listed name) with the same features.

        Name parts weigh what they weigh in the loaded lists (unknown parts count
        as rare). Returns the explained best comparison whatever its score, or
        None when either name has nothing to match.
        """
        etype = "person" if type == "any" else type
        listed = Entity(id="pair-2", type=EntityType(etype), source="pair", source_id="2",
                        names=[Name(name2, NameKind.PRIMARY)])
        mini = Index.build([listed])
        if not mini.name_count:
            return None
        mini.reweight(self.index)
        pair = Screener(mini, defaults=self.defaults)
        s = settings(0.0, weights, base=self.defaults)
        s_threshold = settings(threshold, weights, base=self.defaults).threshold
        pq = pair.prepare(Query(name1, type=type))
        comp = pair._compare(pq, 0, 0, s)
        value = score(comp, s)
        hit = pair._hit(_Scored(pair, comp, value, s, "name"), 0, 0, value, pq.parsed.name)
        hit.explanation.threshold = s_threshold
        return hit

    def candidate_recall(self, queries: Sequence[Query], expected: Sequence[str]) -> float:
        """Share of queries whose expected entity id is among the candidate stage's entities."""
        found = 0
        for query, entity_id in zip(queries, expected):
            try:
                pq = self.prepare(query)
            except QueryError:
                continue
            row = self.index.entity_row(entity_id)
            if row is not None and any(c.entity == row for c in self.candidates(pq)):
                found += 1
        return found / len(queries) if queries else 0.0


class _Listed:
    """What every hit's maker reads from the index: the entity and its listing, by entity row."""

    __slots__ = ("index", "row")

    def __init__(self, index: Index, row: int):
        self.index, self.row = index, row

    def entity(self) -> Entity:
        return self.index.entity(self.row)

    def listing(self) -> tuple[str, str, str]:
        return self.index.listing(self.row)


class _Scored(_Listed):
    """A hit scored in this process: its explanation is made from the comparison when read."""

    __slots__ = ("screener", "comp", "value", "s", "via")

    def __init__(self, screener: Screener, comp: Comparison, value: float, s: Settings, via: str):
        super().__init__(screener.index, comp.entity)
        self.screener, self.comp, self.value, self.s, self.via = screener, comp, value, s, via

    def explanation(self) -> Explanation:
        return self.screener._explain(self.comp, self.value, self.s, self.via)


class _Sent(_Listed):
    """A hit scored in a forked process, which sent its explanation packed (:meth:`Explanation.packed`)."""

    __slots__ = ("packed",)

    def __init__(self, index: Index, row: int, packed: tuple):
        super().__init__(index, row)
        self.packed = packed

    def explanation(self) -> Explanation:
        return Explanation.unpacked(self.packed)


# --- batch in worker processes ---------------------------------------------------


class _YoungCollector:
    """Collects the youngest objects every :attr:`every` queries of a batch run with the automatic
    collector off (see :func:`_collector_off`)."""

    every = 100_000
    __slots__ = ("since",)

    def __init__(self) -> None:
        self.since = 0

    def __call__(self, queries: int = 1) -> None:
        self.since += queries
        if self.since >= self.every:
            self.since = 0
            gc.collect(0)


@contextmanager
def _collector_off() -> Iterator[_YoungCollector]:
    """Switch the automatic cycle collector off for a batch, and back on afterwards.

    A query makes thousands of short-lived objects, and the caches of parts and
    names (and the caller's results) grow through a batch; the automatic
    collector walked them again and again, which cost a sixth of the batch's
    time at its default threshold and a tenth at a raised one. Queries leave
    almost no reference cycles (some 700 objects after 5,000 queries); to keep
    even a batch of millions bounded, the body calls the yielded
    :class:`_YoungCollector` as queries are done, which collects the youngest
    objects every 100,000 queries. At the end, what the batch left is moved to
    the oldest generation without being walked (``gc.freeze`` then ``gc.unfreeze``;
    skipped when the program keeps objects frozen itself), so that the first
    collection after the batch does not walk it all at once either.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield _YoungCollector()
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


_WORKER: tuple[Screener, Settings, int, _YoungCollector] | None = None
REMOTE_CHUNK = 32  # queries per chunk sent to a forked process
REMOTE_QUEUE = 3  # chunks waiting for each forked process, so that it never waits for the next
LOCAL_CHUNK = 8  # queries this process screens between two rounds of handing out chunks

# What a worker sends back for one query: the validated name and, per hit, (entity row, name row,
# score, explanation as plain tuples); or the error. Numbers and explanations cross the process boundary much faster
# than hits with their entities; the parent decodes an entity only when it is read.
_Compact = tuple[str | None, list[tuple[int, int, float, tuple]], str | None]


def _work(chunk: list[Query]) -> list[_Compact]:
    screener, s, limit, collect = _WORKER  # type: ignore[misc]
    collect(len(chunk))  # the forked process inherits the collector switched off
    out: list[_Compact] = []
    for query in chunk:
        try:
            pq = screener.prepare(query)
            rows = [(comp.entity, comp.name, value, screener._explain(comp, value, s, via).packed())
                    for value, comp, via in screener._scored(pq, s)[:limit]]
            out.append((pq.parsed.name, rows, None))
        except QueryError as exc:
            out.append((None, [], str(exc)))
    return out


def _parallel(screener: Screener, queries: Iterable[Query], s: Settings, limit: int,
              workers: int, collect: _YoungCollector) -> Iterator[ScreenResult]:
    """Screen in ``workers`` processes: ``workers - 1`` forked ones and this one.

    Chunks of :data:`REMOTE_CHUNK` queries go to the forked processes, which
    always have :data:`REMOTE_QUEUE` chunks each waiting; this process screens
    :data:`LOCAL_CHUNK` queries at a time meanwhile (without the cost of sending
    them anywhere), so that it comes back often to hand out more work. Results
    come back in input order.
    """
    import multiprocessing as mp
    from collections import deque

    global _WORKER
    _WORKER = (screener, s, limit, _YoungCollector())
    ctx = mp.get_context("fork")
    items = iter(queries)
    gc.freeze()  # the index's objects stay shared: the workers' collector does not touch (copy) them
    try:
        with ctx.Pool(workers - 1) as pool:
            pending: deque[tuple[list[Query], Any]] = deque()  # (chunk, its pool result or its results)
            remote = 0  # chunks sent out and not yet taken back
            done = False
            while pending or not done:
                while not done and remote < REMOTE_QUEUE * (workers - 1):
                    chunk = list(islice(items, REMOTE_CHUNK))
                    if not chunk:
                        done = True
                    else:
                        pending.append((chunk, pool.apply_async(_work, (chunk,))))
                        remote += 1
                while pending and (isinstance(pending[0][1], list) or pending[0][1].ready() or done
                                   or len(pending) > 16 * workers):  # wait rather than pile up results
                    chunk, results = pending.popleft()
                    if isinstance(results, list):
                        yield from results
                    else:
                        remote -= 1
                        yield from _unpacked(screener, chunk, results.get())
                    collect(len(chunk))
                if not done:
                    chunk = list(islice(items, LOCAL_CHUNK))
                    if not chunk:
                        done = True
                    else:
                        pending.append((chunk, [screener._screen_one(query, s, limit) for query in chunk]))
    finally:
        gc.unfreeze()
        _WORKER = None


def _unpacked(screener: Screener, chunk: list[Query], results: list[_Compact]) -> Iterator[ScreenResult]:
    """The results of a chunk screened in a worker, as :class:`ScreenResult` with lazily built hits."""
    for query, (name, rows, error) in zip(chunk, results):
        if error is not None:
            yield ScreenResult(query, [], error)
        else:
            yield ScreenResult(query, [
                screener._hit(_Sent(screener.index, entity, why), entity, listed, value, name)
                for entity, listed, value, why in rows])


# --- the persisted index ------------------------------------------------------------


def load_or_build(store: Any, directory: Path, progress: Callable[[str], None] | None = None) -> Index:
    """The index of the store's current lists: loaded from ``directory`` or (re)built there.

    One segment file per list version (``segments/{source}-{version}-{checksum}-{sig}.npz``)
    and one merged file per store fingerprint (``index-{fingerprint}-{sig}.npz``);
    ``sig`` changes with the normaliser, so a new normaliser never reads stale keys.
    Files of versions no longer current are removed.
    """
    say = progress or (lambda message: None)
    sig = normaliser_signature()
    fingerprint = store.fingerprint()
    merged = directory / f"index-{fingerprint}-{sig}.npz"
    if merged.exists():
        try:
            return Index.load(merged)
        except (OSError, ValueError, KeyError) as exc:
            say(f"index file unreadable, rebuilding: {exc}")
    versions = store.current_versions()
    segments, keep = [], {merged.name}
    for v in versions:
        path = directory / "segments" / f"{v.source}-{v.id}-{v.checksum[:12]}-{sig}.npz"
        keep.add(path.name)
        segment = None
        if path.exists():
            try:
                segment = Segment.load(path)
            except (OSError, ValueError, KeyError):
                segment = None
        if segment is None:
            say(f"indexing {v.source} (version {v.id}, {v.entity_count} entities)")
            segment = Segment.from_records(records_from_json(store.iter_entity_json(v.id)),
                                           {"source": v.source, "version": v.id})
            _try(say, segment.save, path)
        segments.append(segment)
    index = Index.from_segments(segments, {
        "fingerprint": fingerprint,
        "signature": sig,
        "versions": {v.source: v.id for v in versions},
    })
    if _try(say, index.save, merged):
        for old in [*directory.glob("index-*.npz"), *(directory / "segments").glob("*.npz")]:
            if old.name not in keep:
                old.unlink(missing_ok=True)
    return index


def _try(say: Callable[[str], None], save: Callable[[Path], None], path: Path) -> bool:
    """Save an index file; a read-only or full disk only costs a rebuild at the next start."""
    try:
        save(path)
    except OSError as exc:
        say(f"could not save the index ({exc}); it will be rebuilt at the next start")
        return False
    return True
