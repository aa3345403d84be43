"""Batch files: CSV, XLSX and JSON-lines in; CSV, JSON-lines and XLSX out; bad rows marked, bad files refused."""

from __future__ import annotations

import csv
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kordon.screening.files import InputError, RowWriter, open_input


def read_all(path, required=("name",), sheet=None):
    infile = open_input(path, list(required), sheet)
    try:
        return infile.columns, list(infile.rows)
    finally:
        infile.close()


def test_csv_with_bom_semicolons_and_quoted_newlines(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("\ufeffid;name;note\n1;Ivan Petrov;x\n2;\"Volkov,\nAleksandr\";y\n\n3;Anna;z\n".encode())
    columns, rows = read_all(path)
    assert columns == ["id", "name", "note"]
    assert [r.data["id"] for r in rows] == ["1", "2", "3"]
    assert rows[1].data["name"] == "Volkov,\nAleksandr" and rows[1].line == 3
    assert rows[2].line == 6 and all(r.error is None for r in rows)


def test_invalid_utf8_marks_the_row_and_goes_on(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"name,id\nIvan,1\n\xff\xfeBroken,2\nAnna,3\n")
    _, rows = read_all(path)
    assert [r.error is None for r in rows] == [True, False, True]
    assert "invalid UTF-8 in line 3" in rows[1].error
    assert rows[1].data["id"] == "2"


def test_invalid_utf8_in_the_header_is_a_file_error(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"n\xe4me,id\nIvan,1\n")
    with pytest.raises(InputError, match="header is not UTF-8"):
        read_all(path, required=())


def test_missing_name_column_names_file_expected_and_found(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("customer,full_name\n1,Ivan\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_all(path)
    message = str(exc.value)
    assert "customers.csv" in message and "'name'" in message and "'full_name'" in message


@pytest.mark.parametrize("content, message", [(b"", "empty file"), (None, "no such file")])
def test_empty_or_missing_file(tmp_path, content, message):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_all(path)


def test_unknown_file_types_are_refused(tmp_path):
    with pytest.raises(InputError, match="unknown input type"):
        read_all(tmp_path / "in.pdf")
    with pytest.raises(InputError, match="unknown output type"):
        RowWriter(tmp_path / "out.pdf", ["a"])


def test_xlsx_input(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["customer_id", "name", "born"])
    ws.append([17, "Ivan Petrov", None])
    ws.append([None, None, None])
    ws.append([18.0, "Anna", "1970"])
    wb.save(tmp_path / "in.xlsx")
    columns, rows = read_all(tmp_path / "in.xlsx")
    assert columns == ["customer_id", "name", "born"]
    assert [(r.line, r.data["customer_id"], r.data["name"]) for r in rows] == [(2, "17", "Ivan Petrov"), (4, "18", "Anna")]
    with pytest.raises(InputError, match="no sheet 'Other'"):
        read_all(tmp_path / "in.xlsx", sheet="Other")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a readable XLSX"):
        read_all(tmp_path / "bad.xlsx")


def test_jsonl_input_marks_broken_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"name": "Ivan", "id": 1}\n{broken\n\n[1, 2]\n{"name": "Anna", "id": 2}\n\xff\n')
    columns, rows = read_all(path)
    assert columns == ["name", "id"]
    assert [(r.line, r.error is None) for r in rows] == [(1, True), (2, False), (4, False), (5, True), (6, False)]
    assert "invalid JSON in line 2" in rows[1].error and "not a JSON object" in rows[2].error
    assert "invalid UTF-8" in rows[4].error


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_writers_keep_input_columns_and_values(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    columns = ["id", "name", "hits", "hit_1_score"]
    with RowWriter(path, columns) as writer:
        writer.write({"id": "7", "name": "=cmd|' /C calc'!A0", "hits": 1, "hit_1_score": 0.91},
                     {"id": "7", "name": "=cmd|' /C calc'!A0", "hits": [{"score": 0.91}]})
        writer.write({"id": "8", "name": "Anna\x07", "hits": 0}, {"id": "8", "name": "Anna", "hits": []})
    if suffix == ".csv":
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert rows[0]["name"].startswith("=cmd") and rows[0]["hit_1_score"] == "0.91" and rows[1]["hit_1_score"] == ""
    elif suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert rows[0]["hits"] == [{"score": 0.91}] and rows[1]["hits"] == []
    else:
        ws = load_workbook(path).active
        values = list(ws.iter_rows(values_only=True))
        assert values[0] == tuple(columns)
        assert values[1][1] == "=cmd|' /C calc'!A0"  # kept as text, never a formula
        assert ws.cell(2, 2).data_type == "s"
        assert values[2][1] == "Anna"  # control character dropped (XLSX cannot hold it)


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@given(st.lists(st.tuples(cell, cell), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_csv_round_trip(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("rt") / "rt.csv"
    with RowWriter(path, ["name", "other"]) as writer:
        for name, other in rows:
            writer.write({"name": name, "other": other})
    _, read = read_all(path)
    expected = [(n, o) for n, o in rows if (n + o).strip()]  # blank rows are skipped on reading
    assert [(r.data["name"], r.data["other"]) for r in read] == expected
