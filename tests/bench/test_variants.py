"""The damaged-name generator of the screening benchmarks (bench/variants.py).

Every class must really apply its own damage (and only that), be deterministic
for a seed, and never hand back the listed name unchanged.
"""

from __future__ import annotations

import csv
import importlib.util
import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

_PATH = Path(__file__).resolve().parents[2] / "bench" / "variants.py"
_spec = importlib.util.spec_from_file_location("bench_variants", _PATH)
variants = importlib.util.module_from_spec(_spec)
sys.modules["bench_variants"] = variants  # dataclasses need the module registered
_spec.loader.exec_module(variants)

Source = variants.Source
make_variant = variants.make_variant

PEOPLE = [
    Source("PUTIN, Vladimir Vladimirovich"),
    Source("AL-ZAWAHIRI, Ayman Muhammad Rabi"),
    Source("Yevgeniy Viktorovich Prigozhin"),
    Source("KHODORKOVSKIY, Mikhail Borisovich"),
    Source("TOKAYEV, Kassym-Jomart Kemeluly"),
]
COMPANIES = [
    Source("BANCO NACIONAL DE CUBA", "company"),
    Source("LIMITED LIABILITY COMPANY SOVFRAKHT-SERVIS", "company"),
    Source("Islamic Revolutionary Guard Corps Qods Force", "organization"),
]
ALL = PEOPLE + COMPANIES
LATIN_LETTERS = re.compile(r"[A-Za-z]")


def _letters(text: str) -> str:
    return "".join(re.findall(r"[^\W\d_]", text.lower()))


def _tokens(text: str) -> list[str]:
    return [t.strip(",") for t in text.split() if t.strip(",")]


def _all_variants(sources=ALL, seeds=range(8)):
    for kind in variants.VARIANT_CLASSES:
        for source in sources:
            for seed in seeds:
                out = make_variant(kind, source, seed)
                if out is not None:
                    yield kind, source, out


def _of(kind: str, sources=ALL, seeds=range(8)):
    found = [(s, out) for k, s, out in _all_variants(sources, seeds) if k == kind]
    assert found, f"{kind} produced nothing"
    return found


# --- every class, general properties ---------------------------------------------------


@pytest.mark.parametrize("kind", list(variants.VARIANT_CLASSES))
def test_every_class_is_documented_and_damages_a_rich_person_name(kind):
    assert variants.VARIANT_CLASSES[kind].__doc__, f"{kind} has no docstring"
    source = Source("KHODORKOVSKIY, Mikhail Borisovich")
    outs = {make_variant(kind, source, seed) for seed in range(10)}
    assert None not in outs, f"{kind} did not apply to a name it can damage"
    assert source.name not in outs


@pytest.mark.parametrize("kind", list(variants.VARIANT_CLASSES))
def test_deterministic_for_a_seed(kind):
    for source in ALL:
        assert make_variant(kind, source, 7) == make_variant(kind, source, 7)


def test_seeds_give_different_variants():
    source = Source("KHODORKOVSKIY, Mikhail Borisovich")
    for kind in ("typo", "transposition", "lookalike", "invisible", "ocr", "title"):
        assert len({make_variant(kind, source, seed) for seed in range(20)}) > 3, kind


@pytest.mark.parametrize("kind", sorted(variants.PERSON_ONLY))
def test_person_only_classes_leave_companies_alone(kind):
    for source in COMPANIES:
        assert make_variant(kind, source, 1) is None


@pytest.mark.parametrize("kind", list(variants.VARIANT_CLASSES))
def test_class_functions_never_return_the_listed_name(kind):
    for source in ALL:
        for seed in range(40):
            assert variants.VARIANT_CLASSES[kind](source, random.Random(seed)) != source.name


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abcdefghijklmnoprstuvyzABCDEKHMOPTXY-'", min_size=1, max_size=12),
                   min_size=1, max_size=5),
    comma=st.booleans(),
    kind=st.sampled_from(sorted(variants.VARIANT_CLASSES)),
    typ=st.sampled_from(["person", "company"]),
    seed=st.integers(0, 1000),
)
def test_never_returns_the_name_unchanged(words, comma, kind, typ, seed):
    name = " ".join(words)
    if comma and len(words) > 1:
        name = words[0] + ", " + " ".join(words[1:])
    # the class function itself, not make_variant (which would hide an unchanged result as None)
    out = variants.VARIANT_CLASSES[kind](Source(name, typ), random.Random(seed))
    assert out is None or out != name


# --- each class applies its own damage -------------------------------------------------


def test_lookalike_swaps_latin_letters_for_homoglyphs():
    back = {g: latin for latin, glyphs in variants.HOMOGLYPHS.items() for g in glyphs}
    for source, out in _of("lookalike"):
        assert len(out) == len(source.name)
        changed = [(a, b) for a, b in zip(source.name, out) if a != b]
        assert 1 <= len(changed) <= 3
        assert all(back[b] == a and not b.isascii() for a, b in changed)


def test_invisible_inserts_only_invisible_characters():
    for source, out in _of("invisible"):
        hidden = [ch for ch in out if ch in variants.INVISIBLES]
        assert 1 <= len(hidden) <= 3
        visible = "".join(ch for ch in out if ch not in variants.INVISIBLES).replace("\u00a0", " ")
        assert visible == source.name


def test_typo_is_one_keyboard_edit():
    for source, out in _of("typo"):
        assert Levenshtein.distance(source.name, out) == 1
        if len(out) == len(source.name):  # a substitution: the keys are neighbours
            (a, b), = [(a, b) for a, b in zip(source.name, out) if a != b]
            assert b.lower() in variants.KEYBOARD_NEIGHBOURS[a.lower()]
            assert a.isupper() == b.isupper()


def test_transposition_swaps_two_adjacent_letters():
    for source, out in _of("transposition"):
        diff = [i for i, (a, b) in enumerate(zip(source.name, out)) if a != b]
        assert len(out) == len(source.name) and len(diff) == 2 and diff[1] == diff[0] + 1
        i = diff[0]
        assert out[i] == source.name[i + 1] and out[i + 1] == source.name[i]
        assert source.name[i].isalpha() and source.name[i + 1].isalpha()


def test_ocr_applies_one_known_confusion():
    pairs = {(a, b) for a, bs in variants._OCR_RULES for b in bs}
    pairs = {(a.replace("(?<!r)", ""), b) for a, b in pairs}
    for source, out in _of("ocr"):
        p = 0
        while p < min(len(out), len(source.name)) and out[p] == source.name[p]:
            p += 1
        s = 0
        while s < min(len(out), len(source.name)) - p and out[-1 - s] == source.name[-1 - s]:
            s += 1
        before, after = source.name[p:len(source.name) - s], out[p:len(out) - s]
        # the changed span, widened by one letter when it shares one with the rule (rn -> m)
        assert any(
            (source.name[p - k:len(source.name) - s + j], out[p - k:len(out) - s + j]) in pairs
            for k in (0, 1) for j in (0, 1)
        ), (source.name, out, before, after)


def test_dropped_token_removes_exactly_one_word_keeping_the_first():
    for source, out in _of("dropped_token"):
        src, got = _tokens(source.name), _tokens(out)
        assert len(got) == len(src) - 1 and got[0] == src[0]
        it = iter(src)
        assert all(tok in it for tok in got)  # an ordered subsequence


def test_dropped_token_needs_a_middle_name():
    assert make_variant("dropped_token", Source("AL-ZAWAHIRI, Ayman"), 0) is None
    assert make_variant("dropped_token", Source("CIMEX IBERICA", "company"), 0) is None


def test_reordered_keeps_the_words():
    for source, out in _of("reordered", PEOPLE):
        assert sorted(_tokens(out)) == sorted(_tokens(source.name))
        assert _tokens(out) != _tokens(source.name)


def test_initials_shorten_given_names_and_keep_the_family_name():
    for source, out in _of("initials", PEOPLE):
        src, got = _tokens(source.name), _tokens(out)
        assert len(src) == len(got)
        family = src[0] if "," in source.name else src[-1]
        assert family in got
        shortened = [(a, b) for a, b in zip(src, got) if a != b]
        assert shortened
        assert all(re.fullmatch(r"[A-Z]\.?", b) and b[0] == a[0].upper() for a, b in shortened)


def test_title_adds_one_known_title():
    for source, out in _of("title", PEOPLE):
        extra = out.replace(",", "").split()
        for tok in source.name.replace(",", "").split():
            extra.remove(tok)
        assert " ".join(extra) in variants.TITLES


def test_punctuation_keeps_the_letters():
    for source, out in _of("punctuation"):
        assert _letters(out) == _letters(source.name) and out != source.name
        assert re.sub(r"[\s,.'’-]", "", out) == re.sub(r"[\s,.'’-]", "", source.name)


def test_truncation_cuts_the_end_of_long_names():
    for source, out in _of("truncation"):
        assert source.name.startswith(out.rstrip(",;")) and len(out) < len(source.name)
        assert len(out) <= max(variants.SWIFT_FIELD, len(source.name) - 2)
    assert make_variant("truncation", Source("CIMEX"), 0) is None


def test_cyrillic_writes_the_name_in_cyrillic_that_reads_back_close():
    for source, out in _of("cyrillic", PEOPLE):
        assert not LATIN_LETTERS.search(out) and re.search("[А-Яа-я]", out)
        back = variants.romanise(out, "bgn")
        assert fuzz.ratio(_letters(back), _letters(source.name)) >= 80, (source.name, out, back)


def test_cyrillic_uses_the_lists_own_original_when_there_is_one():
    source = Source("PUTIN, Vladimir Vladimirovich", original="Путин Владимир Владимирович")
    outs = {make_variant("cyrillic", source, seed) for seed in range(20)}
    assert source.original in outs and len(outs) > 1


def test_transliteration_changes_spelling_but_not_the_name():
    for source, out in _of("transliteration", PEOPLE):
        assert out.isascii() and _letters(out) != _letters(source.name)
        assert fuzz.ratio(_letters(out), _letters(source.name)) >= 70, (source.name, out)
        assert len(_tokens(out)) == len(_tokens(source.name))


def test_transliteration_re_romanises_the_lists_cyrillic_original():
    source = Source("SHCHERBAKOV, Yuriy", original="ЩЕРБАКОВ, Юрий")
    seen = {make_variant("transliteration", source, seed) for seed in range(30)}
    systems = {variants.romanise(source.original, system) for system in variants.ROMANISATIONS}
    assert "SCHTSCHERBAKOW, Jurij" in systems and "SHCHERBAKOV, Iurii" in systems
    assert len(seen & systems) >= 2


def test_reverse_transliteration_and_romanisation_systems():
    assert variants.to_cyrillic("PUTIN, Vladimir Vladimirovich") == "ПУТИН, Владимир Владимирович"
    assert variants.to_cyrillic("Yuriy Zhukov") == "Юрий Жуков"
    assert variants.romanise("Владимирович", "german") == "Wladimirowitsch"
    assert variants.romanise("Юлия Щербакова", "icao") == "Iuliia Shcherbakova"
    assert variants.romanise("Евгений", "bgn") == "Yevgeniy"


# --- on real listed names --------------------------------------------------------------


def test_classes_hold_on_real_ofac_names(shared_data):
    path = shared_data("sanctions/ofac/sdn_2024-05-03.csv")
    with path.open(encoding="latin-1", newline="") as fh:
        rows = [r for r in csv.reader(fh) if len(r) > 2]
    rng = random.Random(3)
    sample = rng.sample(rows, 300)
    applied = {k: 0 for k in variants.VARIANT_CLASSES}
    for row in sample:
        source = Source(row[1], "person" if row[2].strip() == "individual" else "company")
        for kind in variants.VARIANT_CLASSES:
            out = make_variant(kind, source, 1)
            if out is not None:
                applied[kind] += 1
                assert out != source.name
                if kind not in ("lookalike", "invisible", "cyrillic"):
                    assert out.casefold() != source.name.casefold() or kind == "reordered", (kind, out)
    for kind in ("lookalike", "invisible", "typo", "transposition", "ocr", "punctuation", "cyrillic"):
        assert applied[kind] >= 280, (kind, applied[kind])  # a few names have no letter this class can touch
