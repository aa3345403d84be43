"""The compiled loops against plain-Python statements of what they compute."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from kordon.screening import kernels
from kordon.screening.index import pack_strings

words = st.text(alphabet="abcdez", min_size=0, max_size=9)


def encoded(*texts: str) -> tuple[np.ndarray, np.ndarray]:
    return pack_strings(list(texts))


@given(words, words, st.integers(1, 3), st.integers(-9, 9))
def test_osa_similarity_is_rapidfuzz_normalised_osa(a, b, spare, garbage):
    blob, off = encoded(a, b)
    rows = np.full((3, len(b.encode()) + spare), garbage, np.int64)  # a work array left over from earlier calls
    got = kernels._osa_similarity(blob, off[0], off[1], blob, off[1], off[2], rows)
    assert abs(got - OSA.normalized_similarity(a, b)) < 1e-9


@settings(max_examples=200)
@given(st.lists(st.text(alphabet="abcde", min_size=1, max_size=7), min_size=1, max_size=30, unique=True),
       st.text(alphabet="abcde", min_size=3, max_size=7), st.floats(0.0, 1.0))
def test_near_forms_finds_every_form_within_one_edit(forms, probe, min_similarity):
    blob, off = pack_strings(forms)
    table_hash, table_form = kernels.deletion_table(blob, off, 3)
    keys = np.arange(len(forms), dtype=np.int32) // 2  # two forms per key
    pblob, poff = pack_strings([probe])
    n_keys = int(keys.max()) + 1
    kids, sims = kernels.near_forms(pblob, poff, table_hash, table_form, *kernels.hash_directory(table_hash),
                                    blob, off, keys, -1, min_similarity,
                                    np.zeros(n_keys, np.float32), np.zeros(n_keys, np.uint32),
                                    np.zeros(len(forms), np.uint32), 1)
    found = dict(zip(kids.tolist(), sims.tolist()))
    expected: dict[int, float] = {}
    for f, form in enumerate(forms):
        sim = OSA.normalized_similarity(probe, form)
        if len(form) >= 3 and OSA.distance(probe, form) <= 1 and sim >= min_similarity:
            expected[int(keys[f])] = max(expected.get(int(keys[f]), 0.0), sim)
    for k, sim in expected.items():  # everything within one edit is found, with its similarity
        assert abs(found[k] - sim) < 1e-6
    for k, sim in found.items():  # nothing below the floor; what else is found is a real neighbour
        assert sim >= min_similarity - 1e-6
    assert list(sims) == sorted(sims, reverse=True)


@given(st.lists(st.sampled_from([0.5, 0.75, 0.8, 1.0]), max_size=40), st.integers(-1, 3))
def test_best_first_is_a_stable_sort_by_similarity_after_the_exact_key(sims, exact):
    n = len(sims)
    keys = np.arange(10, 10 + n, dtype=np.int32)
    key_best = np.zeros(10 + n, np.float32)
    key_best[10:] = sims
    spare = np.full(n + 5, -1, np.int32)  # the keys list has room to spare
    spare[:n] = keys
    got_keys, got_sims = kernels._best_first(spare, n, key_best, exact)
    order = sorted(range(n), key=lambda i: -sims[i])  # Python's sort is stable
    expected = ([exact] if exact >= 0 else []) + [10 + i for i in order]
    assert got_keys.tolist() == expected
    assert got_sims.tolist() == ([1.0] if exact >= 0 else []) + [float(np.float32(sims[i])) for i in order]
    assert got_keys.dtype == np.int32 and got_sims.dtype == np.float32


@settings(max_examples=200)
@given(st.data())
def test_candidate_estimates_follow_their_definition_and_pruning_keeps_what_can_reach_the_floor(data):
    n_names = data.draw(st.integers(1, 12))
    n_keys = data.draw(st.integers(1, 6))
    postings = [sorted(data.draw(st.sets(st.integers(0, n_names - 1), max_size=n_names))) for _ in range(n_keys)]
    post_ptr = np.zeros(n_keys + 1, np.int64)
    post_ptr[1:] = np.cumsum([len(p) for p in postings])
    post_names = np.array([n for p in postings for n in p], np.int32)
    idf = np.array(data.draw(st.lists(st.floats(0.1, 5.0), min_size=n_keys, max_size=n_keys)), np.float32)
    name_mass = np.array(data.draw(st.lists(st.floats(0.0, 20.0), min_size=n_names, max_size=n_names)), np.float32)
    post_tag = np.array(data.draw(st.lists(st.sampled_from([1.0, 0.3, 0.2, 0.6]), min_size=len(post_names),
                                           max_size=len(post_names))), np.float32)
    parts = data.draw(st.lists(st.tuples(st.lists(st.tuples(st.integers(0, n_keys - 1), st.floats(0.5, 1.0)),
                                                  min_size=1, max_size=3),
                                         st.floats(0.1, 5.0)), min_size=1, max_size=4))
    term_ptr = np.zeros(len(parts) + 1, np.int64)
    term_ptr[1:] = np.cumsum([len(terms) for terms, _ in parts])
    kids = np.array([k for terms, _ in parts for k, _ in terms], np.int32)
    sims = np.array([s for terms, _ in parts for _, s in terms], np.float32)
    own = np.array([w for _, w in parts])
    mass = float(own.sum())
    # pruning (parts too weak to reach the floor only add to names found before) never drops a name
    # whose estimate plus headroom reaches the floor, and leaves estimates as defined
    floor, headroom = data.draw(st.floats(0.0, 1.0)), data.draw(st.floats(0.0, 0.3))
    keep = floor - headroom
    lookup_cost = data.draw(st.sampled_from([0, 16, 10**9]))  # found names looked up always / sometimes / never
    names, est = kernels.candidate_names(post_ptr, post_names, post_tag, idf, name_mass, term_ptr, kids, sims, own,
                                         mass, 0.65, n_names, floor, headroom, keep, np.zeros((n_names, 6), np.float32), 1,
                                         lookup_cost)
    # the definition: per part, the best key reaching the name, the listed part weighing its own tag
    expected: dict[int, list[float]] = {}
    for terms, w in parts:
        best: dict[int, tuple[float, float]] = {}
        for k, s in terms:
            for p in range(int(post_ptr[k]), int(post_ptr[k + 1])):
                n = int(post_names[p])
                listed = float(np.float32(idf[k])) * float(post_tag[p])
                matched = float(np.float32(s)) * (w + listed)
                if n not in best or matched > best[n][0]:
                    best[n] = (matched, listed)
        for n, (m, listed) in best.items():
            acc = expected.setdefault(n, [0.0, 0.0])
            acc[0] += m
            acc[1] += listed

    def expected_estimate(n: int) -> float:
        m, listed = expected[n]
        return min(m / (mass + listed + 0.65 * max(float(name_mass[n]) - listed, 0.0)), 1.0)

    want = {n: expected_estimate(n) for n in expected}
    want = {n: v for n, v in want.items() if v >= keep - 1e-6}
    got = dict(zip(names.tolist(), est.tolist()))
    assert set(want) - set(got) <= {n for n, v in want.items() if abs(v - keep) < 1e-5}  # float32 at the edge
    assert set(got) <= set(expected)
    assert list(est) == sorted(est, reverse=True)
    for n in got:
        assert abs(got[n] - min(expected_estimate(n), 1.0)) < 1e-3


# --- the name alignment's string functions -------------------------------------------------

# letters next to each other on the keyboard, letters OCR confuses, digits it reads for letters, a non-ASCII one
slips = st.text(alphabet="asdqwrnmclvwo015|é", min_size=0, max_size=9)


def code_points(*texts: str) -> tuple[np.ndarray, np.ndarray]:
    return kernels.code_points(list(texts))


def test_code_points_are_characters_not_bytes():
    text, off = code_points("ab", "", "žluť")
    assert off.tolist() == [0, 2, 2, 6]
    assert "".join(map(chr, text.tolist())) == "abžluť"


@given(slips, slips, st.integers(0, 10))
def test_bounded_osa_distance_is_rapidfuzz_osa_up_to_the_bound(a, b, most):
    text, off = code_points(a, b)
    got = kernels._osa_distance(text, off[0], off[1], text, off[1], off[2], most, np.empty((3, len(b) + 2), np.int64))
    assert got == min(OSA.distance(a, b), most + 1)


@given(slips)
def test_ocr_fold_is_the_index_fold(word):
    from kordon.screening import features as F
    from kordon.screening.index import ocr_fold

    text, off = code_points(word)
    out = np.empty(len(word), np.int32)
    n = kernels._ocr_fold(text, 0, len(word), out, F._OCR_PAIR_CODES, F._OCR_CHAR_CODES)
    assert "".join(map(chr, out[:n].tolist())) == ocr_fold(word)
    changes = kernels._changes_when_folded(text, 0, len(word), F._OCR_PAIR_CODES, F._OCR_CHAR_CODES)
    assert changes == (ocr_fold(word) != word)


@settings(max_examples=300)
@given(slips, slips, st.sampled_from([0.0, 0.5, 0.7, 0.85, 0.95]))
def test_similarity_is_token_similarity_from_the_floor_up(a, b, floor):
    from kordon.screening import features as F

    text, off = code_points(a, b)
    alphabet = (F._KEYBOARD, F._OCR_PAIR_CODES, F._OCR_CHAR_CODES)
    rows, folds = np.empty((3, 2 * max(len(a), len(b)) + 2), np.int64), np.empty((2, max(len(a), len(b), 1)), np.int32)
    want = F.token_similarity(a, b)
    exact = kernels._similarity(text, off[0], off[1], text, off[1], off[2], OSA.distance(a, b), True, alphabet, folds)
    assert exact == want
    got = kernels._similarity_from(text, off[0], off[1], text, off[1], off[2], floor, True, alphabet, rows, folds)
    if want >= floor:
        assert got == want
    else:
        assert got < floor


# --- a query part's neighbours -------------------------------------------------------

# many strings share their first eight bytes (the stems); "é" is two bytes
strings = st.builds(str.__add__, st.sampled_from(["", "a", "abababa", "abababab", "ababababa"]),
                    st.text(alphabet="abé", max_size=4))


def _work(n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n_keys, np.float64), np.zeros(n_keys, np.uint32)


def _prefix_reference(forms: list[str], keys: list[int], text: str, limit: int) -> list[tuple[int, float]]:
    best: dict[int, float] = {}
    for form, key in sorted(zip(forms, keys)):
        if form.startswith(text) and len(form) > len(text):
            best[key] = max(best.get(key, 0.0), 0.5 + 0.5 * len(text) / len(form))
    return sorted(best.items(), key=lambda t: -t[1])[:limit]


def _prefix_search(forms: list[str], keys: np.ndarray) -> tuple:
    blob, off = pack_strings(forms)
    order = np.array(sorted(range(len(forms)), key=lambda f: (forms[f], keys[f])), np.int64)
    heads = kernels.prefix_heads(order, blob, off)
    return (order, heads, *kernels.hash_directory(heads), blob, off, keys)


@settings(max_examples=300)
@given(st.lists(strings, min_size=1, max_size=40), strings, st.integers(1, 8))
def test_prefix_forms_are_the_longer_strings_starting_with_the_text(forms, text, limit):
    keys = np.arange(len(forms), dtype=np.int32) // 2  # two strings per key
    got_keys, got_sims = kernels.prefix_forms(np.frombuffer(text.encode(), np.uint8), *_prefix_search(forms, keys),
                                              limit, *_work(len(forms)), 1)
    assert list(zip(got_keys.tolist(), got_sims.tolist())) == _prefix_reference(forms, keys.tolist(), text, limit)


@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from([0.55, 0.6, 0.75, 0.8, 1.0])), max_size=8),
       st.lists(st.tuples(st.integers(0, 6), st.sampled_from([0.6, 0.75, 0.8, 1.0])), max_size=8))
def test_merged_terms_keep_each_key_once_with_its_better_similarity(first, then):
    first, then = list(dict(first).items()), list(dict(then).items())  # each list has a key once
    best = {k: float(s) for k, s in first}  # the reference: first keys first, a later equal or higher value replaces
    for k, s in then:
        s = float(np.float32(s))
        if s >= best.get(k, 0.0):
            best[k] = s
    keys, sims = kernels.merge_terms(np.array([k for k, _ in first], np.int32), np.array([s for _, s in first]),
                                     np.array([k for k, _ in then], np.int32),
                                     np.array([s for _, s in then], np.float32), *_work(7), 1)
    assert list(zip(keys.tolist(), sims.tolist())) == sorted(best.items(), key=lambda t: -t[1])
    assert keys.dtype == np.int32 and sims.dtype == np.float64


@settings(max_examples=200)
@given(st.lists(strings, min_size=1, max_size=30), strings, st.integers(1, 8),
       st.lists(st.tuples(st.integers(0, 14), st.sampled_from([0.6, 0.75, 0.8, 1.0])), max_size=6))
def test_cut_or_near_is_the_prefix_forms_merged_with_the_typo_neighbours(forms, text, limit, near):
    keys = np.arange(len(forms), dtype=np.int32) // 2
    near = list(dict(near).items())
    near_keys, near_sims = np.array([k for k, _ in near], np.int32), np.array([s for _, s in near], np.float32)
    search = _prefix_search(forms, keys)
    text_bytes = np.frombuffer(text.encode(), np.uint8)
    cut_keys, cut_sims = kernels.prefix_forms(text_bytes, *search, limit, *_work(15), 1)
    want = kernels.merge_terms(cut_keys, cut_sims, near_keys, near_sims, *_work(15), 1)
    stale = _work(15)
    stale[0][:], stale[1][:] = 5.0, 7  # work arrays left by an earlier call (stamp 7); this call uses 8 and 9
    got = kernels.cut_or_near(text_bytes, *search, limit, near_keys, near_sims, stale[0], stale[1], 8)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
    assert got[0].dtype == np.int32 and got[1].dtype == np.float64


short = st.text(alphabet="abé", max_size=4)


@settings(max_examples=300)
@given(st.lists(st.text(alphabet="abé", min_size=1, max_size=5), min_size=1, max_size=30, unique=True),
       short, short, short, st.integers(-1, 14), st.floats(0.0, 1.0))
def test_typo_neighbours_look_up_the_distinct_spellings_long_enough(forms, key, token, folded, exact, min_similarity):
    blob, off = pack_strings(forms)
    table_hash, table_form = kernels.deletion_table(blob, off, 3)
    form_key = np.arange(len(forms), dtype=np.int32) // 2
    tables = (table_hash, table_form, *kernels.hash_directory(table_hash), blob, off, form_key)

    def work():
        return np.zeros(15, np.float32), np.zeros(15, np.uint32), np.zeros(len(forms), np.uint32)

    probes = [p.encode() for p in dict.fromkeys((key, token, folded)) if len(p) >= 3]  # the reference's choice
    if probes:
        probe_off = np.array([0, *np.cumsum([len(p) for p in probes])], np.int64)
        want = kernels.near_forms(np.frombuffer(b"".join(probes), np.uint8), probe_off, *tables, exact, min_similarity,
                                  *work(), 1)
    else:
        want = (np.array([exact] if exact >= 0 else [], np.int32), np.ones(1 if exact >= 0 else 0, np.float32))
    spellings = np.frombuffer((key + token + folded).encode(), np.uint8)
    got = kernels.typo_neighbours(spellings, len(key.encode()), len((key + token).encode()), 3, *tables, exact,
                                  min_similarity, *work(), 1)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
    assert got[0].dtype == np.int32 and got[1].dtype == np.float32


@given(st.lists(st.tuples(st.integers(0, 9), st.sampled_from([0.6, 0.75, 1.0])), min_size=1, max_size=10),
       st.lists(st.sampled_from([0.5, 1.25, 2.0]), min_size=10, max_size=10), st.sampled_from([np.float32, np.float64]))
def test_closest_key_is_the_commonest_of_the_best(terms, idf, dtype):
    keys = np.array([k for k, _ in terms], np.int32)
    sims = np.array([s for _, s in terms], dtype)
    idf = np.array(idf, np.float32)
    closest = keys[sims == sims[0]]  # the reference: numpy's argmin takes the first of equal values
    assert kernels.closest_key(keys, sims, idf) == closest[np.argmin(idf[closest])]
