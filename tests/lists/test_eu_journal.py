"""EU journal annex CSV parser (kordon.lists.eu_journal)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.eu_journal import (
    SOURCE,
    parse_date_cell,
    russian_codes,
    split_cell,
    split_identifier,
    split_script_pair,
)
from kordon.lists.registry import get_source
from kordon.model import CountryRole, DateKind, EntityDate, EntityType, IdKind, NameKind

FIXTURES = Path(__file__).parent / "fixtures" / "eu_journal"
REAL = "sanctions/eu_journal"


def read(path: Path) -> tuple[dict, ImportReport]:
    report = ImportReport(source="eu-journal", path=str(path))
    return {e.source_id: e for e in SOURCE.read(path, report)}, report


def names(entity, kind: NameKind) -> list[str]:
    return [n.value for n in entity.names if n.kind == kind]


def ids(entity) -> list[tuple[IdKind, str]]:
    return [(i.kind, i.value) for i in entity.identifiers]


def test_registered_and_reads_folders():
    assert get_source("eu-journal") is SOURCE and SOURCE.reads_folder


# --- hand-written fixtures ----------------------------------------------------------------


def test_person_with_cyrillic_alias_and_birth_date():
    entities, _ = read(FIXTURES / "consolidated" / "32014R0269.csv")
    person = entities["32014R0269-I.PERSONS-1"]
    assert person.id == "eu-journal-32014R0269-I.PERSONS-1" and person.type == EntityType.PERSON
    assert [(n.value, n.kind, n.script) for n in person.names] == [
        ("Pavel Sergeyevich ORLOV", NameKind.PRIMARY, None),
        ("Pavel Sergeevich ORLOV", NameKind.ALIAS, None),  # "Latin (Cyrillic)" split in two
        ("Павел Сергеевич ОРЛОВ", NameKind.ALIAS, "Cyrl"),
        ("Павло Сергійович ОРЛОВ", NameKind.ALIAS, "Cyrl"),
    ]
    assert person.dates == [EntityDate(kind=DateKind.BIRTH, value="1972-11-26", text="26.11.1972")]
    assert person.places_of_birth == ["Tula, USSR (now Russian Federation)"]
    assert [(c.code, c.role) for c in person.countries] == [("ru", CountryRole.NATIONALITY)]
    assert person.listed_on == "2014-03-17" and person.programs == ["EU-UKR"]
    assert person.extra["measures"] == ["Asset freeze"] and person.extra["annex"] == "I.PERSONS"
    assert person.urls == ["https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32014R0269"]


def test_multi_valued_person_cells():
    person = read(FIXTURES / "consolidated" / "32014R0269.csv")[0]["32014R0269-I.PERSONS-2"]
    assert [(d.value, d.approximate) for d in person.dates] == [("1958-01-01", False), ("1960", True)]
    assert names(person, NameKind.WEAK) == ["Abu Omar"] and names(person, NameKind.FORMER) == ["Omar Al-Haddad"]
    assert person.positions == ["Sheikh", "Colonel"]
    assert [(i.kind, i.value, i.country, i.note) for i in person.identifiers] == [
        (IdKind.PASSPORT, "C2002515", "ir", "Iran"), (IdKind.PASSPORT, "477845448", None, "USA")]
    assert person.gender == "male"  # printed "Male."
    nationalities = [c.code for c in person.countries if c.role == CountryRole.NATIONALITY]
    assert nationalities == ["ua", "ru"]
    assert [a.full for a in person.addresses] == [
        "Street 1, Simferopol, Crimea", "Leninsky Prospekt 5, 119991 Moscow, Russian Federation"]


def test_company_with_russian_codes():
    company = read(FIXTURES / "consolidated" / "32014R0269.csv")[0]["32014R0269-I.ENTITIES-20"]
    assert company.type == EntityType.ORGANIZATION and company.extra["schema"] == "LegalEntity"
    assert ids(company) == [
        (IdKind.INN, "7701234567"),  # innCode; the registrationNumber "(Tax ID/INN)" is the same number
        (IdKind.KPP, "770101001"),  # "KPP 770101001" inside the innCode cell
        (IdKind.OGRN, "1027700000001"),  # printed with spaces
        (IdKind.OKPO, "12345678"),
        (IdKind.PHONE, "+7 (495) 000-00-00"),
        (IdKind.EMAIL, "info@severny-most.example"),
        (IdKind.WEBSITE, "www.severny-most.example"),
    ]
    assert company.dates == [EntityDate(kind=DateKind.INCORPORATION, value="1996-01-04", text="4.1.1996")]
    assert company.addresses[0].country == "ru"  # "129090 Russia"
    assert company.extra["legal_form"] == "Joint Stock Company"


def test_aka_in_name_and_row_warnings():
    entities, report = read(FIXTURES / "consolidated" / "32014R0269.csv")
    company = entities["32014R0269-I.ENTITIES-21"]
    assert company.type == EntityType.COMPANY
    assert company.caption == "Blue Harbour LLC" and names(company, NameKind.ALIAS) == ["Golubaya Gavan"]
    assert entities["32014R0269-I.ENTITIES-22"].extra["schema"] == "Spaceship"
    assert [(p.kind, p.line, p.field) for p in report.problems] == [
        ("bad_date", 5, "birthDate"), ("unknown_value", 5, "gender"), ("unknown_value", 6, "schema")]


def test_kazakh_end_user_vessels_and_assets():
    entities, report = read(FIXTURES / "consolidated" / "32014R0833.csv")
    kazakh = entities["32014R0833-IV-606"]
    assert ids(kazakh) == [(IdKind.BIN, "220340099999")]
    assert [a.country for a in kazakh.addresses] == ["kz", "ae"]  # "..., United Arab Emirates, P.O. Box 17585"
    vessel = entities["32014R0833-XLII-1"]
    assert vessel.type == EntityType.VESSEL and ids(vessel) == [(IdKind.IMO, "9000001")]
    assert ids(entities["32014R0833-XLII-2"]) == []  # "Does not exist": warned, not an IMO number
    tokens = [e for e in entities.values() if e.extra["annex"] == "LIII"]
    assert [(t.caption, t.type, t.extra["schema"]) for t in tokens] == [
        ("Digital token X", EntityType.ORGANIZATION, "Asset"), ("Digital token Y", EntityType.ORGANIZATION, "Asset"),
        ("Digital token X", EntityType.ORGANIZATION, "Asset")]
    # No recordId: the id comes from the name; a repeated row gets a suffix and a warning.
    assert tokens[2].source_id == tokens[0].source_id + "-2"
    assert report.problem_summary() == {"bad_identifier": 1, "duplicate_id": 1}


def test_folder_reads_consolidated_first_and_applies_amendments():
    entities, report = read(FIXTURES)
    assert list(entities)[:2] == ["32014R0269-I.PERSONS-1", "32014R0269-I.PERSONS-2"]
    # The amendment rewrites the consolidated entry "Amended Star": one entity, consolidated id, new content.
    amended = entities["32014R0833-XLII-3"]
    assert amended.caption == "AMENDED STAR" and amended.extra["amended_by"] == "32026R1848"
    assert ids(amended) == [(IdKind.IMO, "9000003"), (IdKind.MMSI, "613000001")]
    assert [(c.code, c.role) for c in amended.countries] == [("cm", CountryRole.FLAG)]
    assert amended.listed_on == "2026-08-07"
    assert not any(e.caption == "Amended Star" for e in entities.values())
    # A new listing under two measures, on two rows: one entity.
    new = entities["32026R1848-XLII-44"]
    assert new.extra["measures"] == ["Transportation restrictions", "Financial restrictions"]
    assert new.extra["celex"] == "32014R0833"
    assert len(entities) == 13
    assert report.counts == {"person": 2, "organization": 6, "company": 1, "vessel": 4}
    empty = [p for p in report.problems if p.kind == "empty_file"]
    assert [Path(p.path).name for p in empty] == ["32004R0314.csv"]


def test_single_amendment_file_keeps_its_own_ids():
    entities, _ = read(FIXTURES / "amendments" / "32026R1848.csv")
    assert list(entities) == ["32026R1848-XLII-43", "32026R1848-XLII-44"]


def test_missing_columns_and_wrong_format(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("celex,recordId,name\n32014R0269,1,Somebody\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="missing column") as caught:
        read(path)
    assert (caught.value.line, caught.value.field) == (1, "schema")
    un_xml = Path(__file__).parent / "fixtures" / "un" / "consolidated_sample.xml"
    with pytest.raises(ListFormatError, match="not an EU journal annex CSV"):
        read(un_xml)


def test_invalid_utf8_and_ragged_rows(tmp_path):
    header = (FIXTURES / "consolidated" / "32014R0269.csv").read_bytes().splitlines()[0]
    bad = tmp_path / "bad.csv"
    rows = b"32014R0269,1,EU-UKR,I,Asset freeze,,,Person,Ok\n32014R0269,2,EU-UKR,I,x,,,Person,\xff\n"
    bad.write_bytes(header + b"\n" + rows)
    with pytest.raises(ListFormatError, match="not UTF-8") as caught:
        read(bad)
    assert caught.value.path == str(bad) and caught.value.line is not None
    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(header + b"\n" + b"x," * 60 + b"\n")
    with pytest.raises(ListFormatError, match="cells for 45 columns") as caught:
        read(ragged)
    assert caught.value.line == 2


def test_empty_and_missing_paths(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    entities, report = read(empty)
    assert entities == {} and report.problem_summary() == {"empty_file": 1}
    folder = tmp_path / "no-csv-here"
    folder.mkdir()
    with pytest.raises(ListFormatError, match="no CSV"):
        read(folder)
    with pytest.raises(ListFormatError, match="no such file"):
        read(tmp_path / "missing.csv")


# --- units and properties -----------------------------------------------------------------


def test_cell_helpers():
    assert split_cell(' "(a) 11.4.1963; (b) 11.4.1960" ') == ["(a) 11.4.1963", "(b) 11.4.1960"]
    assert split_identifier("7704730655 (Tax ID/INN)") == ("7704730655", "Tax ID/INN")
    assert split_identifier("(passport)") == ("(passport)", None)
    assert russian_codes("9999999999 OKPO: 12345678", IdKind.INN) == [
        (IdKind.INN, "9999999999"), (IdKind.OKPO, "12345678")]
    assert russian_codes("7701234567 / 770101001", IdKind.INN) == [
        (IdKind.INN, "7701234567"), (IdKind.KPP, "770101001")]
    assert russian_codes("1027800000084 on 22.07.02", IdKind.OGRN) == [
        (IdKind.OGRN, "1027800000084")]
    assert split_script_pair("Sergei AKSENOV (Сергей АКСЁНОВ)") == ["Sergei AKSENOV", "Сергей АКСЁНОВ"]
    assert split_script_pair("Bank Rossiya (Russia)") == ["Bank Rossiya (Russia)"]  # same script: one name


def test_date_cells():
    values = lambda text: [(d.value or (d.start, d.end), d.approximate) for d in parse_date_cell(text)[0]]
    assert values("6.3.1955 or 15.3.1955") == [("1955-03-06", False), ("1955-03-15", False)]
    assert values("a) 1.1.1969 b) approximately 1971") == [("1969-01-01", False), ("1971", True)]
    assert values("1960 to 1962") == [(("1960", "1962"), False)]
    assert values("1970 circa") == [("1970", True)]
    assert values("7.8. 1978") == [("1978-08-07", False)]
    dates, unreadable = parse_date_cell("1343 (Iranian Hijri calendar), 1964 or 1965")
    assert [d.value for d in dates] == ["1964", "1965"] and unreadable == ["1343 (Iranian Hijri calendar)"]


_value = st.text(st.characters(blacklist_characters=';"', blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                 min_size=1, max_size=15).map(lambda v: " ".join(v.split())).filter(bool)


@given(st.lists(_value, max_size=6))
def test_split_cell_round_trips(values):
    assert split_cell("; ".join(values)) == values


_day = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))


@given(st.lists(_day, min_size=1, max_size=5, unique=True), st.sampled_from(["; ", " or ", "enumerated"]))
def test_printed_birth_dates_round_trip(days, style):
    printed = [f"{d.day}.{d.month}.{d.year}" for d in days]
    if style == "enumerated":
        text = ", ".join(f"({'abcdefgh'[i]}) {p}" for i, p in enumerate(printed))
    else:
        text = style.join(printed)
    dates, unreadable = parse_date_cell(text)
    assert [d.value for d in dates] == [d.isoformat() for d in days] and unreadable == []


@given(st.text(max_size=60))
def test_date_cells_never_crash(text):
    dates, unreadable = parse_date_cell(text)
    for date in dates:
        assert date.years is not None and date.years[0] >= 1850


# --- the real files --------------------------------------------------------------------------


@lru_cache(maxsize=8)
def read_real(path: Path) -> tuple[dict, ImportReport]:
    return read(path)


@pytest.fixture
def real(shared_data):
    return lambda relpath: read_real(shared_data(f"{REAL}/{relpath}"))


def test_real_269_counts(real):
    entities, report = real("consolidated/32014R0269.csv")
    persons = sum(1 for e in entities.values() if e.type == EntityType.PERSON)
    assert (len(entities), persons, len(entities) - persons) == (2802, 1984, 818)
    # The manifest's 2,617 rows with Cyrillic variants: 2,593 through alias, 24 only in the name column.
    assert sum(1 for e in entities.values() if any(n.script == "Cyrl" for n in e.names)) == 2617
    cyrillic_alias = [e for e in entities.values()
                      if any(n.script == "Cyrl" and n.kind == NameKind.ALIAS for n in e.names)]
    assert len(cyrillic_alias) == 2593


def test_real_833_end_users_and_vessels(real):
    entities, _ = real("consolidated/32014R0833.csv")
    assert len(entities) == 1746
    end_users = [e for e in entities.values() if e.extra["annex"] == "IV"]
    assert len(end_users) == 921
    by_country = Counter(code for e in end_users for code in {a.country for a in e.addresses if a.country})
    expected = {"kz": 4, "kg": 2, "uz": 5, "am": 1, "ae": 10, "tr": 25, "cn": 51, "hk": 61}
    assert {code: by_country[code] for code in expected} == expected
    vessels = [e for e in entities.values() if e.extra["annex"] == "XLII"]
    assert len(vessels) == 633 and all(e.type == EntityType.VESSEL for e in vessels)


def test_real_765_and_all_consolidated(real):
    assert len(real("consolidated/32006R0765.csv")[0]) == 408
    entities, report = real("consolidated")
    assert len(entities) == 8017  # every row, none merged or dropped
    assert sum(report.counts.values()) == 8017
    assert len([p for p in report.problems if p.kind == "empty_file"]) == 8


def test_real_amendments(real):
    entities, report = real("amendments")
    # 417 rows; the vessel AVAX is listed on two rows (two measures) and merged.
    assert len(entities) == 416
    assert entities["32026R1941-V-1"].extra["measures"] == ["Transportation restrictions", "Financial restrictions"]


def test_real_hand_picked(real):
    entities, _ = real("consolidated/32014R0269.csv")
    aksyonov = entities["32014R0269-I.PERSONS-1"]
    assert aksyonov.caption == "Sergey Valeryevich AKSYONOV"
    assert "Сергей Валерьевич АКСЁНОВ" in names(aksyonov, NameKind.ALIAS)
    assert [d.value for d in aksyonov.dates] == ["1972-11-26"] and aksyonov.gender == "male"
    sgm = entities["32014R0269-I.ENTITIES-45"]  # STROYGAZMONTAZH
    assert {(IdKind.INN, "9729299794"), (IdKind.OGRN, "1207700324941"), (IdKind.KPP, "772901001")} <= set(ids(sgm))
    assert sgm.addresses[0].country == "ru"  # "Prospect Vernadskogo 53, Moscow, 119415 Russia"
    almaz = entities["32014R0269-I.ENTITIES-21"]
    assert almaz.caption == "Joint Stock Company Almaz-Antey air and space defence corporation"
    assert ids(almaz)[:1] == [(IdKind.REGISTRATION, "1027739001993")]

    entities, _ = real("consolidated/32014R0833.csv")
    angara = entities["32014R0833-XLII-1"]
    assert (angara.caption, angara.type, ids(angara)) == ("Angara", EntityType.VESSEL, [(IdKind.IMO, "9179842")])
    elem = entities["32014R0833-IV-606"]  # TOO Elem Group, Almaty
    assert ids(elem)[0] == (IdKind.BIN, "220340015717")
    assert [a.country for a in elem.addresses] == ["kz"]
    sirius = entities["32014R0833-IV-1"]
    assert ids(sirius)[0] == (IdKind.INN, "7704730655")  # printed "7704730655 (Tax ID/INN)"


def test_real_folder_replaces_amended_entries(real):
    entities, report = real("")
    # 8,017 consolidated + 417 amendment rows - 1 merged - 10 consolidated entries rewritten by amendments.
    assert len(entities) == 8423
    yilmaz = next(e for e in entities.values() if e.caption == "Adem Yilmaz")
    assert yilmaz.extra["amended_by"] == "32026R1960" and yilmaz.source_id.startswith("32002R0881-I-")
    assert any("Kartal, Istanbul" in (a.full or "") for a in yilmaz.addresses)  # the amended address
