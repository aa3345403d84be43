"""The candidate index: building, typo neighbourhoods, the candidate stage, persistence and updates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kordon.lists.base import ImportReport, ListSource
from kordon.model import Entity, EntityType, Name
from kordon.screening.index import (
    Index,
    Segment,
    entity_json,
    records_from_json,
    unpack_strings,
)
from kordon.screening.normalise import name_key
from kordon.screening.query import Query
from kordon.screening.screener import Screener, load_or_build
from kordon.store import Store


class FixtureSource(ListSource):
    """A list read from a JSON-lines file of entities (one ``Entity.to_json`` per line)."""

    name = "fixture"
    title = "test fixture"

    def read(self, path: Path, report: ImportReport, **options):
        for line in path.read_text(encoding="utf-8").splitlines():
            yield Entity.from_dict(json.loads(line))


def write_list(path: Path, entities: list[Entity]) -> Path:
    path.write_text("\n".join(e.to_json() for e in entities) + "\n", encoding="utf-8")
    return path


# --- building ------------------------------------------------------------------------


def test_every_listed_name_is_indexed_once(listed_entities):
    index = Index.build(listed_entities)
    assert index.entity_count == len(listed_entities)
    texts = [index.name_text[n] for n in range(index.name_count)]
    assert "Abu Salam" in texts and "Steppe Electronics Trading LLP" in texts
    # a spelling that normalises to the same parts as an earlier one of the entity is not indexed twice
    assert "Aleksandr Petrovich VOLKOV" in texts and "Александр Петрович ВОЛКОВ" not in texts
    assert len(texts) == len(set(texts))
    # postings: every name is found under each of its keys
    for n in range(index.name_count):
        keys, _, _ = index.name_keys(n)
        for kid in keys:
            assert n in index.post_names[index.post_ptr[kid] : index.post_ptr[kid + 1]]


def test_rarity_weights_follow_entity_counts(listed_entities):
    index = Index.build(listed_entities)
    common, rare = index.vocab[name_key("ivan")], index.vocab[name_key("zhaksybekov")]
    assert index.idf[common] < index.idf[rare]
    # an entity's several spellings of one part count once
    assert index.arrays["df"][index.vocab[name_key("volkov")]] == 1


def test_entity_json_round_trips(listed_entities):
    for entity in listed_entities:
        assert json.loads(entity_json(entity)) == entity.to_dict()
        assert Entity.from_dict(json.loads(entity_json(entity))) == entity


def test_records_from_stored_json_index_like_entities(listed_entities):
    a = Segment.build(listed_entities)
    b = Segment.from_records(records_from_json(e.to_json() for e in listed_entities))
    for key in ("tok_key", "tok_tag", "name_entity", "date_lo", "country_codes", "id_entity"):
        assert np.array_equal(a.arrays[key], b.arrays[key]), key


def test_typo_neighbours_are_found_at_key_and_token_level(listed_entities):
    index = Index.build(listed_entities)
    listed = index.vocab[name_key("zhaksybekov")]
    near = index.fuzzy_terms("zhaksybkeov", name_key("zhaksybkeov"), 0.6)
    assert listed in [kid for kid, sim in near if sim > 0.8]
    # a letter dropped, and one added
    for typo in ("zhaksybeov", "zhaksybekova"):
        near = index.fuzzy_terms(typo, name_key(typo), 0.6)
        assert listed in [kid for kid, _ in near]
    assert list(index.fuzzy_terms("qqqqqq", "qqqqqq", 0.6)) == []
    # a part the lists have comes first, as itself
    assert next(iter(index.fuzzy_terms("zhaksybekov", name_key("zhaksybekov"), 0.6))) == (listed, 1.0)


def _person(i: int, name: str) -> Entity:
    return Entity(id=f"p{i}", type=EntityType.PERSON, source="fixture", source_id=str(i), names=[Name(name)])


@given(st.lists(st.text(alphabet="abcé", min_size=1, max_size=6), min_size=1, max_size=25),
       st.text(alphabet="abcé", min_size=1, max_size=4), st.integers(1, 8),
       st.lists(st.tuples(st.integers(0, 3), st.sampled_from([0.6, 0.75, 0.8, 1.0])), max_size=6))
def test_a_last_part_stands_for_the_longer_listed_parts_starting_with_it_and_its_typo_neighbours(words, text, limit,
                                                                                                near):
    from kordon.screening.index import NearTerms

    index = Index.build([_person(i, f"{w} zz") for i, w in enumerate(words)])
    forms = [(form, kid) for form, kid in zip(unpack_strings(index.form_blob, index.form_off), index.form_key.tolist())]
    best: dict[int, float] = {}
    for form, kid in sorted(forms):  # the reference: every form in sort order, the best per key
        if form.startswith(text) and len(form) > len(text):
            best[kid] = max(best.get(kid, 0.0), 0.5 + 0.5 * len(text) / len(form))
    cut = dict(sorted(best.items(), key=lambda t: -t[1])[:limit])
    near = list({kid % len(index.vocab): sim for kid, sim in near}.items())  # listed keys, each once
    for kid, sim in near:  # cut keys first; a typo neighbour (float32) replaces an equal or lower value
        if float(np.float32(sim)) >= cut.get(kid, 0.0):
            cut[kid] = float(np.float32(sim))
    expected = sorted(cut.items(), key=lambda t: -t[1])
    typo = NearTerms(np.array([k for k, _ in near], np.int32), np.array([s for _, s in near], np.float32))
    got = index.cut_or_near_terms(text, typo, limit)
    assert list(got) == expected
    assert got.kids.dtype == np.int32 and got.sims.dtype == np.float64


# --- candidate stage --------------------------------------------------------------------


def test_candidate_stage_finds_misspelt_and_reordered_names(engine):
    for query, expected in (("Volkov Aleksandr", "test-P1"), ("Zhaksybkeov Nurlan", "test-P3"),
                            ("Шевченко Олена", "test-P6"), ("Al-Dari Muthana", "test-P5")):
        row = engine.index.entity_row(expected)
        found = [c.entity for c in engine.candidates(engine.prepare(Query(query)))]
        assert row in found, query


def test_candidate_recall_is_measured_on_its_own(engine):
    queries = [Query("Volkov"), Query("Petrov Holding"), Query("Completely Unrelated")]
    recall = engine.candidate_recall(queries, ["test-P1", "test-C3", "test-P1"])
    assert recall == pytest.approx(2 / 3)


def test_candidate_estimate_orders_better_names_first(engine):
    cands = engine.candidates(engine.prepare(Query("Ivan Petrov")))
    assert cands[0].entity == engine.index.entity_row("test-P8")
    assert all(a.estimate >= b.estimate for a, b in zip(cands, cands[1:]) if b.via == "name")


# --- persistence and updates ---------------------------------------------------------------


def test_index_file_round_trip(tmp_path, listed_entities):
    index = Index.build(listed_entities)
    index.save(tmp_path / "index.npz")
    loaded = Index.load(tmp_path / "index.npz")
    assert loaded.entity_count == index.entity_count
    assert loaded.entity(0) == index.entity(0)
    a = Screener(index).screen(Query("Aleksandr Volkov"))
    b = Screener(loaded).screen(Query("Aleksandr Volkov"))
    assert [(h.entity.id, h.score) for h in a] == [(h.entity.id, h.score) for h in b]


def test_persisted_index_is_reused_and_rebuilt_per_list(kordon_home, tmp_path, listed_entities, make_person):
    store = Store.open()
    first, second = listed_entities[:6], listed_entities[6:]
    store.import_list(FixtureSource(), write_list(tmp_path / "a.jsonl", first))

    class Other(FixtureSource):
        name = "other"

    store.import_list(Other(), write_list(tmp_path / "b.jsonl", second))
    directory = kordon_home / "index"
    index = load_or_build(store, directory)
    segments = sorted(p.name for p in (directory / "segments").glob("*.npz"))
    assert len(segments) == 2 and len(list(directory.glob("index-*.npz"))) == 1
    mtimes = {p.name: p.stat().st_mtime_ns for p in (directory / "segments").glob("*.npz")}

    # start-up with the same lists: nothing rebuilt
    again = load_or_build(store, directory)
    assert again.meta["fingerprint"] == index.meta["fingerprint"]
    assert {p.name: p.stat().st_mtime_ns for p in (directory / "segments").glob("*.npz")} == mtimes

    # a new version of one list: only its segment is rebuilt, the old one is removed
    store.import_list(Other(), write_list(tmp_path / "b.jsonl", [*second, make_person("N1", "Newly LISTED")]),
                      max_shrink=1.0)
    updated = load_or_build(store, directory)
    now = {p.name: p.stat().st_mtime_ns for p in (directory / "segments").glob("*.npz")}
    kept = [n for n in now if n.startswith("fixture-")]
    assert kept and now[kept[0]] == mtimes[kept[0]]
    assert len(now) == 2 and len(list(directory.glob("index-*.npz"))) == 1
    assert updated.entity_row("test-N1") is not None
    assert Screener(updated).screen(Query("Newly Listed"))[0].entity.id == "test-N1"


def test_screener_refresh_picks_up_a_new_version(kordon_home, tmp_path, listed_entities, make_person):
    store = Store.open()
    store.import_list(FixtureSource(), write_list(tmp_path / "a.jsonl", listed_entities))
    screener = Screener.from_store(store)
    assert not screener.refresh()
    assert not screener.screen(Query("Newly Listed"))
    store.import_list(FixtureSource(), write_list(tmp_path / "a.jsonl", [*listed_entities,
                                                                         make_person("N1", "Newly LISTED")]))
    assert screener.refresh()
    assert screener.screen(Query("Newly Listed"))[0].entity.id == "test-N1"


def test_damaged_index_file_is_rebuilt(kordon_home, tmp_path, listed_entities):
    store = Store.open()
    store.import_list(FixtureSource(), write_list(tmp_path / "a.jsonl", listed_entities))
    directory = kordon_home / "index"
    load_or_build(store, directory)
    merged = next(directory.glob("index-*.npz"))
    merged.write_bytes(b"not an index")
    index = load_or_build(store, directory)
    assert index.entity_count == len(listed_entities)


def test_empty_store_gives_an_empty_index(kordon_home):
    screener = Screener.from_store(Store.open())
    assert screener.is_empty
    assert screener.screen(Query("Anyone")) == []


def test_source_and_caption_of_every_entity_are_kept_without_its_json(listed_entities):
    from kordon.model import NameKind

    # the caption is the first primary name, even when an alias comes first
    listed_entities = [*listed_entities, Entity(id="x-1", type=EntityType.PERSON, source="x", source_id="1",
                                                names=[Name("Ivan Aliasov", NameKind.ALIAS), Name("Ivan Primarov")])]
    expected = [(e.source, e.source_id, e.caption) for e in listed_entities]
    from_objects = Index.build(listed_entities)
    from_json = Index.from_segments([Segment.from_records(records_from_json(entity_json(e) for e in listed_entities))])
    for index in (from_objects, from_json):
        rows = [index.entity_row(e.id) for e in listed_entities]
        assert [index.listing(r) for r in rows] == expected
    assert expected[-1][2] == "Ivan Primarov"
