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
        first = count
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


@njit(cache=True, nogil=True)
def _osa_similarity(a, alo, ahi, b, blo, bhi):  # pragma: no cover - compiled
    """1 − optimal-string-alignment distance / the longer length (rapidfuzz's ``OSA.normalized_similarity``).

    The common start and end are cut off first (they do not change the distance): the typo index
    compares strings one or two edits apart, so what is left is mostly a letter or two on each
    side, settled without the dynamic programme and its work arrays.
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
    prev2 = np.empty(m + 1, np.int64)
    prev = np.arange(m + 1).astype(np.int64)
    cur = np.empty(m + 1, np.int64)
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
    directory entries and a run of about one, instead of a binary search's twenty scattered reads."""
    bits = max(1, min(26, int(np.ceil(np.log2(max(len(table_hash), 2))))))
    shift = 64 - bits
    prefixes = (table_hash >> np.uint64(shift)).astype(np.int64)
    directory = np.searchsorted(prefixes, np.arange((1 << bits) + 1, dtype=np.int64)).astype(np.int64)
    return directory, shift


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
    """
    keys = np.empty(64, np.int32)
    nkeys = 0
    for p in range(len(probe_offsets) - 1):
        plo, phi = probe_offsets[p], probe_offsets[p + 1]
        for skip in range(plo - 1, phi):
            h = _hash(probes, plo, phi, skip if skip >= plo else -1)
            prefix = h >> np.uint64(shift)
            i, end = directory[prefix], directory[prefix + 1]
            while i < end and table_hash[i] < h:
                i += 1
            while i < end and table_hash[i] == h:
                f = table_form[i]
                i += 1
                if form_seen[f] == stamp:
                    continue
                form_seen[f] = stamp
                k = form_key[f]
                if k == exact:
                    continue
                flo, fhi = form_offsets[f], form_offsets[f + 1]
                sim = 0.0
                for q in range(len(probe_offsets) - 1):
                    s = _osa_similarity(probes, probe_offsets[q], probe_offsets[q + 1], form_blob, flo, fhi)
                    if s > sim:
                        sim = s
                if sim < min_similarity:
                    continue
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
    sims = np.empty(nkeys, np.float32)
    for i in range(nkeys):
        sims[i] = key_best[keys[i]]
    order = np.argsort(-sims, kind="mergesort")
    first = 1 if exact >= 0 else 0
    out_keys = np.empty(nkeys + first, np.int32)
    out_sims = np.empty(nkeys + first, np.float32)
    if first:
        out_keys[0] = exact
        out_sims[0] = 1.0
    out_keys[first:] = keys[:nkeys][order]
    out_sims[first:] = sims[order]
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


@njit(cache=True, nogil=True)
def prefix_forms(text, order, form_blob, form_offsets, form_key, limit, key_best, key_seen,
                 stamp):  # pragma: no cover - compiled
    """Keys of listed strings that start with ``text`` and are longer, with similarity
    ``0.5 + 0.5 × len(text) / len(string)`` (in characters), the best per key; the ``limit`` best,
    ties in sort order.

    ``order`` lists the strings sorted (then by key); a binary search finds the first that starts
    with ``text``. ``key_best``/``key_seen`` are work arrays as in :func:`near_forms`.
    """
    lo, hi = 0, len(order)
    while lo < hi:
        mid = (lo + hi) // 2
        f = order[mid]
        if _compare_start(text, form_blob, form_offsets[f], form_offsets[f + 1]) > 0:
            lo = mid + 1
        else:
            hi = mid
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
        sim = 0.5 + 0.5 * text_length / length
        k = form_key[f]
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
        if key_seen[k] != stamp:
            key_seen[k] = stamp
            key_best[k] = sim
            keys[n] = k
            n += 1
        elif sim >= key_best[k]:
            key_best[k] = sim
    sims = np.empty(n, np.float64)
    for i in range(n):
        sims[i] = key_best[keys[i]]
    order = np.argsort(-sims, kind="mergesort")
    return keys[:n][order], sims[order]
