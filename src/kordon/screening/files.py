"""Batch files: reading CSV, XLSX and JSON-lines inputs and writing CSV, JSON-lines and XLSX outputs.

Reading is forgiving row by row and strict about the file: a row with
invalid UTF-8 or broken JSON is returned with an ``error`` (the batch goes on),
while a file that cannot be read at all, or lacks the mapped name column,
raises :class:`InputError` naming the file, what was expected and what was found.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

INPUT_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl",
                 ".ndjson": "jsonl", ".json": "jsonl"}
OUTPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}


class InputError(Exception):
    """A batch file that cannot be processed; the message names the file and the problem."""


@dataclass(slots=True)
class InputRow:
    line: int  # line (CSV, JSONL) or row (XLSX) number in the file, header = 1 for CSV/XLSX
    data: dict[str, Any]
    error: str | None = None


@dataclass
class InputFile:
    path: Path
    columns: list[str]
    rows: Iterator[InputRow]
    total: int | None = None  # rows, when cheap to know (for the progress bar)
    _close: list = field(default_factory=list)

    def close(self) -> None:
        for fn in self._close:
            fn()


def input_format(path: Path) -> str:
    fmt = INPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown input type {path.suffix!r}; use .csv, .xlsx or .jsonl")
    return fmt


def output_format(path: Path) -> str:
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown output type {path.suffix!r}; use .csv, .jsonl or .xlsx")
    return fmt


def open_input(path: str | Path, required: list[str], sheet: str | None = None) -> InputFile:
    """Open a batch file and check that the ``required`` columns are there."""
    path = Path(path)
    fmt = input_format(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    opener = {"csv": _open_csv, "xlsx": _open_xlsx, "jsonl": _open_jsonl}[fmt]
    infile = opener(path, sheet) if fmt == "xlsx" else opener(path)
    missing = [c for c in required if c not in infile.columns]
    if missing and not (fmt == "jsonl" and not infile.columns):
        infile.close()
        found = ", ".join(repr(c) for c in infile.columns) or "none"
        raise InputError(f"{path}: no column {missing[0]!r} (columns found: {found}); "
                         f"map another column with the matching option, e.g. --name-col")
    return infile


def _decoded_lines(fh: io.BufferedReader, bad: dict[int, str]) -> Iterator[str]:
    """Lines as text; a line that is not UTF-8 is decoded with replacements and remembered."""
    for lineno, raw in enumerate(fh, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad[lineno] = f"invalid UTF-8 in line {lineno} at byte {exc.start + 1}"
            text = raw.decode("utf-8", "replace")
        if lineno == 1:
            text = text.lstrip("\ufeff")
        yield text


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def _open_csv(path: Path) -> InputFile:
    fh = open(path, "rb")
    head = fh.read(65536)
    fh.seek(0)
    try:
        sample = head.decode("utf-8", "replace").lstrip("\ufeff")
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    bad: dict[int, str] = {}
    reader = csv.reader(_decoded_lines(fh, bad), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise InputError(f"{path}: empty file (expected a header row)") from None
    except csv.Error as exc:
        fh.close()
        raise InputError(f"{path}, line 1: unreadable header: {exc}") from None
    if 1 in bad:
        fh.close()
        raise InputError(f"{path}: header is not UTF-8 text ({bad[1]}); save the file as UTF-8")
    columns = [c.strip() for c in header]

    def rows() -> Iterator[InputRow]:
        last = reader.line_num
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield InputRow(reader.line_num, {}, f"unreadable CSV in line {reader.line_num}: {exc}")
                last = reader.line_num
                continue
            first, last = last + 1, reader.line_num
            if not record or all(not v.strip() for v in record):
                continue
            data = dict(zip(columns, record))
            errors = [bad[n] for n in range(first, last + 1) if n in bad]
            error = "; ".join(errors) or None
            if len(record) > len(columns):
                error = error or f"line {first} has {len(record)} fields, the header {len(columns)}"
            yield InputRow(first, data, error)

    return InputFile(path, columns, rows(), max(_count_lines(path) - 1, 0), [fh.close])


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _open_xlsx(path: Path, sheet: str | None) -> InputFile:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(f"{path}: not a readable XLSX workbook ({exc})") from None
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
    except KeyError:
        wb.close()
        raise InputError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})") from None
    it = ws.iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        wb.close()
        raise InputError(f"{path}: empty sheet {ws.title!r} (expected a header row)")
    columns = [_cell(c).strip() for c in header]

    def rows() -> Iterator[InputRow]:
        for number, values in enumerate(it, 2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            yield InputRow(number, {c: _cell(v) for c, v in zip(columns, values) if c})

    return InputFile(path, columns, rows(), max((ws.max_row or 1) - 1, 0), [wb.close])


def _open_jsonl(path: Path) -> InputFile:
    """JSON lines: one object per line; the columns are the keys of the first readable object."""
    fh = open(path, "rb")
    bad: dict[int, str] = {}
    lines = _decoded_lines(fh, bad)
    buffered: list[tuple[int, str]] = []
    columns: list[str] = []
    for lineno, text in enumerate(lines, 1):
        buffered.append((lineno, text))
        if text.strip():
            try:
                obj = json.loads(text)
            except ValueError:
                continue
            if isinstance(obj, dict):
                columns = list(obj)
                break

    def parse(lineno: int, text: str) -> InputRow | None:
        if not text.strip():
            return None
        if lineno in bad:
            return InputRow(lineno, {}, bad[lineno])
        try:
            obj = json.loads(text)
        except ValueError as exc:
            return InputRow(lineno, {}, f"invalid JSON in line {lineno}: {exc}")
        if not isinstance(obj, dict):
            return InputRow(lineno, {}, f"line {lineno} is not a JSON object")
        return InputRow(lineno, obj)

    def rows() -> Iterator[InputRow]:
        for lineno, text in buffered:
            row = parse(lineno, text)
            if row:
                yield row
        for lineno, text in enumerate(lines, len(buffered) + 1):
            row = parse(lineno, text)
            if row:
                yield row

    return InputFile(path, columns, rows(), _count_lines(path), [fh.close])


# --- writing ----------------------------------------------------------------------


class RowWriter:
    """Writes flat rows (CSV, XLSX) or nested records (JSON lines) to a path chosen by its extension."""

    def __init__(self, path: str | Path, columns: list[str]):
        self.path = Path(path)
        self.format = output_format(self.path)
        self.columns = columns
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.format == "csv":
            self._fh = open(self.path, "w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._fh)
            self._csv.writerow(columns)
        elif self.format == "jsonl":
            self._fh = open(self.path, "w", encoding="utf-8")
        else:
            from openpyxl import Workbook

            self._wb = Workbook(write_only=True)
            self._ws = self._wb.create_sheet("results")
            self._ws.append(columns)

    def write(self, flat: dict[str, Any], nested: dict[str, Any] | None = None) -> None:
        """``flat`` for CSV/XLSX (missing columns left empty); ``nested`` (default ``flat``) for JSON lines."""
        if self.format == "jsonl":
            self._fh.write(json.dumps(nested if nested is not None else flat, ensure_ascii=False,
                                      default=str) + "\n")
            return
        values = [_flat_value(flat.get(c)) for c in self.columns]
        if self.format == "csv":
            self._csv.writerow(values)
        else:
            self._ws.append([self._xlsx_cell(v) for v in values])

    def _xlsx_cell(self, value: Any) -> Any:
        """XLSX cells cannot hold control characters, and text starting with '=' must stay text."""
        if not isinstance(value, str):
            return value
        value = "".join(ch for ch in value if ch >= " " or ch in "\t\n")
        if value.startswith("="):
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(self._ws, value=value)
            cell.data_type = "s"
            return cell
        return value

    def close(self) -> None:
        if self.format == "xlsx":
            self._wb.save(self.path)
        else:
            self._fh.close()

    def __enter__(self) -> RowWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _flat_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value
