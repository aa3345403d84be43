"""The internal source: a company's own list, CSV or XLSX, with a column mapping."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.internal import SOURCE
from kordon.model import CountryRole, DateKind, EntityType, IdKind, NameKind

FIXTURES = Path(__file__).parent / "fixtures" / "internal"


def read(path: Path, **options):
    report = ImportReport(SOURCE.name, str(path))
    return list(SOURCE.read(path, report, **options)), report


def test_headers_recognised_without_a_mapping():
    entities, report = read(FIXTURES / "watchlist.csv")
    assert report.problems == []
    assert [e.id for e in entities] == ["internal-W-001", "internal-W-002", "internal-W-003"]
    ivan, trading, maria = entities
    assert ivan.type == EntityType.PERSON and ivan.all_names(NameKind.ALIAS) == ["Iwan Testoff", "I. Testov"]
    assert [(d.kind, d.value) for d in ivan.dates] == [(DateKind.BIRTH, "1961-07-14")]
    assert [(i.kind, i.value) for i in ivan.identifiers] == [(IdKind.PASSPORT, "750000001")]
    assert ivan.programs == ["fraud"] and ivan.remarks == "Former supplier contact"
    assert trading.type == EntityType.COMPANY
    assert [(d.kind, d.value) for d in trading.dates] == [(DateKind.INCORPORATION, "2012")]
    assert [(c.code, c.role) for c in trading.countries] == [("kz", CountryRole.JURISDICTION)]
    assert [(i.kind, i.value) for i in trading.identifiers] == [(IdKind.INN, "7701234567")]
    assert [c.code for c in maria.countries] == ["kg", "ru"]
    assert maria.dates[0].value == "1975-02-14"


def test_mapping_file_and_problem_rows():
    entities, report = read(FIXTURES / "blocked_customers.csv",
                            mapping=FIXTURES / "blocked_customers_mapping.yml")
    assert [e.caption for e in entities] == ["Pyotr Sampleov", "Uzbek Sample Export", "Zed Unknown-Country"]
    pyotr, uzbek, _zed = entities
    assert pyotr.type == EntityType.PERSON  # type code "P"
    assert pyotr.all_names(NameKind.ALIAS) == ["P. Sampleov", "Peter Sampleov"]  # split on "|"
    assert pyotr.dates[0].value == "1970-05-03"
    assert [(i.kind, i.value) for i in pyotr.identifiers] == [(IdKind.PASSPORT, "AN0000001")]
    assert pyotr.programs == ["mule account"]
    assert uzbek.type == EntityType.COMPANY and uzbek.dates == []
    assert [(i.kind, i.value) for i in uzbek.identifiers] == [(IdKind.TAX_ID, "301234567")]
    assert [(p.kind, p.line, p.field) for p in report.problems] == [
        ("empty_name", 3, "Customer name"), ("bad_date", 4, "Born / founded"),
        ("bad_country", 5, "Country of residence")]


def test_rows_without_an_id_column_get_content_ids():
    entities, _ = read(FIXTURES / "blocked_customers.csv", mapping=FIXTURES / "blocked_customers_mapping.yml")
    assert all(e.id == f"internal-{e.source_id}" and len(e.source_id) == 17 and e.source_id.startswith("h")
               for e in entities)


def test_content_ids_do_not_depend_on_row_order(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("name,country\nAlpha Trading,Armenia\nBeta Person,Russia\n", encoding="utf-8")
    ids = {e.caption: e.id for e in read(path)[0]}
    path.write_text("name,country\nGamma New,Georgia\nBeta Person,Russia\nAlpha Trading,Armenia\n", encoding="utf-8")
    again = {e.caption: e.id for e in read(path)[0]}
    assert again["Alpha Trading"] == ids["Alpha Trading"] and again["Beta Person"] == ids["Beta Person"]


def test_mapping_as_a_dict_and_a_missing_column(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Client,Land\nAcme,Armenia\n", encoding="utf-8")
    entities, _ = read(path, mapping={"name": "Client", "country": "Land", "default_type": "company"})
    assert (entities[0].caption, entities[0].type, entities[0].countries[0].code) == ("Acme", EntityType.COMPANY, "am")
    with pytest.raises(ListFormatError) as error:
        read(path, mapping={"name": "Client", "dob": "Birth date"})
    message = str(error.value)
    assert str(path) in message and "'Birth date' (for dob)" in message and "'Client', 'Land'" in message


def test_no_name_column(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Client,Land\nAcme,Armenia\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="no name column"):
        read(path)


def test_unknown_mapping_keys_are_refused(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("name\nAcme\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="unknown mapping key"):
        read(path, mapping={"nmae": "name"})
    with pytest.raises(ListFormatError, match="unknown identifier kind"):
        read(path, mapping={"identifiers": {"pasport": "name"}})


def test_wrong_encoding_is_an_error_unless_given():
    path = FIXTURES / "watchlist_cp1252.csv"
    with pytest.raises(ListFormatError, match="not valid utf-8") as error:
        read(path)
    assert error.value.line == 2
    entities, _ = read(path, encoding="cp1252")
    assert entities[0].caption == "José Prueba"


def test_duplicate_ids_and_huge_names(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(f"id,name\n1,Acme\n1,Acme Two\n2,{'X' * 600}\n", encoding="utf-8")
    entities, report = read(path)
    assert [e.caption for e in entities] == ["Acme"]
    assert [(p.kind, p.line) for p in report.problems] == [("duplicate", 3), ("huge_field", 4)]


def make_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_with_sheets_and_a_formula(tmp_path):
    import datetime

    path = make_workbook(tmp_path / "list.xlsx", {
        "Read me": [["This workbook lists blocked customers."]],
        "Blocked": [["Name", "DOB", "Passport"],
                    ["Ivan Testov", datetime.datetime(1961, 7, 14), 750000001],
                    ["=CONCAT(\"A\",\"B\")", "1970", None]],
    })
    with pytest.raises(ListFormatError, match="2 sheets") as error:
        read(path)
    assert "'Read me', 'Blocked'" in str(error.value)
    entities, report = read(path, sheet="Blocked")
    assert [e.caption for e in entities] == ["Ivan Testov"]
    assert entities[0].dates[0].value == "1961-07-14"
    assert [(i.kind, i.value) for i in entities[0].identifiers] == [(IdKind.PASSPORT, "750000001")]
    # openpyxl saves formulas without computing them: the cell has no value.
    assert [(p.kind, p.line) for p in report.problems] == [("formula_without_value", 3), ("empty_name", 3)]
