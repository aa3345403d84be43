"""Shared reading of CSV and XLSX list files (kordon.lists.tabular)."""

from __future__ import annotations

import codecs
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kordon.lists.base import ImportReport, ListFormatError
from kordon.lists.tabular import Table, grouped, split_numbered


def table(path: Path, **options) -> tuple[Table, ImportReport]:
    report = ImportReport("test", str(path))
    return Table(path, report, **options), report


def write(tmp_path: Path, content: bytes | str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = write(tmp_path, delimiter.join(["name", "country", "note"]) + "\n"
                 + delimiter.join(["Acme", "am", "a b"]) + "\n")
    t, _ = table(path)
    assert t.columns == ["name", "country", "note"]
    assert list(t.rows()) == [(2, {"name": "Acme", "country": "am", "note": "a b"})]


def test_bom_blank_lines_spaces_and_ctrl_z(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF8 + b" name ,country\r\n\r\n Acme , am\r\n\x1a")
    t, _ = table(path)
    assert t.columns == ["name", "country"]
    assert list(t.rows()) == [(3, {"name": "Acme", "country": "am"})]


def test_utf16_is_read(tmp_path):
    path = write(tmp_path, "name\tcountry\nЗала Аэро\tru\n".encode("utf-16"))
    assert [row for _, row in table(path)[0].rows()] == [{"name": "Зала Аэро", "country": "ru"}]


def test_bad_bytes_name_the_line_or_fall_back_with_one_warning(tmp_path):
    path = write(tmp_path, b"name\nok\nJos\xe9\nAndr\xe9\n")
    with pytest.raises(ListFormatError, match="not valid utf-8: byte 0xe9 at column 4") as error:
        list(table(path)[0].rows())
    assert error.value.line == 3
    t, report = table(path, fallback_encoding="cp1252")
    assert [row["name"] for _, row in t.rows()] == ["ok", "José", "André"]
    assert [(p.kind, p.line) for p in report.problems] == [("encoding_fallback", 3)]


def test_bad_bytes_in_the_header_line(tmp_path):
    path = write(tmp_path, b"n\xe4me\nx\n")
    with pytest.raises(ListFormatError) as error:
        table(path)
    assert error.value.line == 1


def test_multiline_cells_keep_line_numbers(tmp_path):
    path = write(tmp_path, 'name,note\nA,"two\nlines"\nB,x\n')
    assert [(line, row["name"]) for line, row in table(path)[0].rows()] == [(2, "A"), (4, "B")]


def test_missing_columns_name_file_columns_and_header(tmp_path):
    path = write(tmp_path, "title\nThe list\nname,type\nAcme,company\n")
    t, _ = table(path, header_column="name", what="test list")
    assert t.preamble == [(1, ["title"]), (2, ["The list"])] and t.header_line == 3
    with pytest.raises(ListFormatError) as error:
        t.require("name", "country", "dob")
    message = str(error.value)
    assert str(path) in message and "line 3" in message
    assert "missing column(s) 'country', 'dob'" in message and "the header has: 'name', 'type'" in message


def test_unclosed_quote_is_an_error_at_its_line(tmp_path):
    path = write(tmp_path, 'name,note\nA,"never closed\n' + "x" * 200_000 + "\n")
    with pytest.raises(ListFormatError, match="unclosed quote") as error:
        list(table(path)[0].rows())
    assert error.value.line == 2


def test_binary_files_are_refused(tmp_path):
    path = write(tmp_path, b"name\nA\x00B\n")
    with pytest.raises(ListFormatError, match="NUL") as error:
        table(path)
    assert error.value.line == 2
    with pytest.raises(ListFormatError, match="ZIP archive"):
        table(write(tmp_path, b"PK\x03\x04rest", name="list.csv"))
    with pytest.raises(ListFormatError, match="old binary Excel"):
        table(write(tmp_path, b"\xd0\xcf\x11\xe0rest", name="list.xls"))
    with pytest.raises(ListFormatError, match="empty"):
        table(write(tmp_path, b"", name="empty.csv"))


def test_extra_cells_are_reported_and_short_rows_padded(tmp_path):
    path = write(tmp_path, "a,b\n1,2,3\n4\n")
    t, report = table(path)
    assert [row for _, row in t.rows()] == [{"a": "1", "b": "2"}, {"a": "4", "b": ""}]
    assert [(p.kind, p.line) for p in report.problems] == [("extra_cells", 2)]


def test_repeated_column_names(tmp_path):
    path = write(tmp_path, "name,name,country\nAcme,Acme Ltd,am\n")
    t, report = table(path)
    assert t.columns == ["name", "name (2)", "country"]
    assert [row for _, row in t.rows()] == [{"name": "Acme", "name (2)": "Acme Ltd", "country": "am"}]
    assert [(p.kind, p.line) for p in report.problems] == [("duplicate_column", 1)]


def test_leading_empty_header_column(tmp_path):
    # UK OFSI: the header names one more (empty) column than the rows hold.
    path = write(tmp_path, ",Name 6,Group ID\nTESTOV,1\n")
    t, _ = table(path)
    assert [row for _, row in t.rows()] == [{"Name 6": "TESTOV", "Group ID": "1"}]
    assert list(t.values("Group ID")) == [(2, ("1",))]


def test_xlsx_cells(tmp_path):
    import datetime

    book = openpyxl.Workbook()
    book.active.append(["name", "number", "date", "flag"])
    book.active.append(["Acme", 1234567.0, datetime.datetime(2001, 2, 3), True])
    book.active.append([None, None, None, None])
    book.active.append(["Beta", 1.5, datetime.datetime(2001, 2, 3, 4, 5), None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    t, _ = table(path)
    assert [(line, row) for line, row in t.rows()] == [
        (2, {"name": "Acme", "number": "1234567", "date": "2001-02-03", "flag": "true"}),
        (4, {"name": "Beta", "number": "1.5", "date": "2001-02-03T04:05:00", "flag": ""}),
    ]
    with pytest.raises(ListFormatError, match="no sheet 'Other'"):
        table(path, sheet="Other")


def test_xlsx_name_on_a_text_file(tmp_path):
    with pytest.raises(ListFormatError, match="not an Excel workbook"):
        table(write(tmp_path, "name\nA\n", name="list.xlsx"))


# --- grouping rows of one entity ------------------------------------------------------
class Collect:
    def __init__(self, key, line, row):
        self.key, self.lines = key, [line]

    def add(self, line, row):
        self.lines.append(line)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "", "e"]), min_size=1, max_size=40))
def test_grouped_yields_each_key_once_with_all_its_rows(tmp_path_factory, keys):
    path = tmp_path_factory.mktemp("g") / "rows.csv"
    path.write_text("key,value\n" + "".join(f"{k},{i}\n" for i, k in enumerate(keys)), encoding="utf-8")
    missing = []
    groups = list(grouped(Table(path), ("key",), Collect, lambda line, row: missing.append(line)))
    expected = defaultdict(list)
    for i, k in enumerate(keys):
        if k:
            expected[k].append(i + 2)
    assert {g.key: g.lines for g in groups} == expected
    assert len(groups) == len(expected)
    assert missing == [i + 2 for i, k in enumerate(keys) if not k]
    # A group is yielded once its last row is read: in the order of the groups' last rows.
    assert [g.key for g in groups] == sorted(expected, key=lambda k: expected[k][-1])


# --- numbered lists ---------------------------------------------------------------------
ITEM = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij klmnop", min_size=1, max_size=20).map(
    lambda s: " ".join(s.split())).filter(lambda s: s and not any(len(w) == 1 for w in s.split()))


@given(st.lists(ITEM, min_size=1, max_size=6))
def test_split_numbered_round_trip(items):
    text = " ".join(f"({i}) {item}" for i, item in enumerate(items, 1))
    assert split_numbered(text) == items


@pytest.mark.parametrize("text, items", [
    ("1) Saudi Arabia 2) Qatar", ["Saudi Arabia", "Qatar"]),
    ("a) General, b) Minister for Security", ["General", "Minister for Security"]),
    ("(1)-(2) Indonesia", ["Indonesia"]),
    ("Passport No: 592667 (Qatari passport)", ["Passport No: 592667 (Qatari passport)"]),
    ("", []),
])
def test_split_numbered_examples(text, items):
    assert split_numbered(text) == items
