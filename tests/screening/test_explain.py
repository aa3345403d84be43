"""Explanations a reviewer can read: which names met, how each part matched, what moved the score."""

from __future__ import annotations

import json

from kordon.screening.explain import explanation_line, explanation_text
from kordon.screening.query import Query


def test_explanation_names_the_matched_listed_name_and_parts(engine):
    hit = engine.screen(Query("Alexandr Volkov", dob="1968", countries=["ru"]))[0]
    text = hit.explanation.text()
    lines = text.splitlines()
    assert len(lines) == 3
    assert '"Alexandr Volkov"' in lines[0] and hit.matched_name in lines[0] and f"{hit.score:.2f}" in lines[0]
    assert "volkov=volkov (exact)" in lines[1]
    assert "alexandr=aleksandr (spelling variant)" in lines[1]
    assert "petrovich not in query" in lines[1]  # the dropped patronymic is shown
    assert "date of birth matches" in lines[2] and "country matches" in lines[2]


def test_explanation_shows_what_lowered_the_score(engine):
    hit = engine.screen(Query("Aleksandr Volkov", dob="1990", countries=["de"]), threshold=0.3)[0]
    features = {f.name: f for f in hit.explanation.features}
    assert features["dob_mismatch"].contribution < 0 and features["country_mismatch"].contribution < 0
    text = explanation_text(hit.explanation)
    assert "date of birth differs (22 years from listed 1968-03-14) −" in text
    assert "country differs" in text
    assert "<" in text.splitlines()[0] or hit.score >= hit.explanation.threshold


def test_typo_and_extra_parts_are_explained(engine):
    hit = engine.screen(Query("Nurlan Zhaksybkeov Kairatovich Bek"), threshold=0.0, limit=1)[0]
    hows = {t.how for t in hit.explanation.tokens}
    assert "fuzzy" in hows and "extra" in hows
    assert "typo" in explanation_line(hit.explanation)


def test_identifier_hit_says_so(engine):
    hit = engine.screen(Query("Completely Different Name", identifiers=["IMO 9123456"]))[0]
    assert hit.entity.id == "test-V1"
    assert hit.explanation.candidate_via == "identifier"
    assert "identifier matches" in hit.explanation.text()
    assert "found by identifier" in hit.explanation.text()


def test_explanation_is_json_ready(engine):
    hit = engine.screen(Query("Aleksandr Volkov"))[0]
    data = json.loads(json.dumps(hit.to_dict(), ensure_ascii=False))
    assert data["entity_id"] == "test-P1"
    assert {f["name"] for f in data["details"]["features"]} >= {"name_match", "dob_match"}
    assert all("contribution" in f for f in data["details"]["features"])
    assert data["details"]["tokens"][0]["query"]


def test_packed_explanation_comes_back_the_same(engine):
    from kordon.screening.query import Explanation

    for name in ("Aleksandr Volkov", "Steppe Electronics"):
        for hit in engine.screen(name):
            assert Explanation.unpacked(hit.explanation.packed()) == hit.explanation
