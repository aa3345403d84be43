"""Each scoring feature on its own, and the registry against data/weights.yml."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kordon.screening import features as F
from kordon.screening.features import (
    FEATURES,
    align_names,
    defaults,
    token_similarity,
    typo_cost,
)
from kordon.screening.query import Query
from kordon.screening.screener import Screener


@pytest.fixture
def screener(engine) -> Screener:
    return engine


def compare(screener: Screener, query: Query, entity_id: str, name: str | None = None) -> F.Comparison:
    """A comparison of the query with one listed name (the first of the entity unless given)."""
    index = screener.index
    e = index.entity_row(entity_id)
    names = [n for n in range(index.name_count) if index.name_entity[n] == e]
    n = next(n for n in names if name is None or index.name_text[n] == name)
    return screener._compare(screener.prepare(query), e, n, screener.defaults)


# --- token similarity -----------------------------------------------------------------

letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14)


@given(letters, letters)
def test_token_similarity_is_symmetric_and_bounded(a, b):
    sim = token_similarity(a, b)
    assert sim == token_similarity(b, a)
    assert 0.0 <= sim <= 1.0
    assert (sim == 1.0) == (a == b)


@given(letters.filter(lambda t: len(t) >= 4), st.data())
def test_a_swap_of_neighbours_costs_half_a_typo(word, data):
    i = data.draw(st.integers(0, len(word) - 2))
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if swapped != word:
        assert typo_cost(word, swapped) == 0.5


def test_typo_costs_and_similarities():
    assert typo_cost("roodi", "rodi") == 0.5  # doubled letter
    assert typo_cost("afiz", "faiz") == 0.5  # swapped neighbours
    assert typo_cost("iafar", "jafar") == 0.75  # neighbouring keys
    assert typo_cost("rqad", "rad") == 0.75  # a neighbouring key pressed too
    assert typo_cost("ping", "bing") == 1.0  # another name
    assert typo_cost("cheng", "chen") == 1.0
    assert token_similarity("afiz", "faiz") > F.defaults().params["min_token_similarity"]
    assert token_similarity("ping", "bing") < F.defaults().params["min_token_similarity"]
    assert token_similarity("vasquez", "marquez") < F.defaults().params["min_token_similarity"]
    assert token_similarity("abdelfattah", "abdelfatah") > 0.9


# --- name alignment -----------------------------------------------------------------------


def test_identical_name_aligns_fully(screener):
    al = align_names(compare(screener, Query("Aleksandr Petrovich VOLKOV"), "test-P1"))
    assert al.similarity == pytest.approx(1.0)
    assert not al.missing and not al.extra


@given(st.permutations(["Muthanna", "Harith", "Salman", "Al-Dari"]))
@hsettings(max_examples=12, deadline=None)
def test_alignment_ignores_order(engine, order):
    al = align_names(compare(engine, Query(" ".join(order)), "test-P5"))
    assert al.similarity == pytest.approx(1.0)


def test_dropped_patronymic_is_tolerated_but_dropped_surname_is_not(screener):
    no_patronymic = align_names(compare(screener, Query("Aleksandr Volkov"), "test-P1")).similarity
    no_surname = align_names(compare(screener, Query("Aleksandr Petrovich"), "test-P1")).similarity
    assert no_patronymic > 0.95
    assert no_surname < defaults().threshold


def test_extra_rare_part_in_query_lowers_similarity(screener):
    exact = align_names(compare(screener, Query("Mohammad Ali"), "test-P7")).similarity
    longer = align_names(compare(screener, Query("Mohammad Ali Abrahamsen"), "test-P7")).similarity
    assert exact == pytest.approx(1.0)
    assert longer < 0.7


def test_typo_counts_less_than_exact(screener):
    exact = align_names(compare(screener, Query("Nurlan Zhaksybekov"), "test-P3")).similarity
    typo = align_names(compare(screener, Query("Nurlan Zhaksybkeov"), "test-P3")).similarity
    assert exact > typo > 0.85


def test_parts_written_together_are_joined(screener):
    c = compare(screener, Query("Abdulsalam Haqqani"), "test-P4")
    al = align_names(c)
    assert any(how == "joined" for _, _, _, how in al.pairs)
    assert al.similarity > 0.9


def test_initial_matches_with_little_weight(screener):
    initial = align_names(compare(screener, Query("I. Petrov", type="person"), "test-P8"))
    wrong = align_names(compare(screener, Query("K. Petrov", type="person"), "test-P8"))
    assert any(how == "initial" for _, _, _, how in initial.pairs)
    assert initial.similarity > wrong.similarity
    full = align_names(compare(screener, Query("Ivan Petrov", type="person"), "test-P8"))
    assert full.similarity > initial.similarity


def test_rare_listed_part_cannot_be_bought_by_an_initial(listed_entities, make_person):
    # "Camilo Contreras" against "CONTRERAS, Luis C.": the C. must not stand in for Camilo
    s = Screener.from_entities([make_person("X1", "CONTRERAS, Luis C."), *listed_entities])
    al = align_names(compare(s, Query("Camilo Contreras"), "test-X1"))
    assert al.similarity < 0.75


# --- the other features ----------------------------------------------------------------------


def test_dob_match_levels(screener):
    day = F.dob_match(compare(screener, Query("Volkov", dob="1968-03-14"), "test-P1"))[0]
    month = F.dob_match(compare(screener, Query("Volkov", dob="1968-03"), "test-P1"))[0]
    year = F.dob_match(compare(screener, Query("Volkov", dob="1968"), "test-P1"))[0]
    other = F.dob_match(compare(screener, Query("Volkov", dob="1990"), "test-P1"))[0]
    none = F.dob_match(compare(screener, Query("Volkov"), "test-P1"))[0]
    assert day == 1.0 and day > month > year > other == none == 0.0


def test_dob_mismatch_grows_with_the_gap(screener):
    values = [F.dob_mismatch(compare(screener, Query("Volkov", dob=str(y)), "test-P1"))[0]
              for y in (1968, 1969, 1971, 1974, 1990)]
    assert values[0] == values[1] == 0.0
    assert 0 < values[2] < values[3] < values[4] == 1.0


def test_approximate_year_counts_as_same_year(screener):
    value, detail = F.dob_match(compare(screener, Query("Haqqani", dob="1960"), "test-P4"))
    assert value == 0.4 and "same year" in detail
    assert F.dob_mismatch(compare(screener, Query("Haqqani", dob="1961"), "test-P4"))[0] == 0.0


def test_countries(screener):
    same = compare(screener, Query("Volkov", countries=["Russia"]), "test-P1")
    other = compare(screener, Query("Volkov", countries=["de"]), "test-P1")
    assert F.country_match(same)[0] == 1.0 and F.country_mismatch(same)[0] == 0.0
    assert F.country_match(other)[0] == 0.0 and F.country_mismatch(other)[0] == 1.0


def test_identifier_match_ignores_punctuation(screener):
    c = compare(screener, Query("Someone Else", identifiers=["721234567"]), "test-P1")
    assert F.identifier_match(c)[0] == 1.0
    c = compare(screener, Query("Volkov", identifiers=["721234568"]), "test-P1")
    assert F.identifier_match(c)[0] == 0.0


def test_type_mismatch(screener):
    assert F.type_mismatch(compare(screener, Query("Petrov", type="company"), "test-P8"))[0] == 1.0
    assert F.type_mismatch(compare(screener, Query("Petrov", type="person"), "test-P8"))[0] == 0.0
    assert F.type_mismatch(compare(screener, Query("Petrov", type="any"), "test-P8"))[0] == 0.0
    assert F.type_mismatch(compare(screener, Query("Petrov Holding", type="organization"), "test-C3"))[0] == 0.0
    assert F.type_mismatch(compare(screener, Query("Sea Breeze", type="company"), "test-V1"))[0] == 1.0


def test_weak_alias(screener):
    weak = compare(screener, Query("Abu Salam"), "test-P4", name="Abu Salam")
    strong = compare(screener, Query("Abdul Salam Haqqani"), "test-P4")
    assert F.weak_alias(weak)[0] == 1.0 and F.weak_alias(strong)[0] == 0.0


# --- the registry ------------------------------------------------------------------------------


def test_registry_matches_weights_file():
    data = yaml.safe_load(F.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert [f.name for f in FEATURES] == list(data["weights"])
    assert 0 < data["threshold"] < 1
    for feature in FEATURES:
        assert feature.doc, f"{feature.name} needs a docstring: it is its documentation"
        assert callable(feature.func)


def test_every_feature_returns_a_value_in_range(screener):
    for query, eid in ((Query("Aleksandr Volkov", dob="1970", countries=["kz"], identifiers=["721234567"]), "test-P1"),
                       (Query("Steppe Electronics", type="person"), "test-C1")):
        c = compare(screener, query, eid)
        for feature in FEATURES:
            value, detail = feature.func(c)
            assert 0.0 <= value <= 1.0, feature.name
            assert isinstance(detail, str)


def test_identifier_alone_reaches_the_threshold():
    assert defaults().weights["identifier_match"] >= defaults().threshold


def test_dob_unverified_only_for_listed_persons_without_dates(screener):
    no_dates = compare(screener, Query("Mohammad Karimov", dob="1970"), "filler-F00")
    dated = compare(screener, Query("Aleksandr Volkov", dob="1970"), "test-P1")
    company = compare(screener, Query("Petrov Holding", dob="1970"), "test-C3")
    assert F.dob_unverified(no_dates)[0] == 1.0
    assert F.dob_unverified(dated)[0] == 0.0 and F.dob_unverified(company)[0] == 0.0
    assert F.dob_unverified(compare(screener, Query("Mohammad Karimov"), "filler-F00"))[0] == 0.0


@pytest.mark.parametrize("token, known, last, person, expected", [
    ("sir", True, False, True, True),  # a title before a name
    ("khan", True, True, True, False),  # the last part is a name, not a title
    ("compayn", False, False, False, True),  # a misspelt legal-form word
    ("lim", True, True, False, True),  # "limited" cut short at the end
    ("lim", True, False, False, False),  # ... but not in the middle
    ("mistry", False, False, True, False),  # a person's name near "ministry" stays a name
    ("oo0", False, False, False, True),  # OCR for OOO
    ("volkov", False, True, False, False),
    ("trading", True, False, False, False),  # an exact generic word keeps its "generic" tag (listed names have it too)
    ("trading", True, True, False, False),
    ("all", True, False, False, False),  # its key "al" is some legal form's key: keys under 4 letters do not count
    ("solid", True, True, False, False),  # a known word, no cut of a word that ends names
    ("comp", True, True, False, True),  # "company" cut short
])
def test_formal_words(token, known, last, person, expected):
    from kordon.screening.normalise import name_key

    assert F.is_formal_word(token, name_key(token), known, last, person) is expected


def test_ocr_misreadings_are_close():
    assert token_similarity("mikhay1ovich", "mikhaylovich") == pytest.approx(0.9)
    assert token_similarity("cornpany", "company") == pytest.approx(0.9)
    assert token_similarity("hail", "hall") < 0.9  # i and l are different letters in lower case


def test_the_last_part_may_be_cut_short(screener):
    al = align_names(compare(screener, Query("Zhaksybekov Nur", type="person"), "test-P3"))
    assert any(how == "truncated" for _, _, _, how in al.pairs)
    cut_inside = align_names(compare(screener, Query("Nur Zhaksybekov", type="person"), "test-P3"))
    assert al.similarity > cut_inside.similarity


def test_single_letters_from_other_scripts_are_not_initials(engine):
    latin = engine.prepare(Query("A. Volkov"))
    arabic = engine.prepare(Query("ا فولكوف"))
    assert any(t.tag == F.INITIAL for t in latin.tokens)
    assert all(t.tag != F.INITIAL for t in arabic.tokens)


def test_a_company_query_leaving_out_a_listed_word_loses_less_than_a_person_would(screener):
    params = screener.defaults.params
    assert params["missing_listed_organisation"] < params["missing_listed"]
    as_company = align_names(compare(screener, Query("Steppe Trading", type="company"), "test-C1"))
    as_any = align_names(compare(screener, Query("Steppe Trading", type="any"), "test-C1"))
    assert as_company.missing and as_any.missing
    assert as_company.similarity > as_any.similarity


def test_an_initial_does_not_stand_for_a_particle(screener, make_person):
    from kordon.screening.screener import Screener as S

    engine = S.from_entities([make_person("X1", "HAMAWI Abu"), make_person("X2", "HAMAWI, Ahmad")])
    hits = engine.screen(Query("HAMAWI, A", type="person"), threshold=0.0)
    assert hits[0].entity.source_id == "X2"


# --- the compiled alignment against its definition -------------------------------------------------


def assert_same_alignment(got: F.Alignment, want: F.Alignment) -> None:
    assert got.similarity == pytest.approx(want.similarity, rel=0, abs=1e-9)
    assert [(q, listed, how) for q, listed, _, how in got.pairs] == [(q, listed, how) for q, listed, _, how in want.pairs]
    assert [sim for _, _, sim, _ in got.pairs] == pytest.approx([sim for _, _, sim, _ in want.pairs], rel=0, abs=1e-9)
    assert got.missing == want.missing
    assert got.extra == want.extra


def assert_compiled_is_reference(screener: Screener, query: Query, params: dict[str, float] | None = None) -> int:
    """Every listed name of the screener's index aligned with the query, compiled (all in one call, and one by
    one) and by the reference; returns how many comparisons."""
    from kordon.screening.score import settings

    s = settings(params=params, base=screener.defaults)
    pq = screener.prepare(query)
    index = screener.index
    names = list(range(index.name_count))
    together = F.align_many(pq, index, names, s.params)
    for i, n in enumerate(names):
        c = screener._compare(pq, int(index.name_entity[n]), n, s)
        want = F.align_names_reference(c)
        assert_same_alignment(together[i], want)
        assert_same_alignment(F.align_names(c), want)
    return len(names)


# parts that meet in many ways: shared letters, particles, patronymics, initials, OCR confusions, joins
SMALL_ALPHABET = "abdehiklmnorsuvcw"
PARTS = ["al", "bin", "abu", "el", "van", "de", "petrovich", "ivanovna", "ogly", "a", "m", "k", "abdul", "salam",
         "abdulsalam", "mohammad", "muhammad", "kornilov", "komilov", "clark", "dark", "vvolf", "wolf", "haqqani"]
OCR_MISREADINGS = [("m", "rn"), ("d", "cl"), ("w", "vv"), ("o", "0"), ("l", "1"), ("s", "5")]
part = st.one_of(st.text(alphabet=SMALL_ALPHABET, min_size=1, max_size=10), st.sampled_from(PARTS))


@st.composite
def damaged(draw, parts: list[str]) -> list[str]:
    """The parts of a listed name as a query might write them."""
    parts = list(parts)
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(parts) - 1))
        word = parts[i]
        j = draw(st.integers(0, max(len(word) - 1, 0)))
        kind = draw(st.sampled_from(["typo", "swap", "double", "drop", "join", "join", "split", "split", "cut", "cut",
                                     "initial", "ocr", "ocr", "repeat", "add", "shuffle"]))
        if kind == "typo":
            parts[i] = word[:j] + draw(st.sampled_from(SMALL_ALPHABET)) + word[j + 1 :]
        elif kind == "swap" and len(word) >= 2:
            j = min(j, len(word) - 2)
            parts[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        elif kind == "double":
            parts[i] = word[: j + 1] + word[j:]
        elif kind == "drop" and len(parts) > 1:
            del parts[i]
        elif kind == "join" and i + 1 < len(parts):
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        elif kind == "split" and 0 < j < len(word):
            parts[i : i + 1] = [word[:j], word[j:]]
        elif kind == "cut":  # the last part cut short
            parts[-1] = parts[-1][: max(3, j)]
        elif kind == "initial":
            parts[i] = word[:1] + "."
        elif kind == "ocr":
            letter, misread = draw(st.sampled_from(OCR_MISREADINGS))
            parts[i] = word.replace(letter, misread, 1)
        elif kind == "repeat":
            parts.insert(i, word)
        elif kind == "add":
            parts.insert(i, draw(part))
        elif kind == "shuffle":
            parts = draw(st.permutations(parts))
    return [p for p in parts if p] or parts[:1]


@st.composite
def listed_and_query(draw):
    """A few listed entities and a query made from one of their names."""
    from tests.screening.conftest import company, person

    names = draw(st.lists(st.lists(part, min_size=1, max_size=5), min_size=1, max_size=4))
    names += draw(st.lists(st.sampled_from(names), max_size=2))  # the same name on another list
    kinds = draw(st.lists(st.sampled_from([person, company]), min_size=len(names), max_size=len(names)))
    entities = [make(f"X{i}", " ".join(parts)) for i, (make, parts) in enumerate(zip(kinds, names))]
    query = " ".join(draw(damaged(draw(st.sampled_from(names)))))
    return entities, Query(query, type=draw(st.sampled_from(["any", "person", "company"])))


@given(listed_and_query(), st.fixed_dictionaries({
    "min_token_similarity": st.sampled_from([0.0, 0.5, 0.7, 0.85]),
    "min_join_similarity": st.sampled_from([0.0, 0.7, 0.85, 0.95]),
    "missing_listed": st.sampled_from([0.3, 0.65, 1.0]),
    "initial_listed": st.sampled_from([0.0, 0.2, 1.0]),
}))
@hsettings(max_examples=600, deadline=None)
def test_compiled_alignment_is_the_reference_on_random_names(case, params):
    from kordon.screening.query import QueryError

    entities, query = case
    screener = Screener.from_entities(entities)
    try:
        compared = assert_compiled_is_reference(screener, query, params)
    except QueryError:
        compared = 0  # nothing left to match in the query
    event(f"{compared} comparisons")


REALISTIC = [
    ("Aleksandr Petrovich Volkov", "person"), ("Alexander Volkov", "any"), ("VOLKOV, Aleksandr", "person"),
    ("A. P. Volkov", "person"), ("Aleksandr Volkof", "any"), ("Александр Волков", "person"),
    ("Volkov Alexandr Petrovic", "any"), ("Yuri Kozlov", "person"), ("Yuriy Sergeevich Kozlov", "any"),
    ("Kozlov Y. S.", "person"), ("Nurlan Zhaksybekov", "person"), ("Zhaksybekov Nur", "person"),
    ("Nurlan Serikuly Zhaksybekov", "any"), ("Nurlan Zhaksy Bekov", "any"), ("Abdulsalam Haqqani", "person"),
    ("Abdul Salam Hakkani", "any"), ("Abu Salam", "any"), ("Haqqani Abdul-Salam", "person"),
    ("Muthanna Harith Salman al-Dari", "person"), ("Al Dari Muthana", "any"), ("Mutanna Al-Dhari", "person"),
    ("Olena Shevchenko", "person"), ("Elena Nikolaevna Shevchenko", "any"), ("Olena Mykolaivna SHEVCHENK0", "any"),
    ("0lena Shevchenko", "person"), ("Mohammad Ali", "person"), ("Muhammad Ali", "any"), ("Mohamad Aly", "any"),
    ("Ali Mohammed Karimov", "person"), ("Ivan Petrov", "person"), ("I. Petrov", "person"),
    ("Ivan Ivanovich Petrov", "any"), ("Petrov Ivan", "any"), ("Steppe Electronics Trading", "company"),
    ("Steppe Electronics LLP", "any"), ("Step Electronix", "company"), ("Steppe Electronics Tradmg LLP", "company"),
    ("Volga Shipping Company", "company"), ("Volga Shiping JSC", "any"), ("Volzhskoe parokhodstvo", "company"),
    ("Sea Breeze", "any"), ("Seabreeze", "any"), ("Petrov Holding Group", "organization"),
    ("Petrov Holdings", "company"), ("Sergei Bondarenko", "person"), ("Olena Haidari", "person"),
    ("Abdul Rahimi", "any"), ("Mohammad Karimov", "person"), ("Aleksandr Sidorov", "person"),
    ("Ivan Haidari", "any"), ("Sergey Sidorof", "person"), ("Haidari, Mohamad", "person"),
]


def test_compiled_alignment_is_the_reference_on_realistic_names(engine):
    compared = sum(assert_compiled_is_reference(engine, Query(name, type=kind)) for name, kind in REALISTIC)
    assert compared == len(REALISTIC) * engine.index.name_count > 2000


@pytest.mark.parametrize("listed, query", [
    ("Mohammad Muhammad Mohamad Mohammed Mahmoud Ahmad Mohammad Hamad Muhamad",
     "Muhammad Mohammad Mohamed Mahmood Ahmed Mohammad Mohamad Hamed Mohammad Mahmud"),
    ("Ali Ali Ali Ali Ali Ali Ali Ali Ali", "Ali Ali Ali Ali Ali Ali Ali Ali Ali Ali"),
    ("Abdul Salam Abdul Rahman Abdul Karim Abdul Aziz", "Abdulsalam Abdulrahman Abdulkarim Abdulaziz Abdul"),
])
def test_compiled_alignment_is_the_reference_with_many_options(make_person, listed, query):
    # more options than the kernel sorts by insertion: its other sort must keep the same ties in the same order
    screener = Screener.from_entities([make_person("X1", listed)])
    assert assert_compiled_is_reference(screener, Query(query), {"min_token_similarity": 0.3}) == 1


def test_names_whose_similarity_cannot_reach_the_threshold_do_not_score_it(engine):
    # the screener skips them (Settings.least_name_match) without running the other features
    from kordon.screening.score import score, settings

    skipped = 0
    for threshold in (0.5, 0.8, 0.95):
        s = settings(threshold, base=engine.defaults)
        for name, kind in REALISTIC:
            pq = engine.prepare(Query(name, type=kind, dob="1968", countries=["ru"]))
            for n in range(engine.index.name_count):
                c = engine._compare(pq, int(engine.index.name_entity[n]), n, s)
                if F.align_names(c).similarity < s.least_name_match(threshold, c.entity in pq.id_entities):
                    skipped += 1
                    assert score(c, s) < threshold
    assert skipped > 1000
