"""UN Security Council consolidated list parser (kordon.lists.un)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.registry import get_source
from kordon.lists.un import SOURCE, document_kind, iso_day, script_code, un_birth_date
from kordon.model import CountryRole, DateKind, EntityDate, EntityType, IdKind, NameKind

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "un" / "consolidated_sample.xml"
REAL = "sanctions/un/UN_consolidated_2026-02-27.xml"


def read(path: Path) -> tuple[dict, ImportReport]:
    report = ImportReport(source="un", path=str(path))
    entities = {e.source_id: e for e in SOURCE.read(path, report)}
    return entities, report


def names(entity, kind: NameKind) -> list[str]:
    return [n.value for n in entity.names if n.kind == kind]


def birth(value=None, start=None, end=None, approximate=False, text=None) -> EntityDate:
    return EntityDate(kind=DateKind.BIRTH, value=value, start=start, end=end, approximate=approximate, text=text)


def test_registered_under_un():
    assert get_source("un") is SOURCE


# --- the hand-written sample ------------------------------------------------------------


def test_sample_person_names_dates_and_countries():
    entities, report = read(SAMPLE)
    assert report.published == "2026-01-15"
    person = entities["KPi.901"]  # the reference number has a trailing space in the file
    assert person.id == "un-KPi.901" and person.type == EntityType.PERSON
    primary = person.names[0]
    assert (primary.value, primary.kind) == ("IVAN PETROVICH SIDOROV", NameKind.PRIMARY)
    assert (primary.first_name, primary.middle_name, primary.last_name) == ("IVAN", "PETROVICH", "SIDOROV")
    original = [n for n in person.names if n.kind == NameKind.ORIGINAL_SCRIPT]
    assert [(n.value, n.script) for n in original] == [("Иван Петрович Сидоров", "Cyrl")]
    assert names(person, NameKind.ALIAS) == ["Ivan Sidorov", "Jan Sidor"]
    assert names(person, NameKind.WEAK) == ["Vanya", "Ваня"]  # "original script:" note of a Low alias
    assert names(person, NameKind.FORMER) == ["Ivan Sidoroff"]  # "previously listed as"
    assert person.dates == [birth("1960-01-25"), birth("1962", approximate=True), birth("1961-02-03")]
    assert person.places_of_birth == ["Khabarovsk, Russian Federation", "Gdansk, Poland"]
    assert [(c.code, c.role) for c in person.countries] == [
        ("ru", CountryRole.NATIONALITY), ("kp", CountryRole.NATIONALITY), ("ru", CountryRole.RESIDENCE)]
    assert person.gender == "male"
    assert person.listed_on == "2015-04-07"  # printed "2015-04-07-04:00"
    assert person.programs == ["DPRK"]
    assert person.positions == ["Colonel", "Director of a trading company"]
    assert person.addresses[0].city == "Vladivostok" and person.addresses[0].remarks == "as of 2019"


def test_sample_documents():
    entities, report = read(SAMPLE)
    ids = [(i.kind, i.value, i.country) for i in entities["KPi.901"].identifiers]
    assert ids == [
        (IdKind.PASSPORT, "72 1234567", "ru"),
        (IdKind.SSN, "000-12-3456", "us"),  # refined by TYPE_OF_DOCUMENT2
        (IdKind.OTHER, "SB-4455", None),  # unknown type, warned
    ]
    assert "issued 2014-05-06" in entities["KPi.901"].identifiers[0].note
    assert entities["KPi.901"].extra["documents_without_number"] == ["Passport; Libyan passport number 347834, expired"]
    kinds = report.problem_summary()
    assert kinds["unknown_document_type"] == 1 and kinds["document_without_number"] == 1


def test_sample_between_month_and_unreadable_dates():
    entities, report = read(SAMPLE)
    person = entities["QDi.901"]
    assert person.dates == [birth(start="1966", end="1967", approximate=True), birth("1968-09", text="Sep. 1968")]
    assert names(person, NameKind.ORIGINAL_SCRIPT) == ["أحمد كريم يوسف النوري"]
    bad = [p for p in report.problems if p.kind == "bad_date"]
    assert len(bad) == 1 and "30-35 years old" in bad[0].message and bad[0].line == 140


def test_sample_entity_and_row_problems():
    entities, report = read(SAMPLE)
    assert set(entities) == {"KPi.901", "QDi.901", "KPe.901"}
    entity = entities["KPe.901"]
    assert entity.type == EntityType.ORGANIZATION
    assert entity.caption == "NORTHERN STAR TRADING CORPORATION"  # not the later duplicate
    assert names(entity, NameKind.ALIAS) == ["NSTC", "North Star"]
    assert names(entity, NameKind.FORMER) == ["Polar Star Trading"]
    assert [(c.code, c.role) for c in entity.countries] == [("kp", CountryRole.COUNTRY)]
    assert report.counts == {"person": 2, "organization": 1}
    assert report.problem_summary() == {
        "unknown_document_type": 1, "document_without_number": 1, "bad_date": 1,
        "unknown_value": 1, "unknown_country": 1, "duplicate_id": 1, "missing_id": 1,
    }
    duplicate = next(p for p in report.problems if p.kind == "duplicate_id")
    assert duplicate.line == 192 and duplicate.field == "REFERENCE_NUMBER"


def test_eu_file_given_to_un_parser_is_refused():
    with pytest.raises(ListFormatError, match=r"root element is <export>, expected <CONSOLIDATED_LIST>"):
        list(SOURCE.read(FIXTURES / "eu_fsf" / "fsf_sample.xml", ImportReport("un", "x")))


def test_truncated_file_names_file_and_line(tmp_path):
    cut = tmp_path / "cut.xml"
    cut.write_bytes(SAMPLE.read_bytes()[:3000])
    report = ImportReport("un", str(cut))
    with pytest.raises(ListFormatError) as caught:
        list(SOURCE.read(cut, report))
    assert caught.value.path == str(cut) and caught.value.line is not None and caught.value.line > 40


# --- units -------------------------------------------------------------------------------


def test_document_kind_table():
    assert document_kind("Passport", None) == IdKind.PASSPORT
    assert document_kind("Número de pasaporte", None) == IdKind.PASSPORT
    assert document_kind("National Identification\n      Number", None) == IdKind.NATIONAL_ID
    assert document_kind("National Identification Number", "Italian Fiscal Code:") == IdKind.TAX_ID
    assert document_kind("National Identification Number", "national passport") == IdKind.PASSPORT
    assert document_kind("Seaman book", None) is None


def test_script_code():
    assert script_code("Иван") == "Cyrl"
    assert script_code("Свободньιй Донбасс") == "Cyrl"  # a stray Greek iota does not win
    assert script_code("صدام حسين") == "Arab"
    assert script_code("Ivan Petrov") is None


def test_iso_day():
    assert iso_day("2026-02-27T00:00:09.554Z") == "2026-02-27"
    assert iso_day("2015-07-01-04:00") == "2015-07-01"
    assert iso_day("garbage") is None and iso_day(None) is None


@given(st.dates())
def test_exact_date_round_trips(day):
    parsed = un_birth_date("EXACT", date=day.isoformat())
    if 1000 <= day.year <= 2100:
        assert parsed == birth(day.isoformat())
    else:
        assert parsed is None


@given(st.integers(1000, 2100), st.integers(0, 30), st.booleans())
def test_year_ranges_round_trip(start, span, approximate):
    end = min(start + span, 2100)
    note = "Approximately" if approximate else None
    assert un_birth_date("BETWEEN", from_year=str(start), to_year=str(end), note=note) == birth(
        start=str(start), end=str(end), approximate=approximate)
    assert un_birth_date("APPROXIMATELY", year=str(start)) == birth(str(start), approximate=True)


@given(st.integers(1000, 2070), st.integers(1, 30))
def test_reversed_range_is_refused(start, span):
    assert un_birth_date("BETWEEN", from_year=str(start + span), to_year=str(start)) is None


_field = st.one_of(st.none(), st.text(max_size=20), st.from_regex(r"\d{4}(-\d{2}(-\d{2})?)?", fullmatch=True))


@given(st.one_of(st.none(), st.sampled_from(["EXACT", "APPROXIMATELY", "BETWEEN", ""]), st.text(max_size=10)),
       _field, _field, _field, _field, _field)
def test_birth_date_never_crashes(kind, date, year, from_year, to_year, note):
    parsed = un_birth_date(kind, date, year, from_year, to_year, note)
    assert parsed is None or parsed.value or parsed.start or parsed.end


# --- the real list -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def read_real(path: Path) -> tuple[dict, ImportReport]:
    return read(path)  # parsed once for all the tests below


@pytest.fixture
def real(shared_data):
    return read_real(shared_data(REAL))


def test_real_counts(real):
    entities, report = real
    assert report.published == "2026-02-27"
    assert report.counts == {"person": 730, "organization": 273}
    # 378 records carry NAME_ORIGINAL_SCRIPT; in one (QDe.164) it repeats the Latin primary name.
    assert sum(1 for e in entities.values() if names(e, NameKind.ORIGINAL_SCRIPT)) == 377
    assert entities["QDe.164"].names[0].value == "JAMAAH ANSHARUT DAULAH"
    assert not names(entities["QDe.164"], NameKind.ORIGINAL_SCRIPT)
    assert all(e.id == f"un-{e.source_id}" for e in entities.values())
    # Known imperfections of the real file, all counted: no record is dropped silently.
    assert set(report.problem_summary()) <= {"bad_date", "document_without_number"}


def test_real_saddam_hussein(real):
    entity = real[0]["IQi.001"]
    assert entity.caption == "SADDAM HUSSEIN AL-TIKRITI"
    assert names(entity, NameKind.WEAK) == ["Abu Ali"]
    assert [(n.value, n.script) for n in entity.names if n.kind == NameKind.ORIGINAL_SCRIPT] == [
        ("صدام حسين التكريتي", "Arab")]
    assert entity.dates == [birth("1937-04-28")]
    assert entity.places_of_birth == ["al-Awja, near Tikrit, Iraq"]
    assert [(c.code, c.role) for c in entity.countries] == [("iq", CountryRole.NATIONALITY)]
    assert entity.listed_on == "2003-06-27" and entity.programs == ["Iraq"]


def test_real_between_dates_and_alias_quality(real):
    taganda = real[0]["CDi.030"]
    assert taganda.dates == [birth(start="1973", end="1974")]
    assert names(taganda, NameKind.ALIAS) == ["Bosco Ntaganda", "Bosco Ntagenda", "General Taganda"]
    assert names(taganda, NameKind.WEAK) == ["Lydia", "Terminator", "Tango Romeo", "Romeo", "Major"]
    kim = real[0]["KPi.066"]
    assert kim.dates == [birth(start="1967", end="1969")]
    assert [(c.code, c.role) for c in kim.countries][0] == ("kp", CountryRole.NATIONALITY)


def test_real_exact_and_approximate_dates(real):
    mujyambere = real[0]["CDi.014"]
    assert mujyambere.dates == [birth("1962-03-17"), birth("1966", approximate=True)]
    assert names(mujyambere, NameKind.WEAK) == ["Musenyeri", "Achille", "Frere Petrus Ibrahim"]
    sholeh = real[0]["QDi.395"]  # YEAR 1958 with NOTE "Sep."
    assert sholeh.dates == [birth("1958-09", text="Sep. 1958")]
    assert [(i.kind, i.value, i.country) for i in sholeh.identifiers] == [
        (IdKind.NATIONAL_ID, "3311092409580002", "id"), (IdKind.NATIONAL_ID, "3311092409580003", "id")]


def test_real_documents_and_nationality(real):
    hassan = real[0]["CDi.040"]
    assert [(i.kind, i.value, i.country) for i in hassan.identifiers] == [
        (IdKind.PASSPORT, "AB850901", "tz"), (IdKind.PASSPORT, "AB187304", "tz")]
    assert hassan.dates == [birth("1997-07-21"), birth("1993")]
    assert ("tz", CountryRole.NATIONALITY) in [(c.code, c.role) for c in hassan.countries]


def test_real_entity_former_names_and_offset_listing_date(real):
    adf = real[0]["CDe.001"]
    assert adf.type == EntityType.ORGANIZATION
    assert names(adf, NameKind.ALIAS) == ["Allied Democratic Forces"]
    assert names(adf, NameKind.FORMER) == [
        "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda", "ADF/NALU", "NALU"]
    assert real[0]["QDi.352"].listed_on == "2015-04-07"  # printed 2015-04-07-04:00
