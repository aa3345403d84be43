"""Reading table-shaped list files (CSV and XLSX) row by row, with clear errors.

Every table-shaped source (UK OFSI, UK FCDO CSV, the multi-list file, the US
Consolidated Screening List, internal lists) opens its file with
:class:`Table`, which finds the header, checks the required columns and yields
``(line_number, row)`` pairs, ``row`` being a dict from column name to the
cell text (stripped; empty cells are ``""``). One piece of code thus serves
CSV and XLSX alike.

CSV decisions:

- **Encoding**: strict UTF-8 by default (a UTF-8 BOM is skipped; a UTF-16 BOM
  switches to UTF-16). A line that does not decode raises
  :class:`ListFormatError` naming the line and the byte, unless the source
  gives a ``fallback_encoding``: then that line is decoded with it and one
  warning (kind ``encoding_fallback``) is recorded. Lines are decoded one by
  one, which is safe for UTF-8 and single-byte code pages because a newline
  byte never occurs inside a multi-byte character.
- **Delimiter**: sniffed from the first lines (``,`` ``;`` tab ``|``), unless given.
- **Huge fields**: a cell longer than 128 KB is almost always an unclosed quote
  swallowing the rest of the file, so it is an error naming the line where the
  record started.
- A trailing Ctrl-Z (``\\x1a``, old DOS end-of-file) and blank lines are ignored.

XLSX files are read with openpyxl in read-only mode (streaming). Formula cells
give the value Excel computed and saved; a formula saved without a value (a
file written by a program that does not compute formulas) is reported.

Files whose rows are *name variants* of one entity, possibly not adjacent
(UK OFSI, the multi-list file), are grouped with :func:`grouped`, which keeps
memory bounded by the groups still open rather than by the file (two passes).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Callable, Iterator, Protocol, TypeVar

from kordon.lists.base import ImportReport, ListFormatError
from kordon.model import Entity, NameKind

DELIMITERS = (",", ";", "\t", "|")
# How many records may come before the header (title lines, "Last Updated,...").
MAX_PREAMBLE = 20
# The longest cell accepted: list cells are names, addresses, remarks, never this long.
MAX_CELL = 128 * 1024

Row = dict[str, str]


def normalize_header(name: str) -> str:
    """A column name for loose comparison: lower case, single spaces, no BOM."""
    return " ".join(name.replace("\ufeff", "").lower().split())


class Table:
    """One CSV or XLSX file: its header, the lines before it, and its rows.

    The header is the first non-empty record, or, with ``header_column``, the
    first record holding that column name (files with title lines before the
    header). ``rows()`` may be called several times (each call reads the file
    again), which lets a source make two passes.
    """

    def __init__(
        self,
        path: Path | str,
        report: ImportReport | None = None,
        *,
        encoding: str = "utf-8",
        fallback_encoding: str | None = None,
        delimiter: str | None = None,
        sheet: str | None = None,
        header_column: str | None = None,
        what: str = "table",
    ):
        self.path = Path(path)
        self.report = report
        self.encoding = encoding
        self.fallback_encoding = fallback_encoding
        self.sheet = sheet
        self.what = what
        self.header_column = header_column
        self.kind = _file_kind(self.path)
        self.delimiter = delimiter
        if self.kind == "csv" and delimiter is None:
            self.delimiter = self._sniff_delimiter()
        self.preamble: list[tuple[int, list[str]]] = []
        self.header_line, self.columns = self._read_header()
        self._index = {normalize_header(c): c for c in reversed(self.columns) if c}  # first one wins

    # --- columns ---------------------------------------------------------
    def column(self, *candidates: str) -> str | None:
        """The actual name of the first candidate column present (compared loosely), or None."""
        for candidate in candidates:
            found = self._index.get(normalize_header(candidate))
            if found is not None:
                return found
        return None

    def require(self, *columns: str) -> None:
        """Raise a clear error when one of ``columns`` is missing."""
        missing = [c for c in columns if self.column(c) is None]
        if missing:
            found = ", ".join(repr(c) for c in self.columns if c) or "none"
            raise ListFormatError(
                self.path,
                f"not a {self.what}: missing column(s) {', '.join(map(repr, missing))}; the header has: {found}",
                line=self.header_line,
            )

    # --- rows --------------------------------------------------------------
    def rows(self, quiet: bool = False) -> Iterator[tuple[int, Row]]:
        """``(line_number, row)`` for every non-empty record after the header.

        ``quiet`` records no warnings: for a first pass whose rows are read again.
        """
        report = None if quiet else self.report
        columns = self.columns
        width = len(columns)
        # The UK OFSI CSV names one more (empty, leading) column than its rows hold.
        shifted = columns[1:] if columns and columns[0] == "" else None
        for line, cells in self._records(report):
            if line <= self.header_line:
                continue
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if shifted is not None and len(cells) == width - 1:
                yield line, dict(zip(shifted, cells))
                continue
            if len(cells) > width and any(cells[width:]) and report is not None:
                report.warn(
                    f"{len(cells)} cells but the header names {width} columns; extra cells ignored",
                    path=self.path, line=line, kind="extra_cells",
                )
            row = dict(zip(columns, cells))
            if len(cells) < width:
                for name in columns[len(cells):]:
                    row.setdefault(name, "")
            yield line, row

    def values(self, *columns: str) -> Iterator[tuple[int, tuple[str, ...]]]:
        """``(line_number, cells)`` of the named columns only: a cheap first pass, no warnings."""
        positions = [self.columns.index(c) for c in columns]
        width = len(self.columns)
        leading_empty = bool(self.columns) and self.columns[0] == ""
        for line, cells in self._records(None):
            if line <= self.header_line:
                continue
            offset = 1 if leading_empty and len(cells) == width - 1 else 0
            yield line, tuple(cells[i - offset].strip() if i - offset < len(cells) else "" for i in positions)

    # --- internals ---------------------------------------------------------
    def _records(self, report: ImportReport | None, fast: bool = True) -> Iterator[tuple[int, list[str]]]:
        if self.kind == "xlsx":
            return _xlsx_records(self.path, self.sheet, report)
        return _csv_records(self.path, self.encoding, self.fallback_encoding, self.delimiter or ",", report, fast)

    def _read_header(self) -> tuple[int, list[str]]:
        header_column = self.header_column
        # Line by line, so that a wrong file is told by its columns before its bytes are checked.
        records = self._records(None, fast=False)
        try:
            for count, (line, cells) in enumerate(records):
                cells = [c.strip() for c in cells]
                if (header_column in cells) if header_column else any(cells):
                    return line, self._unique_names([c.replace("\ufeff", "") for c in cells], line)
                if count >= MAX_PREAMBLE:
                    break
                if any(cells):
                    self.preamble.append((line, cells))
        finally:
            close = getattr(records, "close", None)
            if close:
                close()
        if not self.preamble:
            raise ListFormatError(self.path, f"not a {self.what}: the file is empty", line=1)
        raise ListFormatError(
            self.path,
            f"not a {self.what}: no header line with a {header_column!r} column in the first "
            f"{MAX_PREAMBLE} lines (first line: {','.join(self.preamble[0][1])[:120]!r})",
            line=self.preamble[0][0],
        )

    def _unique_names(self, names: list[str], line: int) -> list[str]:
        """Column names made unique: a repeated name becomes "name (2)", with a warning."""
        seen: set[str] = set()
        unique_names = []
        for name in names:
            if name and name in seen:
                number = 2
                while f"{name} ({number})" in seen:
                    number += 1
                if self.report is not None:
                    self.report.warn(f"column {name!r} appears twice; the second is read as "
                                     f"{name} ({number})", path=self.path, line=line, kind="duplicate_column")
                name = f"{name} ({number})"
            seen.add(name)
            unique_names.append(name)
        return unique_names

    def _sniff_delimiter(self) -> str:
        sample: list[str] = []
        for text in _text_lines(self.path, self.encoding, self.fallback_encoding, None):
            if text.strip():
                sample.append(text)
            if len(sample) >= 5:
                break
        counts = {d: sum(line.count(d) for line in sample) for d in DELIMITERS}
        best = max(DELIMITERS, key=lambda d: counts[d])
        return best if counts[best] else ","


def _file_kind(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
            magic = head[:8]
    except FileNotFoundError:
        raise ListFormatError(path, "file not found") from None
    except IsADirectoryError:
        raise ListFormatError(path, "a folder was given where a file is expected") from None
    if magic.startswith(b"PK\x03\x04"):
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return "xlsx"
        raise ListFormatError(path, "this is a ZIP archive (an XLSX workbook?), not a CSV file; "
                                    "name it .xlsx or unpack it", line=1)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise ListFormatError(path, "old binary Excel (.xls) files are not supported: save it as .xlsx or CSV")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ListFormatError(path, "named .xlsx but not an Excel workbook (no ZIP signature)", line=1)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise ListFormatError(path, "a NUL byte: this is a binary file, not a CSV", line=line)
    return "csv"


# --- CSV ---------------------------------------------------------------------
def _text_lines(path: Path, encoding: str, fallback: str | None, report: ImportReport | None) -> Iterator[str]:
    """The decoded lines of a text file, newline kept; see the module docstring for the rules."""
    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            with io.TextIOWrapper(fh, encoding="utf-16", newline="") as text:
                yield from text
            return
        warned = False
        for number, raw in enumerate(fh, 1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                bad = raw[exc.start]
                if fallback is None:
                    raise ListFormatError(
                        path,
                        f"not valid {encoding}: byte 0x{bad:02x} at column {exc.start + 1}; "
                        "re-save the file as UTF-8 or give its encoding (e.g. encoding=cp1252)",
                        line=number,
                    ) from None
                if not warned and report is not None:
                    report.warn(f"not valid {encoding} (byte 0x{bad:02x}); decoded as {fallback} "
                                "from here on where needed", path=path, line=number, kind="encoding_fallback")
                    warned = True
                yield raw.decode(fallback, errors="replace")


def _csv_records(path: Path, encoding: str, fallback: str | None, delimiter: str,
                 report: ImportReport | None, fast: bool = True) -> Iterator[tuple[int, list[str]]]:
    if fast and fallback is None and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        yield from _fast_utf8_records(path, delimiter)
        return
    lines = _text_lines(path, encoding, fallback, report)
    yield from _parse_records(path, csv.reader(lines, delimiter=delimiter))


def _fast_utf8_records(path: Path, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Strict UTF-8 decoded by the io layer (several times faster than line by line).

    On a decoding error the file is scanned again to name the offending line.
    """
    with path.open("rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            fh.seek(0)
            text = io.TextIOWrapper(fh, encoding="utf-16", newline="")
            yield from _parse_records(path, csv.reader(text, delimiter=delimiter))
            return
    with path.open("r", encoding="utf-8-sig", newline="") as text:
        try:
            yield from _parse_records(path, csv.reader(text, delimiter=delimiter))
        except UnicodeDecodeError:
            for _ in _text_lines(path, "utf-8", None, None):  # raises ListFormatError naming the line
                pass
            raise


def _parse_records(path: Path, reader) -> Iterator[tuple[int, list[str]]]:
    start = 1
    try:
        for cells in reader:
            if cells and "\x1a" in cells[-1]:  # DOS end-of-file marker
                cells[-1] = cells[-1].replace("\x1a", "")
            # Checked here, not left to csv.field_size_limit: that limit is process-wide
            # and followthemoney raises it to 30 MB when imported.
            if cells and max(map(len, cells)) > MAX_CELL:
                raise csv.Error("field larger than field limit")
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = (f"a cell is larger than {MAX_CELL // 1024} KB: probably an unclosed quote "
                       "that swallows the rest of the file")
        raise ListFormatError(path, f"unreadable CSV: {message}", line=start) from None


# --- XLSX --------------------------------------------------------------------
def _xlsx_records(path: Path, sheet: str | None, report: ImportReport | None) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # imported here: the CLI should not pay for it unless an XLSX is read

    try:
        values_book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas_book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds (BadZipFile, KeyError, InvalidFileException)
        raise ListFormatError(path, f"unreadable XLSX workbook: {exc}") from None
    try:
        names = values_book.sheetnames
        if sheet is None:
            if len(names) > 1:
                raise ListFormatError(path, f"the workbook has {len(names)} sheets "
                                            f"({', '.join(map(repr, names))}); choose one with the 'sheet' option")
            sheet = names[0]
        if sheet not in names:
            raise ListFormatError(path, f"no sheet {sheet!r}; the workbook has: {', '.join(map(repr, names))}")
        values = values_book[sheet].iter_rows(values_only=True)
        formulas = formulas_book[sheet].iter_rows(values_only=True)
        for number, (row, raw_row) in enumerate(zip(values, formulas), 1):
            cells = []
            for column, value in enumerate(row):
                raw = raw_row[column] if column < len(raw_row) else None
                if value is None and isinstance(raw, str) and raw.startswith("=") and report is not None:
                    report.warn(f"formula {raw[:60]!r} has no saved value (open and save the file in "
                                "Excel or LibreOffice to compute it); the cell is read as empty",
                                path=path, line=number, field=f"column {column + 1}", kind="formula_without_value")
                cells.append(cell_text(value))
            yield number, cells
    finally:
        values_book.close()
        formulas_book.close()


def cell_text(value: object) -> str:
    """An XLSX cell value as list text: whole numbers without ``.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# --- several rows per entity -------------------------------------------------
class Group(Protocol):
    def add(self, line: int, row: Row) -> None: ...


G = TypeVar("G", bound=Group)


def grouped(
    table: Table,
    key_columns: tuple[str, ...],
    start: Callable[[str, int, Row], G],
    on_missing_key: Callable[[int, Row], None] | None = None,
) -> Iterator[G]:
    """Fold rows sharing a key into one group each, yielding every group once complete.

    Rows of one entity are usually adjacent but not always (the UK OFSI list
    sorts by name, so an entity's aliases are scattered). A first pass records,
    for each key, the line of its last row (one integer per key). The second
    pass, the one that records warnings, feeds rows to their group (``start``
    makes it at its first row, ``group.add`` takes the others) and yields it at
    its last row. Memory holds the index and the groups still open, never the
    whole file. The key is the values of ``key_columns``; rows with an empty
    one go to ``on_missing_key``.
    """
    last_line: dict[str, int] = {}
    for line, values in table.values(*key_columns):
        if all(values):
            last_line["\x1f".join(values)] = line
    open_groups: dict[str, G] = {}
    for line, row in table.rows():
        values = [row.get(c, "") for c in key_columns]
        k = "\x1f".join(values) if all(values) else None
        if k is None:
            if on_missing_key is not None:
                on_missing_key(line, row)
            continue
        group = open_groups.get(k)
        if group is None:
            group = open_groups[k] = start(k, line, row)
        else:
            group.add(line, row)
        if last_line.get(k, line) <= line:
            yield open_groups.pop(k)
    # Only when the file changed between the two passes.
    yield from open_groups.values()


# --- building one entity from several rows ---------------------------------
_NAME_STRENGTH = {
    NameKind.PRIMARY: 4,
    NameKind.ORIGINAL_SCRIPT: 3,
    NameKind.ALIAS: 2,
    NameKind.FORMER: 1,
    NameKind.WEAK: 0,
}


def merge_name(entity: Entity, value: str | None, kind: NameKind, **parts: str | None) -> None:
    """Add a name seen on one of several rows of an entity.

    A name seen again under a stronger kind is upgraded (an "AKA" row before
    the "Primary name" row). An entity keeps one primary name: a second,
    different primary becomes an alias.
    """
    if not value or not (value := " ".join(value.split())):
        return
    has_primary = any(n.kind == NameKind.PRIMARY for n in entity.names)
    if kind == NameKind.PRIMARY and has_primary:
        kind = NameKind.ALIAS
    for name in entity.names:
        if name.value == value:
            if _NAME_STRENGTH[kind] > _NAME_STRENGTH[name.kind]:
                name.kind = kind
            for attr, part in parts.items():
                if part and not getattr(name, attr):
                    setattr(name, attr, part)
            return
    clean_parts = {k: v for k, v in parts.items() if v}
    entity.add_name(value, kind, **clean_parts)


def ensure_primary(entity: Entity) -> None:
    """Make the first non-weak name primary when the list marked none as primary."""
    if not entity.names or any(n.kind == NameKind.PRIMARY for n in entity.names):
        return
    for name in entity.names:
        if name.kind in (NameKind.ALIAS, NameKind.ORIGINAL_SCRIPT):
            name.kind = NameKind.PRIMARY
            return
    entity.names[0].kind = NameKind.PRIMARY


_NUMBERING = re.compile(r"(?:^|(?<=[\s\-,;.]))\(?(?:\d{1,2}|[a-hA-H])\)\s*")


def split_numbered(text: str | None) -> list[str]:
    """Split list text numbered "(1) A (2) B", "1) A 2) B" or "(a) A (b) B" into its items."""
    if not text:
        return []
    items = [" ".join(part.split()).strip(" ,;.-") for part in _NUMBERING.split(text)]
    return [item for item in items if item]


def add_unique(values: list[str], value: str | None) -> None:
    """Append a cleaned value to a list unless empty or already there."""
    if value and (value := " ".join(value.split())) and value not in values:
        values.append(value)
