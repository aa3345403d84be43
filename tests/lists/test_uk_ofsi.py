"""The uk-ofsi source: OFSI's consolidated list CSV (ConList.csv)."""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.uk_ofsi import SOURCE, document_numbers, parse_uk_date, places_of_birth
from kordon.model import CountryRole, EntityType, IdKind, NameKind

FIXTURES = Path(__file__).parent / "fixtures" / "uk"
FRAGMENT = "sanctions/uk/ConList_fragment_c2020.csv"


@lru_cache(maxsize=None)
def read(path: Path):
    report = ImportReport(SOURCE.name, str(path))
    entities = {e.source_id: e for e in SOURCE.read(path, report)}
    return entities, report


def ids(entity, kind):
    return {i.value for i in entity.identifiers if i.kind == kind}


def years(entity):
    return {d.value for d in entity.dates}


# --- the real fragment (about 2020) -------------------------------------------------------
def test_fragment_groups_and_types(shared_data):
    path = shared_data(FRAGMENT)
    entities, report = read(path)
    # Independent count from the raw rows: distinct Group IDs by Group Type.
    with path.open(encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    types = {row[-1]: row[-6] for row in rows}
    assert len(entities) == len(types) == 41
    assert Counter(e.type for e in entities.values()) == {EntityType.PERSON: 32, EntityType.ORGANIZATION: 9}
    assert Counter(types.values()) == {"Individual": 32, "Entity": 9}
    # The file is Windows-1252 ("’" as 0x92): one warning, nothing dropped.
    assert [p.kind for p in report.problems] == ["encoding_fallback"]
    assert all(e.id == f"uk-ofsi-{e.source_id}" for e in entities.values())


def test_fragment_al_qahtani(shared_data):
    entity = read(shared_data(FRAGMENT))[0]["13349"]
    # Both rows are "AKA": the first becomes the primary name.
    assert [(n.value, n.kind) for n in entity.names] == [("Sheikh Farooq AL-QAHTANI", NameKind.PRIMARY)]
    assert years(entity) == {"1980", "1981"}  # 00/00/1980 and 00/00/1981
    assert {c.code for c in entity.countries if c.role == CountryRole.NATIONALITY} == {"sa", "qa"}
    assert ids(entity, IdKind.PASSPORT) == {"592667"}
    assert entity.places_of_birth == ["Saudi Arabia"]
    assert entity.programs == ["The ISIL (Da'esh) and Al-Qaida organisations"]
    assert entity.listed_on == "2016-04-01"


def test_fragment_abbas_rows_scattered_through_the_file(shared_data):
    entity = read(shared_data(FRAGMENT))[0]["13814"]  # rows 20-22 and 28-30, as ABAS and ABBAS
    assert entity.caption == "Yasser Aziz ABBAS"  # the "Prime Alias" row, which comes last
    assert sorted(entity.all_names()) == sorted(f"{first} Aziz {last}" for first in ("Yaser", "Yasr", "Yasser")
                                                for last in ("ABAS", "ABBAS"))
    primary = entity.names[[n.value for n in entity.names].index("Yasser Aziz ABBAS")]
    assert (primary.first_name, primary.middle_name, primary.last_name) == ("Yasser", "Aziz", "ABBAS")
    assert years(entity) == {"1978-08-22"}
    assert [c.code for c in entity.countries] == ["sy"]


def test_fragment_abdallah(shared_data):
    entity = read(shared_data(FRAGMENT))[0]["12999"]  # nine rows: DOB x address
    assert entity.caption == "Mohamed Adam Brema ABDALLAH"
    assert years(entity) == {"1969", "1970", "1971", "1970-01-01", "1971-01-01"}
    assert {c.code for c in entity.countries if c.role == CountryRole.NATIONALITY} == {"cf", "sd"}
    assert ids(entity, IdKind.PASSPORT) == {"D00001184", "P04838205"}
    assert ids(entity, IdKind.NATIONAL_ID) == {"202-2708-8368"}
    assert sorted(a.full for a in entity.addresses) == ["Birao", "Sudan"]
    assert entity.places_of_birth == ["Ndele, Central African Republic", "Algenana, Sudan"]


def test_fragment_abd_al_salam(shared_data):
    entity = read(shared_data(FRAGMENT))[0]["11634"]
    assert entity.caption == "Said Jan 'ABD AL-SALAM"
    assert years(entity) == {"1981-02-05", "1972-01-01"}
    assert ids(entity, IdKind.PASSPORT) == {"OR801168", "4117921"}
    assert ids(entity, IdKind.NATIONAL_ID) == {"281020505755"}
    assert [c.code for c in entity.countries if c.role == CountryRole.NATIONALITY] == ["af"]


def test_fragment_entities(shared_data):
    entities = read(shared_data(FRAGMENT))[0]
    mizan = entities["10657"]
    assert mizan.type == EntityType.ORGANIZATION
    assert [(n.value, n.kind) for n in mizan.names] == [("3M MIZAN MACHINERY MANUFACTURING", NameKind.PRIMARY),
                                                         ("3MG", NameKind.ALIAS)]
    assert [(a.full, a.country) for a in mizan.addresses] == [("PO Box 16595-365, Tehran", "ir")]
    tong_san = entities["13556"]  # a ship listed as an "Entity"; its numbers are in Other Information
    assert ids(tong_san, IdKind.IMO) == {"8937675"} and ids(tong_san, IdKind.MMSI) == {"445539000"}


# --- the 2022 format (hand-written fixture) ----------------------------------------------
def test_2022_format():
    entities, report = read(FIXTURES / "conlist_2022.csv")
    assert report.published == "2026-01-28"
    assert sorted(entities) == ["99001", "99002", "99003"]
    person = entities["99001"]
    names = {n.value: n for n in person.names}
    assert person.caption == "Ivan Petrovich TESTOV"
    assert names["Iwan TESTOFF"].kind == NameKind.WEAK
    assert (names["Иван Петрович ТЕСТОВ"].kind, names["Иван Петрович ТЕСТОВ"].lang) == (NameKind.ORIGINAL_SCRIPT, "ru")
    assert {(i.value, i.note) for i in person.identifiers if i.kind == IdKind.PASSPORT} == {
        ("750000001", "Russian"), ("750000002", "Russian, diplomatic")}
    assert years(person) == {"1961", "1962-07-14"}
    assert person.extra["uk_sanctions_list_ref"] == "RUS9001"
    assert person.extra["titles"] == ["Mr"]
    assert person.extra["date_designated"] == "2022-03-24"
    ship = entities["99003"]
    assert ship.type == EntityType.VESSEL and ids(ship, IdKind.IMO) == {"9000003"}
    company = entities["99002"]
    assert [n.kind for n in company.names] == [NameKind.PRIMARY, NameKind.ALIAS]
    assert "company’s" in company.remarks  # the cp1252 byte, decoded
    kinds = Counter(p.kind for p in report.problems)
    assert kinds == {"encoding_fallback": 1, "empty_name": 2}  # the nameless row, then its nameless group


def test_a_file_of_another_list_is_refused(shared_data):
    path = shared_data("sanctions/us_csl/csl_sample.csv")
    with pytest.raises(ListFormatError, match="no header line with a 'Group ID' column") as error:
        list(SOURCE.read(path, ImportReport(SOURCE.name, str(path))))
    assert str(path) in str(error.value)


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_text("Name 1,Group ID\nIvan,1\n", encoding="utf-8")
    with pytest.raises(ListFormatError) as error:
        list(SOURCE.read(path, ImportReport(SOURCE.name, str(path))))
    message = str(error.value)
    assert "'Name 6'" in message and "'Group Type'" in message and "'Name 1', 'Group ID'" in message


# --- helpers ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("00/00/1980", "1980"), ("00/08/1979", "1979-08"), ("dd/mm/1962", "1962"), ("dd/07/1978", "1978-07"),
    ("17/08/1958", "1958-08-17"), ("1/2/1970", "1970-02-01"), ("31/02/1980", None), ("00/13/1980", None),
    ("circa 1960", "1960"),
])
def test_uk_dates(text, value):
    date = parse_uk_date(text)
    assert (date.value if date else None) == value


def test_document_numbers_from_free_text():
    text = ("(1) Provisional 28642163 (German) issued by the city of Hamburg (2) 954242 (Moroccan) "
            "issued on 28 June 1995 in Meknas, Morocco (expired)")
    assert [n for n, _ in document_numbers(text)] == ["28642163", "954242"]
    assert document_numbers("0018061/104 (issued on 12 Sept 1993)")[0][0] == "0018061/104"
    assert document_numbers("Passport No: 592667 (Qatari passport issued on 3 May 2007).")[0][0] == "592667"
    assert document_numbers("issued on 03/07/1996 in 1999") == []


def test_places_of_birth_pairing():
    assert places_of_birth("(1) Tirpas-Selong Village, East Lombok (2) Korleko-Lombok Timur", "(1)-(2) Indonesia") == [
        "Tirpas-Selong Village, East Lombok, Indonesia", "Korleko-Lombok Timur, Indonesia"]
    assert places_of_birth("Tunis", "Tunisia") == ["Tunis, Tunisia"]
    assert places_of_birth(None, "Iraq") == ["Iraq"]


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2030, 12, 31)),
       st.sampled_from(["day", "month", "year"]))
def test_uk_dates_any_precision(date, precision):
    day = f"{date.day:02d}" if precision == "day" else st_unknown(date.day)
    month = f"{date.month:02d}" if precision != "year" else "00"
    parsed = parse_uk_date(f"{day}/{month}/{date.year}")
    expected = {"day": date.isoformat(), "month": date.isoformat()[:7], "year": str(date.year)}[precision]
    assert parsed is not None and parsed.value == expected


def st_unknown(day: int) -> str:
    return "dd" if day % 2 else "00"  # both spellings of an unknown day occur in UK files


DOC_NUMBER = st.from_regex(r"[A-Z]{0,2}[0-9]{5,9}", fullmatch=True)


@given(st.lists(DOC_NUMBER, min_size=1, max_size=4, unique=True))
def test_document_numbers_found_in_numbered_items(numbers):
    text = " ".join(f"({i}) {n} (issued on 3 May 2007 in Sanaa)" for i, n in enumerate(numbers, 1))
    assert [n for n, _ in document_numbers(text)] == numbers
