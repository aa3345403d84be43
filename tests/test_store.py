"""The versioned store: versions, atomic imports, shrink guard, diffs, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from kordon.lists.base import ImportReport, ListFormatError, ListSource
from kordon.lists.demo import demo_path
from kordon.lists.registry import get_source
from kordon.model import Entity, EntityType, NameKind
from kordon.store import ImportRefused, Store, StoreError


def person(i: int, name: str | None = None) -> Entity:
    e = Entity(id=f"fake-{i}", type=EntityType.PERSON, source="fake", source_id=str(i))
    e.add_name(name or f"Person Number {i}", NameKind.PRIMARY)
    return e


class FakeSource(ListSource):
    """Reads a text file: one name per line; a line 'BOOM' raises a format error mid-file."""

    name = "fake"
    title = "fake"

    def read(self, path: Path, report: ImportReport, **options):
        for i, line in enumerate(path.read_text().splitlines(), start=1):
            if line == "BOOM":
                raise ListFormatError(path, "broken row", line=i, field="name")
            if line == "DUP":
                yield person(1)
                continue
            yield person(i, line)


def write(path: Path, names: list[str]) -> Path:
    path.write_text("\n".join(names) + "\n")
    return path


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "lists.sqlite") as st:
        yield st


def test_import_creates_current_version_with_counts(store, tmp_path):
    result = store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A", "B", "C"]))
    assert result.version.entity_count == 3
    assert result.version.counts == {"person": 3}
    assert store.current_version("fake").id == result.version.id
    assert sorted(e.caption for e in store.iter_entities()) == ["A", "B", "C"]


def test_unchanged_file_is_not_reimported(store, tmp_path):
    path = write(tmp_path / "a.txt", ["A", "B"])
    first = store.import_list(FakeSource(), path)
    again = store.import_list(FakeSource(), path)
    assert again.unchanged and again.version is None
    assert len(store.versions("fake")) == 1
    forced = store.import_list(FakeSource(), path, force=True)
    assert forced.version.id != first.version.id


def test_failed_import_leaves_previous_version_current(store, tmp_path):
    good = store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A", "B", "C"]))
    with pytest.raises(ListFormatError) as info:
        store.import_list(FakeSource(), write(tmp_path / "b.txt", ["X", "Y", "BOOM", "Z"]))
    assert "b.txt, line 3, field 'name'" in str(info.value)
    assert store.current_version("fake").id == good.version.id
    assert [v.id for v in store.versions("fake")] == [good.version.id]
    assert sorted(e.caption for e in store.iter_entities()) == ["A", "B", "C"]


def test_empty_list_is_refused_unless_forced(store, tmp_path):
    store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A"]))
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(ImportRefused, match="empty"):
        store.import_list(FakeSource(), empty)
    assert store.count_entities() == 1
    store.import_list(FakeSource(), empty, force=True)
    assert store.count_entities() == 0


def test_shrink_beyond_limit_is_refused(store, tmp_path):
    store.import_list(FakeSource(), write(tmp_path / "a.txt", [f"N{i}" for i in range(100)]))
    with pytest.raises(ImportRefused, match="shrink from 100 to 85"):
        store.import_list(FakeSource(), write(tmp_path / "b.txt", [f"N{i}" for i in range(85)]))
    ok = store.import_list(FakeSource(), write(tmp_path / "c.txt", [f"N{i}" for i in range(91)]))
    assert ok.version.entity_count == 91
    looser = store.import_list(FakeSource(), write(tmp_path / "d.txt", [f"N{i}" for i in range(50)]),
                               max_shrink=0.5)
    assert looser.version.entity_count == 50


def test_duplicate_ids_are_reported_not_dropped_silently(store, tmp_path):
    result = store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A", "DUP", "C"]))
    assert result.version.entity_count == 2
    assert result.version.problems == {"duplicate_id": 1}
    assert store.problems(result.version.id)[0]["kind"] == "duplicate_id"


def test_diff_lists_added_removed_changed(store, tmp_path):
    v1 = store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A", "B", "C", "D"])).version
    v2 = store.import_list(FakeSource(), write(tmp_path / "b.txt", ["A", "B2", "C", "D", "E"])).version
    d = store.diff("fake")
    assert (d.old.id, d.new.id) == (v1.id, v2.id)
    assert [c.entity_id for c in d.added] == ["fake-5"]
    assert d.removed == []
    assert [(c.entity_id, c.fields) for c in d.changed] == [("fake-2", ["names"])]
    back = store.diff("fake", v2.id, v1.id)
    assert [c.entity_id for c in back.removed] == ["fake-5"]


def test_diff_needs_two_versions(store, tmp_path):
    store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A"]))
    with pytest.raises(StoreError, match="only one version"):
        store.diff("fake")


def test_rollback_and_prune(store, tmp_path):
    ids = [store.import_list(FakeSource(), write(tmp_path / f"{i}.txt", ["A", f"B{i}"])).version.id
           for i in range(4)]
    store.set_current("fake", ids[1])
    assert {e.caption for e in store.iter_entities()} == {"A", "B1"}
    removed = store.prune(keep=2)
    remaining = [v.id for v in store.versions("fake")]
    assert removed == 1 and ids[1] in remaining and ids[0] not in remaining


def test_fingerprint_changes_with_current_versions(store, tmp_path):
    before = store.fingerprint()
    store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A"]))
    after = store.fingerprint()
    assert before != after
    store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A"]))  # unchanged
    assert store.fingerprint() == after


def test_demo_list_round_trips(store):
    result = store.import_list(get_source("demo"), demo_path())
    assert result.version.published == "2026-11-01"
    assert result.version.counts["person"] == 8 and result.version.relation_count == 5
    volkov = store.get_entity("demo-P1")
    assert volkov and "Александр Петрович ВОЛКОВ" in volkov.all_names(NameKind.ORIGINAL_SCRIPT)
    assert {r.kind.value for r in store.iter_relations()} == {"ownership", "directorship", "family"}


def test_not_a_store_file_gives_clear_error(tmp_path):
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="bogus.sqlite"):
        Store.open(bogus)


def _import_in_process(store_path: str, list_path: str, queue) -> None:
    with Store.open(store_path) as st:
        r = st.import_list(FakeSource(), Path(list_path), force=True)
        queue.put(r.version.entity_count)


def test_concurrent_imports_queue_and_both_complete(tmp_path):
    db = tmp_path / "lists.sqlite"
    Store.open(db).close()
    paths = [write(tmp_path / f"{i}.txt", [f"N{j}" for j in range(3000 + i)]) for i in range(2)]
    queue = multiprocessing.get_context("fork").Queue()
    procs = [multiprocessing.get_context("fork").Process(target=_import_in_process, args=(str(db), str(p), queue))
             for p in paths]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert sorted(queue.get() for _ in procs) == [3000, 3001]
    with Store.open(db) as st:
        assert len(st.versions("fake")) == 2
        current = st.current_version("fake")
        assert current.entity_count == sum(1 for _ in st.iter_entities())
        rows = st.conn.execute("SELECT version_id, COUNT(*) FROM entities GROUP BY version_id").fetchall()
        assert sorted(n for _, n in rows) == [3000, 3001]


def test_interrupted_import_leaves_no_partial_version(store, tmp_path):
    class Interrupting(FakeSource):
        def read(self, path, report, **options):
            yield from list(super().read(path, report))[:5000]
            raise KeyboardInterrupt

    store.import_list(FakeSource(), write(tmp_path / "a.txt", ["A"]))
    with pytest.raises(KeyboardInterrupt):
        store.import_list(Interrupting(), write(tmp_path / "big.txt", [f"N{i}" for i in range(6000)]))
    assert store.count_entities() == 1
    assert store.conn.execute("SELECT COUNT(*) FROM entities").fetchone()[0] == 1
