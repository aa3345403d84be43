"""The uk-fcdo source: the FCDO's UK Sanctions List, XML and CSV (hand-written fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.uk_fcdo import SOURCE
from kordon.model import CountryRole, DateKind, EntityType, IdKind, NameKind

FIXTURES = Path(__file__).parent / "fixtures" / "uk"


def read(path: Path):
    report = ImportReport(SOURCE.name, str(path))
    return {e.source_id: e for e in SOURCE.read(path, report)}, report


@pytest.fixture(params=["uk_sanctions_list.xml", "uk_sanctions_list.csv"])
def designations(request):
    """The same three designations, from the XML and from the CSV export."""
    return read(FIXTURES / request.param)


def test_three_designations_and_the_publication_date(designations):
    entities, report = designations
    assert {k: e.type for k, e in entities.items()} == {
        "RUS9001": EntityType.PERSON, "RUS9002": EntityType.ORGANIZATION, "RUS9003": EntityType.VESSEL}
    assert all(e.id == f"uk-fcdo-{k}" for k, e in entities.items())
    assert report.published == "2026-08-20"
    assert report.problems == []


def test_individual(designations):
    person = designations[0]["RUS9001"]
    names = {n.value: n for n in person.names}
    assert person.caption == "Ivan Petrovich TESTOV"
    assert (names["Ivan Petrovich TESTOV"].first_name, names["Ivan Petrovich TESTOV"].last_name) == ("Ivan", "TESTOV")
    assert names["Iwan TESTOFF"].kind == NameKind.WEAK  # "Low quality a.k.a"
    assert names["Ivan TESTOV-KOVALSKY"].kind == NameKind.ALIAS  # "Primary Name Variation"
    assert (names["Иван Петрович ТЕСТОВ"].kind, names["Иван Петрович ТЕСТОВ"].lang) == (NameKind.ORIGINAL_SCRIPT, "ru")
    assert sorted(d.value for d in person.dates) == ["1961", "1962-07-14"]  # "dd/mm/1961" is a year
    assert {(i.kind, i.value, i.note) for i in person.identifiers} == {
        (IdKind.PASSPORT, "750000001", "Russian passport, issued 2015"),
        (IdKind.NATIONAL_ID, "771234567890", "Russian tax number (INN)")}
    assert person.gender == "male"
    assert person.places_of_birth == ["Tula, Russia"]
    assert {(c.code, c.role) for c in person.countries} == {("ru", CountryRole.NATIONALITY),
                                                             ("ru", CountryRole.COUNTRY)}
    assert [(a.full, a.postal_code, a.country) for a in person.addresses] == [
        ("12 Testovaya Street, Moscow, 101000", "101000", "ru")]
    assert person.programs == ["The Russia (Sanctions) (EU Exit) Regulations 2019"]
    assert person.listed_on == "2022-03-24"
    assert person.positions == ["Director of Test Works"]
    assert person.extra["ofsi_group_id"] == "99001"
    assert person.extra["sanctions_imposed"] == ["Asset freeze", "Travel Ban"]


def test_entity_and_ship(designations):
    entities = designations[0]
    company = entities["RUS9002"]
    assert [(n.value, n.kind) for n in company.names] == [("JOINT STOCK COMPANY TEST WORKS", NameKind.PRIMARY),
                                                          ("AO TESTOVY ZAVOD", NameKind.ALIAS)]
    assert {(i.kind, i.value) for i in company.identifiers} == {
        (IdKind.REGISTRATION, "1021600000001"), (IdKind.PHONE, "+7 843 000 00 00"),
        (IdKind.WEBSITE, "www.test-works.example")}
    assert company.extra["parent_companies"] == ["TEST HOLDING"]
    ship = entities["RUS9003"]
    assert [(i.kind, i.value) for i in ship.identifiers] == [(IdKind.IMO, "9000003")]
    assert [(c.code, c.role) for c in ship.countries] == [("ga", CountryRole.FLAG)]
    assert (ship.vessel_type, ship.tonnage) == ("Crude Oil Tanker", "58000")
    assert [(d.kind, d.value) for d in ship.dates] == [(DateKind.INCORPORATION, "2004")]
    assert ship.extra["owner_operators"] == ["TEST SHIPPING LTD"]


def test_xml_and_csv_give_the_same_entities():
    xml = read(FIXTURES / "uk_sanctions_list.xml")[0]
    csv = read(FIXTURES / "uk_sanctions_list.csv")[0]
    for key in xml:
        a, b = xml[key].to_dict(), csv[key].to_dict()
        a["names"].sort(key=str), b["names"].sort(key=str)
        a["extra"].pop("statement_of_reasons", None)  # the CSV fixture leaves that column empty
        assert a == b


def test_doctype_with_entities_is_refused():
    path = FIXTURES / "uk_fcdo_entities.xml"
    with pytest.raises(ListFormatError, match="declares entities"):
        list(SOURCE.read(path, ImportReport(SOURCE.name, str(path))))


def test_truncated_xml_names_the_line(tmp_path):
    text = (FIXTURES / "uk_sanctions_list.xml").read_text(encoding="utf-8")
    path = tmp_path / "cut.xml"
    path.write_text(text[: text.index("<Designation>", 2000) + 60], encoding="utf-8")
    report = ImportReport(SOURCE.name, str(path))
    with pytest.raises(ListFormatError, match="malformed XML") as error:
        list(SOURCE.read(path, report))
    assert error.value.line is not None and error.value.line > 1


def test_another_xml_list_is_refused(tmp_path):
    path = tmp_path / "un.xml"
    path.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>', encoding="utf-8")
    with pytest.raises(ListFormatError, match="expected <Designations>"):
        list(SOURCE.read(path, ImportReport(SOURCE.name, str(path))))


def test_designation_problems_are_reported(tmp_path):
    path = tmp_path / "list.xml"
    path.write_text("""<Designations>
  <Designation><Names><Name><Name6>NO ID</Name6><NameType>Primary Name</NameType></Name></Names></Designation>
  <Designation><UniqueID>X2</UniqueID><IndividualEntityShip>Individual</IndividualEntityShip>
    <Names><Name><Name6>ODD</Name6><NameType>Nickname</NameType></Name></Names>
    <IndividualDetails><Individual><DOBs><DOB>sometime</DOB></DOBs></Individual></IndividualDetails>
  </Designation>
  <Designation><UniqueID>X3</UniqueID><IndividualEntityShip>Entity</IndividualEntityShip></Designation>
</Designations>""", encoding="utf-8")
    entities, report = read(path)
    assert list(entities) == ["X2"]
    assert entities["X2"].caption == "ODD"
    assert [(p.kind, p.line) for p in report.problems] == [
        ("no_id", 2), ("unknown_name_type", 4), ("bad_date", 3), ("empty_name", 7)]
