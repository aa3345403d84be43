"""Combining features into a score: defaults, overrides, clamping and the early exit."""

from __future__ import annotations

import pytest

from kordon.screening.features import FEATURES, defaults
from kordon.screening.query import Query, QueryError
from kordon.screening.score import contributions, score, settings


def test_defaults_come_from_the_weights_file():
    s = settings()
    d = defaults()
    assert s.threshold == d.threshold
    assert {f.name: w for f, w in s.weights} == {k: v for k, v in d.weights.items() if v}
    assert [f.name for f, _ in s.weights] == [f.name for f in FEATURES if d.weights[f.name]]


def test_overrides_apply_and_unknown_names_are_refused():
    s = settings(0.5, {"dob_mismatch": -0.9}, {"missing_listed": 1.0})
    assert s.threshold == 0.5 and s.weight("dob_mismatch") == -0.9 and s.params["missing_listed"] == 1.0
    assert settings(weights={"weak_alias": 0}).weight("weak_alias") == 0.0  # a zero weight switches it off
    with pytest.raises(QueryError, match="unknown feature"):
        settings(weights={"shoe_size": 1.0})
    with pytest.raises(QueryError, match="unknown parameter"):
        settings(params={"shoe_size": 1.0})
    for bad in (-0.1, 1.5):
        with pytest.raises(QueryError, match="threshold"):
            settings(bad)


def test_overrides_stack_on_a_base():
    base = settings(0.7, {"dob_match": 0.2})
    s = settings(weights={"country_match": 0.1}, base=base)
    assert s.threshold == 0.7 and s.weight("dob_match") == 0.2 and s.weight("country_match") == 0.1


def test_score_is_the_clamped_weighted_sum(engine):
    pq = engine.prepare(Query("Aleksandr Volkov", dob="1968-03-14", countries=["ru"], identifiers=["721234567"]))
    e = engine.index.entity_row("test-P1")
    c = engine._compare(pq, e, engine._entity_names(e)[0], engine.defaults)
    parts = contributions(c, engine.defaults)
    raw = sum(p.contribution for p in parts)
    assert raw > 1.0  # name, date, country and identifier all agree
    assert score(c, engine.defaults) == 1.0


def test_score_never_goes_below_zero(engine):
    pq = engine.prepare(Query("Sea Breeze", type="person", dob="1900"))
    e = engine.index.entity_row("test-V1")
    c = engine._compare(pq, e, engine._entity_names(e)[0], settings(weights={"type_mismatch": -5}))
    assert score(c, settings(weights={"type_mismatch": -5})) == 0.0


@pytest.mark.parametrize("query", ["Aleksandr Volkov", "Aleksandr Volkova", "Ivan Volkov", "Volkov"])
def test_early_exit_agrees_with_the_full_score(engine, query):
    pq = engine.prepare(Query(query, dob="1990"))
    e = engine.index.entity_row("test-P1")
    s = engine.defaults
    for n in engine._entity_names(e):
        full = score(engine._compare(pq, e, n, s), s)
        quick = score(engine._compare(pq, e, n, s), s, floor=s.threshold)
        assert (full >= s.threshold) == (quick >= s.threshold)
        if full >= s.threshold:
            assert quick == pytest.approx(full)


def test_weights_change_the_score(engine):
    query = Query("Aleksandr Volkov", dob="1990")
    base = engine.screen(query, threshold=0.0, limit=1)[0].score
    harsher = engine.screen(query, threshold=0.0, limit=1, weights={"dob_mismatch": -0.6})[0].score
    assert harsher < base
