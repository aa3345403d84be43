"""Loaders for the shapes of trade data analysts really get.

Each shape is a function ``mapping_for(header, path) -> Mapping`` in its own module; :func:`load` picks one
(by ``fmt`` or by recognising the header) and runs the common engine (:mod:`.engine`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from kordon.trade.errors import TradeInputError
from kordon.trade.loaders import comext_bulk, comext_extract, comtrade, mapped_csv, national
from kordon.trade.loaders.engine import LoadReport, Mapping, load_file, read_header, sniff_delimiter

# Format name -> module; the order is the order of recognition in 'auto'.
FORMATS = {
    "comext-bulk": comext_bulk,
    "comtrade": comtrade,
    "national": national,
    "comext-extract": comext_extract,
    "csv": mapped_csv,
}


def detect_format(header: list[str]) -> str | None:
    for fmt, module in FORMATS.items():
        if fmt != "csv" and module.recognises(header):
            return fmt
    return None


def build_mapping(path: Path, fmt: str = "auto", *, columns: dict[str, str] | None = None,
                  constants: dict[str, str] | None = None, value_scale: float | None = None,
                  classification: str | None = None) -> Mapping:
    """The mapping for a file: from its recognised shape, with the user's overrides applied on top."""
    path = Path(path)
    delimiter = sniff_delimiter(path) if path.exists() and path.stat().st_size else ","
    header = read_header(path, delimiter)
    if fmt == "auto":
        fmt = detect_format(header) or ("csv" if columns else None)
        if fmt is None:
            raise TradeInputError(
                path, "cannot recognise the file's shape (Comext bulk, Comext extract, UN Comtrade, national "
                f"statistics); load it with --format csv and --map FIELD=COLUMN (header: {', '.join(header)})")
    if fmt not in FORMATS:
        raise TradeInputError(path, f"unknown format {fmt!r} (use one of auto, {', '.join(FORMATS)})")
    mapping = FORMATS[fmt].mapping_for(header, path)
    mapping.delimiter = delimiter
    if columns:
        mapping.columns.update(columns)
        for fld in columns:
            mapping.constants.pop(fld, None)
    if constants:
        mapping.constants.update(constants)
        for fld in constants:
            mapping.columns.pop(fld, None)
    if value_scale is not None:
        mapping.value_scale = value_scale
    if classification:
        mapping.classification = classification.upper()
    return mapping


def load(con: duckdb.DuckDBPyConnection, path: Path | str, fmt: str = "auto", *, name: str | None = None,
         extracted_on: date | None = None, replace: bool = False, skip_unknown: bool = False,
         columns: dict[str, str] | None = None, constants: dict[str, str] | None = None,
         value_scale: float | None = None, classification: str | None = None, duplicates: str | None = None,
         source: str | None = None) -> LoadReport:
    """Load one file of trade statistics into the database (atomically); returns what was loaded."""
    mapping = build_mapping(Path(path), fmt, columns=columns, constants=constants, value_scale=value_scale,
                            classification=classification)
    if source:
        mapping.source = source
    return load_file(con, path, mapping, name=name, extracted_on=extracted_on, replace=replace,
                     skip_unknown=skip_unknown, duplicates=duplicates)


__all__ = ["FORMATS", "LoadReport", "Mapping", "build_mapping", "detect_format", "load"]
