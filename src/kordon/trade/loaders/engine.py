"""The one loading engine behind every file shape.

A loader only describes its shape as a :class:`Mapping` (which source column feeds which field of the tidy
model, which fields are constant). The engine then

1. reads the file into a staging table, all cells as text, with their line numbers;
2. reads each code column through its *distinct* values (countries, products, periods, flows, currencies)
   with the functions of :mod:`kordon.trade.codes`, and every value cell in SQL;
3. checks everything (missing columns, unknown codes, bad or negative numbers, duplicates, mixed
   currencies, overlap with data already loaded);
4. inserts the dataset and its flows in one transaction.

Any problem raises :class:`TradeInputError` naming the file (and line/column) before anything is written.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import duckdb

from kordon.trade.codes import (
    normalise_country,
    normalise_product_code,
    parse_currency,
    parse_flow,
    parse_period,
)
from kordon.trade.errors import TradeInputError
from kordon.trade.model import FLOW_KEY

# Cells that mark a value as not published (suppressed or confidential) rather than missing by mistake.
SUPPRESSION_MARKERS = ("", ":", ":c", "c", "x", "..", "...", "conf", "confidential", "suppressed", "n/a", "na", "-")
# Observation flags (Eurostat OBS_FLAG, national tables) that mean "confidential".
CONFIDENTIAL_FLAGS = ("c", "conf", "confidential")
MAX_EXAMPLES = 5
# Rows sharing reporter, partner, flow, product and period. Exact copies are always dropped and counted.
DUPLICATE_POLICIES = {
    "refuse": "refuse the file if two rows give different values for the same flow",
    "first": "keep the first of conflicting rows, count the others (for sources with known conflicts)",
    "sum": "add the rows up (the source splits one flow over a dimension kordon does not keep)",
}


@dataclass
class Mapping:
    """How a file shape maps onto the tidy model.

    ``columns`` maps a model field (see :data:`kordon.trade.model.FIELDS`) to a source column; ``constants``
    gives a fixed raw value for a field the file lacks (e.g. ``flow='export'``). ``row_filter`` is an SQL
    condition on source columns keeping only the rows in scope (e.g. Comtrade totals over modes of
    transport). ``duplicates`` says what to do with rows that share a key (see :data:`DUPLICATE_POLICIES`);
    shapes that split one flow over a dimension we do not keep (Comext statistical regimes) use ``sum``.
    """

    loader: str
    source: str
    columns: dict[str, str]
    constants: dict[str, str] = field(default_factory=dict)
    classification: str = "CN"  # CN or HS: what product codes are
    edition_codes: dict[str, str] = field(default_factory=dict)  # raw hs_edition cell -> edition
    value_scale: float = 1.0
    row_filter: str | None = None
    duplicates: str = "refuse"
    delimiter: str = ","
    notes: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    name: str
    file: str
    loader: str
    dataset_id: int
    rows: int
    suppressed_cells: int
    confidential_product_rows: int
    duplicates_dropped: int
    conflicting_duplicates: int
    rows_summed: int
    rows_out_of_scope: int
    skipped_unknown: dict[str, list[str]]
    skipped_rows: int
    currency: str
    hs_editions: list[str]
    levels: dict[str, int]
    periods: str
    extracted_on: str | None
    notes: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------ reading the file


def read_header(path: Path, delimiter: str = ",") -> list[str]:
    if not path.exists():
        raise TradeInputError(path, "file not found")
    if path.stat().st_size == 0:
        raise TradeInputError(path, "empty file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle, delimiter=delimiter), None)
    if not header or not any(h.strip() for h in header):
        raise TradeInputError(path, "empty file (no header row)")
    return [h.strip() for h in header]


def sniff_delimiter(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    return max([",", ";", "\t", "|"], key=first.count)


def _check_columns(path: Path, header: list[str], mapping: Mapping) -> None:
    required = {"reporter", "partner", "flow", "product_code", "period", "value", "currency"}
    missing_fields = sorted(required - set(mapping.columns) - set(mapping.constants))
    if missing_fields:
        raise TradeInputError(
            path, f"no column or constant for {', '.join(missing_fields)}; map one with --map FIELD=COLUMN "
            f"or give it with --const FIELD=VALUE (header: {', '.join(header)})")
    problems = []
    for fld, column in mapping.columns.items():
        if column not in header:
            guess = difflib.get_close_matches(column, header, n=1, cutoff=0.6)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            problems.append(f"column {column!r} for {fld} is missing{hint}")
    if problems:
        raise TradeInputError(path, "; ".join(problems) + f"; the header is: {', '.join(header)}")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _stage(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping) -> tuple[int, int]:
    """Read the file into ``_raw`` (text cells + line number); returns (rows read, rows in scope)."""
    columns = sorted(set(mapping.columns.values()))
    select = ", ".join(f"{_q(c)}" for c in columns)
    source = (f"read_csv({_lit(path)}, all_varchar=true, header=true, delim={_lit(mapping.delimiter)}, "
              f"quote='\"', escape='\"', sample_size=-1)")
    in_scope = f"coalesce(({mapping.row_filter}), FALSE)" if mapping.row_filter else "TRUE"
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _raw AS SELECT row_number() OVER () + 1 AS _line, {select}, "
                    f"{in_scope} AS _in_scope FROM {source}")
    except duckdb.Error as exc:
        raise TradeInputError(path, f"cannot read as CSV: {str(exc).splitlines()[0]}") from None
    total, kept = con.execute("SELECT count(*), count(*) FILTER (WHERE _in_scope) FROM _raw").fetchone()
    if total == 0:
        raise TradeInputError(path, "empty file (a header but no data rows)")
    if kept == 0:
        raise TradeInputError(path, f"no rows in scope (filter: {mapping.row_filter})")
    if kept < total:
        con.execute("DELETE FROM _raw WHERE NOT _in_scope")
    return total, kept


# ------------------------------------------------------------------ code columns


def _map_codes(con, path: Path, mapping: Mapping, fld: str, parse: Callable[[str], tuple],
               out_columns: list[str]) -> tuple[str, list[tuple[str, int, str]]]:
    """Parse the distinct raw values of one field into temp table ``_map_<fld>(raw, out...)``.

    Returns (SQL expression giving the raw value in ``_raw r``, problems as (raw, first line, reason)).
    For a constant field the expression is the constant itself.
    """
    if fld in mapping.columns:
        expr = f"r.{_q(mapping.columns[fld])}"
        values = con.execute(f"SELECT {expr} AS raw, min(_line) FROM _raw r GROUP BY 1").fetchall()
    else:
        expr = _lit(mapping.constants[fld])
        values = [(mapping.constants[fld], None)]
    rows, problems = [], []
    for raw, line in values:
        try:
            rows.append((raw, *parse(raw)))
        except ValueError as exc:
            problems.append((raw, line, str(exc)))
    table = f"_map_{fld}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (raw VARCHAR, {', '.join(c + ' VARCHAR' for c in out_columns)})")
    if rows:
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * (len(out_columns) + 1))})", rows)
    return expr, problems


def _describe(problems: list[tuple[str, int, str]]) -> str:
    shown = [f"{reason}" + (f" (line {line})" if line else "") for _, line, reason in sorted(problems, key=lambda p: p[1] or 0)[:MAX_EXAMPLES]]
    more = f" and {len(problems) - MAX_EXAMPLES} more" if len(problems) > MAX_EXAMPLES else ""
    return "; ".join(shown) + more


def _column_of(mapping: Mapping, fld: str) -> str | None:
    return mapping.columns.get(fld)


# ------------------------------------------------------------------ values


def _number_sql(expr: str) -> str:
    markers = ", ".join(_lit(m) for m in SUPPRESSION_MARKERS)
    text = f"lower(trim(coalesce({expr}, '')))"
    return f"CASE WHEN {text} IN ({markers}) THEN NULL ELSE TRY_CAST(trim({expr}) AS DOUBLE) END"


def _check_numbers(con, path: Path, mapping: Mapping) -> None:
    markers = ", ".join(_lit(m) for m in SUPPRESSION_MARKERS)
    for fld in ("value", "quantity", "net_mass_kg"):
        column = mapping.columns.get(fld)
        if column is None:
            continue
        col = f"r.{_q(column)}"
        bad = con.execute(
            f"SELECT _line, {col} FROM _raw r WHERE lower(trim(coalesce({col}, ''))) NOT IN ({markers}) "
            f"AND TRY_CAST(trim({col}) AS DOUBLE) IS NULL ORDER BY _line LIMIT {MAX_EXAMPLES}").fetchall()
        if bad:
            examples = ", ".join(f"{v!r} (line {line})" for line, v in bad)
            raise TradeInputError(path, f"not a number: {examples}", line=bad[0][0], column=column)
        negative = con.execute(
            f"SELECT _line, {col} FROM _raw r WHERE TRY_CAST(trim({col}) AS DOUBLE) < 0 ORDER BY _line LIMIT {MAX_EXAMPLES}"
        ).fetchall()
        if negative:
            examples = ", ".join(f"{v} (line {line})" for line, v in negative)
            raise TradeInputError(path, f"negative {fld}: {examples}; trade values and quantities cannot be "
                                  "negative (corrections must be applied before loading)", line=negative[0][0], column=column)


# ------------------------------------------------------------------ the load


def _parse_product(raw):
    product = normalise_product_code(raw)
    return product.code, product.level


def _parse_country(raw):
    return (normalise_country(raw),)


def _parse_period(raw):
    period, freq = parse_period(raw)
    return period.isoformat(), freq


def load_file(con: duckdb.DuckDBPyConnection, path: Path | str, mapping: Mapping, *, name: str | None = None,
              extracted_on: date | None = None, replace: bool = False, skip_unknown: bool = False,
              duplicates: str | None = None) -> LoadReport:
    """Load one file into ``flows`` atomically, following ``mapping``. See the module docstring.

    ``duplicates`` overrides the mapping's policy (``refuse``, ``first`` or ``sum``; see DUPLICATE_POLICIES).
    """
    path = Path(path)
    policy = duplicates or mapping.duplicates
    if policy not in DUPLICATE_POLICIES:
        raise TradeInputError(path, f"unknown duplicates policy {policy!r} (use {', '.join(DUPLICATE_POLICIES)})")
    header = read_header(path, mapping.delimiter)
    _check_columns(path, header, mapping)
    name = name or path.stem
    digest = _sha256(path)
    existing = con.execute("SELECT name FROM datasets WHERE sha256 = ? AND name <> ?", [digest, name]).fetchone()
    if existing:
        raise TradeInputError(path, f"this file is already loaded as dataset {existing[0]!r}")
    if not replace and con.execute("SELECT 1 FROM datasets WHERE name = ?", [name]).fetchone():
        raise TradeInputError(path, f"a dataset named {name!r} exists; pass --replace to reload it or --name to keep both")

    total_rows, in_scope = _stage(con, path, mapping)
    _check_numbers(con, path, mapping)

    # Code columns: parse distinct values; unknown countries/products may be skipped on request.
    exprs, skipped = {}, {}
    parsers = [
        ("reporter", _parse_country, ["code"], True),
        ("partner", _parse_country, ["code"], True),
        ("product_code", _parse_product, ["code", "level"], True),
        ("flow", lambda raw: (parse_flow(raw),), ["flow"], False),
        ("period", _parse_period, ["period", "freq"], False),
        ("currency", lambda raw: (parse_currency(raw),), ["currency"], False),
    ]
    for fld, parse, outs, skippable in parsers:
        exprs[fld], problems = _map_codes(con, path, mapping, fld, parse, outs)
        if problems and not (skip_unknown and skippable):
            hint = "; pass --skip-unknown to leave those rows out" if skippable else ""
            raise TradeInputError(path, f"{len(problems)} bad value(s): {_describe(problems)}{hint}",
                                  line=min((p[1] for p in problems if p[1]), default=None), column=_column_of(mapping, fld))
        if problems:
            skipped[fld] = sorted(str(p[0]) for p in problems)

    tidy_sql = _tidy_select(mapping, exprs)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tidy AS {tidy_sql}")
    kept = con.execute("SELECT count(*) FROM _tidy").fetchone()[0]
    skipped_rows = in_scope - kept
    if kept == 0:
        raise TradeInputError(path, "no rows left after leaving out unknown codes")

    _check_currency(con, path, mapping)
    duplicates_dropped, conflicting, rows_summed = _resolve_duplicates(con, path, policy)
    _check_overlap(con, path, name if replace else None)

    stats = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE suppressed), count(*) FILTER (WHERE product_level = 'CONFIDENTIAL'), "
        "any_value(currency), string_agg(DISTINCT hs_edition, ',' ORDER BY hs_edition), "
        "min(period)::VARCHAR || ' .. ' || max(period)::VARCHAR FROM _tidy").fetchone()
    rows, suppressed, confidential, currency, editions, periods = stats
    levels = dict(con.execute("SELECT product_level, count(*) FROM _tidy GROUP BY 1 ORDER BY 1").fetchall())
    extracted_note = "given by the user"
    if extracted_on is None:
        extracted_on = date.fromtimestamp(path.stat().st_mtime)
        extracted_note = "file modification date (pass --extracted to record the real extraction date)"

    con.execute("BEGIN")
    try:
        if replace:
            old = con.execute("SELECT dataset_id FROM datasets WHERE name = ?", [name]).fetchone()
            if old:
                con.execute("DELETE FROM flows WHERE dataset_id = ?", [old[0]])
                con.execute("DELETE FROM datasets WHERE dataset_id = ?", [old[0]])
        dataset_id = con.execute("SELECT coalesce(max(dataset_id), 0) + 1 FROM datasets").fetchone()[0]
        con.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [dataset_id, name, mapping.source, str(path.resolve()), digest, mapping.loader, extracted_on, extracted_note,
             datetime.now(), rows, suppressed, duplicates_dropped, currency, editions, "; ".join(mapping.notes) or None])
        con.execute(f"INSERT INTO flows SELECT {dataset_id} AS dataset_id, * EXCLUDE (_line) FROM _tidy")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        _drop_temp(con)
    return LoadReport(
        name=name, file=str(path), loader=mapping.loader, dataset_id=dataset_id, rows=rows, suppressed_cells=suppressed,
        confidential_product_rows=confidential, duplicates_dropped=duplicates_dropped,
        conflicting_duplicates=conflicting, rows_summed=rows_summed,
        rows_out_of_scope=total_rows - in_scope, skipped_unknown=skipped, skipped_rows=skipped_rows, currency=currency,
        hs_editions=editions.split(",") if editions else [], levels=levels, periods=periods,
        extracted_on=extracted_on.isoformat(), notes=mapping.notes)


def _tidy_select(mapping: Mapping, exprs: dict[str, str]) -> str:
    """SQL turning ``_raw`` into rows of the tidy model, joined to the parsed code maps."""
    scale = f" * {mapping.value_scale!r}" if mapping.value_scale != 1 else ""
    value_col = mapping.columns.get("value")
    value = _number_sql(f"r.{_q(value_col)}") + scale if value_col else "NULL"
    suppressed = f"({value}) IS NULL"
    if "flag" in mapping.columns:
        flags = ", ".join(_lit(f) for f in CONFIDENTIAL_FLAGS)
        flag = f"lower(trim(coalesce(r.{_q(mapping.columns['flag'])}, ''))) IN ({flags})"
        value = f"CASE WHEN {flag} THEN NULL ELSE {value} END"
        suppressed = f"({suppressed} OR {flag})"

    def optional_number(fld):
        col = mapping.columns.get(fld)
        return _number_sql(f"r.{_q(col)}") if col else "NULL::DOUBLE"

    def optional_text(fld):
        if fld in mapping.columns:
            return f"nullif(trim(r.{_q(mapping.columns[fld])}), '')"
        return _lit(mapping.constants[fld]) if fld in mapping.constants else "NULL::VARCHAR"

    # Edition: a column or constant (translated by edition_codes); for CN the edition is the year's CN.
    edition_raw = optional_text("hs_edition")
    cases = " ".join(f"WHEN {edition_raw} = {_lit(k)} THEN {_lit(v)}" for k, v in mapping.edition_codes.items())
    edition = f"CASE {cases} ELSE upper({edition_raw}) END" if cases else f"upper({edition_raw})"
    if mapping.classification == "CN" and "hs_edition" not in mapping.columns and "hs_edition" not in mapping.constants:
        edition = "'CN' || year(per.period::DATE)::VARCHAR"
    unit = optional_text("quantity_unit")

    def join(fld):
        return f"JOIN _map_{fld} m_{fld} ON {exprs[fld]} = m_{fld}.raw"

    return f"""
        SELECT r._line,
               m_reporter.code AS reporter, m_partner.code AS partner, m_flow.flow AS flow,
               m_product_code.code AS product_code,
               CASE WHEN m_product_code.level = 'TOTAL' THEN 'TOTAL' ELSE {_lit(mapping.classification)} END AS classification,
               m_product_code.level AS product_level,
               CASE WHEN m_product_code.level = 'TOTAL' THEN NULL ELSE {edition} END AS hs_edition,
               per.freq AS freq, per.period::DATE AS period,
               {value} AS value, m_currency.currency AS currency,
               {optional_number('quantity')} AS quantity, {unit} AS quantity_unit,
               {optional_number('net_mass_kg')} AS net_mass_kg,
               {suppressed} AS suppressed
        FROM _raw r
        {join('reporter')} {join('partner')} {join('flow')} {join('product_code')} {join('currency')}
        JOIN _map_period per ON {exprs['period']} = per.raw
    """


def _check_currency(con, path: Path, mapping: Mapping) -> None:
    currencies = con.execute("SELECT currency, min(_line) FROM _tidy GROUP BY 1 ORDER BY 2").fetchall()
    if len(currencies) > 1:
        listed = ", ".join(f"{c} (first at line {line})" for c, line in currencies)
        raise TradeInputError(path, f"mixed currencies: {listed}; load one currency per file (convert first, "
                              "or split the file) so that values are never summed across currencies",
                              column=mapping.columns.get("currency"))


def _resolve_duplicates(con, path: Path, policy: str) -> tuple[int, int, int]:
    """Apply the duplicates policy to ``_tidy``. Returns (rows dropped, conflicting keys kept first, rows summed)."""
    key = ", ".join(FLOW_KEY)
    # A cheap test first: most files have no duplicates, and the detailed count is the expensive part.
    if not con.execute(f"SELECT EXISTS (SELECT 1 FROM _tidy GROUP BY {key} HAVING count(*) > 1)").fetchone()[0]:
        return 0, 0, 0
    dupes = con.execute(
        f"SELECT count(*), coalesce(sum(n - 1), 0), count(*) FILTER (WHERE distinct_values > 1), "
        f"min(first_line) FILTER (WHERE distinct_values > 1), min(last_line) FILTER (WHERE distinct_values > 1) "
        f"FROM (SELECT {key}, count(*) AS n, count(DISTINCT coalesce(value, -1)) AS distinct_values, "
        f"min(_line) AS first_line, max(_line) AS last_line FROM _tidy GROUP BY {key} HAVING count(*) > 1)").fetchone()
    groups, extra_rows, conflicting, first, last = dupes
    if groups == 0:
        return 0, 0, 0
    if policy == "sum":
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _tidy AS
            SELECT min(_line) AS _line, {key}, any_value(classification) AS classification,
                   any_value(product_level) AS product_level, any_value(hs_edition) AS hs_edition,
                   sum(value) AS value, any_value(currency) AS currency, sum(quantity) AS quantity,
                   any_value(quantity_unit) AS quantity_unit, sum(net_mass_kg) AS net_mass_kg,
                   bool_and(suppressed) AS suppressed
            FROM _tidy GROUP BY {key}""")
        con.execute("CREATE OR REPLACE TEMP TABLE _tidy AS SELECT _line, reporter, partner, flow, product_code, "
                    "classification, product_level, hs_edition, freq, period, value, currency, quantity, "
                    "quantity_unit, net_mass_kg, suppressed FROM _tidy")
        return 0, 0, int(extra_rows)
    if conflicting and policy == "refuse":
        raise TradeInputError(
            path, f"{conflicting} conflicting duplicate(s): lines {first} and {last} give different values for the "
            "same reporter, partner, flow, product and period; fix the file, or pass --duplicates first to keep "
            "the first row of each", line=first)
    con.execute("CREATE OR REPLACE TEMP TABLE _tidy AS SELECT * FROM _tidy "
                f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _line) = 1")
    return int(extra_rows), int(conflicting), 0


def _check_overlap(con, path: Path, replacing: str | None) -> None:
    """Refuse rows that another dataset already holds: summing both would count the trade twice."""
    key = " AND ".join(f"f.{k} = t.{k}" for k in FLOW_KEY)
    overlap = con.execute(f"""
        SELECT d.name, count(*) FROM _tidy t JOIN flows f ON {key} JOIN datasets d USING (dataset_id)
        WHERE d.name IS DISTINCT FROM ? GROUP BY d.name ORDER BY 2 DESC""", [replacing]).fetchall()
    if overlap:
        listed = ", ".join(f"{n} rows with dataset {name!r}" for name, n in overlap)
        raise TradeInputError(path, f"the file overlaps data already loaded ({listed}); drop that dataset first "
                              "('kordon trade drop NAME') or load into another database (--db)")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _drop_temp(con) -> None:
    for (table,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND (table_name LIKE '\\_map\\_%' ESCAPE '\\' "
            "OR table_name IN ('_raw', '_tidy'))").fetchall():
        con.execute(f"DROP TABLE IF EXISTS {table}")
