"""Compiled inner loops of the candidate stage (numba), over the index's plain arrays.

The candidate stage reads the postings of every key a query part may stand
for and adds up, per listed name, the rarity weight the query shares with
it. In numpy that is a dozen array operations per part, each with its own
call overhead and temporary arrays; here it is one loop over the postings.
The functions take and return plain numpy arrays only, are compiled on first
use and cached on disk by numba (``cache=True``), so only the very first
screening on a machine pays the compilation.
"""

from __future__ import annotations

from itertools import accumulate

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def candidate_names(post_ptr, post_names, post_tag_weight, idf, name_mass, term_ptr, term_kid, term_sim, own_weight,
                    query_mass, missing_listed, limit, floor, headroom, keep, work, stamp,
                    lookup_cost=16):  # pragma: no cover
    """Names sharing (typo-near) keys with the query and the estimate of their name match, best first.

    Query part ``t`` stands for the keys ``term_kid[term_ptr[t]:term_ptr[t + 1]]``
    with similarities ``term_sim``; its own weight is ``own_weight[t]``. For a
    name reached through key ``k`` with similarity ``s`` at posting ``p`` the
    part matches ``s × (own + idf[k] × post_tag_weight[p])`` of weight and
    ``idf[k] × post_tag_weight[p]`` of the name's own (the listed part's tag
    weight); a name reached through several keys of one part keeps the best. Parts are read from the one with the fewest
    postings; once the parts left could not lift a name that only they reach to
    ``floor`` (``headroom``: what the caller may add later), they only add to
    names already found (looking each of those up in the part's postings when
    that is cheaper than reading them all). The estimate is ``matched / (query_mass + listed +
    missing_listed × the rest of the name's weight)``, at most 1.

    ``work`` is a float32 array of shape (names, 6), one row per listed name so
    that a name's scratch values share a cache line (stamps are stored in it
    too, so they must stay below 2**24); ``stamp`` must be new for
    every call and every part (the call uses ``stamp`` to ``stamp + parts``).
    Returns the names (int32) with an estimate of at least ``keep`` and the
    estimates (float32), at most ``limit`` of them, best first.
    """
    SEEN, BEST_M, BEST_L, MARK, ACC_M, ACC_L = 0, 1, 2, 3, 4, 5
    parts = len(term_ptr) - 1
    # how many postings each part reads, and the most it can match
    size = np.zeros(parts, np.int64)
    best = np.zeros(parts, np.float64)
    for t in range(parts):
        for j in range(term_ptr[t], term_ptr[t + 1]):
            k = term_kid[j]
            n = post_ptr[k + 1] - post_ptr[k]
            if n:
                size[t] += n
                matched = term_sim[j] * (own_weight[t] + idf[k])  # no tag weighs more than 1
                if matched > best[t]:
                    best[t] = matched
    # parts from the one reading the fewest postings; a part too weak to reach the floor alone only
    # adds to names found before it
    order = np.argsort(size, kind="mergesort")
    reach = np.zeros(parts + 1, np.float64)
    for r in range(parts - 1, -1, -1):
        reach[r] = reach[r + 1] + best[order[r]]
    found = np.empty(size.sum(), np.int32)
    count = 0
    for r in range(parts):
        t = order[r]
        if size[t] == 0:
            continue
        only_found = count > 0 and reach[r] / query_mass + headroom < floor
        terms = term_ptr[t + 1] - term_ptr[t]
        if only_found and count * terms * lookup_cost < size[t]:
            # few names found, many postings: look each found name up in the part's postings
            for i in range(count):
                name = found[i]
                got_m = 0.0
                got_l = 0.0
                for j in range(term_ptr[t], term_ptr[t + 1]):
                    k = term_kid[j]
                    lo, hi = post_ptr[k], post_ptr[k + 1]
                    if hi == lo:
                        continue
                    at = lo + np.searchsorted(post_names[lo:hi], name)
                    if at < hi and post_names[at] == name:
                        listed = idf[k] * post_tag_weight[at]
                        matched = term_sim[j] * (own_weight[t] + listed)
                        if matched > got_m:
                            got_m = matched
                            got_l = listed
                if got_m > 0.0:
                    work[name, ACC_M] += got_m
                    work[name, ACC_L] += got_l
            continue
        # read the postings: each name once per part, with the best of the keys reaching it
        part_stamp = stamp + 1 + t
        touched = np.empty(size[t], np.int32)
        n = 0
        for j in range(term_ptr[t], term_ptr[t + 1]):
            k = term_kid[j]
            for p in range(post_ptr[k], post_ptr[k + 1]):
                name = post_names[p]
                if only_found and work[name, MARK] != stamp:
                    continue
                listed = idf[k] * post_tag_weight[p]
                matched = term_sim[j] * (own_weight[t] + listed)
                if work[name, SEEN] != part_stamp:
                    work[name, SEEN] = part_stamp
                    work[name, BEST_M] = matched
                    work[name, BEST_L] = listed
                    touched[n] = name
                    n += 1
                elif matched > work[name, BEST_M]:
                    work[name, BEST_M] = matched
                    work[name, BEST_L] = listed
        for i in range(n):
            name = touched[i]
            if work[name, MARK] != stamp:
                work[name, MARK] = stamp
                work[name, ACC_M] = 0.0
                work[name, ACC_L] = 0.0
                found[count] = name
                count += 1
            work[name, ACC_M] += work[name, BEST_M]
            work[name, ACC_L] += work[name, BEST_L]
    kept = np.empty(count, np.int32)
    estimate = np.empty(count, np.float32)
    m = 0
    for i in range(count):
        name = found[i]
        listed = work[name, ACC_L]
        extra = max(name_mass[name] - listed, 0.0)
        value = min(work[name, ACC_M] / (query_mass + listed + missing_listed * extra), 1.0)
        if value >= keep:
            kept[m] = name
            estimate[m] = value
            m += 1
    kept, estimate = kept[:m], estimate[:m]
    if m > limit:
        cut = np.partition(estimate, m - limit)[m - limit]  # the limit-th best estimate
        top = np.empty(limit, np.int64)
        c = 0
        for i in range(m):  # strictly better first, then ties at the cut until the limit
            if estimate[i] > cut:
                top[c] = i
                c += 1
        for i in range(m):
            if c >= limit:
                break
            if estimate[i] == cut:
                top[c] = i
                c += 1
        kept, estimate = kept[top], estimate[top]
    order2 = np.argsort(-estimate, kind="mergesort")
    return kept[order2], estimate[order2]


@njit(cache=True, nogil=True)
def entity_candidates(names, estimate, name_entity, floor, max_entities, names_per_entity,
                      within):  # pragma: no cover - compiled
    """The candidate stage's names (best estimate first) grouped by entity, best entity first.

    Names below ``floor`` end the list. An entity is taken while fewer than
    ``max_entities`` are; it keeps up to ``names_per_entity`` names whose
    estimate is within ``within`` of its best. Returns the entities (int32),
    their best estimates (float32), and their names as ``ptr``/``names`` (entity
    ``i`` has ``names[ptr[i]:ptr[i + 1]]``).
    """
    count = 0
    ents = np.empty(max_entities, np.int32)
    best = np.empty(max_entities, np.float32)
    taken = np.zeros((max_entities, names_per_entity), np.int32)
    sizes = np.zeros(max_entities, np.int64)
    for i in range(len(names)):
        est = np.float64(estimate[i])
        if est < floor:
            break
        e = name_entity[names[i]]
        slot = -1
        for j in range(count):
            if ents[j] == e:
                slot = j
                break
        if slot < 0:
            if count >= max_entities:
                continue
            ents[count] = e
            best[count] = estimate[i]
            taken[count, 0] = names[i]
            sizes[count] = 1
            count += 1
        elif sizes[slot] < names_per_entity and est >= np.float64(best[slot]) - within:
            taken[slot, sizes[slot]] = names[i]
            sizes[slot] += 1
    ptr = np.zeros(count + 1, np.int64)
    for j in range(count):
        ptr[j + 1] = ptr[j] + sizes[j]
    flat = np.empty(ptr[count], np.int32)
    for j in range(count):
        flat[ptr[j] : ptr[j + 1]] = taken[j, : sizes[j]]
    return ents[:count], best[:count], ptr, flat


# --- the typo index (symmetric delete) ------------------------------------------------

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True, nogil=True)
def _hash(blob, lo, hi, skip):  # pragma: no cover - compiled
    """64-bit FNV-1a of ``blob[lo:hi]`` without the byte at ``skip`` (-1: none)."""
    h = _FNV_OFFSET
    for i in range(lo, hi):
        if i != skip:
            h = (h ^ np.uint64(blob[i])) * _FNV_PRIME
    return h


@njit(cache=True, nogil=True)
def deletion_table(blob, offsets, min_length):  # pragma: no cover - compiled
    """The symmetric-delete table of a list of strings (UTF-8 ``blob`` cut at ``offsets``).

    For every string of at least ``min_length`` bytes: the hash of the string
    itself and of every spelling with one byte left out, each with the
    string's number. Sorted by hash, so that a lookup is a binary search. Two
    strings within one edit (insertion, deletion, substitution or swap of
    neighbours) share an entry; hash collisions only add candidates that the
    similarity check then drops.
    """
    count = 0
    for f in range(len(offsets) - 1):
        n = offsets[f + 1] - offsets[f]
        if n >= min_length:
            count += n + 1
    hashes = np.empty(count, np.uint64)
    forms = np.empty(count, np.int32)
    m = 0
    for f in range(len(offsets) - 1):
        lo, hi = offsets[f], offsets[f + 1]
        if hi - lo >= min_length:
            hashes[m] = _hash(blob, lo, hi, -1)
            forms[m] = f
            m += 1
            for skip in range(lo, hi):
                hashes[m] = _hash(blob, lo, hi, skip)
                forms[m] = f
                m += 1
    order = np.argsort(hashes, kind="mergesort")
    return hashes[order], forms[order]


@njit(cache=True, nogil=True, inline="always")
def _osa_similarity(a, alo, ahi, b, blo, bhi, rows):  # pragma: no cover - compiled
    """1 − optimal-string-alignment distance / the longer length (rapidfuzz's ``OSA.normalized_similarity``).

    The common start and end are cut off first (they do not change the distance): the typo index
    compares strings one or two edits apart, so what is left is mostly a letter or two on each
    side, settled without the dynamic programme. Its three rows run along ``b`` and are the
    caller's work array ``rows`` (int64, at least ``bhi - blo + 1`` columns), so that the many
    comparisons of one lookup allocate nothing.
    """
    longer = max(ahi - alo, bhi - blo)
    if longer == 0:
        return 1.0
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        alo += 1
        blo += 1
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi -= 1
        bhi -= 1
    n, m = ahi - alo, bhi - blo
    if n == 0 or m == 0:
        return 1.0 - max(n, m) / longer
    if n == 1 and m == 1:
        return 1.0 - 1.0 / longer
    if n == 2 and m == 2 and a[alo] == b[blo + 1] and a[alo + 1] == b[blo]:
        return 1.0 - 1.0 / longer  # two neighbours swapped
    prev2, prev, cur = rows[0], rows[1], rows[2]
    for j in range(m + 1):
        prev[j] = j
    for i in range(1, n + 1):
        cur[0] = i
        ca = a[alo + i - 1]
        for j in range(1, m + 1):
            cb = b[blo + j - 1]
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[blo + j - 2] and a[alo + i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev, cur = prev, cur, prev2
    return 1.0 - prev[m] / longer


def hash_directory(table_hash: np.ndarray) -> tuple[np.ndarray, int]:
    """Where each run of equal leading hash bits starts in the sorted table: a lookup then reads two
    directory entries and a run of about one, instead of a binary search's twenty scattered reads.
    The entries are int32 when the table allows, half the memory for the caches to hold."""
    bits = max(1, min(26, int(np.ceil(np.log2(max(len(table_hash), 2))))))
    shift = 64 - bits
    prefixes = (table_hash >> np.uint64(shift)).astype(np.int64)
    directory = np.searchsorted(prefixes, np.arange((1 << bits) + 1, dtype=np.int64))
    return directory.astype(np.int32 if len(table_hash) < 2**31 else np.int64), shift


@njit(cache=True, nogil=True, inline="always")
def _keep_best(k, sim, keys, nkeys, key_best, key_seen, stamp):  # pragma: no cover - compiled
    """Record ``sim`` for key ``k``: a key seen first under ``stamp`` is appended to ``keys`` (grown
    when full), a key seen before keeps its best similarity. Returns ``keys`` and their count."""
    if key_seen[k] != stamp:
        key_seen[k] = stamp
        key_best[k] = sim
        if nkeys == len(keys):
            grown = np.empty(2 * len(keys), np.int32)
            grown[:nkeys] = keys
            keys = grown
        keys[nkeys] = k
        nkeys += 1
    elif sim > key_best[k]:
        key_best[k] = sim
    return keys, nkeys


@njit(cache=True, nogil=True)
def near_forms(probes, probe_offsets, table_hash, table_form, directory, shift, form_blob, form_offsets, form_key,
               exact, min_similarity, key_best, key_seen, form_seen, stamp):  # pragma: no cover - compiled
    """Keys of listed strings within one typo of any probe, with their best similarity, best first.

    ``probes`` (UTF-8, cut at ``probe_offsets``) are the spellings of one query
    part; every one-byte deletion of a probe, and the probe itself, is looked
    up in the table of :func:`deletion_table` through its :func:`hash_directory`
    (``directory``, ``shift``). A listed string found that way
    counts for its key ``form_key[form]`` with its similarity to the closest
    probe (:func:`_osa_similarity`); keys under ``min_similarity`` are left out. The
    key ``exact`` (the part's own, -1 for none) comes first with similarity 1. ``key_best`` (float32, per key),
    ``key_seen`` (uint32, per key) and ``form_seen`` (uint32, per string) are
    work arrays; ``stamp`` must be new for every call.

    The work goes in three passes (all lookups, then the strings found, then their similarity) rather than
    one string at a time: the table is far larger than the caches, and the reads of one pass do not wait
    for each other, so the processor overlaps their cache misses.
    """
    n_probes = len(probe_offsets) - 1
    n_lookups = 0
    longest_probe = 0
    for p in range(n_probes):
        length = probe_offsets[p + 1] - probe_offsets[p]
        n_lookups += length + 1
        longest_probe = max(longest_probe, length)
    # each lookup's hash and the run of the table its leading bits point to
    hashes = np.empty(n_lookups, np.uint64)
    runs = np.empty((n_lookups, 2), np.int64)
    run_total = 0
    m = 0
    for p in range(n_probes):
        plo, phi = probe_offsets[p], probe_offsets[p + 1]
        for skip in range(plo - 1, phi):
            h = _hash(probes, plo, phi, skip if skip >= plo else -1)
            prefix = h >> np.uint64(shift)
            hashes[m] = h
            runs[m, 0], runs[m, 1] = directory[prefix], directory[prefix + 1]
            run_total += runs[m, 1] - runs[m, 0]
            m += 1
    # the strings of other keys with those hashes, each once, in the order found
    forms = np.empty(run_total, np.int64)
    n_forms = 0
    for m in range(n_lookups):
        h = hashes[m]
        i, end = runs[m, 0], runs[m, 1]
        while i < end and table_hash[i] < h:
            i += 1
        while i < end and table_hash[i] == h:
            f = table_form[i]
            i += 1
            if form_seen[f] == stamp:
                continue
            form_seen[f] = stamp
            if form_key[f] != exact:
                forms[n_forms] = f
                n_forms += 1
    # their keys, with the best similarity to any probe
    keys = np.empty(max(n_forms, 1), np.int32)
    n_keys = 0
    osa_rows = np.empty((3, longest_probe + 1), np.int64)
    for j in range(n_forms):
        f = forms[j]
        sim = 0.0
        for q in range(n_probes):
            s = _osa_similarity(form_blob, form_offsets[f], form_offsets[f + 1], probes, probe_offsets[q],
                                probe_offsets[q + 1], osa_rows)
            if s > sim:
                sim = s
        if sim >= min_similarity:
            keys, n_keys = _keep_best(form_key[f], sim, keys, n_keys, key_best, key_seen, stamp)
    return _best_first(keys, n_keys, key_best, exact)


@njit(cache=True, nogil=True)
def typo_neighbours(spellings, key_end, token_end, min_length, table_hash, table_form, directory, shift, form_blob,
                    form_offsets, form_key, exact, min_similarity, key_best, key_seen, form_seen,
                    stamp):  # pragma: no cover - compiled
    """:func:`near_forms` of a query part's spellings, chosen here rather than by the caller (no lists,
    joins and offset arrays per part in Python).

    ``spellings`` is the part's key, its token and its token as OCR misreads it, in UTF-8 one after
    the other (the token starts at ``key_end``, the misreading at ``token_end``). The probes are the
    distinct ones of at least ``min_length`` characters, in that order; with none, the result is
    ``exact`` alone (similarity 1) or nothing.
    """
    bounds = (0, key_end, token_end, len(spellings))
    probes = np.empty(len(spellings), np.uint8)
    offsets = np.zeros(4, np.int64)
    n = 0
    for s in range(3):
        lo, hi = bounds[s], bounds[s + 1]
        if _utf8_length(spellings, lo, hi) < min_length:
            continue
        repeated = False
        for p in range(n):
            if _same(probes, offsets[p], offsets[p + 1], spellings, lo, hi):
                repeated = True
        if not repeated:
            probes[offsets[n] : offsets[n] + hi - lo] = spellings[lo:hi]
            offsets[n + 1] = offsets[n] + hi - lo
            n += 1
    if n == 0:
        first = 1 if exact >= 0 else 0
        return np.full(first, exact, np.int32), np.ones(first, np.float32)
    return near_forms(probes, offsets[: n + 1], table_hash, table_form, directory, shift, form_blob, form_offsets,
                      form_key, exact, min_similarity, key_best, key_seen, form_seen, stamp)


@njit(cache=True, nogil=True, inline="always")
def _best_first(keys, n_keys, key_best, exact):  # pragma: no cover - compiled
    """``exact`` (unless -1) with similarity 1, then ``keys[:n_keys]`` by ``key_best``, best first, ties in
    their order (a stable sort). An insertion sort: the lists are short, and it allocates only its results."""
    first = 1 if exact >= 0 else 0
    out_keys = np.empty(n_keys + first, np.int32)
    out_sims = np.empty(n_keys + first, np.float32)
    if first:
        out_keys[0] = exact
        out_sims[0] = 1.0
    for i in range(n_keys):
        k = keys[i]
        sim = key_best[k]
        j = first + i
        while j > first and out_sims[j - 1] < sim:
            out_keys[j] = out_keys[j - 1]
            out_sims[j] = out_sims[j - 1]
            j -= 1
        out_keys[j] = k
        out_sims[j] = sim
    return out_keys, out_sims


@njit(cache=True, nogil=True)
def _utf8_length(blob, lo, hi):  # pragma: no cover - compiled
    """Characters in ``blob[lo:hi]`` (UTF-8): the bytes that do not continue a character."""
    n = 0
    for i in range(lo, hi):
        if (blob[i] & 0xC0) != 0x80:
            n += 1
    return n


@njit(cache=True, nogil=True)
def _compare_start(text, form_blob, flo, fhi):  # pragma: no cover - compiled
    """-1, 0 or 1 as ``text`` sorts before, at the start of, or after the string ``form_blob[flo:fhi]``
    (0: the string starts with ``text``). Byte order is code point order in UTF-8."""
    n = fhi - flo
    for i in range(len(text)):
        if i >= n:
            return 1
        if text[i] != form_blob[flo + i]:
            return -1 if text[i] < form_blob[flo + i] else 1
    return 0


@njit(cache=True, nogil=True, inline="always")
def _head(blob, lo, hi):  # pragma: no cover - compiled
    """The first eight bytes of ``blob[lo:hi]`` as one big-endian number (zeros past the end): heads
    sort like the strings, so most comparisons of a search are one number, not a string."""
    h = np.uint64(0)
    for i in range(8):
        h <<= np.uint64(8)
        if lo + i < hi:
            h |= np.uint64(blob[lo + i])
    return h


@njit(cache=True, nogil=True)
def prefix_heads(order, form_blob, form_offsets):  # pragma: no cover - compiled
    """The :func:`_head` of each string in ``order`` (the sorted strings), for :func:`prefix_forms`."""
    heads = np.empty(len(order), np.uint64)
    for i in range(len(order)):
        heads[i] = _head(form_blob, form_offsets[order[i]], form_offsets[order[i] + 1])
    return heads


@njit(cache=True, nogil=True)
def prefix_forms(text, order, heads, directory, shift, form_blob, form_offsets, form_key, limit, key_best, key_seen,
                 stamp):  # pragma: no cover - compiled
    """Keys of listed strings that start with ``text`` and are longer, with similarity
    ``0.5 + 0.5 × len(text) / len(string)`` (in characters), the best per key; the ``limit`` best,
    ties in sort order.

    ``order`` lists the strings sorted (then by key), ``heads`` their :func:`_head`, and
    ``directory``/``shift`` the :func:`hash_directory` of the heads: the first string not before
    ``text`` is found among the few sharing its leading bits, by their heads in one small stretch of
    memory rather than by strings scattered over the blob (strings are compared only where their
    head equals the text's). ``key_best``/``key_seen`` are work arrays as in :func:`near_forms`.
    """
    head = _head(text, 0, len(text))
    lo, hi = directory[head >> np.uint64(shift)], directory[(head >> np.uint64(shift)) + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if heads[mid] < head:
            lo = mid + 1
        else:
            hi = mid
    while lo < len(order) and heads[lo] == head and _compare_start(
            text, form_blob, form_offsets[order[lo]], form_offsets[order[lo] + 1]) > 0:
        lo += 1
    text_length = _utf8_length(text, 0, len(text))
    keys = np.empty(16, np.int32)
    nkeys = 0
    i = lo
    while i < len(order):
        f = order[i]
        flo, fhi = form_offsets[f], form_offsets[f + 1]
        if _compare_start(text, form_blob, flo, fhi) != 0:
            break
        i += 1
        length = _utf8_length(form_blob, flo, fhi)
        if length <= text_length:
            continue
        keys, nkeys = _keep_best(form_key[f], 0.5 + 0.5 * text_length / length, keys, nkeys, key_best, key_seen,
                                 stamp)
    sims = np.empty(nkeys, np.float64)
    for j in range(nkeys):
        sims[j] = key_best[keys[j]]
    top = np.argsort(-sims, kind="mergesort")[:limit]
    return keys[:nkeys][top], sims[top]


@njit(cache=True, nogil=True)
def merge_terms(first_keys, first_sims, then_keys, then_sims, key_best, key_seen, stamp):  # pragma: no cover
    """Two neighbour lists as one: each key once with its best similarity (float64), best first;
    ties keep the order of first appearance, ``first_keys`` before ``then_keys``.
    ``key_best``/``key_seen`` are work arrays as in :func:`near_forms`."""
    keys = np.empty(len(first_keys) + len(then_keys), np.int32)
    n = 0
    for i in range(len(first_keys) + len(then_keys)):
        if i < len(first_keys):
            k, sim = first_keys[i], np.float64(first_sims[i])
        else:
            k, sim = then_keys[i - len(first_keys)], np.float64(then_sims[i - len(first_keys)])
        keys, n = _keep_best(k, sim, keys, n, key_best, key_seen, stamp)
    sims = np.empty(n, np.float64)
    for i in range(n):
        sims[i] = key_best[keys[i]]
    order = np.argsort(-sims, kind="mergesort")
    return keys[:n][order], sims[order]


@njit(cache=True, nogil=True)
def cut_or_near(text, order, heads, directory, shift, form_blob, form_offsets, form_key, limit, near_keys, near_sims,
                key_best, key_seen, stamp):  # pragma: no cover - compiled
    """A last part's neighbours in one call: :func:`prefix_forms` of ``text`` merged with its typo
    neighbours ``near_keys``/``near_sims`` by :func:`merge_terms` (stamps ``stamp`` and ``stamp + 1``)."""
    cut_keys, cut_sims = prefix_forms(text, order, heads, directory, shift, form_blob, form_offsets, form_key, limit,
                                      key_best, key_seen, stamp)
    return merge_terms(cut_keys, cut_sims, near_keys, near_sims, key_best, key_seen, stamp + 1)


@njit(cache=True, nogil=True)
def closest_key(keys, sims, idf):  # pragma: no cover - compiled
    """Of the keys whose similarity is the first one's (the best: lists are best first), the first of
    the lowest ``idf``: the commonest of the closest."""
    best = 0
    for i in range(1, len(keys)):
        if sims[i] == sims[0] and idf[keys[i]] < idf[keys[best]]:
            best = i
    return keys[best]


# --- the name alignment of the scoring stage -------------------------------------------------
# features.align_names_reference is the definition; these loops compute the same alignment (same
# pairs in the same order, the same floats) for all the listed names a query is scored against.

PAIR_KINDS = ("exact", "initial", "fuzzy", "truncated", "joined")  # a pair's ``how``, by the codes below
_EXACT, _INITIAL, _FUZZY, _TRUNCATED, _JOINED = 0, 1, 2, 3, 4
_JOIN_TYPOS = 2  # joined strings are long: more typos than this never reach min_join_similarity


def query_part(kid: int, tag: int, last: bool, key: str, token: str, near: list[int]) -> np.ndarray:
    """One query part as :func:`align_names` reads it: its key id, tag and 1 if it is the last part; the
    lengths of its key, its token and ``near`` (the keys within one typo, in order); then the code points of
    the key and of the token, and ``near``. A query is its parts one after the other."""
    return np.array([kid, tag, last, len(key), len(token), len(near), *map(ord, key), *map(ord, token), *near],
                    np.int64)


@njit(cache=True, nogil=True)
def _unpack_query(parts, n):  # pragma: no cover - compiled
    """The ``n`` :func:`query_part` records in ``parts`` as the query's keys then its tokens (code points and
    offsets), each part's key id, tag and last flag, and its near keys (``near_kid`` cut at ``near_ptr``)."""
    starts = np.empty(n, np.int64)
    q_parts = np.empty((n, 3), np.int64)
    q_off = np.zeros(2 * n + 1, np.int64)
    near_ptr = np.zeros(n + 1, np.int64)
    at = 0
    for k in range(n):
        starts[k] = at
        q_parts[k, 0], q_parts[k, 1], q_parts[k, 2] = parts[at], parts[at + 1], parts[at + 2]
        q_off[k + 1] = q_off[k] + parts[at + 3]
        near_ptr[k + 1] = near_ptr[k] + parts[at + 5]
        at += 6 + parts[at + 3] + parts[at + 4] + parts[at + 5]
    for k in range(n):
        q_off[n + k + 1] = q_off[n + k] + parts[starts[k] + 4]
    q_text = np.empty(q_off[2 * n], np.int32)
    near_kid = np.empty(near_ptr[n], np.int64)
    for k in range(n):
        at = starts[k] + 6
        for i in range(q_off[k], q_off[k + 1]):  # the key
            q_text[i] = parts[at]
            at += 1
        for i in range(q_off[n + k], q_off[n + k + 1]):  # the token
            q_text[i] = parts[at]
            at += 1
        for i in range(near_ptr[k], near_ptr[k + 1]):
            near_kid[i] = parts[at]
            at += 1
    return q_text, q_off, q_parts, near_ptr, near_kid


def code_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as int32 code points cut at int64 offsets: the alignment compares characters, as Python does."""
    offsets = np.fromiter(accumulate(map(len, texts), initial=0), np.int64, len(texts) + 1)
    return np.frombuffer("".join(texts).encode("utf-32-le"), np.int32).copy(), offsets


@njit(cache=True, nogil=True)
def _osa_distance(a, alo, ahi, b, blo, bhi, most, rows):  # pragma: no cover - compiled
    """Optimal-string-alignment distance of ``a[alo:ahi]`` and ``b[blo:bhi]`` (rapidfuzz's ``OSA.distance``)
    when it is at most ``most``, else ``most + 1``: only cells within ``most`` of the diagonal can be on such
    an alignment. ``rows`` is a work array of shape (3, at least the length of b + 1)."""
    n, m = ahi - alo, bhi - blo
    beyond = most + 1
    if abs(n - m) > most:
        return beyond
    if n == 0 or m == 0:
        return max(n, m)
    prev2, prev, cur = 0, 1, 2
    for j in range(min(m, most) + 1):
        rows[prev, j] = j
    if most < m:
        rows[prev, most + 1] = beyond
    for i in range(1, n + 1):
        lo, hi = max(1, i - most), min(m, i + most)
        left = rows[cur, lo - 1] = i if lo == 1 else beyond
        diagonal = rows[prev, lo - 1]
        ca = a[alo + i - 1]
        ca_before = a[alo + i - 2] if i > 1 else -1
        best = beyond
        for j in range(lo, hi + 1):
            cb = b[blo + j - 1]
            up = rows[prev, j]
            v = min(up + 1, left + 1, diagonal + (0 if ca == cb else 1))
            if j > 1 and ca == b[blo + j - 2] and ca_before == cb:
                v = min(v, rows[prev2, j - 2] + 1)
            rows[cur, j] = v
            best = min(best, v)
            left, diagonal = v, up
        if best > most:
            return beyond
        if hi < m:
            rows[cur, hi + 1] = beyond
        prev2, prev, cur = prev, cur, prev2
    return min(rows[prev, m], beyond)


@njit(cache=True, nogil=True)
def _same(a, alo, ahi, b, blo, bhi):  # pragma: no cover - compiled
    if ahi - alo != bhi - blo:
        return False
    for i in range(ahi - alo):
        if a[alo + i] != b[blo + i]:
            return False
    return True


@njit(cache=True, nogil=True)
def _keyboard_neighbours(x, y, keyboard):  # pragma: no cover - compiled
    """features._keyboard_neighbours over ``keyboard``: (row, column) by code point, row -1 for no key."""
    if x >= len(keyboard) or y >= len(keyboard) or keyboard[x, 0] < 0 or keyboard[y, 0] < 0:
        return False
    return abs(keyboard[x, 0] - keyboard[y, 0]) <= 1 and abs(keyboard[x, 1] - keyboard[y, 1]) <= 1


@njit(cache=True, nogil=True)
def _slip_cost(a, alo, ahi, b, blo, bhi, keyboard):  # pragma: no cover - compiled
    """features._slip_cost: the cost of the one edit between two strings."""
    n, m = ahi - alo, bhi - blo
    if n == m:
        i = 0
        while a[alo + i] == b[blo + i]:
            i += 1
        if (i + 1 < n and a[alo + i] == b[blo + i + 1] and a[alo + i + 1] == b[blo + i]
                and _same(a, alo + i + 2, ahi, b, blo + i + 2, bhi)):
            return 0.5  # swapped neighbours
        if _same(a, alo + i + 1, ahi, b, blo + i + 1, bhi) and _keyboard_neighbours(a[alo + i], b[blo + i], keyboard):
            return 0.75
        return 1.0
    if n < m:
        a, alo, ahi, b, blo, bhi, n, m = b, blo, bhi, a, alo, ahi, m, n
    i = 0
    while i < m and a[alo + i] == b[blo + i]:
        i += 1
    extra = a[alo + i]
    before = a[alo + i - 1] if i >= 1 else -1
    after = a[alo + i + 1] if i + 1 < n else -1
    if extra == before or extra == after:
        return 0.5  # doubled letter
    if (before >= 0 and _keyboard_neighbours(before, extra, keyboard)) or (
            after >= 0 and _keyboard_neighbours(after, extra, keyboard)):
        return 0.75
    return 1.0


@njit(cache=True, nogil=True)
def _ocr_fold(src, lo, hi, out, ocr_pairs, ocr_chars):  # pragma: no cover - compiled
    """index.ocr_fold of ``src[lo:hi]`` into ``out``; returns its length. Each pair (``ocr_pairs``: first,
    second, replacement) is replaced left to right in what the previous one left, as ``str.replace`` does;
    then ``ocr_chars`` translates single characters (a table by code point)."""
    n = hi - lo
    for i in range(n):
        out[i] = src[lo + i]
    for p in range(len(ocr_pairs)):
        first, second, by = ocr_pairs[p, 0], ocr_pairs[p, 1], ocr_pairs[p, 2]
        read = write = 0
        while read < n:
            if read + 1 < n and out[read] == first and out[read + 1] == second:
                out[write] = by
                read += 2
            else:
                out[write] = out[read]
                read += 1
            write += 1
        n = write
    for i in range(n):
        if out[i] < len(ocr_chars):
            out[i] = ocr_chars[out[i]]
    return n


@njit(cache=True, nogil=True)
def _similarity(a, alo, ahi, b, blo, bhi, typos, may_fold, alphabet, folds):  # pragma: no cover - compiled
    """features.token_similarity of two strings ``typos`` (their OSA distance) apart. Unless ``may_fold``
    (one of them changes when folded: see :func:`_changes_when_folded`) their OCR folds differ. ``alphabet``:
    the keyboard and OCR tables (see align_names); ``folds`` is a work array of shape (2, at least the longer
    length)."""
    if typos == 0:
        return 1.0
    keyboard, ocr_pairs, ocr_chars = alphabet
    cost = _slip_cost(a, alo, ahi, b, blo, bhi, keyboard) if typos == 1 else float(typos)
    sim = max(0.0, 1.0 - 1.5 * cost / max(ahi - alo, bhi - blo))
    if sim < 0.9 and may_fold and _same_folded(a, alo, ahi, b, blo, bhi, ocr_pairs, ocr_chars, folds):
        return 0.9
    return sim


@njit(cache=True, nogil=True)
def _changes_when_folded(a, lo, hi, ocr_pairs, ocr_chars):  # pragma: no cover - compiled
    """Whether :func:`_ocr_fold` changes ``a[lo:hi]``: only if it has a pair or a character to replace (a
    replacement makes no new pair), so two different strings neither of which changes fold differently."""
    for i in range(lo, hi):
        c = a[i]
        if c < len(ocr_chars) and ocr_chars[c] != c:
            return True
        if i + 1 < hi:
            for p in range(len(ocr_pairs)):
                if c == ocr_pairs[p, 0] and a[i + 1] == ocr_pairs[p, 1]:
                    return True
    return False


@njit(cache=True, nogil=True)
def _same_folded(a, alo, ahi, b, blo, bhi, ocr_pairs, ocr_chars, folds):  # pragma: no cover - compiled
    na = _ocr_fold(a, alo, ahi, folds[0], ocr_pairs, ocr_chars)
    nb = _ocr_fold(b, blo, bhi, folds[1], ocr_pairs, ocr_chars)
    return _same(folds[0], 0, na, folds[1], 0, nb)


@njit(cache=True, nogil=True)
def _similarity_from(a, alo, ahi, b, blo, bhi, floor, may_fold, alphabet, rows, folds):  # pragma: no cover
    """features.token_similarity of two strings when it is at least ``floor``, else some value under
    ``floor``: typos past those that ``floor`` allows are not counted."""
    longest = max(ahi - alo, bhi - blo)
    # 1 − 1.5 × typos / longest ≥ floor allows this many typos; one more keeps clear of float rounding
    most = longest if floor <= 0.0 else max(1, int((1.0 - floor) * longest / 1.5)) + 1
    typos = _osa_distance(a, alo, ahi, b, blo, bhi, most, rows)
    if typos <= most:
        return _similarity(a, alo, ahi, b, blo, bhi, typos, may_fold, alphabet, folds)
    return 0.9 if may_fold and _same_folded(a, alo, ahi, b, blo, bhi, alphabet[1], alphabet[2], folds) else -1.0


@njit(cache=True, nogil=True)
def _before(opt_sim, opt_span, o, p):  # pragma: no cover - compiled
    """Option ``o`` sorts before ``p``: more similar, or as similar with fewer parts."""
    if opt_sim[o] != opt_sim[p]:
        return opt_sim[o] > opt_sim[p]
    return (opt_span[o, 1] - opt_span[o, 0] + opt_span[o, 3] - opt_span[o, 2]
            < opt_span[p, 1] - opt_span[p, 0] + opt_span[p, 3] - opt_span[p, 2])


@njit(cache=True, nogil=True)
def _greedy(opt_sim, opt_span, count, used_q, used_l, order, taken):  # pragma: no cover - compiled
    """features._greedy over the first ``count`` options (spans: first and last query part, first and last
    listed part): most similar first, on ties single parts first, then in the order made (Python's sort is
    stable). Marks the parts used, writes the options taken to ``taken`` and returns how many."""
    if count <= 64:  # most names: a few options, sorted in place
        for o in range(count):
            k = o
            while k > 0 and _before(opt_sim, opt_span, o, order[k - 1]):
                order[k] = order[k - 1]
                k -= 1
            order[k] = o
    else:  # many options: no quadratic worst case (stable sorts by size, then by similarity)
        size = opt_span[:count, 1] - opt_span[:count, 0] + opt_span[:count, 3] - opt_span[:count, 2]
        by_size = np.argsort(size, kind="mergesort")
        order[:count] = by_size[np.argsort(-opt_sim[by_size], kind="mergesort")]
    used_q[:] = False
    used_l[:] = False
    n = 0
    for k in range(count):
        o = order[k]
        qa, qb, la, lb = opt_span[o, 0], opt_span[o, 1], opt_span[o, 2], opt_span[o, 3]
        if used_q[qa] or used_q[qb] or used_l[la] or used_l[lb]:
            continue
        used_q[qa] = used_q[qb] = used_l[la] = used_l[lb] = True
        taken[n] = o
        n += 1
    return n


@njit(cache=True, nogil=True)
def _joinable(used, movable, i):  # pragma: no cover - compiled
    """Parts ``i`` and ``i + 1`` may be one word: one is free, neither is exactly paired."""
    return (not used[i] or not used[i + 1]) and movable[i] and movable[i + 1]


@njit(cache=True, nogil=True)
def _spans(used, movable, span):  # pragma: no cover - compiled
    """features._spans without the texts: free parts, then neighbouring pairs of a free part and a free or
    loosely paired one, as (first, last) rows of ``span``; returns how many."""
    n = 0
    for i in range(len(used)):
        if not used[i]:
            span[n, 0] = span[n, 1] = i
            n += 1
    for i in range(len(used) - 1):
        if _joinable(used, movable, i):
            span[n, 0], span[n, 1] = i, i + 1
            n += 1
    return n


@njit(cache=True, nogil=True)
def _can_join(used, movable):  # pragma: no cover - compiled
    for i in range(len(used) - 1):
        if _joinable(used, movable, i):
            return True
    return False


@njit(cache=True, nogil=True)
def _movable(used, opt_sim, opt_span, taken, n_taken, side, movable):  # pragma: no cover - compiled
    """Free parts and loosely paired ones (similarity under 1) of one side (0: query, 2: listed)."""
    for i in range(len(used)):
        movable[i] = not used[i]
    for k in range(n_taken):
        o = taken[k]
        if opt_sim[o] < 1.0:
            movable[opt_span[o, side] : opt_span[o, side + 1] + 1] = True


@njit(cache=True, nogil=True)
def _earlier(values, at):  # pragma: no cover - compiled
    """Whether ``values[at]`` occurs before ``at``."""
    for i in range(at):
        if values[i] == values[at]:
            return True
    return False


@njit(cache=True, nogil=True)
def _keys_are_tokens(text, off, n):  # pragma: no cover - compiled
    """Each of the ``n`` keys (the first half of ``off``) is spelled as its token (the second half)."""
    for i in range(n):
        if not _same(text, off[i], off[i + 1], text, off[n + i], off[n + i + 1]):
            return False
    return True


@njit(cache=True, nogil=True)
def _join_options(query, listed, used_q, used_l, options, count, n_taken, min_join, alphabet, work
                  ):  # pragma: no cover - compiled
    """features._join_options: adds neighbouring parts joined on one side or both after the first ``count``
    options, in the order the reference first finds them, and returns the new count. The arguments: see
    :func:`_align`."""
    q_text, q_off = query[0], query[1]
    l_text, l_off = listed[0], listed[1]
    opt_sim, opt_span, opt_how, _, taken = options
    nq, nl = len(used_q), len(used_l)
    rows, folds, movable_q_all, movable_l_all, q_span, l_span, q_len, l_len = work
    movable_q, movable_l = movable_q_all[:nq], movable_l_all[:nl]
    _movable(used_q, opt_sim, opt_span, taken, n_taken, 0, movable_q)
    _movable(used_l, opt_sim, opt_span, taken, n_taken, 2, movable_l)
    if not (_can_join(used_q, movable_q) or _can_join(used_l, movable_l)):
        return count  # a join needs two neighbouring parts on one side
    nqs = _spans(used_q, movable_q, q_span)
    nls = _spans(used_l, movable_l, l_span)
    # folding can differ across a moved boundary (myongc-hin / myong-chin): compare tokens too
    levels = 1 if _keys_are_tokens(q_text, q_off, nq) and _keys_are_tokens(l_text, l_off, nl) else 2
    first_join = count
    for level in range(levels):
        q0, l0 = level * nq, level * nl  # keys, then tokens
        for s in range(nqs):
            q_len[s] = q_off[q0 + q_span[s, 1] + 1] - q_off[q0 + q_span[s, 0]]
        for t in range(nls):
            l_len[t] = l_off[l0 + l_span[t, 1] + 1] - l_off[l0 + l_span[t, 0]]
        for s in range(nqs):
            length = q_len[s]
            if _earlier(q_len, s):
                continue  # spans of this length were compared with the first of them
            for near in range(length - _JOIN_TYPOS, length + _JOIN_TYPOS + 1):
                for t in range(nls):
                    if l_len[t] != near:
                        continue
                    la, lb = l_span[t, 0], l_span[t, 1]
                    llo, lhi = l_off[l0 + la], l_off[l0 + lb + 1]
                    for u in range(s, nqs):
                        qa, qb = q_span[u, 0], q_span[u, 1]
                        if q_len[u] != length or (qa == qb and la == lb):
                            continue
                        qlo, qhi = q_off[q0 + qa], q_off[q0 + qb + 1]
                        if q_text[qlo] != l_text[llo] and q_text[qhi - 1] != l_text[lhi - 1]:
                            continue
                        typos = _osa_distance(q_text, qlo, qhi, l_text, llo, lhi, _JOIN_TYPOS, rows)
                        if typos > _JOIN_TYPOS:
                            continue
                        sim = _similarity(q_text, qlo, qhi, l_text, llo, lhi, typos, True, alphabet, folds)
                        if sim < min_join:
                            continue
                        o = first_join
                        while o < count and not (opt_span[o, 0] == qa and opt_span[o, 1] == qb
                                                 and opt_span[o, 2] == la and opt_span[o, 3] == lb):
                            o += 1
                        if o == count:
                            if sim <= 0.0:
                                continue
                            count = _add_option(options, count, sim, qa, qb, la, lb, _JOINED)
                        elif sim > opt_sim[o]:
                            opt_sim[o] = sim
    return count


@njit(cache=True, nogil=True)
def _add_option(options, count, sim, qa, qb, la, lb, how):  # pragma: no cover - compiled
    opt_sim, opt_span, opt_how = options[0], options[1], options[2]
    opt_sim[count] = sim
    opt_span[count, 0], opt_span[count, 1], opt_span[count, 2], opt_span[count, 3] = qa, qb, la, lb
    opt_how[count] = how
    return count + 1


@njit(cache=True, nogil=True)
def _pair_similarity(query, qi, listed, lj, min_sim, alphabet, work):  # pragma: no cover - compiled
    """features._pair_similarity: the better typo similarity of the two keys and of the two tokens (exact
    when it reaches ``min_sim``)."""
    q_text, q_off, q_folds = query[0], query[1], query[4]
    l_text, l_off, l_folds = listed[0], listed[1], listed[6]
    rows, folds = work[0], work[1]
    nq, nl = len(q_off) // 2, len(l_off) // 2
    kq_lo, kq_hi, kl_lo, kl_hi = q_off[qi], q_off[qi + 1], l_off[lj], l_off[lj + 1]
    tq_lo, tq_hi, tl_lo, tl_hi = q_off[nq + qi], q_off[nq + qi + 1], l_off[nl + lj], l_off[nl + lj + 1]
    sim = _similarity_from(q_text, kq_lo, kq_hi, l_text, kl_lo, kl_hi, min_sim, q_folds[qi] or l_folds[lj], alphabet,
                           rows, folds)
    if _same(q_text, kq_lo, kq_hi, q_text, tq_lo, tq_hi) and _same(l_text, kl_lo, kl_hi, l_text, tl_lo, tl_hi):
        return sim  # the tokens are the keys
    return max(sim, _similarity_from(q_text, tq_lo, tq_hi, l_text, tl_lo, tl_hi, min_sim,
                                     q_folds[nq + qi] or l_folds[nl + lj], alphabet, rows, folds))


@njit(cache=True, nogil=True)
def _found(values, lo, hi, value):  # pragma: no cover - compiled
    """Whether the sorted ``values[lo:hi]`` hold ``value`` (binary search)."""
    end = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo < end and values[lo] == value


@njit(cache=True, nogil=True)
def _cache_slot(cache_key, qi, kid, raw):  # pragma: no cover - compiled
    """Where (query part, listed key, listed token) is in an open-addressing table, or goes (row -1)."""
    mask = len(cache_key) - 1
    slot = (qi * 3266489917 + kid * 2654435761 + raw * 2246822519) & mask
    while cache_key[slot, 0] >= 0 and not (
            cache_key[slot, 0] == qi and cache_key[slot, 1] == kid and cache_key[slot, 2] == raw):
        slot = (slot + 1) & mask
    return slot


@njit(cache=True, nogil=True)
def _align(query, listed, params, tags, alphabet, options, used_q, used_l, cache, work):  # pragma: no cover
    """features.align_names_reference of the query and one listed name; returns the similarity and how many
    pairs it took (their options in ``options[4]``, in the reference's order).

    ``query``: its keys then its tokens as one text and offsets; each part's key id, tag and 1 for the last
    part; its weight; whether each key and token changes when OCR-folded; the keys within one typo of each
    part (see align_names). ``listed``: the same text, offsets and folding of the listed name, and each
    part's key id, tag, token id and weight. ``tags``: the codes of initials, particles and patronymics.
    ``options``: similarity, spans, kind, then sort order and the options taken (work arrays). ``used_q``,
    ``used_l``: the parts taken. ``cache``: typo similarities by (query part, listed key, listed token), for
    all the names of one call. ``work``: see align_names.
    """
    q_text, q_off, q_parts, q_weight, _, near_ptr, near_kid = query
    l_text, l_off, l_kid, l_tag, l_raw, l_weight, _ = listed
    initial, particle, patronymic = tags
    min_sim, min_join, initial_listed = params[0], params[1], params[2]
    missing_patronymic, left_out, initial_similarity = params[3], params[4], params[5]
    opt_sim, opt_span, opt_how, order, taken = options
    cache_key, cache_sim = cache
    nq, nl = len(q_parts), len(l_kid)
    count = 0
    for qi in range(nq):
        q_kid, q_tag, q_last = q_parts[qi, 0], q_parts[qi, 1], q_parts[qi, 2]
        tq_lo, tq_hi = q_off[nq + qi], q_off[nq + qi + 1]
        near_lo, near_hi = near_ptr[qi], near_ptr[qi + 1]
        for lj in range(nl):
            kid = l_kid[lj]
            tl_lo, tl_hi = l_off[nl + lj], l_off[nl + lj + 1]
            if kid == q_kid:
                count = _add_option(options, count, 1.0, qi, qi, lj, lj, _EXACT)
            elif q_tag == initial or l_tag[lj] == initial:
                # an initial stands for a name, never for a particle
                same_first = (tq_lo == tq_hi and tl_lo == tl_hi) or (
                    tq_lo < tq_hi and tl_lo < tl_hi and q_text[tq_lo] == l_text[tl_lo])
                if same_first and q_tag != particle and l_tag[lj] != particle:
                    count = _add_option(options, count, initial_similarity, qi, qi, lj, lj, _INITIAL)
            else:
                n, m = tq_hi - tq_lo, tl_hi - tl_lo
                # one typo was found by the index; more than one can only pass in long parts
                if max(n, m) >= 8 or _found(near_kid, near_lo, near_hi, kid):
                    slot = _cache_slot(cache_key, qi, kid, l_raw[lj])
                    if cache_key[slot, 0] < 0:
                        cache_key[slot, 0], cache_key[slot, 1], cache_key[slot, 2] = qi, kid, l_raw[lj]
                        cache_sim[slot] = _pair_similarity(query, qi, listed, lj, min_sim, alphabet, work)
                    if cache_sim[slot] >= min_sim:
                        count = _add_option(options, count, cache_sim[slot], qi, qi, lj, lj, _FUZZY)
                if q_last and n >= 3 and m > n and _same(q_text, tq_lo, tq_hi, l_text, tl_lo, tl_lo + n):
                    count = _add_option(options, count, 0.5 + 0.5 * n / m, qi, qi, lj, lj, _TRUNCATED)
    n_taken = _greedy(opt_sim, opt_span, count, used_q, used_l, order, taken)
    if n_taken < nq and n_taken < nl:  # parts left over on both sides
        joined = _join_options(query, listed, used_q, used_l, options, count, n_taken, min_join, alphabet, work)
        if joined > count:
            n_taken = _greedy(opt_sim, opt_span, joined, used_q, used_l, order, taken)
    num = den = 0.0
    for k in range(n_taken):
        o = taken[k]
        sim = opt_sim[o]
        wq = wl = 0.0
        for i in range(opt_span[o, 0], opt_span[o, 1] + 1):
            wq += q_weight[i]
        for j in range(opt_span[o, 2], opt_span[o, 3] + 1):
            wl += l_weight[j]
        if opt_how[o] == _INITIAL:  # one letter matches: only the initial's weight is matched
            small = min(wq, wl)
            num += sim * 2 * small
            rest = (wl - small) * initial_listed if q_parts[opt_span[o, 0], 1] == initial else wq - small
            den += 2 * small + rest
        else:
            num += sim * (wq + wl)
            den += wq + wl
    for i in range(nq):
        if not used_q[i]:
            den += q_weight[i] * (missing_patronymic if q_parts[i, 1] == patronymic else 1.0)
    for j in range(nl):
        if not used_l[j]:
            den += l_weight[j] * (missing_patronymic if l_tag[j] == patronymic else left_out)
    return (num / den if den > 0 else 0.0), n_taken


@njit(cache=True, nogil=True)
def _form_hash(tok_key, tok_tag, tok_raw, lo, hi):  # pragma: no cover - compiled
    """A hash of a name's keys, tags and tokens: names of different hashes differ."""
    h = hi - lo
    for t in range(lo, hi):
        h = (h * 1000003 + tok_key[t] * 31 + tok_raw[t] * 7 + tok_tag[t]) & 0xFFFFFFFFFF  # no overflow
    return h


@njit(cache=True, nogil=True)
def _same_form(names, i, e, name_ptr, tok_key, tok_tag, tok_raw):  # pragma: no cover - compiled
    """Names ``i`` and ``e`` have the same keys, tags and tokens (one name on several lists)."""
    lo, hi = name_ptr[names[i]], name_ptr[names[i] + 1]
    elo, ehi = name_ptr[names[e]], name_ptr[names[e] + 1]
    return (_same(tok_key, lo, hi, tok_key, elo, ehi) and _same(tok_raw, lo, hi, tok_raw, elo, ehi)
            and _same(tok_tag, lo, hi, tok_tag, elo, ehi))


@njit(cache=True, nogil=True)
def align_names(names, name_ptr, tok_key, tok_tag, tok_raw, vocab_text, vocab_off, raw_text, raw_off, idf, tag_weight,
                q_records, q_weight, params, initial, particle, patronymic, keyboard, ocr_pairs, ocr_chars
                ):  # pragma: no cover - compiled
    """The alignment of one query with each of the listed ``names`` (features.align_names_reference).

    The listed side is the index's CSR arrays (``name_ptr``, ``tok_key``, ``tok_tag``, ``tok_raw``), its key
    and token texts as code points (``vocab_text``/``vocab_off``, ``raw_text``/``raw_off``, see
    :func:`code_points`) and rarity weights ``idf`` × ``tag_weight`` by tag. The query side: its parts
    (``q_records``, see :func:`query_part`) and their weights. ``params``:
    min_token_similarity, min_join_similarity, initial_listed, missing_patronymic, the factor of a listed part
    left out, INITIAL_SIMILARITY. ``initial``, ``particle``, ``patronymic``: those tags' codes. ``keyboard`` is
    the (row, column) of each key by code point (row -1: no key); ``ocr_pairs`` and ``ocr_chars`` define
    index.ocr_fold.

    Returns the similarity of each name and its pairs, name ``i``'s at ``pair_ptr[i]:pair_ptr[i + 1]``, as
    rows (first and last query part, first and last listed part, kind: see :data:`PAIR_KINDS`) with their
    similarity in ``pair_sim``. A name of the same form as an earlier one (the same keys, tags and tokens: one
    name on several lists) is not aligned again.
    """
    nq = len(q_weight)
    q_text, q_off, q_parts, near_ptr, near_kid = _unpack_query(q_records, nq)
    n_names = len(names)
    alphabet = (keyboard, ocr_pairs, ocr_chars)
    # work arrays for the longest name and part (twice: a joined pair), allocated once
    most_parts = most_text = all_parts = 0
    longest = 0
    form = np.empty(n_names, np.int64)
    for k in range(2 * nq):
        longest = max(longest, q_off[k + 1] - q_off[k])
    for i in range(n_names):
        lo, hi = name_ptr[names[i]], name_ptr[names[i] + 1]
        text = 0
        for t in range(lo, hi):
            key_length = vocab_off[tok_key[t] + 1] - vocab_off[tok_key[t]]
            token_length = raw_off[tok_raw[t] + 1] - raw_off[tok_raw[t]]
            text += key_length + token_length
            longest = max(longest, key_length, token_length)
        most_parts = max(most_parts, hi - lo)
        most_text = max(most_text, text)
        all_parts += hi - lo
        form[i] = _form_hash(tok_key, tok_tag, tok_raw, lo, hi)
    work = (np.empty((3, 2 * longest + 1), np.int64), np.empty((2, 2 * longest), np.int32),
            np.empty(nq, np.bool_), np.empty(most_parts, np.bool_),
            np.empty((2 * nq, 2), np.int64), np.empty((2 * most_parts, 2), np.int64),
            np.empty(2 * nq, np.int64), np.empty(2 * most_parts, np.int64))
    n_options = 6 * nq * most_parts  # fuzzy and truncated for each two parts, then joins
    options = (np.empty(n_options, np.float64), np.empty((n_options, 4), np.int64), np.empty(n_options, np.int64),
               np.empty(n_options, np.int64), np.empty(n_options, np.int64))
    opt_sim, opt_span, opt_how, _, taken = options
    slots = 16
    while slots < 2 * nq * all_parts:
        slots *= 2
    cache = (np.full((slots, 3), -1, np.int64), np.empty(slots, np.float64))
    used_q = np.empty(nq, np.bool_)
    used_l_all = np.empty(most_parts, np.bool_)
    q_folds = np.empty(2 * nq, np.bool_)
    for k in range(2 * nq):
        q_folds[k] = _changes_when_folded(q_text, q_off[k], q_off[k + 1], ocr_pairs, ocr_chars)
    query = (q_text, q_off, q_parts, q_weight, q_folds, near_ptr, near_kid)
    l_text = np.empty(most_text, np.int32)
    l_off = np.zeros(2 * most_parts + 1, np.int64)
    l_kid = np.empty(most_parts, np.int64)
    l_tag = np.empty(most_parts, np.int64)
    l_weight = np.empty(most_parts, np.float64)
    l_folds = np.empty(2 * most_parts, np.bool_)
    similarity = np.empty(n_names, np.float64)
    pair_ptr = np.zeros(n_names + 1, np.int64)
    pairs = np.empty((n_names * nq, 5), np.int64)
    pair_sim = np.empty(n_names * nq, np.float64)
    for i in range(n_names):
        p = pair_ptr[i]
        e = 0
        while e < i and not (form[e] == form[i] and _same_form(names, i, e, name_ptr, tok_key, tok_tag, tok_raw)):
            e += 1
        if e < i:  # the same name on another list: the same alignment
            similarity[i] = similarity[e]
            for k in range(pair_ptr[e], pair_ptr[e + 1]):
                pairs[p] = pairs[k]
                pair_sim[p] = pair_sim[k]
                p += 1
            pair_ptr[i + 1] = p
            continue
        # the listed name's keys, then its tokens, as one text
        lo, hi = name_ptr[names[i]], name_ptr[names[i] + 1]
        nl = hi - lo
        at = 0
        for j in range(nl):
            k = tok_key[lo + j]
            for c in range(vocab_off[k], vocab_off[k + 1]):
                l_text[at] = vocab_text[c]
                at += 1
            l_off[j + 1] = at
            l_folds[j] = _changes_when_folded(l_text, l_off[j], at, ocr_pairs, ocr_chars)
            l_kid[j] = k
            l_tag[j] = tok_tag[lo + j]
            l_weight[j] = idf[k] * tag_weight[tok_tag[lo + j]]
        for j in range(nl):
            r = tok_raw[lo + j]
            for c in range(raw_off[r], raw_off[r + 1]):
                l_text[at] = raw_text[c]
                at += 1
            l_off[nl + j + 1] = at
            l_folds[nl + j] = _changes_when_folded(l_text, l_off[nl + j], at, ocr_pairs, ocr_chars)
        listed = (l_text, l_off[: 2 * nl + 1], l_kid[:nl], l_tag[:nl], tok_raw[lo:hi], l_weight[:nl], l_folds[: 2 * nl])
        sim, n_taken = _align(query, listed, params, (initial, particle, patronymic), alphabet, options, used_q,
                              used_l_all[:nl], cache, work)
        similarity[i] = sim
        for k in range(n_taken):
            o = taken[k]
            pairs[p, :4] = opt_span[o]
            pairs[p, 4] = opt_how[o]
            pair_sim[p] = opt_sim[o]
            p += 1
        pair_ptr[i + 1] = p
    return similarity, pair_ptr, pairs[: pair_ptr[n_names]], pair_sim[: pair_ptr[n_names]]
