"""The opensanctions source: FollowTheMoney JSON lines."""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.opensanctions import SOURCE
from kordon.model import CountryRole, Entity, IdKind, NameKind, Relation, RelationKind

FIXTURES = Path(__file__).parent / "fixtures" / "opensanctions"


@lru_cache(maxsize=None)
def read(path: Path) -> tuple[dict[str, Entity], list[Relation], ImportReport]:
    """Read a file once for all the tests of this module (they do not modify the result)."""
    report = ImportReport(SOURCE.name, str(path))
    entities, relations = {}, []
    for obj in SOURCE.read(path, report):
        if isinstance(obj, Entity):
            assert obj.id not in entities
            entities[obj.id] = obj
        else:
            relations.append(obj)
    return entities, relations, report


# --- the real ZALA Aero cluster ----------------------------------------------------
@pytest.fixture
def zala(shared_data):
    return read(shared_data("sanctions/opensanctions/zala/entities.ftm.json"))


def test_zala_counts(zala):
    entities, relations, report = zala
    # The file holds 6 Person and 11 Company entities; the 41 Sanctions, 11 Addresses
    # and the Passport are folded into them.
    assert Counter(e.type.value for e in entities.values()) == {"company": 11, "person": 6}
    assert Counter(r.kind for r in relations) == {
        RelationKind.OWNERSHIP: 14, RelationKind.FAMILY: 4, RelationKind.DIRECTORSHIP: 3}
    assert report.published == "2026-04-29"
    # addressEntity ids of this extract that point outside it are reported, not fatal.
    assert set(report.problem_summary()) == {"missing_address"}


def test_zala_ownership_percentages(zala):
    entities, relations, _ = zala
    kalashnikov, cst = "NK-nR5AXM9AVPq4pQaSPSaVam", "NK-abdzbEBkqyT29GyREbiURZ"
    stakes = {(r.subject_id, r.object_id, r.percentage, r.start_date) for r in relations
              if r.kind == RelationKind.OWNERSHIP}
    assert (kalashnikov, cst, 49.0, "2016-03-29") in stakes
    assert ("NK-aU5ybkbRFJucf8YMwsJvDw", cst, 51.0, "2015-11-25") in stakes
    assert sum(1 for s in stakes if s[2] is None) == 4  # 3 registry stakes without one, 1 "subsidiary of"
    assert entities[kalashnikov].caption == "JSC Kalashnikov Concern"


def test_zala_aero_names_and_programs(zala):
    entities, _, _ = zala
    zala_aero = entities["NK-cPks3aTbes8k4aCerfBAzN"]
    assert zala_aero.caption == "ZALA AERO JSC"
    assert zala_aero.programs == ["UA-WS-MILIND", "UA-SA1644", "UA-WS-UAVS"]
    names = {n.value: n.kind for n in zala_aero.names}
    assert names["JOINT-STOCK COMPANY ZALA AERO"] == NameKind.ALIAS
    assert names['Акционерное общество "Зала Аэро"'] == NameKind.ORIGINAL_SCRIPT
    assert names['Aktsionerne tovarystvo "Zala Aero"'] == NameKind.ALIAS
    assert {(i.kind, i.value) for i in zala_aero.identifiers} == {
        (IdKind.INN, "9715478507"), (IdKind.OGRN, "1247700258651"), (IdKind.KPP, "771501001")}


def test_zala_sanctions_fold_into_their_target(zala):
    entities, _, _ = zala
    cst = entities["NK-abdzbEBkqyT29GyREbiURZ"]  # LLC CST, the ZALA drone maker, target of 35 Sanctions
    assert {"GB-RUS", "US-RUSHAR", "EU-UKR", "US-BIS-EL", "AU-RUSSIA"} <= set(cst.programs)
    assert cst.listed_on == "2021-10-30"  # Ukraine's NSDC listing, the earliest of its sanctions
    assert "Office of Foreign Assets Control" in cst.extra["authorities"]
    assert cst.extra["target"] is True


def test_zala_family_relation(zala):
    entities, relations, _ = zala
    father = "NK-aU5ybkbRFJucf8YMwsJvDw"
    assert entities[father].caption == "Alexander Vyacheslavovich ZAKHAROV"
    relatives = {r.subject_id for r in relations if r.kind == RelationKind.FAMILY and r.object_id == father}
    assert "NK-JseaPJctnK9o8wrmz8xmoT" in relatives
    assert entities["NK-JseaPJctnK9o8wrmz8xmoT"].caption == "Nikita Aleksandrovich Zakharov"
    assert len(relatives) == 4


def test_t1_counts(shared_data):
    entities, relations, report = read(shared_data("sanctions/opensanctions/t1/entities.ftm.json"))
    assert Counter(e.type.value for e in entities.values()) == {"person": 4, "organization": 2}
    assert relations == []
    irgc = entities["NK-2PacmNpiLUmoz4XD2mSt7A"]
    assert irgc.caption == "Iranian Revolutionary Guard Corps" or "IRGC" in irgc.all_names()
    assert irgc.listed_on == "2012-03-24"


# --- hand-written fixture ----------------------------------------------------------
@pytest.fixture
def cluster():
    return read(FIXTURES / "cluster.ftm.json")


def test_helper_entities_fold_whatever_their_order(cluster):
    entities, _, _ = cluster
    company = entities["test-co-1"]
    assert company.programs == ["EU-UKR"]  # from the Sanction that came first
    assert company.listed_on == "2022-04-08"  # earlier than its createdAt
    assert [a.full for a in company.addresses] == ["1 Test Street, Moscow, 101000"]  # Address came after
    assert (company.addresses[0].city, company.addresses[0].country) == ("Moscow", "ru")
    assert {(c.code, c.role) for c in company.countries} == {("ru", CountryRole.JURISDICTION),
                                                             ("ru", CountryRole.COUNTRY)}
    assert [(i.kind, i.value) for i in company.identifiers] == [(IdKind.INN, "7707083893")]
    person = entities["test-person-1"]
    passport = next(i for i in person.identifiers if i.kind == IdKind.PASSPORT)
    assert (passport.value, passport.country, passport.note) == ("AB1234567", "ru", "Foreign passport")
    assert person.listed_on == "2021-10-30"
    assert person.extra["program_labels"] == ["A very long ordinance title without a program id"]
    assert person.programs == []


def test_ids_are_kept(cluster):
    entities, _, _ = cluster
    assert set(entities) == {"test-co-1", "test-person-1", "test-person-2"}
    assert all(e.source_id == e.id and e.source == "opensanctions" for e in entities.values())


def test_relations_and_reported_problems(cluster):
    _, relations, report = cluster
    assert {(r.kind, r.subject_id, r.object_id, r.percentage, r.role) for r in relations} == {
        (RelationKind.OWNERSHIP, "test-person-1", "test-co-1", 75.0, None),
        (RelationKind.FAMILY, "test-person-2", "test-person-1", None, "Son"),
    }
    by_kind = {p.kind: p for p in report.problems}
    assert set(by_kind) == {"dangling_relation", "missing_address", "orphan_sanction", "skipped_schema"}
    assert by_kind["dangling_relation"].line == 7 and "not-in-file" in by_kind["dangling_relation"].message
    assert by_kind["orphan_sanction"].line == 11
    assert "CryptoWallet" in by_kind["skipped_schema"].message
    assert report.published == "2026-04-30"


def test_nested_format_is_refused(tmp_path):
    path = tmp_path / "targets.nested.json"
    nested = {"id": "x", "schema": "Person", "properties": {"name": ["X"], "sanctions": [
        {"id": "s", "schema": "Sanction", "properties": {}}]}}
    path.write_text(json.dumps(nested) + "\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="nested"):
        list(SOURCE.read(path, ImportReport(SOURCE.name, str(path))))


def test_a_csv_is_refused(tmp_path):
    path = tmp_path / "not.json"
    path.write_text("name,country\nX,ru\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="invalid JSON") as error:
        list(SOURCE.read(path, ImportReport(SOURCE.name, str(path))))
    assert error.value.line == 1
