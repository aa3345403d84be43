"""The us-csl source: the US Consolidated Screening List CSV."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.us_csl import SOURCE, list_slug, parse_ids
from kordon.model import CountryRole, DateKind, EntityType, IdKind, NameKind

FIXTURES = Path(__file__).parent / "fixtures" / "us_csl"
SAMPLE = "sanctions/us_csl/csl_sample.csv"


@lru_cache(maxsize=None)
def read(path: Path):
    report = ImportReport(SOURCE.name, str(path))
    return {e.source_id: e for e in SOURCE.read(path, report)}, report


def test_sample_counts_by_list(shared_data):
    entities, report = read(shared_data(SAMPLE))
    assert len(entities) == 115
    # Counted in the raw file (column "source").
    assert Counter(list_slug(e.extra["list"]) for e in entities.values()) == {
        "sdn": 28, "ssi": 26, "el": 22, "plc": 13, "dtc": 10, "dpl": 8, "uvl": 4, "isn": 3, "cap": 1}
    assert report.problems == []


def test_sample_tanker(shared_data):
    tanker = read(shared_data(SAMPLE))[0]["sdn-27304"]
    assert (tanker.id, tanker.type, tanker.caption) == ("us-csl-sdn-27304", EntityType.VESSEL, "ADRIAN DARYA 1")
    assert tanker.all_names(NameKind.ALIAS) == ["GRACE 1"]
    assert [(i.kind, i.value) for i in tanker.identifiers] == [(IdKind.IMO, "9116412")]
    assert [(c.code, c.role) for c in tanker.countries] == [("ir", CountryRole.FLAG)]
    assert tanker.vessel_type == "Crude Oil Tanker" and tanker.programs == ["SDGT"]
    assert tanker.extra["former_flags"] == ["Panama"]


def test_sample_gazprombank(shared_data):
    bank = read(shared_data(SAMPLE))[0]["ssi-17016"]
    assert bank.caption == "GAZPROMBANK OAO" and len(bank.all_names(NameKind.ALIAS)) == 6
    # No country in "ids": the addresses (all in Russia) say which numbers are Russian.
    assert {(i.kind, i.value) for i in bank.identifiers} == {
        (IdKind.OKPO, "09807684"), (IdKind.INN, "7744001497"), (IdKind.OGRN, "1027700167110"),
        (IdKind.EMAIL, "mailbox@gazprombank.ru"), (IdKind.WEBSITE, "www.gazprombank.ru"),
        (IdKind.SWIFT_BIC, "GAZPRUMM")}
    assert len(bank.addresses) == 2 and {a.country for a in bank.addresses} == {"ru"}
    assert bank.extra["other_information"] == [
        "Subject to Directive 1, Executive Order 13662 Directive Determination -"]


def test_sample_plc_member(shared_data):
    person = read(shared_data(SAMPLE))[0]["plc-9640"]
    assert person.caption == "ABU TEIR, Mohammed"
    assert person.all_names(NameKind.ALIAS) == ["ABU TAIR, Mohammed Mahmud", "ABOU TAYR, Mohammad Mahmoud"]
    assert [d.value for d in person.dates] == ["1951"]
    assert person.places_of_birth == ["Umm Tuba"]


def test_fixture():
    entities, report = read(FIXTURES / "csl_small.csv")
    person = entities["abc123"]  # the _id column wins
    assert person.id == "us-csl-abc123"
    assert {(i.kind, i.value, i.country) for i in person.identifiers} == {
        (IdKind.PASSPORT, "750000001", "ru"), (IdKind.INN, "771234567890", "ru")}
    assert person.gender == "male" and person.positions == ["Director"]
    assert sorted(d.value for d in person.dates) == ["1961-07-14", "1962"]
    assert {(c.code, c.role) for c in person.countries} >= {("ru", CountryRole.NATIONALITY),
                                                             ("ru", CountryRole.CITIZENSHIP)}
    ship = entities["def456"]
    assert {(i.kind, i.value) for i in ship.identifiers} == {
        (IdKind.IMO, "9000003"), (IdKind.MMSI, "273000001"), (IdKind.CALL_SIGN, "UBCD3")}
    assert ship.tonnage == "58000"
    kz = next(e for k, e in entities.items() if k.startswith("el-h"))
    assert (kz.type, kz.extra["type_guessed"]) == (EntityType.ORGANIZATION, True)
    assert [(i.kind, i.value) for i in kz.identifiers] == [(IdKind.BIN, "123456789012")]
    assert kz.listed_on == "2023-02-24" and kz.extra["federal_register_notice"] == "88 FR 12345"
    assert [(p.kind, p.line) for p in report.problems] == [("duplicate", 5), ("empty_name", 6)]
    assert len(entities) == 3


def test_ids_cell():
    items = parse_ids("RU, 1027739609391, Registration ID; Male, Gender; "
                      "Subject to Secondary Sanctions, Additional Sanctions Information -")
    assert [(t, v, c) for t, v, c, _ in items] == [
        ("registration id", "1027739609391", "ru"), ("gender", "Male", None),
        ("additional sanctions information -", "Subject to Secondary Sanctions", None)]


def test_organisation_founding_date_from_ids(tmp_path):
    path = tmp_path / "csl.csv"
    path.write_text("source,name,type,alt_names,ids\nCapta List (CAP) - Treasury Department,TEST BANK,Entity,,"
                    '"2003, Organization Established Date; TESTRUMM, SWIFT/BIC"\n', encoding="utf-8")
    entity = next(iter(read(path)[0].values()))
    assert [(d.kind, d.value) for d in entity.dates] == [(DateKind.INCORPORATION, "2003")]


def test_another_file_is_refused(shared_data):
    path = shared_data("sanctions/uk/ConList_fragment_c2020.csv")
    with pytest.raises(ListFormatError, match="missing column") as error:
        list(SOURCE.read(path, ImportReport(SOURCE.name, str(path))))
    assert "'source'" in str(error.value)
