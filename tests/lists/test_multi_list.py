"""The multi source: several lists combined in one CSV."""

from __future__ import annotations

import csv
from collections import Counter
from functools import lru_cache
from pathlib import Path

from kordon.lists.base import ImportReport
from kordon.lists.multi_list import SOURCE
from kordon.model import CountryRole, DateKind, EntityType, IdKind, NameKind

FIXTURES = Path(__file__).parent / "fixtures" / "multi"
COMBINED = "sanctions/multi_list_2022/combined_sanction_lists_20220505_main.csv"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"
EL = "Entity List (EL) - Bureau of Industry and Security"


@lru_cache(maxsize=None)
def read(path: Path):
    report = ImportReport(SOURCE.name, str(path))
    return {e.id: e for e in SOURCE.read(path, report)}, report


def test_real_file_counts(shared_data):
    path = shared_data(COMBINED)
    entities, report = read(path)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = Counter(row["sanction_list"] for row in csv.DictReader(fh))
    assert (rows[SDN], rows["EU"], rows["UK Cons"], rows[EL]) == (30_411, 28_493, 17_568, 4_125)
    per_list = Counter(e.extra["list"] for e in entities.values())
    assert (per_list[SDN], per_list["EU"], per_list["UK Cons"], per_list[EL]) == (10_025, 3_372, 3_430, 2_001)
    assert len(entities) == 20_971
    assert report.problems == []


def test_real_sdn_entry(shared_data):
    entity = read(shared_data(COMBINED))[0]["multi-sdn-31575"]
    assert entity.type == EntityType.PERSON
    assert entity.caption == "RYZHENKIN, Leonid"  # the group's first row
    assert sorted(entity.all_names(NameKind.ALIAS)) == ["RIZHENKIN, Leonid", "RYZHENKIN, Leonid Kronidovich"]
    assert [d.value for d in entity.dates] == ["1967-11-10"]
    assert [(i.kind, i.value) for i in entity.identifiers] == [(IdKind.PASSPORT, "722706177")]
    assert entity.gender == "male"
    assert ("ru", CountryRole.NATIONALITY) in {(c.code, c.role) for c in entity.countries}
    assert entity.programs == ["UKRAINE-EO13685"]


def test_real_eu_entry_assembled_from_its_many_rows(shared_data):
    entity = read(shared_data(COMBINED))[0]["multi-eu-EU.3890.20"]
    assert {"Nourredine ADAM", "Mahamat Nouradine Adam", "Mohamed Adam Brema Abdallah"} <= set(entity.all_names())
    assert {d.value for d in entity.dates} == {"1969", "1970", "1971", "1970-01-01", "1971-01-01"}
    assert {(i.kind, i.value) for i in entity.identifiers} == {
        (IdKind.PASSPORT, "D00001184"), (IdKind.PASSPORT, "P04838205"), (IdKind.NATIONAL_ID, "202-2708-8368")}
    assert {c.code for c in entity.countries if c.role == CountryRole.CITIZENSHIP} == {"cf", "sd"}
    assert entity.programs == ["CAF"] and entity.listed_on == "2019-09-23"


def test_real_uk_entry(shared_data):
    entity = read(shared_data(COMBINED))[0]["multi-uk-cons-14904"]
    assert entity.caption == "OYUN Dina Ivanovna"
    primary = entity.names[0]
    assert (primary.first_name, primary.middle_name, primary.last_name) == ("Dina", "Ivanovna", "OYUN")
    assert [d.value for d in entity.dates] == ["1963-06-25"]  # 25/06/1963
    assert entity.listed_on == "2022-03-15"
    assert entity.positions == ["Member of the Federation Council of the Russian Federation"]


# --- hand-written fixture --------------------------------------------------------------
def test_fixture():
    entities, report = read(FIXTURES / "combined_small.csv")
    assert set(entities) == {"multi-sdn-99901", "multi-el-f00d", "multi-eu-EU.9999.1", "multi-uk-cons-99005",
                             "multi-dtc-dtc1"}
    sdn = entities["multi-sdn-99901"]  # rows 2 and 4, not adjacent
    assert [(n.value, n.kind) for n in sdn.names] == [("TESTOV, Ivan", NameKind.PRIMARY),
                                                      ("TESTOFF, Iwan", NameKind.ALIAS)]
    el = entities["multi-el-f00d"]
    assert (el.type, el.extra["type_guessed"]) == (EntityType.ORGANIZATION, True)
    assert [a.full for a in el.addresses] == ["5 Abay Avenue, Almaty, KZ", "7 Dostyk Street, Astana, KZ"]
    assert el.listed_on == "2023-02-24"
    eu = entities["multi-eu-EU.9999.1"]
    assert {(i.kind, i.value) for i in eu.identifiers} == {(IdKind.PASSPORT, "AC1234567"), (IdKind.OTHER, "12345678")}
    assert [d.value for d in eu.dates] == ["1971-01-01"]
    uk = entities["multi-uk-cons-99005"]
    assert [(d.kind, d.value) for d in uk.dates] == [(DateKind.BIRTH, "1960")]
    assert {i.value for i in uk.identifiers if i.kind == IdKind.PASSPORT} == {"AN0000001", "AN0000002"}
    assert uk.extra["titles"] == ["Mr"] and uk.listed_on == "2022-03-15"
    assert entities["multi-dtc-dtc1"].type == EntityType.PERSON
    assert [(p.kind, p.line) for p in report.problems] == [("no_id", 8)]


def test_an_organisation_date_does_not_turn_a_person_birth_date_into_a_founding_date(tmp_path):
    header = ("surname,forename,middle_names,full_name,title,entity_type,DOB,nationality,date_added,address,"
              "personal_id,sanction_list,list_internal_id,regime")
    rows = [f',,,Test Holding Ltd,,Entity,1977-05-05,,,,,"{EL}",org1,',
            f',,,"PERSONOV, Petr",,Individual,1977-05-05,,,,,"{SDN}",p1,']
    path = tmp_path / "two.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    entities = list(SOURCE.read(path, ImportReport(SOURCE.name, str(path))))
    kinds = {e.type == EntityType.PERSON: [d.kind for d in e.dates] for e in entities}
    assert kinds[True] == [DateKind.BIRTH]
    assert kinds[False] == [DateKind.INCORPORATION]
