"""The OFAC consolidated (non-SDN) list reader: same legacy layout, its own file names and ids."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.ofac_nonsdn import SOURCE
from kordon.lists.registry import get_source
from kordon.model import Entity, EntityType, IdKind, NameKind, Relation

FIXTURES = Path(__file__).parent / "fixtures" / "ofac" / "nonsdn"


def read(path: Path, **options) -> tuple[dict[str, Entity], list[Relation], ImportReport]:
    report = ImportReport("ofac-nonsdn", str(path))
    items = list(SOURCE.read(path, report, **options))
    entities = {i.source_id: i for i in items if isinstance(i, Entity)}
    return entities, [i for i in items if isinstance(i, Relation)], report


def test_registry_and_download_addresses():
    assert get_source("ofac-nonsdn") is SOURCE
    base = "https://www.treasury.gov/ofac/downloads/consolidated"
    assert SOURCE.urls == {name: f"{base}/{name}" for name in
                           ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")}


def test_fixture_set():
    entities, relations, report = read(FIXTURES)
    bank, parent, person = entities["501"], entities["502"], entities["503"]
    assert bank.id == "ofac-nonsdn-501" and bank.source == "ofac-nonsdn"
    assert bank.programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert bank.all_names(NameKind.ALIAS) == ["KSB"]
    assert [(i.kind, i.value) for i in bank.identifiers] == [(IdKind.INN, "7701001238")]
    assert bank.extra["sanctions_info"] == ["Executive Order 13662 Directive Determination - Subject to Directive 1"]
    assert [a.country for a in bank.addresses] == ["ru"]
    assert [(i.kind, i.value) for i in parent.identifiers] == [(IdKind.OGRN, "1027700123450")]
    assert person.type == EntityType.PERSON
    assert [d.value for d in person.dates] == ["1962"] and person.places_of_birth == ["Gaza"]
    assert person.names[1].last_name == "TESTOVA"
    assert [(r.subject_id, r.object_id) for r in relations] == [("ofac-nonsdn-501", "ofac-nonsdn-502")]
    assert report.problems == []  # cons_comments.csv holds only the end marker


def test_primary_file_option_and_missing_side_files(tmp_path):
    prim = shutil.copy(FIXTURES / "cons_prim.csv", tmp_path / "prim_copy.csv")
    entities, _, report = read(tmp_path, prim=prim, alt=FIXTURES / "cons_alt.csv")
    assert sorted(entities) == ["501", "502", "503"]
    assert report.problem_summary() == {"missing_file": 2}
    with pytest.raises(ListFormatError, match="cons_prim.csv is missing"):
        read(tmp_path)


@pytest.fixture
def real_nonsdn(shared_data):
    return read(shared_data("sanctions/ofac/cons_nonsdn_2025-12"))


def test_real_consolidated_list(real_nonsdn):
    entities, relations, report = real_nonsdn
    assert len(entities) == 442
    assert Counter(e.type == EntityType.PERSON for e in entities.values())[True] == 79
    programs = Counter(p for e in entities.values() for p in e.programs)
    assert programs["UKRAINE-EO13662"] == 286
    assert programs["RUSSIA-EO14024"] == 93
    assert not [p for p in report.problems if p.kind.startswith("orphan")]
    assert relations


def test_real_entries(real_nonsdn):
    entities = real_nonsdn[0]
    haniya = entities["9639"]  # NS-PLC: "DOB 1962; POB Shati."
    assert haniya.id == "ofac-nonsdn-9639"
    assert haniya.programs == ["NS-PLC"]
    assert [d.value for d in haniya.dates] == ["1962"] and haniya.places_of_birth == ["Shati"]
    assert haniya.all_names(NameKind.ALIAS) == ["HANIYA, Ismail", "HANIYYA, Ismaeel"]
    sectoral = entities["18790"]  # RT-METALLURGIYA OAO: "Tax ID No. 7703697388" with no country
    assert sectoral.programs == ["UKRAINE-EO13662"]
    assert [(i.kind, i.value, i.country) for i in sectoral.identifiers] == [(IdKind.TAX_ID, "7703697388", None)]
    assert sectoral.extra["linked_to"] == ["STATE CORPORATION ROSTEC"]
    sberbank = entities["17018"]  # Remarks continued in cons_comments.csv
    assert (IdKind.OGRN, "1027700132195") in [(i.kind, i.value) for i in sberbank.identifiers]
    assert sberbank.all_names(NameKind.WEAK) == ["SBERBANK INDIA", "SBERBANK MUMBAI"]
