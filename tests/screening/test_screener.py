"""The public API: single and batch screening, variants of real spellings, bad input, pairs."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kordon.screening.query import Query, QueryError, parse_country, parse_date
from kordon.screening.screener import Screener, _work as _REAL_WORK


def top(engine: Screener, query: Query | str, **kw) -> str | None:
    hits = engine.screen(query, **kw)
    return hits[0].entity.id if hits else None


@pytest.mark.parametrize("name, expected", [
    ("Aleksandr Petrovich Volkov", "test-P1"),
    ("Alexander Volkov", "test-P1"),  # other romanisation, patronymic dropped
    ("VOLKOV, Aleksandr", "test-P1"),  # reordered
    ("Волков Александр Петрович", "test-P1"),  # Cyrillic
    ("Vоlkоv Aleksandr", "test-P1"),  # Cyrillic о lookalikes inside a Latin name
    ("Iurii Kozlov", "test-P2"),  # ICAO-style romanisation
    ("Jurij Kozlow", "test-P2"),  # German-style
    ("Yuri Kozlov", "test-P2"),
    ("Olena Shevchenko", "test-P6"),  # Ukrainian
    ("Elena Shevchenko", "test-P6"),  # the Russian form of the same name
    ("Nurlan Zhaksybekov", "test-P3"),  # Kazakh patronymic dropped
    ("Nurlan Zhaksybkeov", "test-P3"),  # typo
    ("MUTHANNA HARITH AL-DARI", "test-P5"),  # middle name dropped
    ("Steppe Electronics", "test-C1"),  # legal form dropped
    ("TOO Steppe Electronics Trading", "test-C1"),  # Kazakh legal form
    ("Volga Shipping", "test-C2"),
])
def test_real_spellings_find_the_listed_entity(engine, name, expected):
    assert top(engine, name) == expected


@pytest.mark.parametrize("name", ["Jane Smith", "Mohammad Karimov Volkov", "Ivan Smirnov", "Petrova Anna"])
def test_unlisted_names_do_not_hit(engine, name):
    assert engine.screen(Query(name, type="person")) == []


def test_identifier_alone_finds_the_entity(engine):
    assert top(engine, Query("Nobody Known", identifiers=["7701234567"])) == "test-C2"
    assert top(engine, Query("Nobody Known", identifiers=["1202 4001 2345"])) is None  # not a listed number


def test_entity_type_separates_people_from_companies(engine):
    assert top(engine, Query("Petrov", type="company", dob=None)) != "test-P8"
    hits = engine.screen(Query("Ivan Petrov", type="company"), threshold=0.0)
    person_hit = next(h for h in hits if h.entity.id == "test-P8")
    assert person_hit.score < 0.8


def test_date_of_birth_can_lower_below_the_threshold(engine):
    assert top(engine, Query("Ivan Ivanovich Petrov", dob="1950")) == "test-P8"
    assert top(engine, Query("Ivan Ivanovich Petrov", dob="1990-05-05")) is None


def test_threshold_limit_and_weights_per_call(engine):
    loose = engine.screen("Ivan", threshold=0.2, limit=50)
    assert len(loose) > 3
    assert all(a.score >= b.score for a, b in zip(loose, loose[1:]))
    assert all(h.score >= 0.2 for h in loose)
    assert len(engine.screen("Ivan", threshold=0.2, limit=2)) == 2
    strict = engine.screen(Query("Yuri Kozlov", dob="1990"), weights={"dob_mismatch": -1.0})
    assert strict == []
    with pytest.raises(QueryError):
        engine.screen("Ivan", weights={"nope": 1})


def test_weak_alias_counts_less(engine):
    weak = engine.screen("Abu Salam", threshold=0.0)[0]
    assert weak.matched_kind.value == "weak"
    assert weak.score < 1.0


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, message", [
    ("", "empty name"),
    ("   \t ", "empty name"),
    ("x" * 10_000, "too long"),
    ("---...///", "nothing to match"),
    ("\x00\x01\x02", "nothing to match"),
])
def test_bad_names_give_clear_errors(engine, name, message):
    with pytest.raises(QueryError, match=message):
        engine.screen(name)


def test_control_characters_and_mixed_scripts_still_match(engine):
    assert top(engine, "Aleksandr\x00 Vol\u200bkov") == "test-P1"
    assert top(engine, "Александр Volkov") == "test-P1"


@pytest.mark.parametrize("field, value, message", [
    ("type", "planet", "unknown entity type"),
    ("dob", "yesterday", "not a date"),
    ("dob", "3024", "not a plausible date"),
])
def test_bad_query_fields(engine, field, value, message):
    with pytest.raises(QueryError, match=message):
        engine.screen(Query("Volkov", **{field: value}))
    with pytest.raises(QueryError, match="unknown country"):
        engine.screen(Query("Volkov", countries=["Atlantis"]))


@given(name=st.text(max_size=300))
@settings(max_examples=150, deadline=None)
def test_any_text_gives_hits_or_a_query_error(engine, name):
    try:
        hits = engine.screen(name)
    except QueryError as exc:
        assert str(exc)
    else:
        assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_dates_and_countries_are_read_as_users_type_them():
    assert str(parse_date("1969-7-16")) == "1969-07-16"
    assert str(parse_date("24.11.1974")) == "1974-11-24"
    assert str(parse_date("1974-01-32")) == "1974-01"  # the impossible day is dropped
    assert str(parse_date(" 1958 ")) == "1958"
    assert parse_country("Kazakhstan") == "kz" and parse_country("RUS") == "ru" and parse_country("UA") == "ua"


# --- batch ----------------------------------------------------------------------------------------


def test_batch_keeps_order_and_reports_bad_rows(engine):
    queries = [Query("Aleksandr Volkov", ref=1), Query("", ref=2), Query("Yuri Kozlov", ref=3),
               Query("Volkov", dob="never", ref=4), Query("Jane Smith", ref=5)]
    results = list(engine.screen_many(queries))
    assert [r.query.ref for r in results] == [1, 2, 3, 4, 5]
    assert results[0].hits[0].entity.id == "test-P1" and results[0].error is None
    assert results[1].error == "empty name" and results[1].hits == []
    assert results[2].hits[0].entity.id == "test-P2"
    assert "not a date" in results[3].error
    assert results[4].hits == [] and results[4].error is None


def test_batch_in_worker_processes_gives_the_same_results(engine):
    names = ["Aleksandr Volkov", "", "Yuri Kozlov", "Steppe Electronics", "Jane Smith"] * 120
    queries = [Query(n, ref=i) for i, n in enumerate(names)]
    single = [(r.query.ref, [(h.entity.id, round(h.score, 6)) for h in r.hits], r.error)
              for r in engine.screen_many(queries)]
    multi = [(r.query.ref, [(h.entity.id, round(h.score, 6)) for h in r.hits], r.error)
             for r in engine.screen_many(queries, workers=2)]
    assert single == multi


def test_hits_from_worker_processes_explain_themselves_like_single_process_hits(engine):
    queries = [Query("Aleksandr Volkov", dob="1968", ref=1), Query("Steppe Electronics", ref=2)] * 300
    single = [r.hits for r in engine.screen_many(queries)]
    multi = [r.hits for r in engine.screen_many(queries, workers=2)]
    assert any(single)
    for one, other in zip(single, multi):
        assert [h.to_dict() for h in one] == [h.to_dict() for h in other]
        assert [h.explanation.text() for h in one] == [h.explanation.text() for h in other]


def test_a_batch_switches_the_cycle_collector_off_and_restores_it(engine, monkeypatch):
    import gc

    from kordon.screening import screener as screener_module

    states = []
    collected = []
    monkeypatch.setattr(screener_module._YoungCollector, "every", 3)
    real_collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or real_collect(generation))
    queries = [Query(n) for n in ("Aleksandr Volkov", "Yuri Kozlov", "Jane Smith")] * 3
    assert gc.isenabled()
    for _ in engine.screen_many(queries):
        states.append(gc.isenabled())
    assert states == [False] * 9  # off while the batch runs
    assert collected == [0, 0, 0]  # the youngest objects, every 3 queries here
    assert gc.isenabled()  # on again afterwards
    gc.disable()
    try:
        list(engine.screen_many(queries[:2]))
        assert not gc.isenabled()  # a program that keeps it off keeps it off
    finally:
        gc.enable()


def test_a_batch_abandoned_half_way_restores_the_cycle_collector(engine):
    import gc

    results = engine.screen_many([Query("Aleksandr Volkov")] * 5)
    next(results)
    results.close()
    assert gc.isenabled()


def _work_with_pid(chunk):
    """The forked process's work, each result marked with the process that made it."""
    import os

    return [(os.getpid(), r) for r in _REAL_WORK(chunk)]


def test_every_process_of_a_batch_screens_part_of_it(engine, monkeypatch):
    import os

    from kordon.screening import screener as screener_module

    monkeypatch.setattr(screener_module, "_work", _work_with_pid)
    seen: list[int] = []
    real_unpacked = screener_module._unpacked

    def unpacked(screener, chunk, results):
        seen.extend(pid for pid, _ in results)
        return real_unpacked(screener, chunk, [r for _, r in results])

    monkeypatch.setattr(screener_module, "_unpacked", unpacked)
    queries = [Query(n, ref=i) for i, n in enumerate(["Aleksandr Volkov", "Yuri Kozlov", "Jane Smith"] * 200)]
    results = list(engine.screen_many(queries, workers=2))
    assert [r.query.ref for r in results] == list(range(600))  # in input order
    remote = len(seen)
    assert seen and os.getpid() not in seen  # the forked process screened chunks
    assert 0 < remote < 600  # and so did this one


def test_threads_can_share_a_screener(engine):
    expected = top(engine, "Aleksandr Volkov")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                assert top(engine, "Aleksandr Volkov") == expected
                assert top(engine, "Nurlan Zhaksybekov") == "test-P3"
        except BaseException as exc:  # noqa: BLE001 (collected and re-raised below)
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


# --- pairs ------------------------------------------------------------------------------------------


def test_match_pair_uses_the_same_scoring(engine):
    same = engine.match_pair("Alexander Volkov", "Aleksandr Petrovich VOLKOV", "person")
    other = engine.match_pair("Alexander Volkov", "Ivan Petrov", "person")
    assert same.score >= engine.defaults.threshold > other.score
    assert "volkov=volkov" in same.explanation.text()
    assert engine.match_pair("Volkov", "---") is None
    with pytest.raises(QueryError):
        engine.match_pair("", "Ivan Petrov")


def test_match_pair_without_lists():
    empty = Screener.from_entities([])
    assert empty.is_empty
    assert empty.match_pair("Ivan Petrov", "Petrov Ivan").score == pytest.approx(1.0)


def test_a_name_in_chinese_characters_matches_whole_syllables_only():
    from kordon.model import Entity, EntityType, Name, NameKind

    def person(ident: str, name: str) -> Entity:
        return Entity(id=ident, type=EntityType.PERSON, source="t", source_id=ident,
                      names=[Name(name, NameKind.PRIMARY)])

    engine = Screener.from_entities([person("t-1", "WANG Chen"), person("t-2", "ZHANG Wei Ming"),
                                     person("t-3", "LIU Yang")])
    assert [h.entity_id for h in engine.screen(Query("王成", type="person"))] == []  # wang cheng: cheng is not chen
    assert [h.entity_id for h in engine.screen(Query("王晨", type="person"))] == ["t-1"]  # wang chen
    assert [h.entity_id for h in engine.screen(Query("刘洋", type="person"))] == ["t-3"]
    # the same syllables typed in Latin letters may still be a typo
    assert [h.entity_id for h in engine.screen(Query("Wang Cheng", type="person"))] == ["t-1"]


def _grouped_reference(names, estimate, name_entity, floor, max_entities):
    """The candidate grouping written out plainly: best names first, up to 3 per entity within 0.1 of its best."""
    by_entity: dict[int, tuple[float, list[int]]] = {}
    for n, est in zip(names, estimate):
        if est < floor:
            break
        e = name_entity[n]
        if e not in by_entity:
            if len(by_entity) < max_entities:
                by_entity[e] = (est, [n])
        elif len(by_entity[e][1]) < 3 and est >= by_entity[e][0] - 0.1:
            by_entity[e][1].append(n)
    return [(e, est, found) for e, (est, found) in by_entity.items()]


@given(st.lists(st.tuples(st.integers(0, 9), st.floats(0.0, 1.0, width=32)), max_size=60),
       st.floats(0.0, 1.0), st.integers(1, 6))
def test_candidate_names_are_grouped_by_entity_like_the_plain_rule(rows, floor, max_entities):
    import numpy as np

    from kordon.screening import kernels

    rows.sort(key=lambda r: -r[1])
    name_entity = np.array([e for e, _ in rows], np.int32)  # name i belongs to entity rows[i][0]
    names = np.arange(len(rows), dtype=np.int32)
    estimate = np.array([est for _, est in rows], np.float32)
    ents, best, ptr, flat = kernels.entity_candidates(names, estimate, name_entity, floor, max_entities, 3, 0.1)
    got = [(e, est, flat[ptr[i]:ptr[i + 1]].tolist()) for i, (e, est) in enumerate(zip(ents.tolist(), best.tolist()))]
    assert got == _grouped_reference(names.tolist(), estimate.tolist(), name_entity.tolist(), floor, max_entities)


def test_a_report_row_does_not_decode_the_entity(engine):
    from kordon.screening.cli import hit_record

    hit = engine.screen("Aleksandr Volkov")[0]
    record = hit_record(hit)
    assert record["source_id"] and record["explanation"].startswith("parts:")
    assert hit._entity is None  # explanation and listing came without the entity
    assert hit.entity.id == hit.entity_id  # which is still there when asked for
