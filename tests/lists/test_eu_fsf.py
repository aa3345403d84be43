"""EU Financial Sanctions Files XML parser (kordon.lists.eu_fsf), on hand-written fixtures.

No copy of the real FSF file ships with the project data (see ../shared/data/MANIFEST.md);
the fixture follows the published export format.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.eu_fsf import SOURCE, fsf_birth_date, identifier_kind_from_label
from kordon.lists.registry import get_source
from kordon.model import CountryRole, DateKind, EntityDate, EntityType, IdKind, NameKind

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "eu_fsf" / "fsf_sample.xml"


def read(path: Path = SAMPLE) -> tuple[dict, ImportReport]:
    report = ImportReport(source="eu", path=str(path))
    return {e.source_id: e for e in SOURCE.read(path, report)}, report


def birth(value=None, start=None, end=None, approximate=False) -> EntityDate:
    return EntityDate(kind=DateKind.BIRTH, value=value, start=start, end=end, approximate=approximate)


def test_registered_under_eu():
    source = get_source("eu")
    assert source is SOURCE
    assert "token=" in next(iter(source.urls.values()))


def test_person_names_in_several_languages():
    entities, report = read()
    assert report.published == "2026-03-10"
    person = entities["9001"]
    assert person.id == "eu-9001" and person.type == EntityType.PERSON
    assert [(n.value, n.kind, n.lang, n.script) for n in person.names] == [
        ("Pyotr Ivanovich KUZNETSOV", NameKind.PRIMARY, None, None),
        ("Пётр Иванович КУЗНЕЦОВ", NameKind.ALIAS, "ru", "Cyrl"),
        ("Pjotr Iwanowitsch KUSNEZOW", NameKind.ALIAS, "de", None),
        ("Petya", NameKind.WEAK, None, None),  # strong="false"
        ("P. Kuznetsoff", NameKind.WEAK, None, None),  # remark "low quality alias"
    ]
    assert (person.names[1].first_name, person.names[1].last_name) == ("Пётр", "КУЗНЕЦОВ")
    assert person.gender == "male"
    assert person.positions == ["Deputy Minister of Transport"]
    assert person.extra["eu_reference"] == "EU.9001.11"


def test_person_dates_places_and_countries():
    person = read()[0]["9001"]
    assert person.dates == [
        birth("1961-07-14"),
        birth(start="1958", end="1960", approximate=True),  # circa with yearRangeFrom/To
        birth("1963-08"),  # year and monthOfYear only
    ]  # the SOLAR_HIJRI year 1340 is skipped with a warning
    assert person.places_of_birth == ["Sverdlovsk (now Yekaterinburg), Russian Federation"]
    assert [(c.code, c.role) for c in person.countries] == [
        ("ru", CountryRole.CITIZENSHIP), ("ru", CountryRole.RESIDENCE)]
    assert person.addresses[0].street == "Tverskaya 1" and person.addresses[0].remarks == "as at listing time"
    # Earliest regulation date: the 2022 act is an amendment of the 2014 listing.
    assert person.listed_on == "2014-03-17"
    assert person.programs == ["UKR"] and len(person.urls) == 2


def test_person_identifications():
    person = read()[0]["9001"]
    assert [(i.kind, i.value, i.country) for i in person.identifiers] == [
        (IdKind.PASSPORT, "75 1234567", "ru"), (IdKind.REGISTRATION, "1026600000000", "ru")]
    assert "knownExpired" in person.identifiers[0].note and "issuedBy FMS 66001" in person.identifiers[0].note


def test_enterprise_with_russian_codes_and_contacts():
    company = read()[0]["9002"]
    assert company.type == EntityType.ORGANIZATION
    assert company.caption == "Limited Liability Company Polar Star"  # the English strong name
    assert company.listed_on == "2024-02-23"
    ids = [(i.kind, i.value) for i in company.identifiers]
    assert ids == [
        (IdKind.INN, "7701234567"),  # "other" number whose remark names the INN
        (IdKind.OGRN, "1027700000001"),  # "regnumber" remarked OGRN
        (IdKind.OTHER, "770101001"),  # unknown type code, warned
        (IdKind.PHONE, "+7 812 000 00 00"),
        (IdKind.EMAIL, "info@polar-star.example"),
        (IdKind.EMAIL, "sales@polar-star.example"),
        (IdKind.WEBSITE, "https://polar-star.example"),
    ]
    assert [a.country for a in company.addresses] == ["ru", "kz"]
    assert [(c.code, c.role) for c in company.countries] == [("ru", CountryRole.COUNTRY), ("kz", CountryRole.COUNTRY)]
    assert company.extra["functions"] == ["Supplier of electronic components"]


def test_enterprise_with_imo_number_is_a_vessel():
    vessel = read()[0]["9003"]
    assert vessel.type == EntityType.VESSEL
    assert [(i.kind, i.value, i.country) for i in vessel.identifiers] == [(IdKind.IMO, "9000001", None)]
    assert vessel.extra["un_reference"] == "LYe.999"
    assert vessel.addresses == []  # an address of "UNKNOWN" country and nothing else


def test_row_problems_are_counted_with_lines():
    entities, report = read()
    assert set(entities) == {"9001", "9002", "9003"}
    assert report.counts == {"person": 1, "organization": 1, "vessel": 1}
    assert report.problem_summary() == {
        "bad_date": 1, "document_without_number": 1, "unknown_identification_type": 1,
        "unknown_value": 2, "duplicate_id": 1, "missing_name": 1,
    }
    duplicate = next(p for p in report.problems if p.kind == "duplicate_id")
    assert (duplicate.line, duplicate.field) == (66, "logicalId")


def test_un_file_given_to_eu_parser_is_refused():
    with pytest.raises(ListFormatError, match=r"root element is <CONSOLIDATED_LIST>, expected <export>"):
        list(SOURCE.read(FIXTURES / "un" / "consolidated_sample.xml", ImportReport("eu", "x")))


def test_foreign_namespace_is_refused(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?><export xmlns="urn:something-else"><sanctionEntity/></export>')
    with pytest.raises(ListFormatError, match="root namespace"):
        list(SOURCE.read(path, ImportReport("eu", str(path))))


def test_file_without_namespace_is_read(tmp_path):
    path = tmp_path / "plain.xml"
    path.write_text('<export generationDate="2025-01-02T10:00:00"><sanctionEntity logicalId="1">'
                    '<subjectType code="person"/><nameAlias wholeName="Ann Example" strong="true"/>'
                    "</sanctionEntity></export>")
    report = ImportReport("eu", str(path))
    assert [e.caption for e in SOURCE.read(path, report)] == ["Ann Example"]
    assert report.published == "2025-01-02"


def test_identifier_labels():
    assert identifier_kind_from_label("Tax ID/INN") == IdKind.INN
    assert identifier_kind_from_label("OGRN") == IdKind.OGRN
    assert identifier_kind_from_label("OGRNIP") == IdKind.OGRN
    assert identifier_kind_from_label("BIN") == IdKind.BIN
    assert identifier_kind_from_label("USCC") == IdKind.REGISTRATION
    assert identifier_kind_from_label("Tax Identification Number") == IdKind.TAX_ID
    assert identifier_kind_from_label("Russia") is None and identifier_kind_from_label(None) is None
    assert identifier_kind_from_label("TRAINING") is None  # "IN" inside a word is not a label


@given(st.integers(1000, 2100), st.integers(1, 12), st.booleans())
def test_birth_date_parts_round_trip(year, month, circa):
    attrib = {"year": str(year), "monthOfYear": str(month), "circa": "true" if circa else "false"}
    assert fsf_birth_date(attrib) == birth(f"{year:04d}-{month:02d}", approximate=circa)


@given(st.dictionaries(st.sampled_from(["birthdate", "year", "monthOfYear", "dayOfMonth", "yearRangeFrom",
                                        "yearRangeTo", "circa"]), st.text(max_size=12)))
def test_birth_date_never_crashes(attrib):
    parsed = fsf_birth_date(attrib)
    assert parsed is None or parsed.value or parsed.start or parsed.end
