"""Goods reference data: Common High Priority (CHP) tiers, EU Reg. 833/2014 sanctioned goods lists, HS nomenclature.

kordon cannot ship these files (licences), so the user loads them: ``kordon trade goods load chp FILE``.
Each load replaces the previous content of the same list atomically and checks every code.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from kordon.trade.codes import normalise_product_code
from kordon.trade.errors import TradeInputError
from kordon.trade.refdata import hs2022_predecessors

GOODS_DDL = [
    """CREATE TABLE IF NOT EXISTS goods_chp (
        hs6 VARCHAR NOT NULL, tier VARCHAR NOT NULL, description VARCHAR,
        via_correlation BOOLEAN NOT NULL,  -- an HS2017 predecessor of a HS2022 CHP code
        source_file VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS goods_sanctioned (
        list_name VARCHAR NOT NULL, code VARCHAR NOT NULL, product_level VARCHAR NOT NULL,
        annex VARCHAR, description VARCHAR, source_file VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS hs_nomenclature (
        edition VARCHAR NOT NULL, code VARCHAR NOT NULL, level INTEGER NOT NULL, parent VARCHAR,
        section VARCHAR, description VARCHAR, source_file VARCHAR NOT NULL)""",
]

KINDS = ("chp", "eu833", "hs")


def _read_rows(path: Path, wanted: dict[str, tuple[str, ...]], optional: dict[str, tuple[str, ...]]):
    """Rows of a small CSV as dicts keyed by our field names; header aliases in ``wanted``/``optional``."""
    if not path.exists():
        raise TradeInputError(path, "file not found")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise TradeInputError(path, "empty file")
        lower = [h.strip().lower() for h in header]
        positions = {}
        for field, aliases in {**wanted, **optional}.items():
            found = next((lower.index(a) for a in aliases if a in lower), None)
            if found is None and field in wanted:
                raise TradeInputError(
                    path, f"missing column for {field} (one of {', '.join(aliases)}); header is {', '.join(header)}"
                )
            positions[field] = found
        rows = []
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            rows.append((line, {f: (cells[p].strip() if p is not None and p < len(cells) else None) for f, p in positions.items()}))
    if not rows:
        raise TradeInputError(path, "no data rows")
    return rows


def _code(path: Path, line: int, raw: str, levels: tuple[str, ...]) -> tuple[str, str]:
    try:
        product = normalise_product_code(raw)
    except ValueError as exc:
        raise TradeInputError(path, str(exc), line=line) from None
    if product.level not in levels:
        raise TradeInputError(path, f"code {raw!r} is {product.level}, expected {' or '.join(levels)}", line=line)
    return product.code, product.level


def load_goods(con: duckdb.DuckDBPyConnection, kind: str, path: Path, *, list_name: str | None = None,
               annex: str | None = None, edition: str | None = None) -> dict:
    """Load one goods list; returns a summary dict (kind, rows, ...). ``kind`` is chp, eu833 or hs."""
    path = Path(path)
    if kind == "chp":
        rows = _read_rows(path, {"code": ("hs6", "hs_code", "hscode", "code"), "tier": ("tier",)},
                          {"description": ("description", "product")})
        records = []
        predecessors = hs2022_predecessors()
        for line, row in rows:
            code, _ = _code(path, line, row["code"], ("HS6",))
            records.append((code, row["tier"], row["description"], False, str(path)))
            records += [(old, row["tier"], row["description"], True, str(path)) for old in predecessors.get(code, [])]
        return _replace(con, "goods_chp", "TRUE", [], records, kind, path)
    if kind == "eu833":
        name = list_name or path.stem
        rows = _read_rows(path, {"code": ("cn8", "code", "cn_code", "product_code")},
                          {"description": ("product", "description", "label"), "annex": ("annex",)})
        records = []
        for line, row in rows:
            code, level = _code(path, line, row["code"], ("HS2", "HS4", "HS6", "CN8"))
            records.append((name, code, level, row["annex"] or annex, row["description"], str(path)))
        return _replace(con, "goods_sanctioned", "list_name = ?", [name], records, kind, path, list_name=name)
    if kind == "hs":
        edition = (edition or _edition_from_name(path)).upper()
        rows = _read_rows(path, {"code": ("hscode", "code", "hs_code"), "level": ("level",)},
                          {"description": ("description",), "parent": ("parent",), "section": ("section",)})
        records = []
        for line, row in rows:
            if row["code"].upper() == "TOTAL":  # the root of the tree, not a code
                continue
            code, _ = _code(path, line, row["code"], ("HS2", "HS4", "HS6"))
            records.append((edition, code, len(code), row["parent"], row["section"], row["description"], str(path)))
        return _replace(con, "hs_nomenclature", "edition = ?", [edition], records, kind, path, edition=edition)
    raise TradeInputError(path, f"unknown goods list kind {kind!r} (use one of {', '.join(KINDS)})")


def _edition_from_name(path: Path) -> str:
    for token in path.stem.lower().replace("-", "_").split("_"):
        if token.startswith("hs") and token[2:].isdigit():
            return token
    raise TradeInputError(path, "cannot tell the HS edition from the file name; pass --edition HS2022")


def _replace(con, table, where, params, records, kind, path, **extra) -> dict:
    con.execute("BEGIN")
    try:
        con.execute(f"DELETE FROM {table} WHERE {where}", params)
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(records[0]))})", records)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {"kind": kind, "file": str(path), "rows": len(records), **extra}


def goods_summary(con: duckdb.DuckDBPyConnection) -> dict:
    """What goods reference data is loaded (used to explain filters in reports)."""
    return {
        "chp_codes": con.execute("SELECT count(*) FROM goods_chp WHERE NOT via_correlation").fetchone()[0],
        "sanctioned_lists": dict(con.execute("SELECT list_name, count(*) FROM goods_sanctioned GROUP BY 1").fetchall()),
        "hs_editions": dict(con.execute("SELECT edition, count(*) FROM hs_nomenclature GROUP BY 1").fetchall()),
    }
