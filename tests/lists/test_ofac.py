"""The OFAC SDN legacy CSV reader: hand-written fixtures, bad input, and the real lists.

The fixture set ``fixtures/ofac/sdn`` is invented data in OFAC's layout (CRLF, ``-0-``
nulls, Ctrl-Z last line). Entry 108's Remarks are cut at 1,000 characters inside a Tax
ID item and continued in ``sdn_comments.csv``; alt.csv and add.csv hold rows for
entries 997, 998 and 999, which have no sdn row.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.ofac import SOURCE
from kordon.lists.registry import get_source
from kordon.model import CountryRole, DateKind, Entity, EntityType, IdKind, NameKind, Relation, RelationKind

FIXTURES = Path(__file__).parent / "fixtures" / "ofac" / "sdn"


def sdn_row(num: int, name: str | None = None, sdn_type: str = "-0- ", remarks: str = "-0- ") -> str:
    """One sdn.csv row: 12 columns, nulls as OFAC writes them."""
    return f'{num},"{name or f"NAME {num}"}",{sdn_type},"CUBA"' + ",-0- " * 7 + f",{remarks}"


def read(path: Path, **options) -> tuple[dict[str, Entity], list[Relation], ImportReport]:
    report = ImportReport("ofac", str(path))
    items = list(SOURCE.read(path, report, **options))
    entities = {i.source_id: i for i in items if isinstance(i, Entity)}
    assert len(entities) == sum(isinstance(i, Entity) for i in items), "entity ids must be unique"
    return entities, [i for i in items if isinstance(i, Relation)], report


def warnings_of(report: ImportReport, kind: str) -> list[str]:
    return [str(p) for p in report.problems if p.kind == kind]


def legacy_file(path: Path, *rows: str, end: bytes = b"\x1a") -> Path:
    """A file in OFAC's legacy layout: CRLF lines, Ctrl-Z last line."""
    path.write_bytes("".join(row + "\r\n" for row in rows).encode() + end)
    return path


@pytest.fixture(scope="module")
def fixture_set():
    return read(FIXTURES)


# --- the hand-written set ---------------------------------------------------------------
def test_registry_and_download_addresses():
    assert get_source("ofac") is SOURCE
    assert SOURCE.reads_folder
    assert SOURCE.urls == {
        "sdn.csv": "https://www.treasury.gov/ofac/downloads/sdn.csv",
        "alt.csv": "https://www.treasury.gov/ofac/downloads/alt.csv",
        "add.csv": "https://www.treasury.gov/ofac/downloads/add.csv",
        "sdn_comments.csv": "https://www.treasury.gov/ofac/downloads/sdn_comments.csv",
    }


def test_fixture_entities_and_counts(fixture_set):
    entities, relations, report = fixture_set
    assert sorted(entities) == [str(n) for n in range(101, 110)]
    assert entities["101"].id == "ofac-101" and entities["101"].source == "ofac"
    types = {num: e.type for num, e in entities.items()}
    assert types == {
        "101": EntityType.PERSON, "102": EntityType.COMPANY, "103": EntityType.VESSEL,
        "104": EntityType.AIRCRAFT, "105": EntityType.ORGANIZATION, "106": EntityType.PERSON,
        "107": EntityType.COMPANY, "108": EntityType.COMPANY, "109": EntityType.COMPANY,
    }
    assert report.counts["person"] == 2 and report.counts["company"] == 4 and report.counts["relation"] == 2
    assert report.published is None  # no date in the folder or file name


def test_fixture_person(fixture_set):
    person = fixture_set[0]["101"]
    primary, aka, fka, weak = person.names
    assert (primary.value, primary.kind, primary.last_name, primary.first_name) == (
        "PETROV, Ivan Sergeevich", NameKind.PRIMARY, "PETROV", "Ivan Sergeevich")
    assert (aka.value, aka.kind, aka.last_name) == ("PETROV, Ivan", NameKind.ALIAS, "PETROV")
    assert (fka.value, fka.kind) == ("PETROFF, Ivan Sergeyevich", NameKind.FORMER)
    assert (weak.value, weak.kind) == ("VANYA", NameKind.WEAK)
    assert [d.value for d in person.dates] == ["1973-09-28", "1975"]
    assert person.places_of_birth == ["Vinnitsa, Ukraine"]
    assert person.gender == "male"
    assert {(c.code, c.role) for c in person.countries} == {
        ("ru", CountryRole.NATIONALITY), ("cy", CountryRole.CITIZENSHIP), ("ru", CountryRole.COUNTRY)}
    assert [(i.kind, i.value, i.country) for i in person.identifiers] == [
        (IdKind.PASSPORT, "751234567", "ru"), (IdKind.INN, "770100123480", "ru")]
    assert person.identifiers[0].note == "Passport; issued 10 Jan 2015 expires 10 Jan 2025"
    assert person.positions == ["Director General"]
    assert person.programs == ["RUSSIA-EO14024"]
    assert person.remarks.startswith("DOB 28 Sep 1973; alt. DOB 1975;")
    assert "remarks_unparsed" not in person.extra  # the repeated title is recognised
    assert [(a.city, a.country, a.full) for a in person.addresses] == [("Moscow", "ru", "Moscow, Russia")]


def test_fixture_company(fixture_set):
    company = fixture_set[0]["102"]
    assert company.programs == ["RUSSIA-EO14024", "UKRAINE-EO13662"]
    assert [(n.value, n.kind) for n in company.names[1:]] == [
        ("KORDON TEST TRADE LLC", NameKind.ALIAS), ("KORDON NEW TRADE LLC", NameKind.ALIAS)]  # nka -> alias
    assert [(i.kind, i.value) for i in company.identifiers] == [
        (IdKind.INN, "7701001238"), (IdKind.OGRN, "1027700123450"), (IdKind.OKPO, "00123456"),
        (IdKind.WEBSITE, "www.kordon-test.example"), (IdKind.EMAIL, "info@kordon-test.example"),
        (IdKind.PHONE, "74951234567"),
    ]
    assert company.urls == ["www.kordon-test.example"]
    assert [(d.kind, d.value) for d in company.dates] == [(DateKind.INCORPORATION, "2003-03-12")]
    assert company.extra["organization_type"] == ["Wholesale trade"]
    assert company.extra["sanctions_info"] == ["Secondary sanctions risk: see Section 11 of Executive Order 14024"]
    street_address, dubai = company.addresses
    assert (street_address.street, street_address.city, street_address.country) == (
        "ul. Testovaya 1", "Moscow 123456", "ru")
    assert (dubai.full, dubai.country) == ("Office 5, Test Tower, Dubai, United Arab Emirates", "ae")


def test_fixture_vessel(fixture_set):
    vessel = fixture_set[0]["103"]
    assert [(n.value, n.kind) for n in vessel.names] == [
        ("KORDON STAR", NameKind.PRIMARY), ("OLD STAR", NameKind.FORMER), ("STAR ONE", NameKind.WEAK)]
    assert [(i.kind, i.value) for i in vessel.identifiers] == [
        (IdKind.CALL_SIGN, "UBCD7"), (IdKind.IMO, "9123453"), (IdKind.MMSI, "248123000")]
    assert (vessel.vessel_type, vessel.tonnage) == ("Crude Oil Tanker", "105,000")
    assert [(c.code, c.role) for c in vessel.countries] == [("mt", CountryRole.FLAG)]
    assert vessel.extra["gross_registered_tonnage"] == "56,000"
    assert vessel.extra["vessel_owner"] == "Kordon Shipping Ltd"
    assert vessel.extra["former_flags"] == ["Panama"]
    assert vessel.addresses == []  # its add.csv row is all nulls


def test_fixture_aircraft(fixture_set):
    aircraft = fixture_set[0]["104"]
    assert [(i.kind, i.value) for i in aircraft.identifiers] == [
        (IdKind.AIRCRAFT_TAIL, "EP-KRD"), (IdKind.AIRCRAFT_SERIAL, "712")]
    assert [(d.kind, d.value) for d in aircraft.dates] == [(DateKind.INCORPORATION, "1998")]
    assert aircraft.extra["aircraft_model"] == ["Airbus A300B4-605R"]
    assert aircraft.extra["linked_to"] == ["KORDON AIR"]  # not listed: kept, no relation


def test_fixture_organisation_person_with_ranges_and_kazakh_company(fixture_set):
    entities = fixture_set[0]
    ministry = entities["105"]
    assert ministry.type == EntityType.ORGANIZATION
    assert [(a.full, a.country) for a in ministry.addresses] == [("Region: Crimea", "ua-cri")]
    person = entities["106"]
    circa, years, month = person.dates
    assert (circa.value, circa.approximate) == ("1960", True)
    assert (years.start, years.end) == ("1962", "1964")
    assert month.value == "1961-03"
    assert [(i.kind, i.note) for i in person.identifiers] == [
        (IdKind.NATIONAL_ID, "National ID No.; issued 2010"), (IdKind.CRYPTO_WALLET, "XBT")]
    assert person.extra["remarks_unparsed"] == ["Wanted for questioning"]
    assert [(i.kind, i.value, i.country) for i in entities["107"].identifiers] == [
        (IdKind.BIN, "110140012345", "kz")]
    assert entities["109"].remarks is None and entities["109"].identifiers == []


def test_remarks_continue_in_the_comments_file(fixture_set):
    overflowing = fixture_set[0]["108"]
    assert overflowing.remarks.endswith("; Tax ID No. 7701001238 (Russia); a.k.a. 'OVERFLOW NAME'.")
    assert (IdKind.INN, "7701001238") in [(i.kind, i.value) for i in overflowing.identifiers]
    assert ("OVERFLOW NAME", NameKind.WEAK) in [(n.value, n.kind) for n in overflowing.names]


def test_linked_to_becomes_a_relation(fixture_set):
    relations = fixture_set[1]
    assert [(r.subject_id, r.object_id, r.kind, r.role) for r in relations] == [
        ("ofac-101", "ofac-102", RelationKind.ASSOCIATE, "Linked To"),
        ("ofac-103", "ofac-102", RelationKind.ASSOCIATE, "Linked To"),
    ]


def test_orphan_rows_are_reported_per_entry(fixture_set):
    report = fixture_set[2]
    assert warnings_of(report, "orphan_alias") == [
        f"{FIXTURES / 'alt.csv'}, line 6, field 'ent_num': 1 alias row(s) for entry 999, which has no row in sdn.csv"]
    orphan_addresses = warnings_of(report, "orphan_address")
    assert len(orphan_addresses) == 2
    assert "entry 997" in orphan_addresses[0] and "line 7" in orphan_addresses[0]
    assert "entry 998" in orphan_addresses[1] and "line 6" in orphan_addresses[1]
    assert report.counts["remarks_unparsed"] == 1


# --- file options ------------------------------------------------------------------------
def test_sdn_file_alone_warns_about_missing_side_files(tmp_path):
    sdn = shutil.copy(FIXTURES / "sdn.csv", tmp_path / "sdn_2024-05-03.csv")
    entities, _, report = read(Path(sdn))
    assert len(entities) == 9
    assert report.published == "2024-05-03"
    missing = warnings_of(report, "missing_file")
    assert [m.split(":")[0] for m in missing] == [
        str(tmp_path / "alt.csv"), str(tmp_path / "add.csv"), str(tmp_path / "sdn_comments.csv")]
    assert entities["101"].addresses == []
    assert warnings_of(report, "remarks_cut")  # entry 108 without its continuation


def test_options_combine_files_from_different_folders(tmp_path):
    sdn = shutil.copy(FIXTURES / "sdn.csv", tmp_path / "sdn.csv")
    entities, _, report = read(Path(sdn), alt=FIXTURES / "alt.csv", comments=str(FIXTURES / "sdn_comments.csv"),
                               published="2025-01-06")
    assert report.published == "2025-01-06"
    assert [m.split(":")[0] for m in warnings_of(report, "missing_file")] == [str(tmp_path / "add.csv")]
    assert entities["101"].all_names(NameKind.ALIAS) == ["PETROV, Ivan"]
    assert "OVERFLOW NAME" in entities["108"].all_names()


def test_unknown_option_is_refused():
    with pytest.raises(TypeError, match="prim"):
        read(FIXTURES, prim="x.csv")


def test_missing_primary_file(tmp_path):
    with pytest.raises(ListFormatError, match="sdn.csv is missing"):
        read(tmp_path)


def test_comments_from_another_version_are_kept_apart(tmp_path):
    legacy_file(tmp_path / "sdn.csv", sdn_row(1, remarks='"DOB 1960."'))
    legacy_file(tmp_path / "sdn_comments.csv", '1,"0 (Russia)."')
    entities, _, report = read(tmp_path)
    assert entities["1"].remarks == "DOB 1960."
    assert entities["1"].extra["remarks_overflow"] == "0 (Russia)."
    (warning,) = warnings_of(report, "comment_mismatch")
    assert "sdn_comments.csv, line 1" in warning


# --- bad input ----------------------------------------------------------------------------
def test_un_xml_given_as_sdn_csv(tmp_path):
    xml = tmp_path / "sdn.csv"
    xml.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST dateGenerated="2026-02-27">\n')
    with pytest.raises(ListFormatError) as error:
        read(tmp_path)
    assert error.value.path == str(xml) and error.value.line == 1
    assert "not OFAC's legacy CSV" in str(error.value)


def test_cut_off_row_names_its_line(tmp_path):
    legacy_file(tmp_path / "sdn.csv", sdn_row(1), '2,"NAME 2",-0- ,"CUBA"', sdn_row(3))
    with pytest.raises(ListFormatError) as error:
        read(tmp_path)
    assert (error.value.path, error.value.line) == (str(tmp_path / "sdn.csv"), 2)
    assert "expected 12 columns" in str(error.value) and "found 4" in str(error.value)


def test_cut_off_side_file_row_names_its_file_and_line(tmp_path):
    legacy_file(tmp_path / "sdn.csv", sdn_row(1))
    legacy_file(tmp_path / "alt.csv", '1,10,"aka","ALIAS ONE",-0- ', '1,11,"aka"')
    with pytest.raises(ListFormatError) as error:
        read(tmp_path)
    assert (error.value.path, error.value.line) == (str(tmp_path / "alt.csv"), 2)


def test_invalid_utf8_names_line_and_byte(tmp_path):
    path = tmp_path / "sdn.csv"
    path.write_bytes(sdn_row(1).encode() + b"\r\n" + sdn_row(2, "CAFE").encode().replace(b"CAFE", b"CAF\xe9"))
    with pytest.raises(ListFormatError) as error:
        read(tmp_path)
    assert error.value.line == 2
    assert "not UTF-8: byte 0xe9" in str(error.value)


def test_empty_file(tmp_path):
    (tmp_path / "sdn.csv").write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty"):
        read(tmp_path)


def test_file_with_only_the_end_marker_has_no_entries(tmp_path):
    legacy_file(tmp_path / "sdn.csv")
    with pytest.raises(ListFormatError, match="no entries"):
        read(tmp_path)


def test_header_row_is_refused(tmp_path):
    legacy_file(tmp_path / "sdn.csv", "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,"
                                      "Vess_flag,Vess_owner,Remarks", sdn_row(1))
    with pytest.raises(ListFormatError) as error:
        read(tmp_path)
    assert (error.value.line, error.value.field) == (1, "ent_num")


def test_nul_byte_is_refused(tmp_path):
    legacy_file(tmp_path / "sdn.csv", sdn_row(1, "NA\0ME"))
    with pytest.raises(ListFormatError, match="line 1"):
        read(tmp_path)


def test_end_marker_at_the_end_is_silent_and_optional(tmp_path):
    legacy_file(tmp_path / "sdn.csv", sdn_row(1), sdn_row(2))
    entities, _, report = read(tmp_path)
    assert sorted(entities) == ["1", "2"]
    assert warnings_of(report, "eof_marker_inside") == []
    legacy_file(tmp_path / "sdn.csv", sdn_row(1), sdn_row(2), end=b"")
    assert sorted(read(tmp_path)[0]) == ["1", "2"]
    # Ctrl-Z glued to the last row, without a line end.
    (tmp_path / "sdn.csv").write_bytes(sdn_row(1).encode() + b"\x1a")
    assert sorted(read(tmp_path)[0]) == ["1"]


def test_end_marker_in_the_middle_is_reported_and_the_rest_read(tmp_path):
    path = tmp_path / "sdn.csv"
    path.write_bytes(
        (sdn_row(1) + "\r\n\x1a\r\n" + sdn_row(2) + "\r\n").encode() + b"\x1a"
    )
    entities, _, report = read(tmp_path)
    assert sorted(entities) == ["1", "2"]
    (warning,) = warnings_of(report, "eof_marker_inside")
    assert "line 3" in warning and "marker on line 2" in warning


def test_one_megabyte_remarks_field_is_refused_with_its_line(tmp_path):
    huge = "Website www.x.example; " * 50_000
    assert len(huge) > 1_000_000
    legacy_file(tmp_path / "sdn.csv", sdn_row(1), sdn_row(2, remarks=f'"{huge}"'))
    with pytest.raises(ListFormatError) as error:
        read(tmp_path)
    assert error.value.line == 2
    assert "field larger than field limit" in str(error.value)


def test_duplicate_entry_unknown_type_and_unknown_alias_type_are_warnings(tmp_path):
    legacy_file(
        tmp_path / "sdn.csv",
        sdn_row(1),
        sdn_row(1, "OTHER NAME"),
        sdn_row(2, sdn_type='"spaceship"'),
    )
    legacy_file(tmp_path / "alt.csv", '1,10,"xka","ALIAS ONE",-0- ')
    entities, _, report = read(tmp_path)
    assert entities["1"].caption == "NAME 1"
    assert entities["1"].all_names(NameKind.ALIAS) == ["ALIAS ONE"]
    assert entities["2"].type == EntityType.COMPANY
    assert report.problem_summary() == {
        "missing_file": 2, "duplicate_entry": 1, "unknown_type": 1, "unknown_alias_type": 1}


# --- the real SDN list (../shared/data) ------------------------------------------------------
def raw_entry_numbers(path: Path) -> set[str]:
    """Entry numbers of a legacy file, read with nothing but the csv module."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {row[0] for row in csv.reader(fh) if len(row) > 1}


@lru_cache(maxsize=None)
def read_cached(path: Path, **options) -> tuple[dict[str, Entity], list[Relation], ImportReport]:
    return read(path, **options)


@pytest.fixture
def sdn_2024(shared_data):
    """sdn.csv of 2024-05-03 with the alt, add and comments files of 2025-01."""
    side = shared_data("sanctions/ofac/2025-01")
    sdn = shared_data("sanctions/ofac/sdn_2024-05-03.csv")
    return read_cached(sdn, alt=side / "alt.csv", add=side / "add.csv", comments=side / "sdn_comments.csv")


def test_real_sdn_counts(sdn_2024):
    entities, relations, report = sdn_2024
    assert len(entities) == 14_965
    types = Counter(e.type for e in entities.values())
    assert types[EntityType.PERSON] == 6_854
    assert types[EntityType.COMPANY] + types[EntityType.ORGANIZATION] == 6_884  # OFAC's "entity"
    assert types[EntityType.VESSEL] == 851
    assert types[EntityType.AIRCRAFT] == 376
    assert report.published == "2024-05-03"
    # 4,440 rows mention RUSSIA-EO14024 in the Program column; one of them is BPI-RUSSIA-EO14024
    # (blocking pending investigation, entry 44805), the other 4,439 carry the program itself.
    assert sum("RUSSIA-EO14024" in e.programs for e in entities.values()) == 4_439
    assert entities["44805"].programs == ["BPI-RUSSIA-EO14024"]
    assert sum(any("RUSSIA-EO14024" in p for p in e.programs) for e in entities.values()) == 4_440
    assert len(relations) == report.counts["relation"] > 6_000


def test_real_sdn_orphans_match_the_raw_files(sdn_2024, shared_data):
    report = sdn_2024[2]
    side = shared_data("sanctions/ofac/2025-01")
    listed = raw_entry_numbers(shared_data("sanctions/ofac/sdn_2024-05-03.csv"))
    for file_name, kind, expected in [
        ("alt.csv", "orphan_alias", 945),
        ("add.csv", "orphan_address", 2_111),
        ("sdn_comments.csv", "orphan_comment", 2),
    ]:
        orphans = raw_entry_numbers(side / file_name) - listed - {"\x1a"}
        assert len(orphans) == expected
        reported = {p.message.split("entry ")[1].split(",")[0] for p in report.problems if p.kind == kind}
        assert reported == orphans
    # Entry 34682's Remarks of May 2024 end before 1,000 characters: the 2025 continuation does not fit.
    assert [p.message.split("entry ")[1].split(",")[0] for p in report.problems if p.kind == "comment_mismatch"] == [
        "34682"]


def test_real_individual_with_birth_data_passport_and_inn(sdn_2024):
    entities, relations, _ = sdn_2024
    person = entities["21164"]  # KOVALCHUK, Kirill Mikhailovich
    assert (person.names[0].last_name, person.names[0].first_name) == ("KOVALCHUK", "Kirill Mikhailovich")
    assert person.all_names(NameKind.ALIAS) == ["KOVALCHUK, Kyrylo Mykhaylovych", "KOVALCHUK, Kyrylo Mykhailovych"]
    assert [d.value for d in person.dates] == ["1968-12-22"]
    assert person.places_of_birth == ["Moscow, Russia", "St. Petersburg, Russia"]
    assert person.gender == "male"
    assert ("ru", CountryRole.NATIONALITY) in [(c.code, c.role) for c in person.countries]
    assert [(i.kind, i.value, i.country) for i in person.identifiers] == [
        (IdKind.PASSPORT, "643267034", "ru"), (IdKind.INN, "773600308808", "ru")]
    assert person.programs == ["UKRAINE-EO13661", "RUSSIA-EO14024"]
    assert ("ofac-21164", "ofac-20283") in [(r.subject_id, r.object_id) for r in relations]  # AO ABR MANAGEMENT


def test_real_russian_bank_with_inn_ogrn_okpo(sdn_2024):
    bank = sdn_2024[0]["16829"]  # SMP BANK
    assert bank.type == EntityType.COMPANY
    assert [(i.kind, i.value) for i in bank.identifiers] == [
        (IdKind.SWIFT_BIC, "SMBKRUMM"), (IdKind.WEBSITE, "www.smpbank.ru"), (IdKind.INN, "7750005482"),
        (IdKind.OKPO, "56657657"), (IdKind.OGRN, "1097711000078")]
    assert bank.extra["target_type"] == ["Financial Institution"]
    assert len(bank.all_names(NameKind.ALIAS)) == 4
    (address,) = bank.addresses
    assert (address.street, address.city, address.country) == (
        "d. 71 k. 11, ul. Sadovnicheskaya Street", "Moscow 115035", "ru")


def test_real_bank_remarks_continued_in_comments(sdn_2024):
    sberbank = sdn_2024[0]["17018"]
    assert len(sberbank.remarks) > 1_000
    assert (IdKind.INN, "7707083893") in [(i.kind, i.value) for i in sberbank.identifiers]
    assert (IdKind.OGRN, "1027700132195") in [(i.kind, i.value) for i in sberbank.identifiers]
    assert sberbank.all_names(NameKind.WEAK) == ["SBERBANK INDIA", "SBERBANK MUMBAI"]


def test_real_vessel(sdn_2024):
    entities, relations, _ = sdn_2024
    vessel = entities["15036"]  # ARTAVIL
    assert [(i.kind, i.value) for i in vessel.identifiers] == [
        (IdKind.CALL_SIGN, "T2EU4"), (IdKind.IMO, "9187629"), (IdKind.MMSI, "572469210")]
    assert (vessel.vessel_type, vessel.tonnage, vessel.extra["gross_registered_tonnage"]) == (
        "Crude/Oil Products Tanker", "99,144", "56,068")
    assert [(c.code, c.role) for c in vessel.countries] == [("ir", CountryRole.FLAG)]
    assert vessel.extra["former_flags"] == ["Malta", "Tuvalu", "None Identified", "Tanzania"]
    assert [(n.value, n.kind) for n in vessel.names[1:]] == [
        ("ABADAN", NameKind.FORMER), ("SHONA", NameKind.FORMER), ("ALPHA", NameKind.WEAK)]
    assert ("ofac-15036", "ofac-15117") in [(r.subject_id, r.object_id) for r in relations]  # NITC


def test_real_aircraft(sdn_2024):
    entities, relations, _ = sdn_2024
    aircraft = entities["18150"]  # MSN 391
    assert [(i.kind, i.value) for i in aircraft.identifiers] == [
        (IdKind.AIRCRAFT_SERIAL, "391"), (IdKind.AIRCRAFT_TAIL, "EP-MMH")]
    assert aircraft.extra["aircraft_model"] == ["Airbus A340-642"]
    assert [d.value for d in aircraft.dates] == ["2002"]
    assert ("ofac-18150", "ofac-12927") in [(r.subject_id, r.object_id) for r in relations]  # MAHAN AIR
    tail_named = entities["15431"]  # listed as "EP-GOM"
    assert (IdKind.AIRCRAFT_TAIL, "EP-GOM") in [(i.kind, i.value) for i in tail_named.identifiers]


def test_real_weak_aliases_and_several_birth_dates(sdn_2024):
    person = sdn_2024[0]["6367"]  # AL-MASRI, Abu Hafs
    assert person.all_names(NameKind.WEAK) == ["TAYSIR", "ABU HAFS"]
    assert len(person.all_names(NameKind.ALIAS)) == 6
    assert [d.value for d in person.dates] == ["1951", "1956", "1944"]
    assert person.places_of_birth == ["Alexandria, Egypt"]


def test_real_circa_and_ranges(sdn_2024):
    entities = sdn_2024[0]
    (circa,) = entities["7782"].dates  # SAHINPASIC, Senad: DOB circa 1951
    assert (circa.value, circa.approximate, circa.years) == ("1951", True, (1950, 1952))
    naqdi = entities["12057"]  # DOB 1951 to 1953; alt. DOB 1960 to 1962; alt. DOB Apr 1961; alt. DOB 1953
    assert [(d.start, d.end, d.value) for d in naqdi.dates] == [
        ("1951", "1953", None), ("1960", "1962", None), (None, None, "1961-04"), (None, None, "1953")]
    assert naqdi.places_of_birth == ["Najaf, Iraq", "Tehran, Iran"]
    assert len(naqdi.positions) == 3  # Title column; Remarks repeats the three titles
    assert naqdi.extra["remarks_unparsed"] == ["Head of the Basij"]


def test_real_linked_to_and_kazakh_bin(sdn_2024):
    entities, relations, _ = sdn_2024
    nasrallah = entities["2686"]
    assert [d.value for d in nasrallah.dates] == ["1960-08-31", "1953-08-31", "1955-08-31", "1958-08-31"]
    assert (IdKind.PASSPORT, "042833", "lb") in [(i.kind, i.value, i.country) for i in nasrallah.identifiers]
    links = {(r.subject_id, r.object_id) for r in relations}
    assert ("ofac-2686", "ofac-4697") in links  # HIZBALLAH
    kz = entities["36427"]
    assert [(i.kind, i.value, i.country) for i in kz.identifiers] == [(IdKind.BIN, "110140012405", "kz")]
    assert ("ofac-36427", "ofac-17018") in links  # Sberbank


def test_real_2021_set(shared_data):
    entities, relations, report = read_cached(shared_data("sanctions/ofac/2021-07"))
    assert len(entities) == 8_976
    types = Counter(e.type for e in entities.values())
    assert (types[EntityType.PERSON], types[EntityType.VESSEL], types[EntityType.AIRCRAFT]) == (4_620, 406, 277)
    assert set(report.problem_summary()) == {"remarks_unparsed"}  # a consistent set: no orphans
    hacker = entities["28264"]  # LI, Jiadong: Remarks continue in sdn_comments.csv
    assert hacker.all_names(NameKind.WEAK)[-2:] == ["blackjack1987", "khaleesi"]
    assert ("ofac-28264", "ofac-27307") in [(r.subject_id, r.object_id) for r in relations]  # LAZARUS GROUP
